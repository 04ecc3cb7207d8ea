//! The language of the public lookup (the one page that speaks English too): a `?lang=es|en`
//! choice, remembered in a cookie for that page; else the cookie; else the browser's
//! `Accept-Language`; else Spanish. Every other page stays Spanish.

use rocket::http::{Cookie, SameSite};
use rocket::request::{FromRequest, Outcome, Request};

use crate::domain::lookup::Lang;

/// The cookie that remembers a choice made with the page's switch.
pub const LANG_COOKIE: &str = "pep_lang";
/// The cookie belongs to the public page only.
const COOKIE_PATH: &str = "/consulta";

/// The language a public lookup request is answered in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PublicLang(pub Lang);

#[rocket::async_trait]
impl<'r> FromRequest<'r> for PublicLang {
    type Error = std::convert::Infallible;

    async fn from_request(req: &'r Request<'_>) -> Outcome<Self, Self::Error> {
        let chosen = req
            .query_value::<&str>("lang")
            .and_then(|v| v.ok())
            .and_then(Lang::parse);
        if let Some(lang) = chosen {
            let secure = req
                .rocket()
                .state::<super::App>()
                .is_some_and(|a| a.secure_cookies);
            req.cookies().add(
                Cookie::build((LANG_COOKIE, lang.as_str()))
                    .path(COOKIE_PATH)
                    .same_site(SameSite::Lax)
                    .http_only(true)
                    .secure(secure)
                    .max_age(rocket::time::Duration::days(365)),
            );
            return Outcome::Success(PublicLang(lang));
        }
        let remembered = req
            .cookies()
            .get(LANG_COOKIE)
            .and_then(|c| Lang::parse(c.value()));
        let lang = remembered.unwrap_or_else(|| {
            req.headers()
                .get_one("Accept-Language")
                .map_or(Lang::Es, Lang::from_accept_language)
        });
        Outcome::Success(PublicLang(lang))
    }
}
