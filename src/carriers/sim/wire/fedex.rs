//! FedEx Track API bodies rendered straight from the simulator's scans: typed values that
//! serialize in one pass (a national drill renders millions of scan events; a `json!` tree
//! per event spent most of the simulator's time building and dropping maps).

use serde::Serialize;
use serde_json::Value;

use super::local;
use crate::carriers::sim::timeline::{Milestone, SimEvent};

/// FedEx: (eventType, description, derivedStatusCode, exceptionDescription).
fn fedex_words(m: Milestone) -> (&'static str, &'static str, &'static str, &'static str) {
    use Milestone::*;
    match m {
        LabelCreated => ("OC", "Shipment information sent to FedEx", "IN", ""),
        PickedUp => ("PU", "Picked up", "PU", ""),
        DepartedOrigin => ("DP", "Left FedEx origin facility", "IT", ""),
        ArrivedHub => ("AR", "Arrived at FedEx hub", "IT", ""),
        InClearance => ("CP", "Clearance in progress", "IT", ""),
        CustomsHold => (
            "CD",
            "Clearance delay",
            "CD",
            "Import documentation under review",
        ),
        ClearanceComplete => ("CC", "International shipment release - Import", "IT", ""),
        DepartedHub => ("DP", "Departed FedEx hub", "IT", ""),
        ArrivedDestination => ("AR", "At local FedEx facility", "IT", ""),
        OutForDelivery => ("OD", "On FedEx vehicle for delivery", "OD", ""),
        DeliveryAttempted => (
            "DE",
            "Delivery exception",
            "DE",
            "Customer not available or business closed",
        ),
        Delivered => ("DL", "Delivered", "DL", ""),
        ReturningToSender => ("RS", "Returning package to shipper", "RS", ""),
        ReturnedToSender => ("RS", "Returned to shipper", "RS", ""),
    }
}

/// One number's entry of `completeTrackResults`, newest scan first.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct FedexResult<'a> {
    tracking_number: &'a str,
    track_results: [TrackResult<'a>; 1],
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct TrackResult<'a> {
    tracking_number_info: NumberInfo<'a>,
    latest_status_detail: Option<Latest>,
    scan_events: Vec<Scan>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct NumberInfo<'a> {
    tracking_number: &'a str,
    carrier_code: &'static str,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct Latest {
    code: &'static str,
    derived_code: &'static str,
    description: &'static str,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct Scan {
    date: String,
    event_type: &'static str,
    event_description: &'static str,
    exception_code: &'static str,
    exception_description: &'static str,
    scan_location: Location,
    derived_status_code: &'static str,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct Location {
    city: &'static str,
    state_or_province_code: &'static str,
    country_code: &'static str,
    residential: bool,
}

fn scan(e: &SimEvent) -> Scan {
    let (kind, text, derived, exception) = fedex_words(e.milestone);
    Scan {
        date: local(e.at, &e.place).to_rfc3339(),
        event_type: kind,
        event_description: text,
        exception_code: if exception.is_empty() { "" } else { "X1" },
        exception_description: exception,
        scan_location: Location {
            city: e.place.city,
            state_or_province_code: e.place.region,
            country_code: e.place.country,
            residential: false,
        },
        derived_status_code: derived,
    }
}

/// One number's entry of `completeTrackResults` for `events` (oldest first).
pub(crate) fn fedex_result<'a>(number: &'a str, events: &[SimEvent]) -> FedexResult<'a> {
    let latest = events.last().map(|e| {
        let (code, description, derived_code, _) = fedex_words(e.milestone);
        Latest {
            code,
            derived_code,
            description,
        }
    });
    FedexResult {
        tracking_number: number,
        track_results: [TrackResult {
            tracking_number_info: NumberInfo {
                tracking_number: number,
                carrier_code: "FDXE",
            },
            latest_status_detail: latest,
            scan_events: events.iter().rev().map(scan).collect(),
        }],
    }
}

/// An entry of `completeTrackResults`: a number's scans, or a prepared value (FedEx's not-found error).
#[derive(Debug, Serialize)]
#[serde(untagged)]
pub(crate) enum FedexAnswer<'a> {
    Found(FedexResult<'a>),
    Other(Value),
}

pub(crate) fn fedex_not_found(number: &str) -> Value {
    serde_json::json!({
        "trackingNumber": number,
        "trackResults": [{
            "trackingNumberInfo": { "trackingNumber": number, "trackingNumberUniqueId": "", "carrierCode": "" },
            "error": {
                "code": "TRACKING.TRACKINGNUMBER.NOTFOUND",
                "message": "Tracking number cannot be found. Please correct the tracking number and try again."
            }
        }]
    })
}

/// A Track API answer (or a pushed body) carrying `results`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct FedexBody<'a, T> {
    transaction_id: &'a str,
    output: Output<T>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct Output<T> {
    complete_track_results: Vec<T>,
}

pub(crate) fn fedex_body<T: Serialize>(transaction: &str, results: Vec<T>) -> FedexBody<'_, T> {
    FedexBody {
        transaction_id: transaction,
        output: Output {
            complete_track_results: results,
        },
    }
}
