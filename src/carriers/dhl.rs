//! DHL Shipment Tracking – Unified: `GET /track/shipments?trackingNumber=` with the
//! `DHL-API-Key` header, one number per call. Events may have no `statusCode` (the description
//! then decides, or the event stays `unknown`); timestamps may have no offset (read as UTC);
//! `returnFlag` marks a shipment going back to its sender.

use std::time::Duration;

use serde::Deserialize;

use super::config::KeyConfig;
use super::http::{self, check, parse, parse_time, place};
use super::push::subscribe::{open_lifetime, Hook, Subscribed};
use super::push::DHL_HOOK_HEADER;
use super::{BoxFuture, CallError, CarrierClient, NumberResult, Tracked};
use crate::domain::tracking::{Carrier, LegStatus, TrackingEvent};

/// The DHL adapter.
pub struct Dhl {
    http: reqwest::Client,
    cfg: KeyConfig,
}

impl Dhl {
    pub fn new(cfg: KeyConfig, timeout: Duration) -> Dhl {
        Dhl {
            http: super::http_client(timeout),
            cfg,
        }
    }

    async fn track_one(&self, number: &str) -> Result<NumberResult, CallError> {
        let url = format!(
            "{}/track/shipments?trackingNumber={}",
            self.cfg.base_url,
            http::encode(number)
        );
        let req = self
            .http
            .get(url)
            .header("DHL-API-Key", self.cfg.api_key.expose())
            .header("Accept", "application/json");
        let reply = http::send(req).await?;
        if reply.status == 404 {
            return Ok(NumberResult::NotYetVisible);
        }
        check(&reply)?;
        parse_reply(&reply.body, number)
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct SubscribeReply {
    subscription_id: String,
}

impl Dhl {
    async fn subscribe_one(&self, number: &str, hook: &Hook) -> Result<Subscribed, CallError> {
        let body = serde_json::json!({
            "hook": {
                "uri": hook.url,
                "authentication": {
                    "type": "ApiKeyAuthentication",
                    "header": DHL_HOOK_HEADER,
                    "token": hook.credential.as_ref().map_or("", |c| c.expose()),
                },
            },
            "format": "Default",
            "type": "TrackingID",
            "trackingNumber": number,
            "events": ["Pre-Transit", "Transit", "Delivered", "Failure", "Unknown"],
        });
        let req = self
            .http
            .post(format!(
                "{}/tracking/push/v1/subscription",
                self.cfg.base_url
            ))
            .header("DHL-API-Key", self.cfg.api_key.expose())
            .json(&body);
        let reply = http::send(req).await?;
        if reply.status == 400 || reply.status == 404 || reply.status == 422 {
            return Ok(Subscribed {
                invalid: vec![number.to_string()],
                lasts: open_lifetime(),
                ..Subscribed::default()
            });
        }
        check(&reply)?;
        let r: SubscribeReply = parse(&reply.body)?;
        Ok(Subscribed {
            valid: vec![number.to_string()],
            external_id: Some(r.subscription_id),
            validating: true,
            lasts: open_lifetime(),
            ..Subscribed::default()
        })
    }

    async fn confirm_one(&self, id: &str, secret: &str) -> Result<(), CallError> {
        let req = self
            .http
            .post(format!(
                "{}/tracking/push/v1/subscription/{}/validate",
                self.cfg.base_url,
                http::encode(id)
            ))
            .header("DHL-API-Key", self.cfg.api_key.expose())
            .json(&serde_json::json!({ "secret": secret }));
        check(&http::send(req).await?)
    }
}

impl CarrierClient for Dhl {
    fn carrier(&self) -> Carrier {
        Carrier::Dhl
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
                out.push(Tracked {
                    number: n.clone(),
                    result: self.track_one(n).await?,
                });
            }
            Ok(out)
        })
    }

    fn max_subscribe(&self) -> usize {
        1
    }

    fn subscribe<'a>(
        &'a self,
        numbers: &'a [String],
        hook: &'a Hook,
    ) -> BoxFuture<'a, Result<Subscribed, CallError>> {
        Box::pin(async move {
            match numbers {
                [one] => self.subscribe_one(one, hook).await,
                _ => Err(CallError::Refused {
                    status: 400,
                    message: "DHL: un número por suscripción".into(),
                }),
            }
        })
    }

    fn confirm<'a>(&'a self, id: &'a str, secret: &'a str) -> BoxFuture<'a, Result<(), CallError>> {
        Box::pin(self.confirm_one(id, secret))
    }
}

/// The body is an object with `shipments`, or (seen in the wild) the bare array.
#[derive(Deserialize)]
#[serde(untagged)]
enum Reply {
    Wrapped { shipments: Vec<Shipment> },
    Bare(Vec<Shipment>),
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Shipment {
    id: Option<String>,
    status: Option<Event>,
    #[serde(default)]
    events: Vec<Event>,
    details: Option<Details>,
    return_flag: Option<bool>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Details {
    return_flag: Option<bool>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Event {
    timestamp: String,
    location: Option<Location>,
    status_code: Option<String>,
    status: Option<String>,
    description: Option<String>,
}

#[derive(Deserialize)]
struct Location {
    address: Option<Address>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Address {
    address_locality: Option<String>,
    country_code: Option<String>,
}

/// Reads one number's reply (HTTP 200): the shipments whose id is the number (all of them
/// when none has it).
pub(crate) fn parse_reply(body: &[u8], number: &str) -> Result<NumberResult, CallError> {
    let shipments = match parse::<Reply>(body)? {
        Reply::Wrapped { shipments } | Reply::Bare(shipments) => shipments,
    };
    let mine: Vec<&Shipment> = if shipments.iter().any(|s| s.id.as_deref() == Some(number)) {
        shipments
            .iter()
            .filter(|s| s.id.as_deref() == Some(number))
            .collect()
    } else {
        shipments.iter().collect()
    };
    if mine.is_empty() {
        return Ok(NumberResult::NotYetVisible);
    }
    let mut events = Vec::new();
    for s in mine {
        events.extend(shipment_events(s)?);
    }
    Ok(NumberResult::Events(events))
}

/// Reads a pushed body (`shipments[]` in the tracking API's shape): each shipment's number
/// with its events; a shipment without an id, or anything unreadable, refuses the whole body.
pub(crate) fn parse_push(body: &[u8]) -> Result<Vec<Tracked>, CallError> {
    let shipments = match parse::<Reply>(body)? {
        Reply::Wrapped { shipments } | Reply::Bare(shipments) => shipments,
    };
    let mut out: Vec<Tracked> = Vec::new();
    for s in &shipments {
        let number =
            s.id.clone()
                .filter(|n| !n.trim().is_empty())
                .ok_or_else(|| CallError::Malformed("envío sin «id»".into()))?;
        let events = shipment_events(s)?;
        match out.iter_mut().find(|t| t.number == number) {
            Some(Tracked {
                result: NumberResult::Events(e),
                ..
            }) => e.extend(events),
            _ => out.push(Tracked {
                number,
                result: NumberResult::Events(events),
            }),
        }
    }
    Ok(out)
}

/// One shipment's events, the return flag applied.
fn shipment_events(s: &Shipment) -> Result<Vec<TrackingEvent>, CallError> {
    let returning = s
        .return_flag
        .or(s.details.as_ref().and_then(|d| d.return_flag));
    let source: Vec<&Event> = if s.events.is_empty() {
        s.status.iter().collect()
    } else {
        s.events.iter().collect()
    };
    let mut these = Vec::new();
    for e in source {
        these.push(event(e)?);
    }
    if returning == Some(true) {
        mark_return(&mut these);
    }
    Ok(these)
}

/// With `returnFlag`, the shipment is going back: its newest status and any "delivered" (to the
/// sender) read as returned to sender.
fn mark_return(events: &mut [TrackingEvent]) {
    if let Some(newest) = events
        .iter_mut()
        .filter(|e| e.status != LegStatus::Unknown)
        .max_by_key(|e| e.at)
    {
        newest.status = LegStatus::ReturnToSender;
    }
    for e in events
        .iter_mut()
        .filter(|e| e.status == LegStatus::Delivered)
    {
        e.status = LegStatus::ReturnToSender;
    }
}

fn event(e: &Event) -> Result<TrackingEvent, CallError> {
    let at = parse_time(&e.timestamp)
        .ok_or_else(|| CallError::Malformed(format!("fecha de evento «{}»", e.timestamp)))?;
    let code = e.status_code.clone().unwrap_or_default();
    let text = e
        .description
        .clone()
        .or_else(|| e.status.clone())
        .unwrap_or_default();
    let location = e
        .location
        .as_ref()
        .and_then(|l| l.address.as_ref())
        .map_or(String::new(), |a| {
            place(&[a.address_locality.as_deref(), a.country_code.as_deref()])
        });
    Ok(TrackingEvent {
        at,
        status: status(&code, &text),
        raw_code: code,
        raw_text: text.trim().to_string(),
        location,
    })
}

/// DHL status codes; without one (or `unknown`), the words of the description.
pub(crate) fn status(code: &str, text: &str) -> LegStatus {
    let t = text.to_lowercase();
    let returning = t.contains("returned to shipper")
        || t.contains("return to shipper")
        || t.contains("returned to sender")
        || t.contains("being returned");
    let out_for_delivery = t.contains("out with courier") || t.contains("out for delivery");
    match code {
        _ if returning => LegStatus::ReturnToSender,
        "pre-transit" => LegStatus::PreTransit,
        "transit" if out_for_delivery => LegStatus::OutForDelivery,
        "transit" => LegStatus::InTransit,
        "delivered" => LegStatus::Delivered,
        "failure" => LegStatus::Exception,
        _ => from_words(&t, out_for_delivery),
    }
}

fn from_words(t: &str, out_for_delivery: bool) -> LegStatus {
    let any = |words: &[&str]| words.iter().any(|w| t.contains(w));
    if out_for_delivery {
        LegStatus::OutForDelivery
    } else if t.starts_with("delivered") || any(&[" delivered", "shipment delivered"]) {
        LegStatus::Delivered
    } else if any(&[
        "on hold",
        "clearance delay",
        "delivery attempted",
        "failed",
        "incorrect address",
    ]) {
        LegStatus::Exception
    } else if any(&[
        "shipment information received",
        "label created",
        "electronically",
    ]) {
        LegStatus::PreTransit
    } else if any(&[
        "processed",
        "arrived",
        "departed",
        "picked up",
        "clearance",
        "transferred",
        "in transit",
    ]) {
        LegStatus::InTransit
    } else {
        LegStatus::Unknown
    }
}

#[cfg(test)]
mod tests;
