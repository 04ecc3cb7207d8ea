//! Notices to electors on the web: the public opt-out page of an e-mail's signed link
//! (`GET /baja/<token>` asks, `POST /baja/<token>` records: the one-click POST of RFC 8058
//! lands there too), the SMS provider's inbound webhook (`POST /hooks/sms`, an answer "BAJA"
//! opts out; authenticated by the provider account's basic credentials), and the outbox viewer
//! (`GET /avisos`) that shows every notice as it would be or was sent, on the app's clock; and
//! the PEP page's button that puts its `unconfirmed` notices back in the queue
//! (`POST /peps/<pep_id>/avisos/reenviar`, shipping and administration, audited).

use base64::Engine;
use rocket::form::{Form, FromForm};
use rocket::http::Status;
use rocket::request::{FromRequest, Outcome, Request};
use rocket::response::Redirect;
use rocket::{get, post, routes, Route, State};
use rocket_dyn_templates::{context, Template};

use super::auth::Page;
use super::csrf::CsrfToken;
use super::error::PageError;
use super::policy::Shipping;
use super::App;
use crate::channels::config::NoticeConfig;
use crate::domain::pep::{BadPepId, PepId};
use crate::domain::personal::{Casework, PersonalData};
use crate::ops::notices::optout::{self, OptOut};
use crate::ops::notices::resend::{self, Resend};
use crate::ops::notices::{view, NoticeOpsError};

pub fn routes() -> Vec<Route> {
    routes![
        optout_page,
        optout_post,
        sms_hook,
        viewer,
        resend_unconfirmed
    ]
}

fn page_error(e: NoticeOpsError) -> PageError {
    match e {
        NoticeOpsError::BadToken => PageError::new(Status::NotFound, "Enlace de baja inválido."),
        e => PageError::new(Status::InternalServerError, e.to_string()),
    }
}

fn key(app: &App) -> Result<[u8; 32], PageError> {
    let secrets = app.db.secrets().map_err(|e| page_error(e.into()))?;
    Ok(crate::ops::notices::optout_key(secrets))
}

#[get("/baja/<token>")]
pub fn optout_page(token: &str, app: &State<App>) -> Result<Template, PageError> {
    let pep = optout::check_token(&key(app)?, token).map_err(page_error)?;
    Ok(Template::render(
        "optout",
        context! { title: "Dejar de recibir avisos", token, pep_id: pep.to_string(), done: false },
    ))
}

/// The one-click POST carries no session and no CSRF token: the signed token is the proof.
#[post("/baja/<token>")]
pub fn optout_post(token: &str, app: &State<App>) -> Result<Template, PageError> {
    let now = app.clock.now();
    let done = optout::by_link(&app.db, &key(app)?, token, now).map_err(page_error)?;
    let pep = match done {
        OptOut::Done(p) | OptOut::Already(p) => p,
    };
    Ok(Template::render(
        "optout",
        context! { title: "Avisos cancelados", token, pep_id: pep.to_string(), done: true },
    ))
}

/// The SMS provider's basic credentials (the webhook URL is configured with them).
pub struct ProviderAuth;

#[rocket::async_trait]
impl<'r> FromRequest<'r> for ProviderAuth {
    type Error = ();
    async fn from_request(req: &'r Request<'_>) -> Outcome<Self, ()> {
        let Ok(cfg) = NoticeConfig::from_env() else {
            return Outcome::Error((Status::ServiceUnavailable, ()));
        };
        let Some(sms) = cfg.sms else {
            return Outcome::Error((Status::NotFound, ()));
        };
        let expected = base64::engine::general_purpose::STANDARD
            .encode(format!("{}:{}", sms.account, sms.token));
        let given = req
            .headers()
            .get_one("Authorization")
            .and_then(|h| h.strip_prefix("Basic "))
            .unwrap_or("");
        // Compared as digests: the time taken says nothing about the token.
        use sha2::Digest;
        if sha2::Sha256::digest(given.as_bytes()) == sha2::Sha256::digest(expected.as_bytes()) {
            Outcome::Success(ProviderAuth)
        } else {
            Outcome::Error((Status::Unauthorized, ()))
        }
    }
}

#[derive(FromForm)]
pub struct InboundSms {
    #[field(name = "From", validate = len(..=40))]
    from: String,
    #[field(name = "Body", validate = len(..=1600))]
    body: String,
}

#[post("/hooks/sms", data = "<msg>")]
pub fn sms_hook(
    _auth: ProviderAuth,
    msg: Form<InboundSms>,
    app: &State<App>,
) -> Result<Status, PageError> {
    optout::by_sms(&app.db, &msg.from, &msg.body, app.clock.now()).map_err(page_error)?;
    Ok(Status::NoContent)
}

#[get("/avisos")]
pub fn viewer(p: Page<Shipping>, csrf: CsrfToken, app: &State<App>) -> Result<Template, PageError> {
    let leave: Option<PersonalData<Casework>> = p.leave();
    let public_url = NoticeConfig::from_env()
        .map(|c| c.public_url)
        .unwrap_or_else(|_| NoticeConfig::default().public_url);
    let notices =
        view::latest_worded(&app.db, &public_url, 200, leave.is_some()).map_err(page_error)?;
    let counts = view::counts(&app.db, p.scope()).map_err(page_error)?;
    Ok(Template::render(
        "notices",
        context! {
            title: "Avisos a electores",
            user: &p.user,
            csrf: csrf.0,
            now: app.clock.now().to_rfc3339(),
            simulated: app.clock.simulated_speed().is_some(),
            counts,
            notices,
        },
    ))
}

#[derive(FromForm)]
pub struct ResendForm {
    csrf: String,
}

/// Staff decide to send again the PEP's `unconfirmed` notices (the page warns that each may
/// already have reached the elector); back to the PEP's page, where they show as pending.
#[post("/peps/<pep_id>/avisos/reenviar", data = "<form>")]
pub fn resend_unconfirmed(
    p: Page<Shipping>,
    csrf: CsrfToken,
    pep_id: Result<PepId, BadPepId>,
    form: Form<ResendForm>,
    app: &State<App>,
) -> Result<Redirect, PageError> {
    csrf.check(&form.csrf)?;
    let id = pep_id.map_err(|e| PageError::new(Status::NotFound, e.to_string()))?;
    let now = app.clock.now();
    match resend::unconfirmed(&app.db, Some(&id), p.scope(), &p.user.actor(), now)
        .map_err(page_error)?
    {
        Resend::NoSuchPep => Err(PageError::new(Status::NotFound, "No existe ese PEP.")),
        Resend::Queued(_) => Ok(Redirect::to(format!("/peps/{id}"))),
    }
}
