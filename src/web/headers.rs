//! Security headers on every response (a Rocket fairing): a Content-Security-Policy that
//! admits only this site's own scripts and styles (no inline script, no inline style, no
//! framing), `X-Content-Type-Options: nosniff`, `X-Frame-Options: DENY` for old browsers and a
//! `Referrer-Policy` that never sends a path (which may name a PEP) to another site.

use rocket::fairing::{Fairing, Info, Kind};
use rocket::http::Header;
use rocket::{Request, Response};

/// The policy: scripts and styles from `/static` only; forms post back here only.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self'; \
     style-src 'self'; img-src 'self' data:; connect-src 'self'; object-src 'none'; \
     base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/// The headers, in the order they are set.
pub const HEADERS: [(&str, &str); 4] = [
    ("Content-Security-Policy", CONTENT_SECURITY_POLICY),
    ("X-Content-Type-Options", "nosniff"),
    ("X-Frame-Options", "DENY"),
    ("Referrer-Policy", "same-origin"),
];

/// Adds [`HEADERS`] to every response, pages, API, static files and errors alike.
pub struct SecurityHeaders;

#[rocket::async_trait]
impl Fairing for SecurityHeaders {
    fn info(&self) -> Info {
        Info {
            name: "security headers",
            kind: Kind::Response,
        }
    }

    async fn on_response<'r>(&self, _req: &'r Request<'_>, res: &mut Response<'r>) {
        for (name, value) in HEADERS {
            res.set_header(Header::new(name, value));
        }
    }
}
