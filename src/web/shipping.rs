//! The shipping desk on the web: batches (create, documents) and reissue.

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
use crate::domain::pep::{BadPepId, PepId};
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
    let new = ops::reissue::reissue(&app.db, &id, &form.reason, &p.user.actor(), app.clock.now())?;
    Ok(Redirect::to(back.with_param("reissued", &new.to_string())))
}
