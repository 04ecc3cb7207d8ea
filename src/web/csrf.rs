//! CSRF protection for every form: a per-browser secret in a private SameSite=Strict cookie,
//! echoed in a hidden `csrf` field and compared in constant time on every POST.

use base64::Engine;
use rand::RngCore;
use rocket::http::{Cookie, SameSite, Status};
use rocket::request::{FromRequest, Outcome, Request};

use super::error::PageError;

pub const CSRF_COOKIE: &str = "pep_csrf";

/// The browser's CSRF token (created on first use).
pub struct CsrfToken(pub String);

#[rocket::async_trait]
impl<'r> FromRequest<'r> for CsrfToken {
    type Error = ();

    async fn from_request(req: &'r Request<'_>) -> Outcome<Self, ()> {
        let jar = req.cookies();
        let secure = req
            .rocket()
            .state::<super::App>()
            .is_some_and(|a| a.secure_cookies);
        if let Some(c) = jar.get_private(CSRF_COOKIE) {
            return Outcome::Success(CsrfToken(c.value().to_string()));
        }
        let mut bytes = [0u8; 24];
        rand::rng().fill_bytes(&mut bytes);
        let token = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes);
        jar.add_private(
            Cookie::build((CSRF_COOKIE, token.clone()))
                .http_only(true)
                .same_site(SameSite::Strict)
                .secure(secure)
                .path("/"),
        );
        Outcome::Success(CsrfToken(token))
    }
}

impl CsrfToken {
    /// Refuses a form whose `csrf` field does not match this browser's token.
    pub fn check(&self, submitted: &str) -> Result<(), PageError> {
        let a = self.0.as_bytes();
        let b = submitted.as_bytes();
        let same =
            a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0;
        if same {
            Ok(())
        } else {
            Err(PageError::new(
                Status::Forbidden,
                "El formulario caducó o no proviene de esta aplicación (CSRF). Recargue la página e intente de nuevo.",
            ))
        }
    }
}
