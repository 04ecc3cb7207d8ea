//! The simulator's HTTP face (Rocket): the carriers' token endpoints and track calls at their
//! real paths, their authentication checks, and the injected faults.

use std::io::Cursor;
use std::net::SocketAddr;
use std::sync::Arc;

use rocket::config::{LogLevel, SecretKey};
use rocket::form::{Form, FromForm};
use rocket::http::{ContentType, Header, HeaderMap, Status};
use rocket::request::{FromRequest, Outcome, Request};
use rocket::response::{self, Responder, Response};
use rocket::serde::json::Json;
use rocket::{get, post, routes, Build, Rocket, State};
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::timeline::{Rng, SimEvent};
use super::{wire, Fault, Sim};
use crate::domain::tracking::Carrier;

pub(super) fn build(addr: SocketAddr, sim: Arc<Sim>) -> Rocket<Build> {
    let mut config: rocket::Config = rocket::Config::figment().extract().unwrap_or_default();
    config.address = addr.ip();
    config.port = addr.port();
    config.cli_colors = false;
    if sim.config().quiet {
        config.log_level = LogLevel::Off;
    }
    if !sim.config().own_signals {
        // Inside another program (tests, `serve --demo`): its signals are not ours.
        config.shutdown.ctrlc = false;
        #[cfg(unix)]
        config.shutdown.signals.clear();
    }
    config.shutdown.grace = 1;
    config.shutdown.mercy = 1;
    config.secret_key = SecretKey::generate().unwrap_or_else(|| SecretKey::from(&[7u8; 64]));
    rocket::custom(config)
        .manage(sim)
        .mount(
            "/",
            routes![fedex_token, fedex_track, ups_token, ups_track, dhl_track],
        )
        .mount("/", super::sub_routes::routes())
}

/// The simulator's bodies are values and plain structs: their serialization cannot fail.
fn to_json(v: &impl Serialize) -> String {
    serde_json::to_string(v).expect("the simulator's bodies serialize")
}

/// A JSON reply, with `Retry-After` when rate limiting.
pub(super) struct Reply {
    status: Status,
    body: String,
    retry_after: Option<u64>,
}

impl Reply {
    pub(super) fn json(status: Status, v: &impl Serialize) -> Reply {
        Reply {
            status,
            body: to_json(v),
            retry_after: None,
        }
    }

    pub(super) fn ok(v: &impl Serialize) -> Reply {
        Reply::json(Status::Ok, v)
    }

    /// The body cut in half: valid UTF-8, invalid JSON.
    fn truncated(v: &impl Serialize) -> Reply {
        let full = to_json(v);
        let cut = (full.len() / 2..full.len())
            .find(|i| full.is_char_boundary(*i))
            .unwrap_or(0);
        Reply {
            status: Status::Ok,
            body: full[..cut].to_string(),
            retry_after: None,
        }
    }
}

impl<'r> Responder<'r, 'static> for Reply {
    fn respond_to(self, _: &'r Request<'_>) -> response::Result<'static> {
        let mut b = Response::build();
        b.status(self.status)
            .header(ContentType::JSON)
            .sized_body(self.body.len(), Cursor::new(self.body));
        if let Some(s) = self.retry_after {
            b.header(Header::new("Retry-After", s.to_string()));
        }
        b.ok()
    }
}

/// All request headers (the carriers' own: transId, DHL-API-Key…).
pub(super) struct Headers<'r>(&'r HeaderMap<'r>);

#[rocket::async_trait]
impl<'r> FromRequest<'r> for Headers<'r> {
    type Error = std::convert::Infallible;
    async fn from_request(req: &'r Request<'_>) -> Outcome<Self, Self::Error> {
        Outcome::Success(Headers(req.headers()))
    }
}

impl Headers<'_> {
    pub(super) fn get(&self, name: &str) -> Option<&str> {
        self.0
            .get_one(name)
            .map(str::trim)
            .filter(|v| !v.is_empty())
    }

    pub(super) fn bearer(&self) -> Option<&str> {
        self.get("Authorization")?.strip_prefix("Bearer ")
    }
}

/// The faults that replace the whole reply; `Slow` waits and lets the call go on.
async fn misbehave(sim: &Sim, fault: Option<Fault>) -> Option<Reply> {
    let busy =
        || json!({ "errors": [{ "code": "SERVICE.UNAVAILABLE", "message": "try again later" }] });
    match fault {
        Some(Fault::ServerError) => Some(Reply::json(Status::ServiceUnavailable, &busy())),
        Some(Fault::TooManyWithRetryAfter) => Some(Reply {
            retry_after: Some(sim.config().retry_after),
            ..Reply::json(Status::TooManyRequests, &busy())
        }),
        Some(Fault::TooManyBare) => Some(Reply::json(Status::TooManyRequests, &busy())),
        Some(Fault::Slow) => {
            tokio::time::sleep(sim.config().slow_reply).await;
            None
        }
        _ => None,
    }
}

/// The scans visible now, shuffled and with one repeated when the fault says so.
fn scans(sim: &Sim, carrier: Carrier, number: &str, fault: Option<Fault>) -> Vec<SimEvent> {
    let mut events = sim.timeline(carrier, number).visible(sim.now()).to_vec();
    if fault == Some(Fault::Scrambled) && !events.is_empty() {
        let mut rng = Rng::new(sim.now().timestamp() as u64, carrier, number);
        for i in (1..events.len()).rev() {
            events.swap(i, (rng.next_u64() % (i as u64 + 1)) as usize);
        }
        let again = events[(rng.next_u64() % events.len() as u64) as usize];
        events.push(again);
    }
    events
}

#[derive(FromForm)]
pub(super) struct ClientCredentials<'r> {
    grant_type: &'r str,
    client_id: Option<&'r str>,
    client_secret: Option<&'r str>,
}

#[post("/oauth/token", data = "<form>")]
fn fedex_token(form: Form<ClientCredentials<'_>>, sim: &State<Arc<Sim>>) -> Reply {
    let filled = |v: Option<&str>| v.is_some_and(|s| !s.is_empty());
    if form.grant_type != "client_credentials"
        || !filled(form.client_id)
        || !filled(form.client_secret)
    {
        return Reply::json(
            Status::Unauthorized,
            &json!({ "errors": [{ "code": "NOT.AUTHORIZED.ERROR", "message": "The given client credentials were not valid." }] }),
        );
    }
    Reply::ok(&json!({
        "access_token": sim.issue_token(),
        "token_type": "bearer",
        "expires_in": sim.config().token_ttl.as_secs(),
        "scope": "CXS",
    }))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct FedexTrackRequest {
    #[serde(default)]
    tracking_info: Vec<FedexTrackingInfo>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct FedexTrackingInfo {
    tracking_number_info: FedexNumber,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct FedexNumber {
    tracking_number: String,
}

#[post("/track/v1/trackingnumbers", data = "<body>")]
async fn fedex_track(
    body: Json<FedexTrackRequest>,
    headers: Headers<'_>,
    sim: &State<Arc<Sim>>,
) -> Reply {
    if !headers.bearer().is_some_and(|t| sim.token_valid(t)) {
        return Reply::json(
            Status::Unauthorized,
            &json!({ "errors": [{ "code": "NOT.AUTHORIZED.ERROR", "message": "Access token expired. Please modify your request and try again." }] }),
        );
    }
    let numbers: Vec<&str> = body
        .tracking_info
        .iter()
        .map(|t| t.tracking_number_info.tracking_number.as_str())
        .collect();
    if numbers.is_empty() || numbers.len() > crate::carriers::fedex::MAX_BATCH {
        return Reply::json(
            Status::BadRequest,
            &json!({ "errors": [{ "code": "TRACKING.TRACKINGNUMBER.EMPTY", "message": "Please provide between 1 and 30 tracking numbers." }] }),
        );
    }
    sim.count_track_call(Carrier::Fedex);
    let fault = sim.fault();
    if let Some(r) = misbehave(sim, fault).await {
        return r;
    }
    let results: Vec<wire::FedexAnswer> = numbers
        .iter()
        .enumerate()
        .map(|(i, n)| {
            let events = scans(sim, Carrier::Fedex, n, fault);
            if events.is_empty() || (i == 0 && fault == Some(Fault::SpuriousNotFound)) {
                wire::FedexAnswer::Other(wire::fedex_not_found(n))
            } else {
                wire::FedexAnswer::Found(wire::fedex_result(n, &events))
            }
        })
        .collect();
    let transaction = format!("sim-{}", sim.now().timestamp_millis());
    let body = wire::fedex_body(&transaction, results);
    if fault == Some(Fault::Malformed) {
        return Reply::truncated(&body);
    }
    Reply::ok(&body)
}

#[post("/security/v1/oauth/token", data = "<form>")]
fn ups_token(
    form: Form<ClientCredentials<'_>>,
    headers: Headers<'_>,
    sim: &State<Arc<Sim>>,
) -> Reply {
    use base64::Engine;
    let client = headers
        .get("Authorization")
        .and_then(|h| h.strip_prefix("Basic "))
        .and_then(|b| {
            base64::engine::general_purpose::STANDARD
                .decode(b.trim())
                .ok()
        })
        .and_then(|b| String::from_utf8(b).ok())
        .and_then(|s| {
            s.split_once(':')
                .map(|(id, secret)| (id.to_string(), secret.to_string()))
        })
        .filter(|(id, secret)| !id.is_empty() && !secret.is_empty());
    let Some((client_id, _)) = client.filter(|_| form.grant_type == "client_credentials") else {
        return Reply::json(
            Status::Unauthorized,
            &json!({ "response": { "errors": [{ "code": "10401", "message": "ClientId is Invalid" }] } }),
        );
    };
    Reply::ok(&json!({
        "token_type": "Bearer",
        "issued_at": chrono::Utc::now().timestamp_millis().to_string(),
        "client_id": client_id,
        "access_token": sim.issue_token(),
        "expires_in": sim.config().token_ttl.as_secs().to_string(),
        "status": "approved",
    }))
}

#[get("/api/track/v1/details/<number>")]
async fn ups_track(number: &str, headers: Headers<'_>, sim: &State<Arc<Sim>>) -> Reply {
    if !headers.bearer().is_some_and(|t| sim.token_valid(t)) {
        return Reply::json(
            Status::Unauthorized,
            &json!({ "response": { "errors": [{ "code": "250002", "message": "Invalid Authentication Information." }] } }),
        );
    }
    if headers.get("transId").is_none() || headers.get("transactionSrc").is_none() {
        return Reply::json(
            Status::BadRequest,
            &json!({ "response": { "errors": [{ "code": "VSS100", "message": "Missing transId or transactionSrc header" }] } }),
        );
    }
    sim.count_track_call(Carrier::Ups);
    let fault = sim.fault();
    if let Some(r) = misbehave(sim, fault).await {
        return r;
    }
    let events = scans(sim, Carrier::Ups, number, fault);
    if events.is_empty() || fault == Some(Fault::SpuriousNotFound) {
        return Reply::json(Status::NotFound, &wire::ups_not_found());
    }
    let body = wire::ups_body(number, &events);
    if fault == Some(Fault::Malformed) {
        return Reply::truncated(&body);
    }
    Reply::ok(&body)
}

#[allow(non_snake_case)]
#[get("/track/shipments?<trackingNumber>")]
async fn dhl_track(
    trackingNumber: Option<&str>,
    headers: Headers<'_>,
    sim: &State<Arc<Sim>>,
) -> Reply {
    if headers.get("DHL-API-Key").is_none() {
        return Reply::json(
            Status::Unauthorized,
            &json!({ "title": "Unauthorized", "statusCode": 401, "detail": "Unauthorized for given resource." }),
        );
    }
    let Some(number) = trackingNumber.map(str::trim).filter(|n| !n.is_empty()) else {
        return Reply::json(
            Status::BadRequest,
            &json!({ "title": "Bad Request", "status": 400, "detail": "trackingNumber is required" }),
        );
    };
    sim.count_track_call(Carrier::Dhl);
    let fault = sim.fault();
    if let Some(r) = misbehave(sim, fault).await {
        return r;
    }
    let events = scans(sim, Carrier::Dhl, number, fault);
    if events.is_empty() || fault == Some(Fault::SpuriousNotFound) {
        return Reply::json(Status::NotFound, &wire::dhl_not_found(number));
    }
    let body = wire::dhl_body(number, &events);
    if fault == Some(Fault::Malformed) {
        return Reply::truncated(&body);
    }
    Reply::ok(&body)
}
