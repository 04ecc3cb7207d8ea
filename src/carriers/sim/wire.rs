//! The simulator's replies in each carrier's wire format: scans rendered as FedEx scan
//! events (local times with offsets), UPS activities (local date and time plus GMT fields) and
//! DHL events (some without `statusCode`, some timestamps without an offset, `returnFlag`).
//! Every rendering of one scan is identical from call to call, as a real carrier's would be.

use chrono::{DateTime, FixedOffset, Utc};
use serde_json::{json, Value};

use super::timeline::{Milestone, Place, SimEvent};

mod fedex;

pub(crate) use fedex::{fedex_body, fedex_not_found, fedex_result, FedexAnswer};

fn local(at: DateTime<Utc>, p: &Place) -> DateTime<FixedOffset> {
    let off = FixedOffset::east_opt(p.offset_min * 60).expect("offsets within a day");
    at.with_timezone(&off)
}

/// UPS: (type, code, description).
fn ups_words(m: Milestone) -> (&'static str, &'static str, &'static str) {
    use Milestone::*;
    match m {
        LabelCreated => ("M", "MP", "Shipper created a label, UPS has not received the package yet."),
        PickedUp => ("P", "PU", "Pickup Scan"),
        DepartedOrigin | DepartedHub => ("I", "DP", "Departed from Facility"),
        ArrivedHub | ArrivedDestination => ("I", "AR", "Arrived at Facility"),
        InClearance => ("I", "IP", "Import Scan"),
        CustomsHold => ("X", "CD", "A clearance delay has occurred. Documentation is under review."),
        ClearanceComplete => ("I", "CR", "Your package was released by the customs agency."),
        OutForDelivery => ("I", "OT", "Out For Delivery Today"),
        DeliveryAttempted => ("X", "U2", "The receiver was not available for delivery. We'll make a second attempt the next business day."),
        Delivered => ("D", "KB", "DELIVERED"),
        ReturningToSender => ("X", "RS", "The package is being returned to the sender."),
        ReturnedToSender => ("D", "FS", "Delivered to the sender after return"),
    }
}

pub(crate) fn ups_body(number: &str, events: &[SimEvent]) -> Value {
    let activity: Vec<Value> = events
        .iter()
        .rev()
        .map(|e| {
            let (kind, code, text) = ups_words(e.milestone);
            let l = local(e.at, &e.place);
            json!({
                "location": { "address": {
                    "city": e.place.city, "stateProvince": e.place.region,
                    "countryCode": e.place.country, "country": e.place.country
                }},
                "status": { "type": kind, "description": text, "code": code },
                "date": l.format("%Y%m%d").to_string(),
                "time": l.format("%H%M%S").to_string(),
                "gmtDate": e.at.format("%Y%m%d").to_string(),
                "gmtTime": e.at.format("%H:%M:%S").to_string(),
                "gmtOffset": l.format("%:z").to_string(),
            })
        })
        .collect();
    json!({ "trackResponse": { "shipment": [{
        "inquiryNumber": number,
        "package": [{ "trackingNumber": number, "activity": activity, "packageCount": 1 }]
    }]}})
}

pub(crate) fn ups_not_found() -> Value {
    json!({ "response": { "errors": [{ "code": "TW0001", "message": "Tracking Information Not Found" }] } })
}

/// DHL: (statusCode, description, whether the code may be left out).
fn dhl_words(m: Milestone, city: &str) -> (&'static str, String, bool) {
    use Milestone::*;
    match m {
        LabelCreated => ("pre-transit", "Shipment information received".into(), false),
        PickedUp => ("transit", "Shipment picked up".into(), true),
        DepartedOrigin => ("transit", format!("Departed Facility in {city}"), true),
        ArrivedHub => (
            "transit",
            format!("Arrived at DHL Sort Facility {city}"),
            true,
        ),
        InClearance => (
            "transit",
            format!("Customs status updated at {city}"),
            false,
        ),
        CustomsHold => ("failure", "Shipment is on hold".into(), true),
        ClearanceComplete => (
            "transit",
            format!("Clearance processing complete at {city}"),
            true,
        ),
        DepartedHub => (
            "transit",
            format!("Shipment has departed from a DHL facility {city}"),
            true,
        ),
        ArrivedDestination => (
            "transit",
            format!("Arrived at DHL Delivery Facility {city}"),
            true,
        ),
        OutForDelivery => (
            "transit",
            "Shipment is out with courier for delivery".into(),
            true,
        ),
        DeliveryAttempted => (
            "failure",
            "Delivery attempted; recipient not home".into(),
            true,
        ),
        Delivered => ("delivered", "Delivered".into(), false),
        ReturningToSender => ("transit", "Returned to shipper".into(), true),
        ReturnedToSender => ("delivered", "Delivered".into(), false),
    }
}

/// A stable coin per scan: the same answer on every call.
fn coin(number: &str, at: DateTime<Utc>, salt: u64) -> bool {
    let mut h = (at.timestamp() as u64) ^ salt;
    for b in number.bytes() {
        h = (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
    }
    (h >> 7).is_multiple_of(3)
}

fn dhl_event(number: &str, e: &SimEvent) -> Value {
    let (code, text, optional) = dhl_words(e.milestone, e.place.city);
    let timestamp = if coin(number, e.at, 1) {
        e.at.format("%Y-%m-%dT%H:%M:%S").to_string()
    } else {
        local(e.at, &e.place).to_rfc3339()
    };
    let mut v = json!({
        "timestamp": timestamp,
        "location": { "address": { "addressLocality": format!("{} - {}", e.place.city, e.place.country) } },
        "description": text,
    });
    if !(optional && coin(number, e.at, 2)) {
        v["statusCode"] = json!(code);
        v["status"] = json!(code);
    }
    v
}

pub(crate) fn dhl_body(number: &str, events: &[SimEvent]) -> Value {
    dhl_shipments(vec![dhl_shipment(number, events)])
}

/// A DHL body of several shipments (a tracking answer, or a packed push).
pub(crate) fn dhl_shipments(shipments: Vec<Value>) -> Value {
    json!({ "shipments": shipments })
}

/// One entry of DHL's `shipments[]`, newest event first.
pub(crate) fn dhl_shipment(number: &str, events: &[SimEvent]) -> Value {
    let returning = events.iter().any(|e| {
        matches!(
            e.milestone,
            Milestone::ReturningToSender | Milestone::ReturnedToSender
        )
    });
    let rendered: Vec<Value> = events.iter().rev().map(|e| dhl_event(number, e)).collect();
    json!({
        "id": number,
        "service": "express",
        "status": rendered.first().cloned(),
        "details": { "returnFlag": returning, "proofOfDeliverySignedAvailable": false },
        "events": rendered,
    })
}

pub(crate) fn dhl_not_found(number: &str) -> Value {
    json!({
        "title": "No result found",
        "status": 404,
        "detail": "No shipment with given tracking number found.",
        "instance": format!("/shipment/{number}")
    })
}

/// A UPS Track Alert push: one activity, with the same words, place and GMT time as the
/// Tracking API's activity for the same scan.
pub(crate) fn ups_alert(number: &str, e: &SimEvent) -> Value {
    let (kind, code, text) = ups_words(e.milestone);
    let l = local(e.at, &e.place);
    json!({
        "trackingNumber": number,
        "localActivityDate": l.format("%Y%m%d").to_string(),
        "localActivityTime": l.format("%H%M%S").to_string(),
        "gmtActivityDate": e.at.format("%Y%m%d").to_string(),
        "gmtActivityTime": e.at.format("%H%M%S").to_string(),
        "gmtOffset": l.format("%:z").to_string().replace(':', "."),
        "activityLocation": {
            "city": e.place.city, "stateProvince": e.place.region,
            "postalCode": "", "country": e.place.country
        },
        "activityStatus": { "type": kind, "code": code, "description": text },
        "scheduledDeliveryDate": "",
        "actualDeliveryDate": if kind == "D" { e.at.format("%Y%m%d").to_string() } else { String::new() },
    })
}
