//! The public lookup before the package arrives: elector key + postal code (or the envelope
//! code) on the page and on `POST /api/v1/lookup`, in Spanish or English; what it answers at
//! each stage, that it never shows personal data, that every mismatch is the same refusal,
//! the limits per address and per key, and the demo's example.

use chrono::{DateTime, Utc};
use pep_tracker::domain::notice::zone;
use pep_tracker::ops;
use pep_tracker::ops::checkin_queue::{CheckinQueue, MAX_GROUP};
use rocket::http::{ContentType, Header, Status};
use rocket::local::blocking::Client;
use serde_json::{json, Value};

use crate::carriers::ship;
use crate::support::{csrf_from, TestApp};

/// An app whose lookup limits are `per_minute` per address and `per_key` per key and hour.
pub(crate) fn client_with_limits(app: &TestApp, per_minute: u32, per_key: u32) -> Client {
    let figment = rocket::Config::figment()
        .merge(("pep_lookup_per_minute", per_minute))
        .merge(("pep_lookup_per_key_per_hour", per_key));
    let checkins = CheckinQueue::on_clock(app.db.clone(), MAX_GROUP, pep_tracker::clock::wall());
    Client::tracked(pep_tracker::web::build_with(
        app.db.clone(),
        &app.secrets(),
        figment,
        checkins,
    ))
    .expect("rocket")
}

/// `POST /api/v1/lookup` with `body` (any bytes) and an optional Accept-Language.
pub(crate) fn api(client: &Client, body: &[u8], lang: Option<&str>) -> (Status, String) {
    let mut req = client
        .post("/api/v1/lookup")
        .header(ContentType::JSON)
        .body(body);
    if let Some(l) = lang {
        req = req.header(Header::new("Accept-Language", l.to_string()));
    }
    let resp = req.dispatch();
    (resp.status(), resp.into_string().unwrap_or_default())
}

fn api_json(client: &Client, body: Value) -> (Status, Value) {
    let (s, text) = api(client, body.to_string().as_bytes(), None);
    (s, serde_json::from_str(&text).unwrap_or(Value::Null))
}

/// The elector of a PEP as the list holds them.
pub(crate) struct Person {
    pub key: String,
    pub postal: String,
    pub country: String,
    pub region: Option<String>,
    pub private: Vec<String>,
}

pub(crate) fn person(app: &TestApp, pep: &str) -> Person {
    app.raw_sql()
        .query_row(
            "SELECT e.elector_key, e.postal_code, e.country, e.region, e.given_names,
                    e.paternal_surname, e.address_line1, e.city, coalesce(e.email, ''),
                    coalesce(e.phone, '')
               FROM peps p JOIN electors e ON e.id = p.elector_id WHERE p.pep_id = ?1",
            [pep],
            |r| {
                let private: Vec<String> = (4..10)
                    .map(|i| r.get::<_, String>(i))
                    .collect::<Result<_, _>>()?;
                Ok(Person {
                    key: r.get(0)?,
                    postal: r.get(1)?,
                    country: r.get(2)?,
                    region: r.get(3)?,
                    private: private.into_iter().filter(|s| s.len() > 3).collect(),
                })
            },
        )
        .unwrap()
}

/// Gives a leg one carrier event at `place` and the status it set, as the poller would.
fn carrier_event(app: &TestApp, pep: &str, direction: &str, status: &str, at: &str, place: &str) {
    let conn = app.raw_sql();
    let leg: i64 = conn
        .query_row(
            "SELECT l.id FROM legs l JOIN peps p ON p.id = l.pep
              WHERE p.pep_id = ?1 AND l.direction = ?2",
            [pep, direction],
            |r| r.get(0),
        )
        .unwrap();
    conn.execute(
        "INSERT INTO leg_events (leg, at, status, raw_code, raw_text, location, recorded_at)
         VALUES (?1, ?2, ?3, 'X1', 'Scan', ?4, ?2)",
        rusqlite::params![leg, at, status, place],
    )
    .unwrap();
    conn.execute(
        "UPDATE legs SET status = ?2, status_at = ?3, last_event_at = ?3 WHERE id = ?1",
        rusqlite::params![leg, status, at],
    )
    .unwrap();
}

fn tracking_of(app: &TestApp, pep: &str, direction: &str) -> (String, String) {
    app.raw_sql()
        .query_row(
            "SELECT l.carrier, l.tracking FROM legs l JOIN peps p ON p.id = l.pep
              WHERE p.pep_id = ?1 AND l.direction = ?2",
            [pep, direction],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap()
}

fn assert_no_personal_data(text: &str, who: &Person) {
    assert!(!text.contains(&who.key), "the key is echoed: {text}");
    for p in &who.private {
        assert!(!text.contains(p.as_str()), "«{p}» shown: {text}");
    }
}

#[test]
fn before_delivery_key_and_postal_code_give_the_state_the_guia_and_the_carriers_page() {
    let app = TestApp::upcoming();
    ship(&app, 3);
    let pep = app.pep_ids(1)[0].clone();
    let who = person(&app, &pep);
    let client = client_with_limits(&app, 1000, 1000);
    let (s, a) = api_json(
        &client,
        json!({"elector_key": who.key, "postal_code": who.postal}),
    );
    assert_eq!(s, Status::Ok, "{a}");
    assert_eq!(a["status"], "batched");
    carrier_event(
        &app,
        &pep,
        "outbound",
        "in_transit",
        "2030-05-01T10:00:00.000Z",
        "MEMPHIS, TN, US",
    );
    // Typed in lower case with spaces: the same elector.
    let typed_key = format!(" {} ", who.key.to_lowercase());
    let typed_postal = format!(" {} ", who.postal.to_lowercase());
    let (s, a) = api_json(
        &client,
        json!({"elector_key": typed_key, "postal_code": typed_postal}),
    );
    assert_eq!(s, Status::Ok, "{a}");
    let (carrier, guia) = tracking_of(&app, &pep, "outbound");
    assert_eq!(a["status"], "shipped");
    assert_eq!(a["status_text"], "Su paquete va en camino a su domicilio.");
    let out = &a["outbound"];
    assert_eq!(out["carrier"], carrier.as_str());
    assert_eq!(out["tracking"], guia.as_str());
    let url = out["tracking_url"].as_str().unwrap();
    assert!(
        url.starts_with("https://www.") && url.contains(&guia),
        "{url}"
    );
    assert_eq!(out["last_event_at"], "2030-05-01T10:00:00Z");
    assert_eq!(out["last_event_country"], "US");
    assert!(a["return"]["tracking"].as_str().is_some());
    assert_eq!(a["send_back_by"], Value::Null);
    assert_eq!(a["received_in_time"], Value::Null);
    let text = a.to_string();
    assert_no_personal_data(&text, &who);
    assert!(!text.contains("MEMPHIS") && !text.contains(&pep), "{text}");
}

#[test]
fn once_delivered_it_says_by_when_the_envelope_must_arrive_in_the_electors_zone_then_the_return() {
    let app = TestApp::upcoming();
    ship(&app, 3);
    let pep = app.pep_ids(1)[0].clone();
    let who = person(&app, &pep);
    let client = client_with_limits(&app, 1000, 1000);
    let ask = json!({"elector_key": who.key, "postal_code": who.postal});
    carrier_event(
        &app,
        &pep,
        "outbound",
        "delivered",
        "2030-05-03T16:30:00.000Z",
        "HOUSTON TX US",
    );
    let (_, a) = api_json(&client, ask.clone());
    assert_eq!(a["status"], "delivered", "{a}");
    let election = ops::election::current(&app.db).unwrap();
    let tz = zone::of(&who.country, who.region.as_deref()).unwrap_or(election.timezone);
    assert_eq!(a["time_zone"], tz.name());
    let by = DateTime::parse_from_rfc3339(a["send_back_by"].as_str().unwrap()).unwrap();
    assert_eq!(by.with_timezone(&Utc), election.receipt_cutoff);
    let local = election.receipt_cutoff.with_timezone(&tz).fixed_offset();
    assert_eq!(by.offset(), local.offset(), "in the elector's own zone");
    let by_text = a["send_back_by_text"].as_str().unwrap();
    assert!(by_text.contains(tz.name()), "{by_text}");
    assert!(a["advice"].as_str().unwrap().contains(by_text), "{a}");
    carrier_event(
        &app,
        &pep,
        "return",
        "in_transit",
        "2030-05-10T09:00:00.000Z",
        "LAREDO TX US",
    );
    let (_, a) = api_json(&client, ask.clone());
    assert_eq!(a["status"], "returning");
    assert_eq!(a["return"]["last_event_country"], "US");
    assert_eq!(a["received_in_time"], Value::Null);
    let station = app.token("mesa", pep_tracker::domain::role::Role::Reception);
    let resp = client
        .post("/api/v1/checkins")
        .header(ContentType::JSON)
        .header(Header::new("Authorization", format!("Bearer {station}")))
        .body(json!({"code": app.code_of(&pep), "station": "mesa-1"}).to_string())
        .dispatch();
    assert_eq!(resp.status(), Status::Ok);
    let (_, a) = api_json(&client, ask);
    assert_eq!(a["status"], "received");
    assert_eq!(a["received_in_time"], true);
    assert_eq!(a["send_back_by"], Value::Null);
    assert_no_personal_data(&a.to_string(), &who);
}

#[test]
fn an_undeliverable_package_tells_the_elector_what_to_do_in_either_language() {
    let app = TestApp::upcoming();
    ship(&app, 3);
    let pep = app.pep_ids(1)[0].clone();
    let who = person(&app, &pep);
    let client = client_with_limits(&app, 1000, 1000);
    carrier_event(
        &app,
        &pep,
        "outbound",
        "return_to_sender",
        "2030-05-03T16:30:00.000Z",
        "MIAMI FL US",
    );
    let body = json!({"elector_key": who.key, "postal_code": who.postal}).to_string();
    let (s, es) = api(&client, body.as_bytes(), None);
    assert_eq!(s, Status::Ok);
    let es: Value = serde_json::from_str(&es).unwrap();
    assert_eq!(es["status"], "undeliverable");
    assert!(es["advice"].as_str().unwrap().contains("INETEL"), "{es}");
    let (_, en) = api(&client, body.as_bytes(), Some("en-US,en;q=0.9"));
    let en: Value = serde_json::from_str(&en).unwrap();
    assert_eq!(
        en["status_text"],
        "The courier could not deliver your package."
    );
    assert!(
        en["advice"].as_str().unwrap().contains("new package"),
        "{en}"
    );
}

#[test]
fn the_envelope_code_still_works_and_after_a_reissue_the_postal_code_finds_the_new_package() {
    let app = TestApp::upcoming();
    ship(&app, 3);
    let pep = app.pep_ids(1)[0].clone();
    let who = person(&app, &pep);
    let code = app.code_of(&pep);
    let client = client_with_limits(&app, 1000, 1000);
    let (s, a) = api_json(&client, json!({"elector_key": who.key, "code": code}));
    assert_eq!((s, &a["status"]), (Status::Ok, &json!("batched")), "{a}");
    let out = app.cli(&["reissue", &pep, "--reason", "domicilio corregido"]);
    assert!(out.status.success(), "{}", crate::support::stderr(&out));
    let (_, a) = api_json(&client, json!({"elector_key": who.key, "code": code}));
    assert_eq!(a["status"], "voided", "{a}");
    assert!(a["status_text"].as_str().unwrap().contains("reemplazado"));
    let (_, a) = api_json(
        &client,
        json!({"elector_key": who.key, "postal_code": who.postal}),
    );
    assert_eq!(
        a["status"], "generated",
        "the new PEP, not the voided one: {a}"
    );
}

/// Every kind of mismatch, as raw API bodies.
pub(crate) fn mismatches(app: &TestApp) -> Vec<(&'static str, Vec<u8>)> {
    let peps = app.pep_ids(2);
    let (a, b) = (person(app, &peps[0]), person(app, &peps[1]));
    let other_postal = if a.postal == "99999" {
        "11111"
    } else {
        "99999"
    };
    // The same PEP's code, well formed but signed with another key. (Replacing letters left
    // the genuine code whenever it held no A, B or C, and the test then failed at random.)
    let genuine = app.code_of(&peps[0]);
    let id = pep_tracker::domain::code::parse(&genuine)
        .unwrap()
        .id_unchecked();
    let forged = pep_tracker::domain::code::EnvelopeCode::issue(&[0x5a; 32], id)
        .as_str()
        .to_string();
    assert_ne!(forged, genuine);
    let bodies: Vec<(&'static str, Value)> = vec![
        (
            "unknown key",
            json!({"elector_key": "ZZZZZZ99999999Z999", "postal_code": a.postal}),
        ),
        (
            "wrong postal code",
            json!({"elector_key": a.key, "postal_code": other_postal}),
        ),
        (
            "another's postal code",
            json!({"elector_key": a.key, "postal_code": b.postal}),
        ),
        (
            "empty postal code",
            json!({"elector_key": a.key, "postal_code": ""}),
        ),
        (
            "another's envelope code",
            json!({"elector_key": a.key, "code": app.code_of(&peps[1])}),
        ),
        (
            "forged envelope code",
            json!({"elector_key": a.key, "code": forged}),
        ),
        (
            "garbage code",
            json!({"elector_key": a.key, "code": "no es un código"}),
        ),
        (
            "malformed key",
            json!({"elector_key": "abc", "postal_code": a.postal}),
        ),
        ("no proof", json!({"elector_key": a.key})),
        ("empty object", json!({})),
        ("a list", json!([a.key, a.postal])),
        ("numbers", json!({"elector_key": 5, "postal_code": 7})),
    ];
    let mut out: Vec<(&'static str, Vec<u8>)> = bodies
        .into_iter()
        .map(|(n, v)| (n, v.to_string().into_bytes()))
        .collect();
    out.push(("not json", b"elector_key=x&postal_code=y".to_vec()));
    out.push(("not utf-8", vec![0xff, 0xfe, b'{']));
    out.push(("empty body", Vec::new()));
    out
}

#[test]
fn every_mismatch_gets_the_same_status_and_the_very_same_bytes() {
    let app = TestApp::upcoming();
    ship(&app, 4);
    let client = client_with_limits(&app, 1000, 1000);
    let cases = mismatches(&app);
    let (s0, first) = api(&client, &cases[0].1, None);
    assert_eq!(s0, Status::NotFound);
    let v: Value = serde_json::from_str(&first).unwrap();
    assert!(v["error"].as_str().unwrap().starts_with("No encontramos"));
    for (name, body) in &cases {
        let (s, text) = api(&client, body, None);
        assert_eq!(
            (s, text.as_str()),
            (Status::NotFound, first.as_str()),
            "{name}"
        );
    }
    // The page: the same 404 page for every mismatch (but for the browser's CSRF token).
    let peps = app.pep_ids(2);
    let a = person(&app, &peps[0]);
    let page = |key: &str, postal: &str, code: &str| {
        let csrf = csrf_from(&client.get("/consulta").dispatch().into_string().unwrap());
        let r = client
            .post("/consulta")
            .header(ContentType::Form)
            .body(format!(
                "csrf={csrf}&elector_key={key}&postal_code={postal}&code={code}"
            ))
            .dispatch();
        let status = r.status();
        let html = r.into_string().unwrap();
        (status, html.replace(&csrf, ""))
    };
    let reference = page("ZZZZZZ99999999Z999", &a.postal, "");
    assert_eq!(reference.0, Status::NotFound);
    for (key, postal, code) in [
        (a.key.as_str(), "00001", ""),
        (a.key.as_str(), "", ""),
        (a.key.as_str(), "", app.code_of(&peps[1]).as_str()),
        (a.key.as_str(), "", "basura"),
        ("x", "", ""),
        ("", "", ""),
    ] {
        assert_eq!(page(key, postal, code), reference, "{key} {postal} {code}");
    }
    let found = page(&a.key, &a.postal, "");
    assert_eq!(found.0, Status::Ok);
    assert_no_personal_data(&found.1, &a);
}
