//! Scans the station names with a scan id are decided exactly once: a repeat of the id answers
//! the first verdict, and the cutoff is judged on when the server first saw the scan, never
//! on the time the browser claims. The same holds for a scan id sent to `/api/v1/checkins`.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use pep_tracker::clock::SimClock;
use pep_tracker::domain::role::Role;
use rocket::http::{ContentType, Status};
use rocket::local::blocking::Client;
use serde_json::{json, Value};

use crate::support::{login, TestApp, PASSWORD};

fn scan(client: &Client, csrf: &str, code: &str, id: &str, claimed: &str) -> Value {
    let resp = client
        .post("/station/scan")
        .header(ContentType::Form)
        .body(format!(
            "csrf={csrf}&station=mesa-1&code={code}&scan_id={id}&scanned_at={}",
            claimed.replace(':', "%3A").replace('+', "%2B")
        ))
        .dispatch();
    assert_eq!(resp.status(), Status::Ok);
    serde_json::from_str(&resp.into_string().unwrap()).unwrap()
}

fn count(app: &TestApp, sql: &str) -> i64 {
    app.raw_sql().query_row(sql, [], |r| r.get(0)).unwrap()
}

#[test]
fn a_scan_id_sent_twice_is_decided_once_and_answers_its_first_verdict() {
    let app = TestApp::upcoming();
    app.import_demo(20, 7);
    app.add_user("recepcion", Role::Reception);
    let code = app.code_of(&app.pep_ids(1)[0]);
    let client = app.client();
    let (_, csrf) = login(&client, "recepcion", PASSWORD);
    let id = "0b6f3c1e-2d4a-4f7b-9c8d-1e2f3a4b5c6d";
    let first = scan(&client, &csrf, &code, id, "2030-05-01T10:00:00Z");
    let again = scan(&client, &csrf, &code, id, "2030-05-01T10:00:05Z");
    assert_eq!(first["outcome"], "accepted", "{first}");
    assert_eq!(first["repeated"], false);
    assert_eq!(again["repeated"], true, "{again}");
    for field in [
        "outcome",
        "sequence",
        "mec",
        "pep_id",
        "received_at",
        "seen_at",
    ] {
        assert_eq!(first[field], again[field], "{field}");
    }
    assert_eq!(again["scanned_at"], "2030-05-01T10:00:00.000Z");
    assert_eq!(count(&app, "SELECT count(*) FROM scans"), 1);
    assert_eq!(count(&app, "SELECT count(*) FROM checkins"), 1);
    assert_eq!(count(&app, "SELECT count(*) FROM scan_ids"), 1);
    // Another id for the same envelope is a new scan, decided by the same rule: a duplicate.
    let other = scan(
        &client,
        &csrf,
        &code,
        "second-scan-0001",
        "2030-05-01T10:01:00Z",
    );
    assert_eq!(other["outcome"], "duplicate", "{other}");
    assert_eq!(other["repeated"], false);
    assert_eq!(count(&app, "SELECT count(*) FROM scans"), 2);
    // The time of the scan is recorded beside the time of the verdict.
    let (claimed, decided): (String, String) = app
        .raw_sql()
        .query_row(
            "SELECT k.scanned_at, s.at FROM scan_ids k JOIN scans s ON s.id = k.scan
             WHERE k.scan_id = ?1",
            [id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!(claimed, "2030-05-01T10:00:00.000Z");
    assert_eq!(decided, first["received_at"].as_str().unwrap());
}

#[test]
fn the_cutoff_is_judged_on_when_the_server_first_saw_the_scan_not_on_the_browsers_claim() {
    // The 2022 election: its cutoff (2022-06-04) has passed on the wall clock.
    let app = TestApp::new();
    app.import_demo(20, 8);
    app.add_user("recepcion", Role::Reception);
    let code = app.code_of(&app.pep_ids(1)[0]);
    let client = app.client();
    let (_, csrf) = login(&client, "recepcion", PASSWORD);
    let r = scan(
        &client,
        &csrf,
        &code,
        "claims-early-0001",
        "2022-06-01T12:00:00Z",
    );
    assert_eq!(r["outcome"], "late", "{r}");
    assert_eq!(r["scanned_at"], "2022-06-01T12:00:00.000Z");
    assert!(r["seen_at"].as_str().unwrap() > "2026", "{r}");
}

#[test]
fn a_malformed_scan_id_is_refused_and_records_nothing() {
    let app = TestApp::upcoming();
    app.import_demo(5, 9);
    app.add_user("recepcion", Role::Reception);
    let code = app.code_of(&app.pep_ids(1)[0]);
    let client = app.client();
    let (_, csrf) = login(&client, "recepcion", PASSWORD);
    let resp = client
        .post("/station/scan")
        .header(ContentType::Form)
        .body(format!(
            "csrf={csrf}&station=mesa-1&code={code}&scan_id=bad%20id"
        ))
        .dispatch();
    assert_eq!(resp.status(), Status::UnprocessableEntity);
    assert_eq!(count(&app, "SELECT count(*) FROM scans"), 0);
}

#[test]
fn a_station_post_without_a_scan_id_is_decided_as_before() {
    let app = TestApp::upcoming();
    app.import_demo(5, 10);
    app.add_user("recepcion", Role::Reception);
    let code = app.code_of(&app.pep_ids(1)[0]);
    let client = app.client();
    let (_, csrf) = login(&client, "recepcion", PASSWORD);
    let resp = client
        .post("/station/scan")
        .header(ContentType::Form)
        .body(format!("csrf={csrf}&station=mesa-1&code={code}"))
        .dispatch();
    assert_eq!(resp.status(), Status::Ok);
    let r: Value = serde_json::from_str(&resp.into_string().unwrap()).unwrap();
    assert_eq!(r["outcome"], "accepted", "{r}");
    assert_eq!(r["scan_id"], Value::Null);
    assert_eq!(count(&app, "SELECT count(*) FROM scans"), 1);
    assert_eq!(count(&app, "SELECT count(*) FROM scan_ids"), 0);
}

fn api_checkin(client: &Client, token: &str, body: Value) -> (Status, Value) {
    let resp = client
        .post("/api/v1/checkins")
        .header(ContentType::JSON)
        .header(rocket::http::Header::new(
            "Authorization",
            format!("Bearer {token}"),
        ))
        .body(body.to_string())
        .dispatch();
    let status = resp.status();
    (
        status,
        serde_json::from_str(&resp.into_string().unwrap()).unwrap(),
    )
}

#[test]
fn the_api_decides_a_scan_id_once_and_judges_the_cutoff_on_when_it_first_saw_it() {
    let app = TestApp::upcoming();
    app.import_demo(10, 11);
    let token = app.token("estacion-api", Role::Reception);
    let codes: Vec<String> = app.pep_ids(2).iter().map(|p| app.code_of(p)).collect();
    // The election's cutoff is 2030-06-01 08:00 Mexico City (14:00 UTC).
    let before: DateTime<Utc> = "2030-06-01T13:00:00Z".parse().unwrap();
    let clock = Arc::new(SimClock::manual(before));
    let client = Client::tracked(pep_tracker::web::build_on(
        app.db.clone(),
        &app.secrets(),
        clock.clone(),
    ))
    .unwrap();
    let id = "api-scan-0001";
    let (status, first) = api_checkin(
        &client,
        &token,
        json!({"code": codes[0], "station": "mesa-api", "scan_id": id}),
    );
    assert_eq!(status, Status::Ok, "{first}");
    assert_eq!(first["outcome"], "accepted", "{first}");
    assert_eq!(
        (&first["scan_id"], &first["repeated"]),
        (&json!(id), &json!(false))
    );
    assert_eq!(first["seen_at"], "2030-06-01T13:00:00.000Z");

    // Past the cutoff the same id is sent again (its answer was lost): the first verdict.
    clock.set(before + chrono::Duration::hours(2));
    let (_, again) = api_checkin(
        &client,
        &token,
        json!({"code": codes[0], "station": "mesa-api", "scan_id": id}),
    );
    assert_eq!(again["repeated"], true, "{again}");
    for field in ["outcome", "sequence", "mec", "received_at", "seen_at"] {
        assert_eq!(first[field], again[field], "{field}");
    }
    assert_eq!(count(&app, "SELECT count(*) FROM scans"), 1);
    assert_eq!(count(&app, "SELECT count(*) FROM checkins"), 1);

    // A new id past the cutoff is judged now: late. Without an id, as before.
    let (_, late) = api_checkin(
        &client,
        &token,
        json!({"code": codes[1], "station": "mesa-api", "scan_id": "api-scan-0002"}),
    );
    assert_eq!(late["outcome"], "late", "{late}");
    let (_, plain) = api_checkin(
        &client,
        &token,
        json!({"code": codes[1], "station": "mesa-api", "scan_id": null}),
    );
    assert_eq!(plain["outcome"], "duplicate", "{plain}");
    assert_eq!(plain["scan_id"], Value::Null);
    assert_eq!(count(&app, "SELECT count(*) FROM scan_ids"), 2);

    // A malformed id is refused and records nothing.
    let (status, bad) = api_checkin(
        &client,
        &token,
        json!({"code": codes[1], "station": "mesa-api", "scan_id": "bad id"}),
    );
    assert_eq!(status, Status::UnprocessableEntity, "{bad}");
    assert_eq!(count(&app, "SELECT count(*) FROM scans"), 3);
}

#[test]
fn the_openapi_document_describes_the_optional_scan_id_of_a_checkin() {
    let app = TestApp::new();
    let client = app.client();
    let doc: Value = serde_json::from_str(
        &client
            .get("/api/openapi.json")
            .dispatch()
            .into_string()
            .unwrap(),
    )
    .unwrap();
    let req = &doc["components"]["schemas"]["CheckinRequest"];
    let required: Vec<&str> = req["required"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    assert!(!required.contains(&"scan_id"), "{req}");
    let text = req["properties"]["scan_id"].to_string();
    assert!(text.contains("^[A-Za-z0-9-]{8,64}$"), "{text}");
    assert!(text.contains("primer veredicto"), "{text}");
}
