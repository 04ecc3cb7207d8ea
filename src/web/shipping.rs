//! The shipping desk on the web: batches (create, documents) and reissue.

use chrono::Utc;
use rocket::form::{Form, FromForm};
use rocket::http::{ContentType, Header, Status};
use rocket::response::Redirect;
use rocket::{get, post, routes, Responder, Route, State};
use rocket_dyn_templates::{context, Template};

use super::auth::Page;
use super::csrf::CsrfToken;
use super::error::{refusal, PageError};
use super::policy::{AnyRole, Shipping};
use super::redirect::LocalPath;
use super::App;
use crate::domain::document::{BatchDocument, UnknownDocument};
use crate::domain::pep::{BadPepId, PepId};
use crate::ops::{self, batches::NewBatch, OpsError};

pub fn routes() -> Vec<Route> {
    routes![batches_page, batch_create, batch_file, reissue]
}

fn page(
    app: &App,
    user: &crate::ops::users::Principal,
    csrf: &str,
    message: Option<String>,
    error: Option<String>,
) -> Result<Template, PageError> {
    let e = ops::election::current(&app.db)?;
    let batches = ops::batches::list(&app.db)?;
    let unbatched = ops::batches::unbatched(&app.db)?;
    Ok(Template::render(
        "batches",
        context! { title: "Lotes de envío", user, csrf, batches, unbatched, entities: e.entities, message, error },
    ))
}

#[get("/batches")]
pub fn batches_page(
    p: Page<AnyRole>,
    csrf: CsrfToken,
    app: &State<App>,
) -> Result<Template, PageError> {
    page(app, &p.user, &csrf.0, None, None)
}

#[derive(FromForm)]
pub struct BatchForm {
    csrf: String,
    #[field(validate = len(..=200))]
    name: String,
    #[field(validate = len(..=2))]
    entity: String,
    #[field(validate = len(..=2))]
    country: String,
}

#[post("/batches", data = "<form>")]
pub fn batch_create(
    p: Page<Shipping>,
    csrf: CsrfToken,
    form: Form<BatchForm>,
    app: &State<App>,
) -> Result<(Status, Template), PageError> {
    csrf.check(&form.csrf)?;
    let spec = NewBatch::parse(&form.name, Some(&form.entity), Some(&form.country));
    let made = spec
        .map_err(OpsError::from)
        .and_then(|spec| ops::batches::create(&app.db, &spec, &p.user.actor(), Utc::now()));
    match made {
        Ok((id, n)) => Ok((
            Status::Ok,
            page(
                app,
                &p.user,
                &csrf.0,
                Some(format!("Lote {id} creado con {n} PEP.")),
                None,
            )?,
        )),
        Err(e) => match refusal(&e, true) {
            Some(m) => Ok((
                Status::UnprocessableEntity,
                page(app, &p.user, &csrf.0, None, Some(m))?,
            )),
            None => Err(e.into()),
        },
    }
}

#[derive(Responder)]
pub struct Download {
    body: Vec<u8>,
    kind: ContentType,
    disposition: Header<'static>,
}

/// `manifest.pdf`, `labels.pdf` (letter sheets), `labels-4x6.pdf` or `courier.csv` of a batch,
/// after the whole batch passes validation.
#[get("/batches/<id>/<file>")]
pub fn batch_file(
    p: Page<Shipping>,
    id: i64,
    file: Result<BatchDocument, UnknownDocument>,
    app: &State<App>,
) -> Result<Download, PageError> {
    let doc = file.map_err(|_| PageError::new(Status::NotFound, "Documento desconocido."))?;
    let body = ops::documents::file(&app.db, &app.code_key, id, doc, &p.user.actor(), Utc::now())?;
    Ok(Download {
        body,
        kind: if doc.is_pdf() {
            ContentType::PDF
        } else {
            ContentType::CSV
        },
        disposition: Header::new(
            "Content-Disposition",
            format!("attachment; filename=\"lote-{id}-{}\"", doc.file_name()),
        ),
    })
}

#[derive(FromForm)]
pub struct ReissueForm {
    csrf: String,
    #[field(validate = len(..=600))]
    reason: String,
    /// Checked by [`LocalPath`] (which also bounds its length).
    back: Option<String>,
}

/// Voids the PEP's code and issues the next generation; back to the page it came from.
#[post("/peps/<pep_id>/reissue", data = "<form>")]
pub fn reissue(
    p: Page<Shipping>,
    csrf: CsrfToken,
    pep_id: Result<PepId, BadPepId>,
    form: Form<ReissueForm>,
    app: &State<App>,
) -> Result<Redirect, PageError> {
    csrf.check(&form.csrf)?;
    // Checked before anything changes: a refused target must not follow a committed reissue.
    let back = LocalPath::optional(form.back.as_deref())
        .map_err(|e| PageError::new(Status::BadRequest, e.to_string()))?
        .unwrap_or_else(|| LocalPath::or(None, "/batches"));
    let id =
        pep_id.map_err(|e| PageError::new(Status::UnprocessableEntity, format!("pep_id: {e}")))?;
    let new = ops::reissue::reissue(&app.db, &id, &form.reason, &p.user.actor(), Utc::now())?;
    Ok(Redirect::to(back.with_param("reissued", &new.to_string())))
}
