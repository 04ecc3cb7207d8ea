//! The one mapping from errors to HTTP: status codes, JSON bodies for the API, Spanish pages
//! for people, and the catchers of both.

use rocket::http::{ContentType, Method, Status};
use rocket::response::{self, Redirect, Responder};
use rocket::serde::json::{Error as JsonError, Json};
use rocket::{Catcher, Request};
use rocket_dyn_templates::{context, Template};

use crate::ops::errors::{
    AccountError, AuditError, BatchError, CheckinError, DocumentsError, ElectionFileError,
    ImportError, MaintenanceError, PepError,
};
use crate::ops::OpsError;

const INVALID: Status = Status::UnprocessableEntity;
const CONFLICT: Status = Status::Conflict;
const NOT_FOUND: Status = Status::NotFound;
const INTERNAL: Status = Status::InternalServerError;

/// The status code of every use-case error, variant by variant.
pub fn status_of(e: &OpsError) -> Status {
    match e {
        OpsError::Storage(_) => INTERNAL,
        OpsError::NoElection => CONFLICT,
        OpsError::Batch(e) => match e {
            BatchError::NameTaken(_) => CONFLICT,
            BatchError::NoSuchBatch(_) => NOT_FOUND,
            BatchError::BadName
            | BatchError::NameText(_)
            | BatchError::UnknownEntity { .. }
            | BatchError::BadEntity(_)
            | BatchError::UnknownCountry(_)
            | BatchError::NothingToBatch => INVALID,
        },
        OpsError::Documents(e) => match e {
            DocumentsError::Refused { .. } => INVALID,
            // Not the client's fault: a file that cannot be written or drawn.
            DocumentsError::Render(_)
            | DocumentsError::Io { .. }
            | DocumentsError::AuditFailed(_) => INTERNAL,
            DocumentsError::Unavailable(_) => Status::ServiceUnavailable,
        },
        OpsError::Pep(e) => match e {
            PepError::NotFound(_) | PepError::Unknown(_) | PepError::NotAnId(_) => NOT_FOUND,
            PepError::AlreadyVoided(_) | PepError::AlreadyReceived(_) => CONFLICT,
            PepError::BadId(_)
            | PepError::BadReason
            | PepError::ReasonText(_)
            | PepError::BadAddress(_)
            | PepError::AddressUnchanged(_) => INVALID,
        },
        OpsError::Checkin(e) => match e {
            CheckinError::BadStation(_) => INVALID,
            // The client may retry.
            CheckinError::Stopped(_) | CheckinError::Failed(_) => Status::ServiceUnavailable,
        },
        OpsError::Cutoff(_) | OpsError::Search(_) => INVALID,
        OpsError::ElectionFile(e) => match e {
            ElectionFileError::Invalid(_) | ElectionFileError::ReturnAddress(_) => INVALID,
            ElectionFileError::OtherElection { .. } | ElectionFileError::EntityInUse(_) => CONFLICT,
        },
        OpsError::Account(e) => match e {
            AccountError::BadName(_)
            | AccountError::ShortPassword(_)
            | AccountError::ScopedRole(_)
            | AccountError::BadScope(_) => INVALID,
            AccountError::TokenTaken(_) => CONFLICT,
            AccountError::NoSuchToken(_) | AccountError::NoSuchUser(_) => NOT_FOUND,
        },
        OpsError::ReceptionDocs(e) => match e {
            crate::ops::errors::ReceptionDocsError::NoSuchMec { .. } => NOT_FOUND,
            crate::ops::errors::ReceptionDocsError::Render(_) => INTERNAL,
        },
        OpsError::KeyFile(_) | OpsError::Task(_) => INTERNAL,
        OpsError::Shared(e) => status_of(e),
        OpsError::Import(e) => match e {
            ImportError::ReceptionStarted | ImportError::Mismatch { .. } => CONFLICT,
            ImportError::Refused { .. } | ImportError::Read { .. } | ImportError::Empty(_) => {
                INVALID
            }
        },
        OpsError::Audit(e) => match e {
            AuditError::Broken(_) => CONFLICT,
            AuditError::BadCheckpoint(_) | AuditError::BackupExists(_) => INVALID,
        },
        OpsError::Maintenance(e) => match e {
            MaintenanceError::TooEarly { .. } => CONFLICT,
            MaintenanceError::File { .. } | MaintenanceError::BadCopy { .. } => INVALID,
        },
    }
}

/// The Spanish message of a refusal the page shows beside its form (a 422, or also a 409
/// when `conflicts` is set); `None` for every other error, which gets the error page.
pub fn refusal(e: &OpsError, conflicts: bool) -> Option<String> {
    let s = status_of(e);
    (s == INVALID || (conflicts && s == CONFLICT)).then(|| e.to_string())
}

fn message_of(e: &OpsError) -> String {
    match e {
        // Internal details go to the log, not to the client.
        OpsError::Storage(inner) => {
            rocket::error!("storage error: {inner}");
            "Error interno de la base de datos; intente de nuevo.".into()
        }
        OpsError::Shared(inner) => message_of(inner),
        other => other.to_string(),
    }
}

/// The body of every API error.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct ErrorBody {
    /// What went wrong, in Spanish.
    pub error: String,
}

/// An error answered as `{"error": "…"}`.
#[derive(Debug)]
pub struct ApiError {
    pub status: Status,
    pub message: String,
}

impl ApiError {
    pub fn new(status: Status, message: impl Into<String>) -> Self {
        ApiError {
            status,
            message: message.into(),
        }
    }
}

/// A JSON request body, or the API error that says why it is not one: 413 beyond the `json`
/// limit, 422 for well-formed JSON of the wrong shape, 400 for anything else.
pub fn json_body<T>(body: Result<Json<T>, JsonError<'_>>) -> Result<T, ApiError> {
    match body {
        Ok(Json(value)) => Ok(value),
        Err(JsonError::Io(e)) if e.kind() == std::io::ErrorKind::UnexpectedEof => {
            Err(ApiError::new(
                Status::PayloadTooLarge,
                spanish_reason(Status::PayloadTooLarge),
            ))
        }
        Err(JsonError::Io(_)) => Err(ApiError::new(
            Status::BadRequest,
            "el cuerpo no es texto UTF-8",
        )),
        Err(JsonError::Parse(_, e)) if e.classify() == serde_json::error::Category::Data => Err(
            ApiError::new(Status::UnprocessableEntity, format!("JSON no válido: {e}")),
        ),
        Err(JsonError::Parse(_, e)) => Err(ApiError::new(
            Status::BadRequest,
            format!("JSON mal formado: {e}"),
        )),
    }
}

impl From<OpsError> for ApiError {
    fn from(e: OpsError) -> Self {
        ApiError {
            status: status_of(&e),
            message: message_of(&e),
        }
    }
}

impl<'r> Responder<'r, 'static> for ApiError {
    fn respond_to(self, req: &'r Request<'_>) -> response::Result<'static> {
        let body = Json(ErrorBody {
            error: self.message,
        });
        response::Response::build_from(body.respond_to(req)?)
            .status(self.status)
            .header(ContentType::JSON)
            .ok()
    }
}

/// An error answered with the Spanish error page.
#[derive(Debug)]
pub struct PageError {
    pub status: Status,
    pub message: String,
}

impl PageError {
    pub fn new(status: Status, message: impl Into<String>) -> Self {
        PageError {
            status,
            message: message.into(),
        }
    }
}

impl From<OpsError> for PageError {
    fn from(e: OpsError) -> Self {
        PageError::new(status_of(&e), message_of(&e))
    }
}

impl<'r> Responder<'r, 'static> for PageError {
    fn respond_to(self, req: &'r Request<'_>) -> response::Result<'static> {
        let page = error_page(self.status, &self.message);
        response::Response::build_from(page.respond_to(req)?)
            .status(self.status)
            .ok()
    }
}

fn error_page(status: Status, message: &str) -> Template {
    Template::render(
        "error",
        context! { title: "Error", code: status.code, message, user: Option::<()>::None },
    )
}

fn spanish_reason(status: Status) -> &'static str {
    match status.code {
        400 => "Solicitud mal formada.",
        401 => "Se requiere iniciar sesión o un token válido.",
        403 => "Su rol no tiene acceso a esta función.",
        404 => "No existe esta página o recurso.",
        405 => "Método no permitido en esta ruta.",
        413 => "La solicitud es demasiado grande.",
        415 => "Tipo de contenido no admitido; envíe application/json.",
        422 => "Los datos enviados no son válidos.",
        429 => "Demasiadas solicitudes; espere un momento.",
        503 => "La base de datos no responde.",
        _ => "Error interno.",
    }
}

/// What the API's catcher answers: the JSON error, with `Allow` on a 405.
struct Caught {
    status: Status,
    allow: Vec<Method>,
}

impl<'r> Responder<'r, 'static> for Caught {
    fn respond_to(self, req: &'r Request<'_>) -> response::Result<'static> {
        let mut resp = ApiError::new(self.status, spanish_reason(self.status)).respond_to(req)?;
        if !self.allow.is_empty() {
            let allow: Vec<&str> = self.allow.iter().map(|m| m.as_str()).collect();
            resp.set_raw_header("Allow", allow.join(", "));
        }
        Ok(resp)
    }
}

/// Every error under `/api` that no handler answered, as JSON. A path the API knows, asked
/// with a method it does not offer, is a 405 rather than a 404.
#[rocket::catch(default)]
fn api_default(status: Status, req: &Request) -> Caught {
    if status == Status::NotFound {
        let allow = super::methods::allowed(req);
        if !allow.is_empty() && !allow.contains(&req.method()) {
            return Caught {
                status: Status::MethodNotAllowed,
                allow,
            };
        }
    }
    Caught {
        status,
        allow: Vec::new(),
    }
}

#[rocket::catch(401)]
fn page_unauthorized(req: &Request) -> Redirect {
    let next = req.uri().path().to_string();
    Redirect::to(rocket::uri!(super::pages::login_page(next = Some(next))))
}

#[rocket::catch(default)]
fn page_default(status: Status, _req: &Request) -> (Status, Template) {
    (status, error_page(status, spanish_reason(status)))
}

pub fn api_catchers() -> Vec<Catcher> {
    rocket::catchers![api_default]
}

pub fn page_catchers() -> Vec<Catcher> {
    rocket::catchers![page_unauthorized, page_default]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ops::errors::{DocumentsError, SearchError};
    use crate::storage::StorageError;

    #[test]
    fn a_write_failure_of_the_documents_is_a_server_error_not_bad_input() {
        let io = OpsError::from(DocumentsError::Io {
            path: "/tmp/lote-1".into(),
            source: std::io::Error::other("disco lleno"),
        });
        assert_eq!(status_of(&io), Status::InternalServerError);
        assert_eq!(refusal(&io, true), None);
        let refused = OpsError::from(DocumentsError::Refused {
            problems: vec!["PEP-0000001-1: city: vacío".into()],
        });
        assert_eq!(status_of(&refused), Status::UnprocessableEntity);
        assert!(refusal(&refused, false).is_some_and(|m| m.contains("city: vacío")));
    }

    #[test]
    fn database_failures_are_logged_and_answered_without_their_details() {
        let e = OpsError::from(StorageError::Corrupt("peps.stage «lost»".into()));
        let api = ApiError::from(e);
        assert_eq!(api.status, Status::InternalServerError);
        assert!(!api.message.contains("lost"), "{}", api.message);
    }

    #[test]
    fn refusals_keep_the_spanish_message_users_see() {
        let e = OpsError::from(BatchError::NameTaken("Lote 1".into()));
        assert_eq!(status_of(&e), Status::Conflict);
        assert_eq!(refusal(&e, false), None);
        assert_eq!(
            refusal(&e, true).as_deref(),
            Some("name: ya existe un lote «Lote 1»")
        );
        let e = OpsError::from(SearchError::Empty);
        assert_eq!(refusal(&e, false).as_deref(), Some("q: escriba qué buscar"));
        assert_eq!(status_of(&OpsError::NoElection), Status::Conflict);
    }
}
