//! Search (`GET /search?q=`) and the page of one PEP (`GET /peps/<pep_id>`), for every role.
//! The elector's name and address, and the cities of carrier events, appear only with leave
//! for casework (administration and shipping), who also get the reissue form.

use rocket::http::Status;
use rocket::{get, routes, Route, State};
use rocket_dyn_templates::{context, Template};

use super::auth::Page;
use super::csrf::CsrfToken;
use super::error::{refusal, PageError};
use super::policy::AnyRole;
use super::App;
use crate::domain::pep::{BadPepId, PepId};
use crate::domain::personal::{Casework, PersonalData};
use crate::ops::{dossier, search};

pub fn routes() -> Vec<Route> {
    routes![search_page, pep_page]
}

#[get("/search?<q>&<page>")]
pub fn search_page(
    p: Page<AnyRole>,
    csrf: CsrfToken,
    q: Option<&str>,
    page: Option<usize>,
    app: &State<App>,
) -> Result<(Status, Template), PageError> {
    let leave: Option<PersonalData<Casework>> = p.leave();
    let reveal = leave.is_some();
    let q: String = q.unwrap_or("").trim().chars().take(200).collect();
    let (status, results, error) = match search::classify(&q) {
        None => (Status::Ok, None, None),
        Some(query) => match search::search(
            &app.db,
            &query,
            page.unwrap_or(1),
            p.scope(),
            leave.as_ref(),
        ) {
            Ok(r) => (Status::Ok, Some(r), None),
            Err(e) => match refusal(&e, false) {
                Some(m) => (Status::UnprocessableEntity, None, Some(m)),
                None => return Err(e.into()),
            },
        },
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
    pep_id: Result<PepId, BadPepId>,
    reissued: Option<&str>,
    app: &State<App>,
) -> Result<Template, PageError> {
    let id = pep_id.map_err(|e| PageError::new(Status::NotFound, e.to_string()))?;
    let leave: Option<PersonalData<Casework>> = p.leave();
    let reveal = leave.is_some();
    let d = dossier::dossier(&app.db, &id, p.scope(), leave.as_ref())?;
    let notices = crate::ops::notices::view::for_pep_page(&app.db, &id)
        .map_err(|e| PageError::new(Status::InternalServerError, e.to_string()))?;
    // Only a PEP id is echoed back from the query string.
    let reissued = reissued.filter(|r| PepId::parse(r).is_ok());
    Ok(Template::render(
        "pep",
        context! {
            title: d.pep_id.clone(),
            user: &p.user,
            csrf: csrf.0,
            may_reissue: reveal && d.can_reissue,
            reissued,
            notices,
            pep: d,
        },
    ))
}
