//! The carriers' push receivers, `POST /hooks/ups`, `/hooks/fedex`, `/hooks/dhl`: public
//! routes authenticated by each carrier's own mechanism on the raw bytes (constant-time), with
//! a bounded body. An authentic push is stored in the inbox and answered 200 at once; the
//! inbox worker (`ops::inbox`) applies it later. A forged or unsigned one gets 401 and nothing
//! is stored; one too large gets 413.

use std::sync::Arc;

use rocket::data::{Data, ToByteUnit};
use rocket::http::{HeaderMap, Status};
use rocket::request::{FromRequest, Outcome, Request};
use rocket::serde::json::Json;
use rocket::{post, routes, Route, State};
use serde_json::{json, Value};

use super::App;
use crate::carriers::config::Secret;
use crate::carriers::push::{self, HooksConfig, MAX_PUSH_BYTES};
use crate::domain::tracking::Carrier;
use crate::ops::inbox::InboxWriter;
use crate::storage::Db;

/// The figment key holding the receivers' secrets (tests and benchmarks set them there);
/// without it they come from the environment (`carriers::push`).
pub const FIGMENT_KEY: &str = "pep_hooks";

/// The receivers' settings and their store, in managed state.
pub struct Receivers {
    /// The secrets each carrier's pushes are checked against.
    pub config: HooksConfig,
    /// Stores authentic pushes, sharing commits (see `ops::inbox::InboxWriter`).
    pub inbox: InboxWriter,
}

#[derive(serde::Deserialize, Default)]
struct FromFigment {
    ups_credential: Option<String>,
    fedex_secret: Option<String>,
    dhl_token: Option<String>,
    public_url: Option<String>,
}

/// The receivers' settings under `figment` ([`FIGMENT_KEY`]), else from the environment, and
/// the writer that stores their pushes in `db`.
pub fn receivers(figment: &rocket::figment::Figment, db: Arc<Db>) -> Receivers {
    let config = match figment.extract_inner::<FromFigment>(FIGMENT_KEY) {
        Ok(f) => HooksConfig {
            ups_credential: f.ups_credential.map(Secret::new),
            fedex_secret: f.fedex_secret.map(Secret::new),
            dhl_token: f.dhl_token.map(Secret::new),
            public_url: f.public_url,
        },
        Err(_) => HooksConfig::from_env(),
    };
    Receivers {
        config,
        inbox: InboxWriter::start(db),
    }
}

pub fn routes() -> Vec<Route> {
    routes![ups, fedex, dhl]
}

/// The request's headers, read by name.
pub struct Headers<'r>(&'r HeaderMap<'r>);

#[rocket::async_trait]
impl<'r> FromRequest<'r> for Headers<'r> {
    type Error = std::convert::Infallible;
    async fn from_request(req: &'r Request<'_>) -> Outcome<Self, Self::Error> {
        Outcome::Success(Headers(req.headers()))
    }
}

type Answer = (Status, Json<Value>);

#[post("/hooks/ups", data = "<body>")]
async fn ups(h: Headers<'_>, body: Data<'_>, app: &State<App>, r: &State<Receivers>) -> Answer {
    receive(Carrier::Ups, h, body, app, r).await
}

#[post("/hooks/fedex", data = "<body>")]
async fn fedex(h: Headers<'_>, body: Data<'_>, app: &State<App>, r: &State<Receivers>) -> Answer {
    receive(Carrier::Fedex, h, body, app, r).await
}

#[post("/hooks/dhl", data = "<body>")]
async fn dhl(h: Headers<'_>, body: Data<'_>, app: &State<App>, r: &State<Receivers>) -> Answer {
    receive(Carrier::Dhl, h, body, app, r).await
}

fn refuse(status: Status, msg: &str) -> Answer {
    (status, Json(json!({ "error": msg })))
}

/// Bounded read, authenticity on the raw bytes, one durable insert, 200.
async fn receive(
    carrier: Carrier,
    headers: Headers<'_>,
    body: Data<'_>,
    app: &App,
    receivers: &Receivers,
) -> Answer {
    let bytes = match body.open(MAX_PUSH_BYTES.bytes()).into_bytes().await {
        Ok(b) if b.is_complete() => b.into_inner(),
        Ok(_) => return refuse(Status::PayloadTooLarge, "aviso demasiado grande"),
        Err(_) => return refuse(Status::BadRequest, "cuerpo ilegible"),
    };
    let header = |name: &str| headers.0.get_one(name).map(str::to_string);
    if !push::authentic(&receivers.config, carrier, header, &bytes) {
        log::warn!("aviso de {} sin autenticar: rechazado", carrier.label());
        return refuse(Status::Unauthorized, "firma o credencial inválida");
    }
    match receivers.inbox.store(carrier, bytes, app.clock.now()).await {
        Ok(id) => (Status::Ok, Json(json!({ "status": "stored", "id": id }))),
        Err(e) => {
            log::error!("aviso de {} no guardado: {e}", carrier.label());
            refuse(Status::ServiceUnavailable, "no se pudo guardar el aviso")
        }
    }
}
