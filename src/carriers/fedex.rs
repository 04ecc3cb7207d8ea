//! FedEx Track API: OAuth2 client credentials at `/oauth/token` (token cached until it
//! expires), `POST /track/v1/trackingnumbers` with up to 30 numbers per call. A number FedEx
//! does not know comes back inside the HTTP 200, as an error in its own result.

use std::time::Duration;

use serde::Deserialize;

use super::config::{OAuthConfig, Secret};
use super::http::{self, check, parse, parse_time, place};
use super::oauth::{read_token, TokenCache};
use super::push::subscribe::{open_lifetime, Hook, Subscribed};
use super::{complete, BoxFuture, CallError, CarrierClient, NumberResult, Tracked};
use crate::domain::tracking::{Carrier, LegStatus, TrackingEvent};

/// FedEx allows 30 tracking numbers per request.
pub const MAX_BATCH: usize = 30;

/// The FedEx adapter.
pub struct Fedex {
    http: reqwest::Client,
    cfg: OAuthConfig,
    token: TokenCache,
}

impl Fedex {
    pub fn new(cfg: OAuthConfig, timeout: Duration) -> Fedex {
        Fedex {
            http: super::http_client(timeout),
            cfg,
            token: TokenCache::default(),
        }
    }

    async fn fetch_token(&self) -> Result<(Secret, Duration), CallError> {
        let body = http::form(&[
            ("grant_type", "client_credentials"),
            ("client_id", &self.cfg.client_id),
            ("client_secret", self.cfg.client_secret.expose()),
        ]);
        let req = self
            .http
            .post(format!("{}/oauth/token", self.cfg.base_url))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .body(body);
        read_token(&http::send(req).await?)
    }

    async fn track_once(&self, numbers: &[String]) -> Result<Vec<Tracked>, CallError> {
        let token = self.token.get(|| self.fetch_token()).await?;
        let body = serde_json::json!({
            "includeDetailedScans": true,
            "trackingInfo": numbers
                .iter()
                .map(|n| serde_json::json!({ "trackingNumberInfo": { "trackingNumber": n } }))
                .collect::<Vec<_>>(),
        });
        let req = self
            .http
            .post(format!("{}/track/v1/trackingnumbers", self.cfg.base_url))
            .bearer_auth(token.expose())
            .header("X-locale", "en_US")
            .json(&body);
        let reply = http::send(req).await?;
        check(&reply)?;
        parse_reply(&reply.body, numbers)
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct SubscribeReply {
    output: SubscribeOutput,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct SubscribeOutput {
    #[serde(default)]
    subscribed_tracking_numbers: Vec<String>,
    #[serde(default)]
    failed_tracking_numbers: Vec<String>,
}

impl Fedex {
    async fn subscribe_once(
        &self,
        numbers: &[String],
        hook: &Hook,
    ) -> Result<Subscribed, CallError> {
        let token = self.token.get(|| self.fetch_token()).await?;
        let body = serde_json::json!({ "trackingNumbers": numbers, "destinationUrl": hook.url });
        let req = self
            .http
            .post(format!(
                "{}/track/v1/webhook/subscriptions",
                self.cfg.base_url
            ))
            .bearer_auth(token.expose())
            .json(&body);
        let reply = http::send(req).await?;
        check(&reply)?;
        let r: SubscribeReply = parse(&reply.body)?;
        Ok(Subscribed {
            valid: r.output.subscribed_tracking_numbers,
            invalid: r.output.failed_tracking_numbers,
            lasts: open_lifetime(),
            ..Subscribed::default()
        })
    }
}

impl CarrierClient for Fedex {
    fn carrier(&self) -> Carrier {
        Carrier::Fedex
    }

    fn max_batch(&self) -> usize {
        MAX_BATCH
    }

    fn track<'a>(
        &'a self,
        numbers: &'a [String],
    ) -> BoxFuture<'a, Result<Vec<Tracked>, CallError>> {
        Box::pin(self.token.retry_on_auth(|| self.track_once(numbers)))
    }

    fn max_subscribe(&self) -> usize {
        MAX_BATCH
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
    output: Option<Output>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Output {
    complete_track_results: Vec<CompleteTrackResult>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct CompleteTrackResult {
    tracking_number: String,
    #[serde(default)]
    track_results: Vec<TrackResult>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct TrackResult {
    error: Option<ApiError>,
    #[serde(default)]
    scan_events: Vec<ScanEvent>,
}

#[derive(Deserialize)]
struct ApiError {
    code: Option<String>,
    message: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ScanEvent {
    date: String,
    event_type: Option<String>,
    event_description: Option<String>,
    exception_description: Option<String>,
    scan_location: Option<Address>,
    derived_status_code: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Address {
    city: Option<String>,
    state_or_province_code: Option<String>,
    country_code: Option<String>,
}

const NOT_FOUND: &str = "TRACKING.TRACKINGNUMBER.NOTFOUND";

/// Reads a track reply for the numbers asked; the whole reply is refused if any part is
/// unreadable (a malformed reply changes nothing).
pub(crate) fn parse_reply(body: &[u8], asked: &[String]) -> Result<Vec<Tracked>, CallError> {
    Ok(complete(asked, parse_all(body)?))
}

/// Reads a body in the Track API's shape (a reply, or a pushed webhook event): every number
/// it names, with its events; unreadable in any part, refused whole.
pub(crate) fn parse_all(body: &[u8]) -> Result<Vec<Tracked>, CallError> {
    let reply: Reply = parse(body)?;
    let output = reply
        .output
        .ok_or_else(|| CallError::Malformed("falta «output»".into()))?;
    let mut out: Vec<Tracked> = Vec::new();
    for c in output.complete_track_results {
        let result = number_result(&c.track_results)?;
        match out.iter_mut().find(|t| t.number == c.tracking_number) {
            Some(t) => merge(&mut t.result, result),
            None => out.push(Tracked {
                number: c.tracking_number,
                result,
            }),
        }
    }
    Ok(out)
}

fn number_result(results: &[TrackResult]) -> Result<NumberResult, CallError> {
    let mut events = Vec::new();
    let mut error = None;
    for r in results {
        if let Some(e) = &r.error {
            error = Some(e);
            continue;
        }
        for s in &r.scan_events {
            events.push(event(s)?);
        }
    }
    Ok(match error {
        _ if !events.is_empty() => NumberResult::Events(events),
        Some(e) if e.code.as_deref() == Some(NOT_FOUND) => NumberResult::NotYetVisible,
        Some(e) => NumberResult::Failed(format!(
            "FedEx {}: {}",
            e.code.as_deref().unwrap_or("?"),
            e.message.as_deref().unwrap_or("")
        )),
        None => NumberResult::Events(events),
    })
}

/// Two results for one number (FedEx may split a number into several shipments).
fn merge(into: &mut NumberResult, more: NumberResult) {
    match (into, more) {
        (NumberResult::Events(a), NumberResult::Events(b)) => a.extend(b),
        (
            slot @ (NumberResult::NotYetVisible | NumberResult::Failed(_)),
            b @ NumberResult::Events(_),
        ) => *slot = b,
        _ => {}
    }
}

fn event(s: &ScanEvent) -> Result<TrackingEvent, CallError> {
    let at = parse_time(&s.date)
        .ok_or_else(|| CallError::Malformed(format!("fecha de evento «{}»", s.date)))?;
    let code = s.event_type.clone().unwrap_or_default();
    let mut text = s.event_description.clone().unwrap_or_default();
    if let Some(x) = s
        .exception_description
        .as_deref()
        .filter(|x| !x.trim().is_empty())
    {
        text = format!("{text} — {}", x.trim());
    }
    let location = s.scan_location.as_ref().map_or(String::new(), |a| {
        place(&[
            a.city.as_deref(),
            a.state_or_province_code.as_deref(),
            a.country_code.as_deref(),
        ])
    });
    Ok(TrackingEvent {
        at,
        status: status(&code, s.derived_status_code.as_deref().unwrap_or("")),
        raw_code: code,
        raw_text: text,
        location,
    })
}

/// FedEx scan event types, then the derived status code, to the leg statuses.
pub(crate) fn status(event_type: &str, derived: &str) -> LegStatus {
    match event_type {
        "OC" => LegStatus::PreTransit,
        "OD" => LegStatus::OutForDelivery,
        "DL" => LegStatus::Delivered,
        "RS" | "RG" => LegStatus::ReturnToSender,
        "DE" | "SE" | "CD" | "DY" | "CA" => LegStatus::Exception,
        _ => match derived {
            "IN" => LegStatus::PreTransit,
            "PU" | "IT" | "AR" | "DP" | "AF" | "FD" | "HL" | "HP" | "CC" => LegStatus::InTransit,
            "OD" => LegStatus::OutForDelivery,
            "DL" => LegStatus::Delivered,
            "RS" => LegStatus::ReturnToSender,
            "DE" | "SE" | "CD" | "DY" | "CA" => LegStatus::Exception,
            _ => match event_type {
                "PU" | "AR" | "DP" | "IT" | "AF" | "FD" | "CC" | "HP" | "PM" | "TR" => {
                    LegStatus::InTransit
                }
                _ => LegStatus::Unknown,
            },
        },
    }
}

#[cfg(test)]
mod tests;
