//! The one mapping from errors to HTTP: status codes, JSON bodies for the API, Spanish pages
//! for people, and the catchers of both.

use rocket::http::{ContentType, Method, Status};
use rocket::response::{self, Redirect, Responder};
use rocket::serde::json::{Error as JsonError, Json};
use rocket::{Catcher, Request};
use rocket_dyn_templates::{context, Template};

use crate::ops::OpsError;

/// The status code of each kind of use-case error.
pub fn status_of(e: &OpsError) -> Status {
    match e {
        OpsError::Invalid(_) => Status::UnprocessableEntity,
        OpsError::NotFound(_) => Status::NotFound,
        OpsError::Conflict(_) | OpsError::NoElection => Status::Conflict,
        OpsError::Storage(_) => Status::InternalServerError,
        OpsError::Unavailable(_) => Status::ServiceUnavailable,
    }
}

fn message_of(e: &OpsError) -> String {
    match e {
        // Internal details go to the log, not to the client.
        OpsError::Storage(inner) => {
            rocket::error!("storage error: {inner}");
            "Error interno de la base de datos; intente de nuevo.".into()
        }
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
