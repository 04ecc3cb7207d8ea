//! Courier tracking APIs: one adapter per carrier behind [`CarrierClient`] (private wire
//! structs, mapping to domain events), the local simulator speaking all three wire formats, and
//! the poller's politeness (rate limits, daily quotas, backoff).
//!
//! An adapter tracks a set of numbers in one call and answers per number: the events seen, "not
//! yet visible" (the carrier does not know the shipment yet), or an error for that number. A
//! failure of the whole call is a [`CallError`]; nothing is stored for it.

pub mod config;
pub mod dhl;
pub mod fedex;
mod http;
mod oauth;
pub mod poller;
pub mod push;
pub mod sim;
pub mod ups;

use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

use crate::domain::tracking::{Carrier, TrackingEvent};

/// A boxed future, so that adapters can sit behind `dyn CarrierClient`.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// What the carrier said about one number.
#[derive(Debug, Clone, PartialEq)]
pub enum NumberResult {
    /// Every event the carrier shows (old ones included; storage keeps each once).
    Events(Vec<TrackingEvent>),
    /// The carrier does not know this number (yet): a new label, an envelope not yet posted.
    NotYetVisible,
    /// The carrier refused this number (the others in the call may be fine).
    Failed(String),
}

/// One number's answer.
#[derive(Debug, Clone, PartialEq)]
pub struct Tracked {
    pub number: String,
    pub result: NumberResult,
}

/// Why a whole call failed.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum CallError {
    #[error("demasiadas solicitudes (HTTP 429){}", retry_after.map(|d| format!(", reintentar en {} s", d.as_secs())).unwrap_or_default())]
    RateLimited { retry_after: Option<Duration> },
    #[error("error del servidor de la paquetería (HTTP {0})")]
    Server(u16),
    #[error("la paquetería no respondió a tiempo")]
    Timeout,
    #[error("error de red: {0}")]
    Network(String),
    #[error("respuesta mal formada: {0}")]
    Malformed(String),
    #[error("credenciales rechazadas: {0}")]
    Auth(String),
    #[error("solicitud rechazada (HTTP {status}): {message}")]
    Refused { status: u16, message: String },
    #[error("cuota diaria de la paquetería agotada")]
    QuotaExhausted,
}

impl CallError {
    /// The failure's kind as a metric label.
    pub fn kind(&self) -> &'static str {
        match self {
            CallError::RateLimited { .. } => "rate_limited",
            CallError::Server(_) => "server_error",
            CallError::Timeout => "timeout",
            CallError::Network(_) => "network",
            CallError::Malformed(_) => "malformed",
            CallError::Auth(_) => "auth",
            CallError::Refused { .. } => "refused",
            CallError::QuotaExhausted => "quota_exhausted",
        }
    }

    /// Worth trying again soon (with backoff): 429, 5xx, timeouts, network failures.
    pub fn is_transient(&self) -> bool {
        matches!(
            self,
            CallError::RateLimited { .. }
                | CallError::Server(_)
                | CallError::Timeout
                | CallError::Network(_)
        )
    }

    /// A malformed reply: logged, and nothing changes.
    pub fn is_malformed(&self) -> bool {
        matches!(self, CallError::Malformed(_))
    }
}

/// A carrier's tracking API.
pub trait CarrierClient: Send + Sync {
    fn carrier(&self) -> Carrier;

    /// How many numbers one call may carry (FedEx 30, UPS and DHL 1).
    fn max_batch(&self) -> usize;

    /// Tracks up to [`max_batch`](Self::max_batch) numbers in one call; every number asked
    /// for gets one answer.
    fn track<'a>(&'a self, numbers: &'a [String])
        -> BoxFuture<'a, Result<Vec<Tracked>, CallError>>;

    /// How many numbers one push subscription request may carry; 0: the adapter cannot
    /// subscribe (stand-ins in tests).
    fn max_subscribe(&self) -> usize {
        0
    }

    /// Asks the carrier to push these numbers' events to `hook`.
    fn subscribe<'a>(
        &'a self,
        _numbers: &'a [String],
        _hook: &'a push::subscribe::Hook,
    ) -> BoxFuture<'a, Result<push::subscribe::Subscribed, CallError>> {
        Box::pin(async { Err(push::subscribe::unsupported()) })
    }

    /// Confirms a subscription with the secret of the carrier's validation message (DHL).
    fn confirm<'a>(
        &'a self,
        _id: &'a str,
        _secret: &'a str,
    ) -> BoxFuture<'a, Result<(), CallError>> {
        Box::pin(async { Err(push::subscribe::unsupported()) })
    }
}

/// Completes a reply: numbers the carrier did not mention get a per-number error.
fn complete(asked: &[String], mut got: Vec<Tracked>) -> Vec<Tracked> {
    got.retain(|t| asked.contains(&t.number));
    for n in asked {
        if !got.iter().any(|t| &t.number == n) {
            got.push(Tracked {
                number: n.clone(),
                result: NumberResult::Failed("la paquetería no respondió por este número".into()),
            });
        }
    }
    got
}

/// The HTTP client of an adapter: a per-request timeout, rustls, connection pooling.
fn http_client(timeout: Duration) -> reqwest::Client {
    reqwest::Client::builder()
        .timeout(timeout)
        .connect_timeout(timeout.min(Duration::from_secs(5)))
        .user_agent(concat!("pep-tracker/", env!("CARGO_PKG_VERSION")))
        .build()
        .expect("the TLS backend initializes")
}
