//! `POST /api/v1/lookup`: the public lookup as JSON, for INE's own site and apps (no token).
//!
//! The body is read as bytes and parsed here, so that a body that is not JSON, JSON of another
//! shape, an unknown key, a wrong postal code and a wrong envelope code all get the very same
//! 404 and body, after the same work. Too many lookups: 429 with `Retry-After`.

use rocket::http::{ContentType, Header, Status};
use rocket::response::{self, Responder};
use rocket::serde::json::Json;
use rocket::{post, routes, Request, Route, State};
use serde::Deserialize;
use utoipa::ToSchema;

use super::error::{ApiError, ErrorBody};
use super::lang::PublicLang;
use super::lookup_limits::LookupThrottle;
use super::App;
use crate::domain::lookup::key_form;
use crate::ops::{self, lookup::Answer};

pub fn routes() -> Vec<Route> {
    routes![lookup]
}

/// The elector key with either the postal code of the registered address or the code printed
/// under the QR of the return envelope (the code wins when both are given). The documented
/// shape; bodies are read as [`Fields`].
#[derive(Debug, Clone, ToSchema)]
#[allow(dead_code)] // only documents the body
pub enum LookupRequest {
    ByCode {
        #[schema(example = "GOMZJN85031210H123")]
        elector_key: String,
        #[schema(example = "7KQ3MZ-P2XW9D-4HT6RA")]
        code: String,
    },
    ByPostalCode {
        #[schema(example = "GOMZJN85031210H123")]
        elector_key: String,
        #[schema(example = "90210")]
        postal_code: String,
    },
}

/// A body as read: every field optional, one flat shape (parsing costs the same whichever
/// fields are there).
#[derive(Debug, Clone, Default, Deserialize)]
struct Fields {
    elector_key: Option<String>,
    postal_code: Option<String>,
    code: Option<String>,
}

impl Fields {
    fn query(&self) -> ops::lookup::Query<'_> {
        let proof = match (&self.code, &self.postal_code) {
            (Some(code), _) => ops::lookup::Proof::EnvelopeCode(code),
            (None, postal) => ops::lookup::Proof::PostalCode(postal.as_deref().unwrap_or("")),
        };
        ops::lookup::Query {
            elector_key: self.elector_key.as_deref().unwrap_or(""),
            proof,
        }
    }
}

/// What a lookup answers; never cached by the way.
pub enum Reply {
    Found(Box<Answer>),
    Refused(String),
    Limited { wait_secs: u64, message: String },
}

impl<'r> Responder<'r, 'static> for Reply {
    fn respond_to(self, req: &'r Request<'_>) -> response::Result<'static> {
        let (status, body, retry) = match self {
            Reply::Found(a) => (Status::Ok, Json(*a).respond_to(req)?, None),
            Reply::Refused(error) => (
                Status::NotFound,
                Json(ErrorBody { error }).respond_to(req)?,
                None,
            ),
            Reply::Limited { wait_secs, message } => (
                Status::TooManyRequests,
                Json(ErrorBody { error: message }).respond_to(req)?,
                Some(wait_secs.max(1)),
            ),
        };
        let mut r = response::Response::build_from(body);
        r.status(status)
            .header(ContentType::JSON)
            .header(Header::new("Cache-Control", "no-store"));
        if let Some(secs) = retry {
            r.header(Header::new("Retry-After", secs.to_string()));
        }
        r.ok()
    }
}

/// Where the elector's package and envelope are: the PEP's stage in words, the courier legs
/// with the carriers' public tracking pages, the last event's date and country, what to do
/// now, the receipt cutoff in the elector's own zone, and whether the envelope arrived in
/// time. Public, rate limited per client address and per elector key. Any mismatch, and any
/// body that is not one of the two shapes, is the same 404. Texts follow `Accept-Language`
/// (Spanish or English; Spanish by default).
#[utoipa::path(
    post,
    path = "/api/v1/lookup",
    tag = "api",
    security(()),
    request_body(content = LookupRequest, content_type = "application/json"),
    responses(
        (status = 200, description = "Dónde están el paquete y el sobre del elector", body = Answer),
        (status = 404, description = "Ningún PEP coincide con esos datos (la misma respuesta para cualquier discrepancia)", body = ErrorBody),
        (status = 413, description = "El cuerpo excede el límite", body = ErrorBody),
        (status = 429, description = "Demasiadas consultas desde esta dirección o para esta clave; ver Retry-After", body = ErrorBody),
        (status = 503, description = "La base de datos no responde", body = ErrorBody),
    )
)]
#[post("/lookup", data = "<body>")]
pub fn lookup(
    body: Vec<u8>,
    lang: PublicLang,
    app: &State<App>,
    throttle: &State<LookupThrottle>,
    addr: Option<std::net::IpAddr>,
) -> Result<Reply, ApiError> {
    let lang = lang.0;
    // A body of no known shape does the work of an unknown key and a wrong postal code.
    let parsed = serde_json::from_slice::<Fields>(&body).ok();
    let well_formed = parsed.is_some();
    let fields = parsed.unwrap_or_default();
    let query = fields.query();
    let address = addr.map_or_else(|| "local".to_string(), |a| a.to_string());
    if let Err(wait) = throttle.attempt(&address, &key_form(query.elector_key)) {
        return Ok(Reply::Limited {
            wait_secs: wait.as_secs(),
            message: ops::lookup::too_many(wait.as_secs(), lang),
        });
    }
    let e = ops::election::current(&app.db)?;
    Ok(
        match ops::lookup::lookup(&app.db, &app.code_key, &e, &query, lang)? {
            Some(answer) if well_formed => Reply::Found(Box::new(answer)),
            _ => Reply::Refused(ops::lookup::refusal(lang).to_string()),
        },
    )
}
