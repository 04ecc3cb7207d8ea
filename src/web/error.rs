//! The one mapping from errors to HTTP: status codes, JSON bodies for the API, Spanish pages
//! for people, and the catchers of both.

use rocket::http::{ContentType, Status};
use rocket::response::{self, Redirect, Responder};
use rocket::serde::json::Json;
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

/// An error answered as `{"error": "…"}`.
#[derive(Debug)]
pub struct ApiError {
    pub status: Status,
    pub message: String,
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
        let body = Json(serde_json::json!({ "error": self.message }));
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
        413 => "La solicitud es demasiado grande.",
        422 => "Los datos enviados no son válidos.",
        429 => "Demasiadas solicitudes; espere un momento.",
        503 => "La base de datos no responde.",
        _ => "Error interno.",
    }
}

#[rocket::catch(default)]
fn api_default(status: Status, _req: &Request) -> (Status, Json<serde_json::Value>) {
    (
        status,
        Json(serde_json::json!({ "error": spanish_reason(status) })),
    )
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
