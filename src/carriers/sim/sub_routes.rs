//! The simulator's push subscription endpoints, at the carriers' paths: UPS Track Alert
//! (≤ 100 numbers, partial success), FedEx's webhook tracking-number subscription (≤ 30), DHL's
//! push subscription (one number, then its validation handshake).

use std::sync::Arc;

use rocket::http::Status;
use rocket::serde::json::Json;
use rocket::{post, routes, Route, State};
use serde::Deserialize;
use serde_json::json;

use super::routes::{Headers, Reply};
use super::Sim;
use crate::domain::tracking::{validate_tracking, Carrier};

pub(super) fn routes() -> Vec<Route> {
    routes![ups_subscribe, fedex_subscribe, dhl_subscribe, dhl_validate]
}

fn split(carrier: Carrier, numbers: &[String]) -> (Vec<String>, Vec<String>) {
    numbers
        .iter()
        .cloned()
        .partition(|n| validate_tracking(carrier, n).is_ok())
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct UpsSubscription {
    #[serde(default)]
    tracking_number_list: Vec<String>,
    destination: UpsDestination,
}

#[derive(Deserialize)]
pub(super) struct UpsDestination {
    url: String,
    #[serde(default)]
    credential: String,
}

#[post("/api/track/v1/subscription/standard/package", data = "<body>")]
fn ups_subscribe(
    body: Json<UpsSubscription>,
    headers: Headers<'_>,
    sim: &State<Arc<Sim>>,
) -> Reply {
    if !headers.bearer().is_some_and(|t| sim.token_valid(t)) {
        return Reply::json(
            Status::Unauthorized,
            &json!({ "response": { "errors": [{ "code": "250002", "message": "Invalid Authentication Information." }] } }),
        );
    }
    let list = &body.tracking_number_list;
    if list.is_empty() || list.len() > 100 || headers.get("transId").is_none() {
        return Reply::json(
            Status::BadRequest,
            &json!({ "response": { "errors": [{ "code": "TA0001", "message": "Between 1 and 100 tracking numbers, with transId" }] } }),
        );
    }
    let (valid, invalid) = split(Carrier::Ups, list);
    let auth = Some((
        "credential".to_string(),
        body.destination.credential.clone(),
    ));
    for n in &valid {
        sim.subscribe(Carrier::Ups, n, &body.destination.url, auth.clone());
    }
    Reply::ok(&json!({ "validTrackingNumbers": valid, "invalidTrackingNumbers": invalid }))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct FedexSubscription {
    #[serde(default)]
    tracking_numbers: Vec<String>,
    destination_url: String,
}

#[post("/track/v1/webhook/subscriptions", data = "<body>")]
fn fedex_subscribe(
    body: Json<FedexSubscription>,
    headers: Headers<'_>,
    sim: &State<Arc<Sim>>,
) -> Reply {
    if !headers.bearer().is_some_and(|t| sim.token_valid(t)) {
        return Reply::json(
            Status::Unauthorized,
            &json!({ "errors": [{ "code": "NOT.AUTHORIZED.ERROR", "message": "Access token expired." }] }),
        );
    }
    let list = &body.tracking_numbers;
    if list.is_empty() || list.len() > crate::carriers::fedex::MAX_BATCH {
        return Reply::json(
            Status::BadRequest,
            &json!({ "errors": [{ "code": "TRACKINGNUMBERS.INVALID", "message": "Between 1 and 30 tracking numbers." }] }),
        );
    }
    let (valid, invalid) = split(Carrier::Fedex, list);
    for n in &valid {
        sim.subscribe(Carrier::Fedex, n, &body.destination_url, None);
    }
    Reply::ok(
        &json!({ "output": { "subscribedTrackingNumbers": valid, "failedTrackingNumbers": invalid } }),
    )
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct DhlSubscription {
    hook: DhlHook,
    tracking_number: String,
}

#[derive(Deserialize)]
pub(super) struct DhlHook {
    uri: String,
    authentication: DhlAuth,
}

#[derive(Deserialize)]
pub(super) struct DhlAuth {
    header: String,
    token: String,
}

#[post("/tracking/push/v1/subscription", data = "<body>")]
fn dhl_subscribe(
    body: Json<DhlSubscription>,
    headers: Headers<'_>,
    sim: &State<Arc<Sim>>,
) -> Reply {
    if headers.get("DHL-API-Key").is_none() {
        return Reply::json(
            Status::Unauthorized,
            &json!({ "title": "Unauthorized", "status": 401 }),
        );
    }
    let n = body.tracking_number.trim();
    if validate_tracking(Carrier::Dhl, n).is_err() {
        return Reply::json(
            Status::BadRequest,
            &json!({ "title": "Bad Request", "status": 400, "detail": "invalid trackingNumber" }),
        );
    }
    let auth = (
        body.hook.authentication.header.clone(),
        body.hook.authentication.token.clone(),
    );
    let id = sim.subscribe_dhl(n, &body.hook.uri, auth);
    Reply::ok(&json!({ "subscriptionId": id, "status": "pending-validation" }))
}

#[derive(Deserialize)]
pub(super) struct DhlSecret {
    secret: String,
}

#[post("/tracking/push/v1/subscription/<id>/validate", data = "<body>")]
fn dhl_validate(
    id: &str,
    body: Json<DhlSecret>,
    headers: Headers<'_>,
    sim: &State<Arc<Sim>>,
) -> Reply {
    if headers.get("DHL-API-Key").is_none() {
        return Reply::json(
            Status::Unauthorized,
            &json!({ "title": "Unauthorized", "status": 401 }),
        );
    }
    if !sim.confirm_dhl(id, &body.secret) {
        return Reply::json(
            Status::NotFound,
            &json!({ "title": "Not Found", "status": 404, "detail": "unknown subscription or wrong secret" }),
        );
    }
    Reply::ok(&json!({ "subscriptionId": id, "status": "active" }))
}
