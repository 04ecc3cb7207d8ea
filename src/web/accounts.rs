//! The administration's accounts screen (`GET /users`): every user and live token with its role
//! and entity scope, and a form to change a viewer user's scope (`POST /users/<name>/scope`,
//! audited by `ops::users::set_user_scope`, which also ends that user's sessions). A token's
//! scope is fixed when it is created.

use rocket::form::{Form, FromForm};
use rocket::http::Status;
use rocket::{get, post, routes, Route, State};
use rocket_dyn_templates::{context, Template};

use super::auth::Page;
use super::csrf::CsrfToken;
use super::error::{refusal, PageError};
use super::policy::AdminOnly;
use super::App;
use crate::domain::scope::Scope;
use crate::ops::errors::AccountError;
use crate::ops::{users, OpsError};

pub fn routes() -> Vec<Route> {
    routes![users_page, scope_post]
}

fn view(
    app: &App,
    page: &Page<AdminOnly>,
    csrf: &str,
    message: Option<String>,
    error: Option<String>,
) -> Result<Template, PageError> {
    let accounts = users::accounts(&app.db)?;
    Ok(Template::render(
        "users",
        context! { title: "Usuarios", user: &page.user, csrf, accounts, message, error },
    ))
}

#[get("/users")]
pub fn users_page(
    page: Page<AdminOnly>,
    csrf: CsrfToken,
    app: &State<App>,
) -> Result<Template, PageError> {
    view(app, &page, &csrf.0, None, None)
}

#[derive(FromForm)]
pub struct ScopeForm {
    csrf: String,
    /// Comma-separated INEGI codes; empty for national.
    #[field(validate = len(..=200))]
    entities: String,
}

#[post("/users/<name>/scope", data = "<form>")]
pub fn scope_post(
    page: Page<AdminOnly>,
    csrf: CsrfToken,
    name: &str,
    form: Form<ScopeForm>,
    app: &State<App>,
) -> Result<(Status, Template), PageError> {
    csrf.check(&form.csrf)?;
    let scope = match form.entities.trim() {
        "" => Ok(Scope::National),
        list => Scope::parse_list(list).map_err(|e| OpsError::from(AccountError::from(e))),
    };
    let done = scope.and_then(|s| {
        users::set_user_scope(&app.db, name, &s, &page.user.actor(), app.clock.now())?;
        Ok(s)
    });
    match done {
        Ok(s) => {
            let shown = s.to_list().unwrap_or_else(|| "nacional".into());
            let message = format!("Alcance de {name} actualizado: {shown}.");
            Ok((Status::Ok, view(app, &page, &csrf.0, Some(message), None)?))
        }
        Err(e) => match refusal(&e, false) {
            Some(msg) => Ok((
                Status::UnprocessableEntity,
                view(app, &page, &csrf.0, None, Some(msg))?,
            )),
            None => Err(e.into()),
        },
    }
}
