//! Search (`GET /search?q=`) and the page of one PEP (`GET /peps/<pep_id>`), for every role.
//! The elector's name and address appear only for administration and shipping, who also get
//! the reissue form.

use rocket::http::Status;
use rocket::{get, routes, Route, State};
use rocket_dyn_templates::{context, Template};

use super::auth::Page;
use super::csrf::CsrfToken;
use super::error::{refusal, PageError};
use super::policy::{AnyRole, Policy, Shipping};
use super::App;
use crate::ops::users::Principal;
use crate::ops::{dossier, search};

pub fn routes() -> Vec<Route> {
    routes![search_page, pep_page]
}

/// Whether this person handles personal data (names, addresses).
fn reveals(user: &Principal) -> bool {
    Shipping::ROLES.contains(&user.role)
}

#[get("/search?<q>&<page>")]
pub fn search_page(
    p: Page<AnyRole>,
    csrf: CsrfToken,
    q: Option<&str>,
    page: Option<usize>,
    app: &State<App>,
) -> Result<(Status, Template), PageError> {
    let reveal = reveals(&p.user);
    let q: String = q.unwrap_or("").trim().chars().take(200).collect();
    let (status, results, error) = if q.is_empty() {
        (Status::Ok, None, None)
    } else {
        match search::search(&app.db, &q, page.unwrap_or(1), reveal) {
            Ok(r) => (Status::Ok, Some(r), None),
            Err(e) => match refusal(&e, false) {
                Some(m) => (Status::UnprocessableEntity, None, Some(m)),
                None => return Err(e.into()),
            },
        }
    };
    Ok((
        status,
        Template::render(
            "search",
            context! { title: "Buscar", user: &p.user, csrf: csrf.0, q, reveal, results, error },
        ),
    ))
}

#[get("/peps/<pep_id>?<reissued>")]
pub fn pep_page(
    p: Page<AnyRole>,
    csrf: CsrfToken,
    pep_id: &str,
    reissued: Option<&str>,
    app: &State<App>,
) -> Result<Template, PageError> {
    let reveal = reveals(&p.user);
    let d = dossier::dossier(&app.db, pep_id, reveal)?;
    // Only a PEP id is echoed back from the query string.
    let reissued = reissued.filter(|r| crate::domain::pep::PepId::parse(r).is_ok());
    Ok(Template::render(
        "pep",
        context! {
            title: d.pep_id.clone(),
            user: &p.user,
            csrf: csrf.0,
            may_reissue: reveal && d.can_reissue,
            reissued,
            pep: d,
        },
    ))
}
