//! What the web server tells operators about each request: a request id (answered in
//! `X-Request-Id`, carried by every log line about the request), one structured log line per
//! request (method, route template, status, milliseconds: never the path's values or the
//! query, which can hold names and elector keys), and the request latency metric by route.
//! `GET /metrics` is here too, for `sync` and `admin` tokens.

use std::sync::Arc;
use std::time::Instant;

use rocket::fairing::{Fairing, Info, Kind};
use rocket::http::{ContentType, Header};
use rocket::request::{FromRequest, Outcome};
use rocket::{Data, Request, Response, State};

use super::auth::Api;
use super::error::ApiError;
use super::policy::SyncJob;
use super::App;
use crate::carriers::config::CarriersConfig;
use crate::clock::SharedClock;
use crate::storage::Db;

/// The id of one request: 16 hex digits, random.
#[derive(Debug, Clone)]
pub struct RequestId(pub String);

struct Started {
    id: RequestId,
    at: Instant,
}

fn started<'r>(req: &'r Request<'_>) -> &'r Started {
    req.local_cache(|| Started {
        id: RequestId(format!("{:016x}", rand::random::<u64>())),
        at: Instant::now(),
    })
}

/// The request's id (the same for every guard and responder of one request).
pub fn request_id(req: &Request<'_>) -> String {
    started(req).id.0.clone()
}

#[rocket::async_trait]
impl<'r> FromRequest<'r> for RequestId {
    type Error = std::convert::Infallible;

    async fn from_request(req: &'r Request<'_>) -> Outcome<Self, Self::Error> {
        Outcome::Success(started(req).id.clone())
    }
}

/// Logs and measures every request.
pub struct Observe;

#[rocket::async_trait]
impl Fairing for Observe {
    fn info(&self) -> Info {
        Info {
            name: "request id, log line and latency",
            kind: Kind::Request | Kind::Response,
        }
    }

    async fn on_request(&self, req: &mut Request<'_>, _: &mut Data<'_>) {
        started(req);
    }

    async fn on_response<'r>(&self, req: &'r Request<'_>, res: &mut Response<'r>) {
        let s = started(req);
        let seconds = s.at.elapsed().as_secs_f64();
        let route = req.route().map_or("unmatched", |r| r.uri.as_str());
        let method = req.method().as_str();
        let status = res.status().code;
        crate::metrics::global().request(method, route, status, seconds);
        tracing::info!(
            target: "pep_tracker::http",
            request_id = %s.id.0,
            method,
            route,
            status,
            ms = (seconds * 1000.0).round() as u64,
            "request"
        );
        res.set_header(Header::new("X-Request-Id", s.id.0.clone()));
    }
}

/// What the separate metrics listener reads.
struct MetricsOnly {
    db: Arc<Db>,
    clock: SharedClock,
}

#[rocket::get("/metrics")]
fn open_metrics(state: &State<MetricsOnly>) -> Result<(ContentType, String), ApiError> {
    exposition_of(&state.db, &state.clock)
}

/// A listener of its own for `GET /metrics` without a token, on `address` (the configuration's
/// `PEP_METRICS_ADDRESS`: a loopback or internal address a Prometheus scrapes). Nothing else
/// is served there.
pub fn metrics_listener(
    address: std::net::SocketAddr,
    db: Arc<Db>,
    clock: SharedClock,
) -> rocket::Rocket<rocket::Build> {
    let config = rocket::Config {
        address: address.ip(),
        port: address.port(),
        log_level: rocket::config::LogLevel::Off,
        shutdown: rocket::config::Shutdown {
            ctrlc: false,
            ..Default::default()
        },
        ..rocket::Config::default()
    };
    rocket::custom(config)
        .manage(MetricsOnly { db, clock })
        .mount("/", rocket::routes![open_metrics])
        .register("/", super::error::api_catchers())
}

/// `GET /metrics`: the Prometheus text exposition.
#[rocket::get("/metrics")]
pub fn metrics(_client: Api<SyncJob>, app: &State<App>) -> Result<(ContentType, String), ApiError> {
    exposition(app)
}

/// The exposition as served on the main address or on `PEP_METRICS_ADDRESS`.
pub fn exposition(app: &App) -> Result<(ContentType, String), ApiError> {
    exposition_of(&app.db, &app.clock)
}

fn exposition_of(db: &Db, clock: &SharedClock) -> Result<(ContentType, String), ApiError> {
    let carriers = CarriersConfig::from_env().ok();
    let scraped = crate::ops::metrics::scrape(db, carriers.as_ref(), clock.now())?;
    let text = crate::metrics::global().render(&scraped);
    let content_type =
        ContentType::parse_flexible(crate::metrics::CONTENT_TYPE).unwrap_or(ContentType::Plain);
    Ok((content_type, text))
}
