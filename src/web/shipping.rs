//! The shipping desk on the web: batches (create, documents) and reissue, with the address
//! correction of a PEP that came back because the address was wrong.

use std::io::Cursor;
use std::pin::Pin;
use std::sync::Arc;

use rocket::form::{Form, FromForm};
use rocket::http::{ContentType, Status};
use rocket::response::{self, Redirect, Responder, Response};
use rocket::tokio::io::{AsyncRead, AsyncSeek, ReadBuf};
use rocket::tokio::sync::OwnedSemaphorePermit;
use rocket::{get, post, routes, Request, Route, State};
use rocket_dyn_templates::{context, Template};

use super::auth::Page;
use super::csrf::CsrfToken;
use super::error::{refusal, PageError};
use super::policy::{AnyRole, Shipping};
use super::redirect::LocalPath;
use super::App;
use crate::domain::document::{BatchDocument, UnknownDocument};
use crate::domain::lnere::{parse_address, FieldError, RawAddress};
use crate::domain::pep::{BadPepId, PepId};
use crate::domain::personal::{Casework, PersonalData};
use crate::ops::doc_store::Served;
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
    let batches = ops::batches::list(&app.db, &user.scope)?;
    let unbatched = ops::batches::unbatched(&app.db, &user.scope)?;
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
        .and_then(|spec| ops::batches::create(&app.db, &spec, &p.user.actor(), app.clock.now()));
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

/// One file of a batch, its verified bytes shared with the store (no copy per download).
pub struct Download {
    served: Served,
    kind: ContentType,
    name: String,
}

/// The bytes being sent, holding the store's turn until the body is dropped.
struct Body {
    bytes: Cursor<Arc<[u8]>>,
    _turn: OwnedSemaphorePermit,
}

impl AsyncRead for Body {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        Pin::new(&mut self.bytes).poll_read(cx, buf)
    }
}

impl AsyncSeek for Body {
    fn start_seek(mut self: Pin<&mut Self>, pos: std::io::SeekFrom) -> std::io::Result<()> {
        Pin::new(&mut self.bytes).start_seek(pos)
    }

    fn poll_complete(
        mut self: Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<std::io::Result<u64>> {
        Pin::new(&mut self.bytes).poll_complete(cx)
    }
}

impl<'r> Responder<'r, 'static> for Download {
    fn respond_to(self, _: &'r Request<'_>) -> response::Result<'static> {
        let size = self.served.bytes.len();
        let body = Body {
            bytes: Cursor::new(self.served.bytes),
            _turn: self.served.turn,
        };
        Response::build()
            .header(self.kind)
            .raw_header(
                "Content-Disposition",
                format!("attachment; filename=\"{}\"", self.name),
            )
            .sized_body(size, body)
            .ok()
    }
}

/// `manifest.pdf`, `labels.pdf` (letter sheets), `labels-4x6.pdf` or `courier.csv` of a batch,
/// after the whole batch passes validation. Rendered once in the background and kept (see
/// `ops::doc_store`); this handler only waits for it.
#[get("/batches/<id>/<file>")]
pub async fn batch_file(
    p: Page<Shipping>,
    id: i64,
    file: Result<BatchDocument, UnknownDocument>,
    app: &State<App>,
) -> Result<Download, PageError> {
    let doc = file.map_err(|_| PageError::new(Status::NotFound, "Documento desconocido."))?;
    let served = app
        .documents
        .fetch(id, doc, &p.user.actor(), app.clock.now())
        .await?;
    let kind = if doc.is_pdf() {
        ContentType::PDF
    } else {
        ContentType::CSV
    };
    Ok(Download {
        served,
        kind,
        name: format!("lote-{id}-{}", doc.file_name()),
    })
}

/// The corrected address of the reissue form, as typed; all blank means "no correction".
#[derive(FromForm, Default, serde::Serialize)]
pub struct AddressForm {
    #[field(default = String::new(), validate = len(..=200))]
    address_line1: String,
    #[field(default = String::new(), validate = len(..=200))]
    address_line2: String,
    #[field(default = String::new(), validate = len(..=120))]
    city: String,
    #[field(default = String::new(), validate = len(..=120))]
    region: String,
    #[field(default = String::new(), validate = len(..=40))]
    postal_code: String,
    #[field(default = String::new(), validate = len(..=10))]
    country: String,
}

impl AddressForm {
    fn raw(&self) -> RawAddress<'_> {
        RawAddress {
            line1: &self.address_line1,
            line2: &self.address_line2,
            city: &self.city,
            region: &self.region,
            postal_code: &self.postal_code,
            country: &self.country,
        }
    }

    fn is_blank(&self) -> bool {
        let r = self.raw();
        [r.line1, r.line2, r.city, r.region, r.postal_code, r.country]
            .iter()
            .all(|v| v.trim().is_empty())
    }
}

/// The label of an address field on the form.
fn label(field: &str) -> &str {
    match field {
        "address_line1" => "Domicilio, línea 1",
        "address_line2" => "Domicilio, línea 2",
        "city" => "Ciudad",
        "region" => "Estado o provincia",
        "postal_code" => "Código postal",
        "country" => "País",
        other => other,
    }
}

#[derive(FromForm)]
pub struct ReissueForm {
    csrf: String,
    #[field(validate = len(..=600))]
    reason: String,
    /// Checked by [`LocalPath`] (which also bounds its length).
    back: Option<String>,
    /// Blank unless the address was wrong.
    address: AddressForm,
}

/// The PEP's page again, with the refused correction and what was typed (422).
fn refused_correction(
    app: &App,
    p: &Page<Shipping>,
    csrf: &str,
    id: &PepId,
    form: &ReissueForm,
    errors: &[FieldError],
) -> Result<(Status, Template), PageError> {
    let leave: Option<PersonalData<Casework>> = p.leave();
    let d = ops::dossier::dossier(&app.db, id, p.scope(), leave.as_ref())?;
    let address_errors: Vec<String> = errors
        .iter()
        .map(|e| format!("{}: {}", label(e.field), e.reason))
        .collect();
    let notices = crate::ops::notices::view::for_pep_page(&app.db, id)
        .map_err(|e| PageError::new(Status::InternalServerError, e.to_string()))?;
    Ok((
        Status::UnprocessableEntity,
        Template::render(
            "pep",
            context! {
                title: d.pep_id.clone(),
                user: &p.user,
                csrf,
                may_reissue: leave.is_some() && d.can_reissue,
                reason: &form.reason,
                address: &form.address,
                address_errors,
                notices,
                pep: d,
            },
        ),
    ))
}

/// Voids the PEP's code and issues the next generation, to the corrected address when one
/// was typed (checked with the list's rules; a refused one changes nothing and the page says
/// why); back to the page it came from.
#[post("/peps/<pep_id>/reissue", data = "<form>")]
pub fn reissue(
    p: Page<Shipping>,
    csrf: CsrfToken,
    pep_id: Result<PepId, BadPepId>,
    form: Form<ReissueForm>,
    app: &State<App>,
) -> Result<Result<Redirect, (Status, Template)>, PageError> {
    csrf.check(&form.csrf)?;
    // Checked before anything changes: a refused target must not follow a committed reissue.
    let back = LocalPath::optional(form.back.as_deref())
        .map_err(|e| PageError::new(Status::BadRequest, e.to_string()))?
        .unwrap_or_else(|| LocalPath::or(None, "/batches"));
    let id =
        pep_id.map_err(|e| PageError::new(Status::UnprocessableEntity, format!("pep_id: {e}")))?;
    let corrected = if form.address.is_blank() {
        None
    } else {
        match parse_address(&form.address.raw()) {
            Ok(a) => Some(a),
            Err(errors) => {
                return refused_correction(app, &p, &csrf.0, &id, &form, &errors).map(Err)
            }
        }
    };
    let new = ops::reissue::reissue(
        &app.db,
        &id,
        &form.reason,
        corrected.as_ref(),
        &p.user.actor(),
        app.clock.now(),
    )?;
    Ok(Ok(Redirect::to(
        back.with_param("reissued", &new.to_string()),
    )))
}
