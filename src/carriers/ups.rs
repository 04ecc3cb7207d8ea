//! UPS Tracking API: OAuth2 client credentials at `/security/v1/oauth/token` (HTTP Basic with
//! the client id and secret), `GET /api/track/v1/details/{inquiryNumber}` with the `transId`
//! and `transactionSrc` headers, one number per call. Activity status types: D delivered,
//! I in transit (code OT/OF: out for delivery), M manifest (label created), X exception (code
//! RS, or a "return to sender" description: returned to sender), P pickup.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use base64::Engine;
use chrono::{NaiveDateTime, Utc};
use serde::Deserialize;

use super::config::{OAuthConfig, Secret};
use super::http::{self, check, parse, place};
use super::oauth::{read_token, TokenCache};
use super::push::subscribe::{ups_lifetime, Hook, Subscribed};
use super::{BoxFuture, CallError, CarrierClient, NumberResult, Tracked};
use crate::domain::tracking::{Carrier, LegStatus, TrackingEvent};

/// The name UPS sees in `transactionSrc`.
const TRANSACTION_SRC: &str = "pep-tracker";

/// The UPS adapter.
pub struct Ups {
    http: reqwest::Client,
    cfg: OAuthConfig,
    token: TokenCache,
    calls: AtomicU64,
}

impl Ups {
    pub fn new(cfg: OAuthConfig, timeout: Duration) -> Ups {
        Ups {
            http: super::http_client(timeout),
            cfg,
            token: TokenCache::default(),
            calls: AtomicU64::new(0),
        }
    }

    async fn fetch_token(&self) -> Result<(Secret, Duration), CallError> {
        let basic = base64::engine::general_purpose::STANDARD.encode(format!(
            "{}:{}",
            self.cfg.client_id,
            self.cfg.client_secret.expose()
        ));
        let req = self
            .http
            .post(format!("{}/security/v1/oauth/token", self.cfg.base_url))
            .header("Authorization", format!("Basic {basic}"))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .body(http::form(&[("grant_type", "client_credentials")]));
        read_token(&http::send(req).await?)
    }

    /// A unique id per request (UPS allows 32 characters).
    fn trans_id(&self) -> String {
        let n = self.calls.fetch_add(1, Ordering::Relaxed);
        format!("pep{}{n:08}", Utc::now().timestamp_millis())
    }

    async fn track_once(&self, number: &str) -> Result<NumberResult, CallError> {
        let token = self.token.get(|| self.fetch_token()).await?;
        let url = format!(
            "{}/api/track/v1/details/{}?locale=en_US&returnSignature=false",
            self.cfg.base_url,
            http::encode(number)
        );
        let req = self
            .http
            .get(url)
            .bearer_auth(token.expose())
            .header("transId", self.trans_id())
            .header("transactionSrc", TRANSACTION_SRC);
        let reply = http::send(req).await?;
        if reply.status == 404 {
            return Ok(NumberResult::NotYetVisible);
        }
        check(&reply)?;
        parse_reply(&reply.body)
    }
}

/// UPS Track Alert takes at most 100 numbers per subscription request.
pub const MAX_SUBSCRIBE: usize = 100;

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct SubscribeReply {
    #[serde(default)]
    valid_tracking_numbers: Vec<String>,
    #[serde(default)]
    invalid_tracking_numbers: Vec<String>,
}

impl Ups {
    async fn subscribe_once(
        &self,
        numbers: &[String],
        hook: &Hook,
    ) -> Result<Subscribed, CallError> {
        let token = self.token.get(|| self.fetch_token()).await?;
        let body = serde_json::json!({
            "locale": "en_US",
            "trackingNumberList": numbers,
            "destination": {
                "url": hook.url,
                "credentialType": "Bearer",
                "credential": hook.credential.as_ref().map_or("", |c| c.expose()),
            },
        });
        let req = self
            .http
            .post(format!(
                "{}/api/track/v1/subscription/standard/package",
                self.cfg.base_url
            ))
            .bearer_auth(token.expose())
            .header("transId", self.trans_id())
            .header("transactionSrc", TRANSACTION_SRC)
            .json(&body);
        let reply = http::send(req).await?;
        check(&reply)?;
        let r: SubscribeReply = parse(&reply.body)?;
        Ok(Subscribed {
            valid: r.valid_tracking_numbers,
            invalid: r.invalid_tracking_numbers,
            lasts: ups_lifetime(),
            ..Subscribed::default()
        })
    }
}

impl CarrierClient for Ups {
    fn carrier(&self) -> Carrier {
        Carrier::Ups
    }

    fn max_batch(&self) -> usize {
        1
    }

    fn track<'a>(
        &'a self,
        numbers: &'a [String],
    ) -> BoxFuture<'a, Result<Vec<Tracked>, CallError>> {
        Box::pin(async move {
            let mut out = Vec::with_capacity(numbers.len());
            for n in numbers {
                let result = self.token.retry_on_auth(|| self.track_once(n)).await?;
                out.push(Tracked {
                    number: n.clone(),
                    result,
                });
            }
            Ok(out)
        })
    }

    fn max_subscribe(&self) -> usize {
        MAX_SUBSCRIBE
    }

    fn subscribe<'a>(
        &'a self,
        numbers: &'a [String],
        hook: &'a Hook,
    ) -> BoxFuture<'a, Result<Subscribed, CallError>> {
        Box::pin(
            self.token
                .retry_on_auth(|| self.subscribe_once(numbers, hook)),
        )
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Reply {
    track_response: Option<TrackResponse>,
}

#[derive(Deserialize)]
struct TrackResponse {
    shipment: Vec<Shipment>,
}

#[derive(Deserialize)]
struct Shipment {
    #[serde(default)]
    package: Vec<Package>,
    #[serde(default)]
    warnings: Vec<Warning>,
}

#[derive(Deserialize)]
struct Warning {
    code: Option<String>,
    message: Option<String>,
}

#[derive(Deserialize)]
struct Package {
    #[serde(default)]
    activity: Vec<Activity>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Activity {
    location: Option<Location>,
    status: Option<Status>,
    date: Option<String>,
    time: Option<String>,
    gmt_date: Option<String>,
    gmt_time: Option<String>,
}

#[derive(Deserialize)]
struct Location {
    address: Option<Address>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Address {
    city: Option<String>,
    state_province: Option<String>,
    country_code: Option<String>,
}

#[derive(Deserialize)]
struct Status {
    #[serde(rename = "type")]
    kind: Option<String>,
    description: Option<String>,
    code: Option<String>,
}

/// "Tracking Information Not Found".
const NOT_FOUND: &str = "TW0001";

/// Reads one number's reply (HTTP 200).
pub(crate) fn parse_reply(body: &[u8]) -> Result<NumberResult, CallError> {
    let reply: Reply = parse(body)?;
    let shipments = reply
        .track_response
        .ok_or_else(|| CallError::Malformed("falta «trackResponse»".into()))?
        .shipment;
    let mut events = Vec::new();
    let mut warning = None;
    for s in &shipments {
        warning = warning.or(s.warnings.first());
        for p in &s.package {
            for a in &p.activity {
                events.push(event(a)?);
            }
        }
    }
    Ok(match warning {
        _ if !events.is_empty() => NumberResult::Events(events),
        Some(w) if w.code.as_deref() == Some(NOT_FOUND) => NumberResult::NotYetVisible,
        Some(w) => NumberResult::Failed(format!(
            "UPS {}: {}",
            w.code.as_deref().unwrap_or("?"),
            w.message.as_deref().unwrap_or("")
        )),
        None if shipments.iter().all(|s| s.package.is_empty()) => NumberResult::NotYetVisible,
        None => NumberResult::Events(events),
    })
}

/// UTC from `gmtDate` + `gmtTime` when given, else the local `date` + `time` read as UTC.
fn time(a: &Activity) -> Option<chrono::DateTime<Utc>> {
    if let (Some(d), Some(t)) = (&a.gmt_date, &a.gmt_time) {
        let t = t.replace(':', "");
        return NaiveDateTime::parse_from_str(&format!("{d}{t}"), "%Y%m%d%H%M%S")
            .ok()
            .map(|x| x.and_utc());
    }
    let (d, t) = (a.date.as_deref()?, a.time.as_deref()?);
    NaiveDateTime::parse_from_str(&format!("{d}{t}"), "%Y%m%d%H%M%S")
        .ok()
        .map(|x| x.and_utc())
}

fn event(a: &Activity) -> Result<TrackingEvent, CallError> {
    let at = time(a).ok_or_else(|| {
        CallError::Malformed(format!(
            "fecha de actividad «{} {}»",
            a.date.as_deref().unwrap_or(""),
            a.time.as_deref().unwrap_or("")
        ))
    })?;
    let (kind, code, text) = a.status.as_ref().map_or(("", "", ""), |s| {
        (
            s.kind.as_deref().unwrap_or(""),
            s.code.as_deref().unwrap_or(""),
            s.description.as_deref().unwrap_or(""),
        )
    });
    let location =
        a.location
            .as_ref()
            .and_then(|l| l.address.as_ref())
            .map_or(String::new(), |ad| {
                place(&[
                    ad.city.as_deref(),
                    ad.state_province.as_deref(),
                    ad.country_code.as_deref(),
                ])
            });
    Ok(TrackingEvent {
        at,
        status: status(kind, code, text),
        raw_code: format!("{kind}:{code}"),
        raw_text: text.trim().to_string(),
        location,
    })
}

/// UPS status type and code to the leg statuses.
pub(crate) fn status(kind: &str, code: &str, text: &str) -> LegStatus {
    let lower = text.to_lowercase();
    let returning = code == "RS"
        || (lower.contains("return") && (lower.contains("sender") || lower.contains("shipper")));
    match kind {
        "D" if returning => LegStatus::ReturnToSender,
        "D" => LegStatus::Delivered,
        "M" => LegStatus::PreTransit,
        "X" if returning => LegStatus::ReturnToSender,
        "X" => LegStatus::Exception,
        "RS" => LegStatus::ReturnToSender,
        "I" | "P" if returning => LegStatus::ReturnToSender,
        "I" if code == "OT" || code == "OF" || lower.contains("out for delivery") => {
            LegStatus::OutForDelivery
        }
        "I" | "P" => LegStatus::InTransit,
        "O" => LegStatus::OutForDelivery,
        _ => LegStatus::Unknown,
    }
}

#[cfg(test)]
mod tests;
