//! The receipt cutoff setting (`/settings/cutoff`): administration changes it with a reason,
//! audited, and sees its history.

use rocket::form::{Form, FromForm};
use rocket::http::Status;
use rocket::{get, post, routes, Route, State};
use rocket_dyn_templates::{context, Template};

use super::auth::Page;
use super::csrf::CsrfToken;
use super::error::{refusal, PageError};
use super::policy::AdminOnly;
use super::App;
use crate::ops;

pub fn routes() -> Vec<Route> {
    routes![cutoff_page, cutoff_post]
}

#[get("/settings/cutoff")]
pub fn cutoff_page(
    page: Page<AdminOnly>,
    csrf: CsrfToken,
    app: &State<App>,
) -> Result<Template, PageError> {
    cutoff_view(app, &page, &csrf.0, None)
}

fn cutoff_view(
    app: &App,
    page: &Page<AdminOnly>,
    csrf: &str,
    error: Option<String>,
) -> Result<Template, PageError> {
    let e = ops::election::current(&app.db)?;
    let history = ops::election_cutoff::cutoff_history(&app.db)?;
    Ok(Template::render(
        "cutoff",
        context! {
            title: "Corte de recepción",
            user: &page.user,
            csrf,
            error,
            cutoff_local: e.local(e.receipt_cutoff),
            cutoff_value: e.cutoff_local_notation(),
            timezone: e.timezone.name(),
            history,
        },
    ))
}

#[derive(FromForm)]
pub struct CutoffForm {
    csrf: String,
    #[field(validate = len(..=40))]
    cutoff: String,
    #[field(validate = len(..=600))]
    reason: String,
}

#[post("/settings/cutoff", data = "<form>")]
pub fn cutoff_post(
    page: Page<AdminOnly>,
    csrf: CsrfToken,
    form: Form<CutoffForm>,
    app: &State<App>,
) -> Result<(Status, Template), PageError> {
    csrf.check(&form.csrf)?;
    match ops::election_cutoff::change_cutoff(
        &app.db,
        &form.cutoff,
        &form.reason,
        &page.user.actor(),
        app.clock.now(),
    ) {
        Ok(_) => Ok((Status::Ok, cutoff_view(app, &page, &csrf.0, None)?)),
        Err(e) => match refusal(&e, false) {
            Some(msg) => Ok((
                Status::UnprocessableEntity,
                cutoff_view(app, &page, &csrf.0, Some(msg))?,
            )),
            None => Err(e.into()),
        },
    }
}
