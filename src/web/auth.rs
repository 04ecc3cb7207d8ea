//! Request guards: a signed-in staff member on pages (session cookie) or on the API (bearer
//! token), admitted only when their role is in the route's policy. The same lookup yields the
//! account's entity scope ([`Page::scope`], [`Api::scope`]): role and scope are read in this one
//! place per request, and handlers pass the scope down to every query they make.

use std::marker::PhantomData;

use chrono::Utc;
use rocket::http::{Cookie, CookieJar, SameSite, Status};
use rocket::request::{FromRequest, Outcome, Request};

use super::policy::Policy;
use super::App;
use crate::domain::personal::{PersonalData, Purpose};
use crate::domain::scope::Scope;
use crate::ops::users::{self, Principal};

pub const SESSION_COOKIE: &str = "pep_session";

/// Why a guard refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Denied {
    /// Nobody is signed in (or the credential is unknown, expired or revoked).
    Unauthenticated,
    /// Signed in, but the role is not admitted here.
    Forbidden,
    /// The database did not answer.
    Unavailable,
}

fn decide<P: Policy>(
    found: Result<Option<Principal>, crate::ops::OpsError>,
) -> Outcome<Principal, Denied> {
    match found {
        Ok(Some(p)) if P::ROLES.contains(&p.role) => Outcome::Success(p),
        Ok(Some(_)) => Outcome::Error((Status::Forbidden, Denied::Forbidden)),
        Ok(None) => Outcome::Error((Status::Unauthorized, Denied::Unauthenticated)),
        Err(_) => Outcome::Error((Status::ServiceUnavailable, Denied::Unavailable)),
    }
}

/// A staff member on a page, signed in with the session cookie.
pub struct Page<P: Policy> {
    pub user: Principal,
    _policy: PhantomData<P>,
}

impl<P: Policy> Page<P> {
    /// Leave to see personal data for purpose `U`, when this person's role has it.
    pub fn leave<U: Purpose>(&self) -> Option<PersonalData<U>> {
        PersonalData::of(self.user.role)
    }

    /// The entities this person may see; every query of the request runs inside it.
    pub fn scope(&self) -> &Scope {
        &self.user.scope
    }
}

#[rocket::async_trait]
impl<'r, P: Policy> FromRequest<'r> for Page<P> {
    type Error = Denied;

    async fn from_request(req: &'r Request<'_>) -> Outcome<Self, Denied> {
        let app = req.rocket().state::<App>().expect("App is managed");
        let Some(cookie) = req.cookies().get_private(SESSION_COOKIE) else {
            return Outcome::Error((Status::Unauthorized, Denied::Unauthenticated));
        };
        // Deliberately the wall clock, not app.clock: a session's expiry measures a person's
        // time at the screen; on a demo's simulated clock (×3600) it would end in seconds.
        let found = users::session(&app.db, cookie.value(), Utc::now());
        decide::<P>(found).map(|mut user| {
            user.request_id = Some(super::observe::request_id(req));
            Page {
                user,
                _policy: PhantomData,
            }
        })
    }
}

/// An API client, authenticated with `Authorization: Bearer TOKEN`.
pub struct Api<P: Policy> {
    pub client: Principal,
    _policy: PhantomData<P>,
}

impl<P: Policy> Api<P> {
    /// Leave to see personal data for purpose `U`, when the token's role has it.
    pub fn leave<U: Purpose>(&self) -> Option<PersonalData<U>> {
        PersonalData::of(self.client.role)
    }

    /// The entities this token may see; every query of the request runs inside it.
    pub fn scope(&self) -> &Scope {
        &self.client.scope
    }
}

#[rocket::async_trait]
impl<'r, P: Policy> FromRequest<'r> for Api<P> {
    type Error = Denied;

    async fn from_request(req: &'r Request<'_>) -> Outcome<Self, Denied> {
        let app = req.rocket().state::<App>().expect("App is managed");
        let token = req
            .headers()
            .get_one("Authorization")
            .and_then(|h| h.strip_prefix("Bearer "))
            .map(str::trim);
        let Some(token) = token else {
            return Outcome::Error((Status::Unauthorized, Denied::Unauthenticated));
        };
        decide::<P>(users::authenticate_token(&app.db, token)).map(|mut client| {
            client.request_id = Some(super::observe::request_id(req));
            Api {
                client,
                _policy: PhantomData,
            }
        })
    }
}

/// Sets the session cookie: private (encrypted), HttpOnly, SameSite=Strict.
pub fn set_session(jar: &CookieJar<'_>, secret: String, secure: bool) {
    let cookie = Cookie::build((SESSION_COOKIE, secret))
        .http_only(true)
        .same_site(SameSite::Strict)
        .secure(secure)
        .path("/")
        .max_age(rocket::time::Duration::hours(users::SESSION_HOURS));
    jar.add_private(cookie);
}

pub fn clear_session(jar: &CookieJar<'_>) {
    jar.remove_private(Cookie::build(SESSION_COOKIE).path("/"));
}
