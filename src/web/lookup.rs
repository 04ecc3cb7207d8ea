//! The public voter lookup page (no login): elector key + envelope code → progress.

use rocket::form::{Form, FromForm};
use rocket::http::Status;
use rocket::{get, post, routes, Route, State};
use rocket_dyn_templates::{context, Template};

use super::csrf::CsrfToken;
use super::error::PageError;
use super::App;
use crate::ops;

pub fn routes() -> Vec<Route> {
    routes![lookup_page, lookup_post]
}

#[get("/consulta")]
pub fn lookup_page(csrf: CsrfToken) -> Template {
    Template::render(
        "lookup",
        context! { title: "Consulte su paquete", csrf: csrf.0, answer: Option::<()>::None },
    )
}

#[derive(FromForm)]
pub struct LookupForm {
    csrf: String,
    #[field(validate = len(..=40))]
    elector_key: String,
    #[field(validate = len(..=60))]
    code: String,
}

#[post("/consulta", data = "<form>")]
pub fn lookup_post(
    csrf: CsrfToken,
    form: Form<LookupForm>,
    app: &State<App>,
    addr: Option<std::net::IpAddr>,
) -> Result<(Status, Template), PageError> {
    csrf.check(&form.csrf)?;
    let address = addr.map_or_else(|| "local".to_string(), |a| a.to_string());
    if let Err(wait) = app.lookup_throttle.attempt(&address) {
        return Err(PageError::new(
            Status::TooManyRequests,
            format!(
                "Demasiadas consultas. Intente de nuevo en {} segundos.",
                wait.as_secs().max(1)
            ),
        ));
    }
    let e = ops::election::current(&app.db)?;
    let answer = ops::lookup::lookup(&app.db, &app.code_key, &e, &form.elector_key, &form.code)?;
    let status = if answer.found {
        Status::Ok
    } else {
        Status::NotFound
    };
    Ok((
        status,
        Template::render(
            "lookup",
            context! { title: "Consulte su paquete", csrf: csrf.0, answer },
        ),
    ))
}
