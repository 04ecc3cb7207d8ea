//! The admin's audit screen: the trail page by page, the chain verified on demand in the
//! background (never on a request thread), and the latest signed checkpoint to download.

use rocket::form::{Form, FromForm};
use rocket::http::{ContentType, Header, Status};
use rocket::response::Redirect;
use rocket::{get, post, routes, Responder, Route, State};
use rocket_dyn_templates::{context, Template};

use super::auth::Page;
use super::csrf::CsrfToken;
use super::error::PageError;
use super::policy::AdminOnly;
use super::App;
use crate::ops::audit_job::VerifyJob;
use crate::ops::{self};

pub fn routes() -> Vec<Route> {
    routes![audit_page, audit_verify, audit_checkpoint]
}

/// The trail, newest first, [`ops::audit::PAGE_SIZE`] records a page; the state of the last
/// verification; the latest checkpoint.
#[get("/audit?<page>")]
pub fn audit_page(
    user: Page<AdminOnly>,
    page: Option<i64>,
    csrf: CsrfToken,
    app: &State<App>,
    job: &State<VerifyJob>,
) -> Result<Template, PageError> {
    let trail = ops::audit::page(&app.db, page.unwrap_or(1))?;
    let checkpoint = ops::audit::latest_checkpoint(&app.db)?.map(|c| {
        context! {
            seq: c.seq,
            head: c.head,
            at: crate::storage::ts(c.at),
        }
    });
    Ok(Template::render(
        "audit",
        context! {
            title: "Bitácora",
            user: &user.user,
            csrf: csrf.0,
            verification: job.status(),
            checkpoint,
            newer: (trail.page > 1).then(|| trail.page - 1),
            older: (trail.page < trail.pages).then(|| trail.page + 1),
            trail,
        },
    ))
}

#[derive(FromForm)]
pub struct VerifyForm {
    csrf: String,
}

/// Starts verifying the whole chain in the background and goes back to the screen.
#[post("/audit/verify", data = "<form>")]
pub fn audit_verify(
    _user: Page<AdminOnly>,
    form: Form<VerifyForm>,
    csrf: CsrfToken,
    app: &State<App>,
    job: &State<VerifyJob>,
) -> Result<Redirect, PageError> {
    csrf.check(&form.csrf)?;
    job.start(app.db.clone(), app.clock.clone());
    Ok(Redirect::to(rocket::uri!(audit_page(
        page = Option::<i64>::None
    ))))
}

#[derive(Responder)]
pub struct CheckpointFile {
    body: String,
    kind: ContentType,
    disposition: Header<'static>,
}

/// The latest signed checkpoint, as `audit checkpoint` printed it.
#[get("/audit/checkpoint")]
pub fn audit_checkpoint(
    _user: Page<AdminOnly>,
    app: &State<App>,
) -> Result<CheckpointFile, PageError> {
    let Some(c) = ops::audit::latest_checkpoint(&app.db)? else {
        return Err(PageError::new(
            Status::NotFound,
            "Aún no se ha emitido ningún punto de control (pep-tracker audit checkpoint).",
        ));
    };
    Ok(CheckpointFile {
        body: c.to_text(),
        kind: ContentType::new("application", "toml"),
        disposition: Header::new(
            "Content-Disposition",
            format!("attachment; filename=\"punto-de-control-{}.toml\"", c.seq),
        ),
    })
}
