//! The JSON API as clients and fuzzers see it: one PEP's stage, legs and receipt without
//! personal data; the OpenAPI document against the mounted routes; JSON 4xx for bad input.

use pep_tracker::domain::role::Role;
use pep_tracker::domain::stage::Stage;
use rocket::http::{ContentType, Header, Status};
use rocket::local::blocking::{Client, LocalResponse};
use serde_json::{json, Value};

use crate::carriers::ship;
use crate::support::{stderr, TestApp};

fn bearer(token: &str) -> Header<'static> {
    Header::new("Authorization", format!("Bearer {token}"))
}

fn get_pep(client: &Client, token: &str, pep_id: &str) -> (Status, Value) {
    let resp = client
        .get(format!("/api/v1/peps/{pep_id}"))
        .header(bearer(token))
        .dispatch();
    (resp.status(), resp.into_json().unwrap_or(Value::Null))
}

/// A JSON error body: `{"error": "…"}` with a non-empty message, served as JSON.
fn assert_json_error(resp: LocalResponse<'_>, want: Status, what: &str) {
    assert_eq!(resp.status(), want, "{what}");
    assert_eq!(resp.content_type(), Some(ContentType::JSON), "{what}");
    let body: Value = resp.into_json().expect("a JSON body");
    assert!(
        body["error"].as_str().is_some_and(|s| !s.is_empty()),
        "{what}: {body}"
    );
}

/// Gives a leg one carrier event and the status it set, as the poller would.
fn carrier_event(app: &TestApp, pep_id: &str, direction: &str, status: &str, at: &str) {
    let conn = app.raw_sql();
    let leg: i64 = conn
        .query_row(
            "SELECT l.id FROM legs l JOIN peps p ON p.id = l.pep
              WHERE p.pep_id = ?1 AND l.direction = ?2",
            [pep_id, direction],
            |r| r.get(0),
        )
        .unwrap();
    conn.execute(
        "INSERT INTO leg_events (leg, at, status, raw_code, raw_text, location, recorded_at)
         VALUES (?1, ?2, ?3, 'X1', 'Scan', 'MEMPHIS TN', ?2)",
        rusqlite::params![leg, at, status],
    )
    .unwrap();
    conn.execute(
        "UPDATE legs SET status = ?2, status_at = ?3, last_event_at = ?3 WHERE id = ?1",
        rusqlite::params![leg, status, at],
    )
    .unwrap();
}

#[test]
fn a_pep_shows_its_stage_its_legs_and_their_events_oldest_first() {
    let app = TestApp::upcoming();
    ship(&app, 3);
    let token = app.token("reader", Role::Viewer);
    let client = app.client();
    let pep = app.pep_ids(1)[0].clone();
    let (status, body) = get_pep(&client, &token, &pep);
    assert_eq!(status, Status::Ok, "{body}");
    assert_eq!(body["pep_id"], pep.as_str());
    assert_eq!(body["status"], "batched");
    assert_eq!(body["generation"], 1);
    assert_eq!(body["voided"], false);
    assert!(body["batch"].as_i64().is_some());
    assert_eq!(body["outbound"]["carrier"], "fedex");
    assert_eq!(body["outbound"]["events"], json!([]));
    assert!(body["return"]["tracking"].as_str().is_some());
    assert_eq!(body["checkin"], Value::Null);

    carrier_event(
        &app,
        &pep,
        "outbound",
        "in_transit",
        "2030-05-01T10:00:00.000Z",
    );
    carrier_event(
        &app,
        &pep,
        "outbound",
        "delivered",
        "2030-05-03T16:30:00.000Z",
    );
    let (_, body) = get_pep(&client, &token, &pep);
    assert_eq!(body["status"], "delivered");
    let out = &body["outbound"];
    assert_eq!(out["status"], "delivered");
    assert_eq!(out["status_at"], "2030-05-03T16:30:00Z");
    let events = out["events"].as_array().unwrap();
    assert_eq!(events.len(), 2);
    assert_eq!(events[0]["status"], "in_transit", "oldest first");
    for key in ["at", "status", "raw_code", "raw_text", "location"] {
        assert!(events[1].get(key).is_some(), "event field {key}");
    }
    carrier_event(
        &app,
        &pep,
        "return",
        "in_transit",
        "2030-05-10T09:00:00.000Z",
    );
    assert_eq!(get_pep(&client, &token, &pep).1["status"], "returning");
}

#[test]
fn a_checked_in_pep_shows_its_receipt_and_is_received() {
    let app = TestApp::upcoming();
    ship(&app, 2);
    let token = app.token("reader", Role::Viewer);
    let station = app.token("station", Role::Reception);
    let client = app.client();
    let pep = app.pep_ids(1)[0].clone();
    let body = json!({ "code": app.code_of(&pep), "station": "mesa-1" }).to_string();
    let resp = post_checkin(
        &client,
        &station,
        Some(ContentType::JSON),
        body.into_bytes(),
    );
    assert_eq!(resp.status(), Status::Ok);
    let (_, body) = get_pep(&client, &token, &pep);
    assert_eq!(body["status"], "received");
    assert_eq!(body["status_label"], Stage::Received.label_es());
    let c = &body["checkin"];
    assert_eq!(c["outcome"], "accepted");
    assert_eq!(c["station"], "mesa-1");
    assert_eq!(c["sequence"], 1);
    assert!(c["mec"].as_i64().is_some_and(|m| m >= 1));
    assert!(c["received_at"].as_str().is_some_and(|t| t.ends_with('Z')));
}

#[test]
fn the_pep_answer_carries_no_personal_data() {
    let app = TestApp::upcoming();
    ship(&app, 2);
    let token = app.token("reader", Role::Viewer);
    let pep = app.pep_ids(1)[0].clone();
    let client = app.client();
    let resp = client
        .get(format!("/api/v1/peps/{pep}"))
        .header(bearer(&token))
        .dispatch();
    let text = resp.into_string().unwrap();
    let body: Value = serde_json::from_str(&text).unwrap();
    let keys: Vec<&str> = body
        .as_object()
        .unwrap()
        .keys()
        .map(|k| k.as_str())
        .collect();
    let mut want = vec![
        "pep_id",
        "status",
        "status_label",
        "generation",
        "voided",
        "batch",
        "outbound",
        "return",
        "checkin",
    ];
    want.sort();
    let mut keys = keys.clone();
    keys.sort();
    assert_eq!(keys, want);
    let personal: Vec<String> = app
        .raw_sql()
        .query_row(
            "SELECT e.elector_key, e.given_names, e.paternal_surname, e.address_line1, e.city
               FROM electors e JOIN peps p ON p.elector_id = e.id WHERE p.pep_id = ?1",
            [&pep],
            |r| Ok((0..5).map(|i| r.get::<_, String>(i).unwrap()).collect()),
        )
        .unwrap();
    for value in personal {
        assert!(!text.contains(&value), "«{value}» leaked: {text}");
    }
}

#[test]
fn a_voided_pep_says_so_and_its_replacement_starts_over() {
    let app = TestApp::upcoming();
    ship(&app, 2);
    let pep = app.pep_ids(1)[0].clone();
    let out = app.cli(&["reissue", &pep, "--reason", "paquete devuelto"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let token = app.token("reader", Role::Sync);
    let client = app.client();
    let (_, old) = get_pep(&client, &token, &pep);
    assert_eq!(old["status"], "voided");
    assert_eq!(old["voided"], true);
    let next = format!("{}-2", pep.strip_suffix("-1").unwrap());
    let (status, new) = get_pep(&client, &token, &next);
    assert_eq!(status, Status::Ok, "{new}");
    assert_eq!(new["status"], "generated");
    assert_eq!(new["generation"], 2);
    assert_eq!(new["batch"], Value::Null);
    assert_eq!(new["outbound"], Value::Null);
}

#[test]
fn an_unknown_malformed_or_odd_pep_id_answers_404_in_json() {
    let app = TestApp::new();
    app.import_demo(3, 1);
    let token = app.token("reader", Role::Viewer);
    let client = app.client();
    for id in [
        "PEP-0000999-1",
        "PEP-0000001-9",
        "pep-0000001-1",
        "PEP-1-1",
        "nada",
        "%FF%FE",
        "%00",
        "a%2Fb",
        "..",
        "%E2%80%AE%F0%9F%92%A5",
        &"9".repeat(5000),
    ] {
        let resp = client
            .get(format!("/api/v1/peps/{id}"))
            .header(bearer(&token))
            .dispatch();
        assert_json_error(resp, Status::NotFound, id);
    }
    let resp = client
        .get("/api/v1/peps/")
        .header(bearer(&token))
        .dispatch();
    assert_json_error(resp, Status::NotFound, "empty id");
    let resp = client.get("/api/v1/peps/PEP-0000001-1").dispatch();
    assert_json_error(resp, Status::Unauthorized, "no token");
}

fn openapi(client: &Client) -> Value {
    let resp = client.get("/api/openapi.json").dispatch();
    assert_eq!(resp.status(), Status::Ok);
    assert_eq!(resp.content_type(), Some(ContentType::JSON));
    resp.into_json().unwrap()
}

#[test]
fn the_openapi_document_lists_exactly_the_mounted_api_routes() {
    let app = TestApp::new();
    let client = app.client();
    let doc = openapi(&client);
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
    let mut mounted: Vec<String> = client
        .rocket()
        .routes()
        .filter(|r| r.uri.path().starts_with("/api/v1/"))
        .map(|r| {
            let path = r.uri.path().replace('<', "{").replace('>', "}");
            format!("{} {path}", r.method.as_str().to_lowercase())
        })
        .collect();
    mounted.sort();
    mounted.dedup();
    let mut documented: Vec<String> = Vec::new();
    for (path, ops) in doc["paths"].as_object().unwrap() {
        for method in ops.as_object().unwrap().keys() {
            documented.push(format!("{method} {path}"));
        }
    }
    documented.sort();
    assert_eq!(documented, mounted);
}

#[test]
fn the_openapi_document_states_the_bearer_scheme_schemas_and_json_errors() {
    let doc = openapi(&TestApp::new().client());
    let scheme = &doc["components"]["securitySchemes"]["bearer"];
    assert_eq!(scheme["type"], "http");
    assert_eq!(scheme["scheme"], "bearer");
    let schemas = &doc["components"]["schemas"];
    for name in [
        "CheckinRequest",
        "CheckinResult",
        "Outcome",
        "Stats",
        "Count",
        "AreaCount",
        "StageTally",
        "PepView",
        "LegView",
        "CheckinView",
        "Stage",
        "ErrorBody",
    ] {
        assert!(schemas.get(name).is_some(), "schema {name} missing");
    }
    let stages: Vec<&str> = Stage::ALL.iter().map(|s| s.as_str()).collect();
    assert_eq!(schemas["Stage"]["enum"], json!(stages));
    for key in ["by_entity", "by_country", "by_stage"] {
        assert!(
            schemas["Stats"]["properties"].get(key).is_some(),
            "Stats.{key}"
        );
    }
    assert!(schemas["AreaCount"]["properties"].get("by_stage").is_some());
    for (path, ops) in doc["paths"].as_object().unwrap() {
        for (method, op) in ops.as_object().unwrap() {
            let public = path == "/api/v1/lookup";
            let security = if public {
                json!([{}])
            } else {
                json!([{ "bearer": [] }])
            };
            assert_eq!(op["security"], security, "{method} {path}");
            let responses = op["responses"].as_object().unwrap();
            assert!(responses.contains_key("200"), "{method} {path}");
            for (code, r) in responses.iter().filter(|(c, _)| c.as_str() != "200") {
                assert_eq!(
                    r["content"]["application/json"]["schema"]["$ref"],
                    "#/components/schemas/ErrorBody",
                    "{method} {path} {code}"
                );
            }
            assert_eq!(responses.contains_key("401"), !public, "{method} {path}");
        }
    }
}

fn post_checkin<'c>(
    client: &'c Client,
    token: &str,
    content_type: Option<ContentType>,
    body: Vec<u8>,
) -> LocalResponse<'c> {
    let mut req = client
        .post("/api/v1/checkins")
        .header(bearer(token))
        .body(body);
    if let Some(ct) = content_type {
        req = req.header(ct);
    }
    req.dispatch()
}

#[test]
fn malformed_checkin_requests_get_json_4xx() {
    let app = TestApp::upcoming();
    let token = app.token("station", Role::Reception);
    let client = app.client();
    let huge = format!(r#"{{"code":"{}","station":"s"}}"#, "A".repeat(2 << 20));
    let json_bodies: [(&[u8], Status); 7] = [
        (br#"{"code":"#, Status::BadRequest),
        (b"", Status::BadRequest),
        (&[0xff, 0xfe, 0x00], Status::BadRequest),
        (br#"{"code":5}"#, Status::UnprocessableEntity),
        (b"[]", Status::UnprocessableEntity),
        (
            br#"{"code":"x","station":" "}"#,
            Status::UnprocessableEntity,
        ),
        (huge.as_bytes(), Status::PayloadTooLarge),
    ];
    for (body, want) in json_bodies {
        let what = String::from_utf8_lossy(&body[..body.len().min(30)]).into_owned();
        let resp = post_checkin(&client, &token, Some(ContentType::JSON), body.to_vec());
        assert_json_error(resp, want, &what);
    }
    let good = br#"{"code":"x","station":"s"}"#.to_vec();
    for ct in [Some(ContentType::Plain), Some(ContentType::Form), None] {
        let resp = post_checkin(&client, &token, ct.clone(), good.clone());
        assert_json_error(resp, Status::UnsupportedMediaType, &format!("{ct:?}"));
    }
    let viewer = app.token("viewer", Role::Viewer);
    let resp = post_checkin(&client, &viewer, Some(ContentType::Plain), good);
    assert_json_error(resp, Status::Forbidden, "viewer, wrong content type");
}

#[test]
fn an_api_path_asked_with_another_method_gets_405_with_allow() {
    let app = TestApp::new();
    let token = app.token("reader", Role::Admin);
    let client = app.client();
    let resp = client
        .delete("/api/v1/stats")
        .header(bearer(&token))
        .dispatch();
    assert_eq!(resp.headers().get_one("Allow"), Some("GET, HEAD"));
    assert_json_error(resp, Status::MethodNotAllowed, "DELETE stats");
    let resp = client.put("/api/v1/peps/PEP-0000001-1").dispatch();
    assert_json_error(resp, Status::MethodNotAllowed, "PUT pep");
    let resp = client.get("/api/v1/checkins").dispatch();
    assert_eq!(resp.headers().get_one("Allow"), Some("POST"));
    assert_json_error(resp, Status::MethodNotAllowed, "GET checkins");
    for path in [
        "/api/v1/nada",
        "/api/v2/stats",
        "/api/",
        "/api/v1/stats/extra",
    ] {
        let resp = client.get(path).header(bearer(&token)).dispatch();
        assert_json_error(resp, Status::NotFound, path);
    }
}

#[test]
fn a_revoked_token_is_refused_from_the_next_request_on() {
    let app = TestApp::new();
    app.import_demo(5, 2);
    let pep = app.pep_ids(1).remove(0);
    let out = app.cli(&["token", "create", "--name", "mesa-3", "--role", "viewer"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let token = String::from_utf8(out.stdout).unwrap().trim().to_string();
    let client = app.client();
    assert_eq!(get_pep(&client, &token, &pep).0, Status::Ok);

    let out = app.cli(&["token", "revoke", "--name", "mesa-3"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let resp = client
        .get(format!("/api/v1/peps/{pep}"))
        .header(bearer(&token))
        .dispatch();
    assert_json_error(resp, Status::Unauthorized, "revoked token");

    // Nothing live by that name any more, and a name that never existed: a clear refusal.
    for name in ["mesa-3", "nadie"] {
        let out = app.cli(&["token", "revoke", "--name", name]);
        assert!(!out.status.success());
        assert!(
            stderr(&out).contains("no hay un token vigente"),
            "{}",
            stderr(&out)
        );
    }
    let audited: i64 = app
        .raw_sql()
        .query_row(
            "SELECT count(*) FROM audit_log WHERE action = 'token.revoke' AND subject = 'token:mesa-3'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(audited, 1);
}

/// A dashboard table (CSV) as rows of cells, the header left out.
fn dashboard_rows(client: &Client, table: &str) -> Vec<Vec<String>> {
    let resp = client.get(format!("/dashboard/{table}")).dispatch();
    assert_eq!(resp.status(), Status::Ok, "{table}");
    let body = resp.into_bytes().unwrap();
    csv::Reader::from_reader(body.as_slice())
        .records()
        .map(|r| r.unwrap().iter().map(str::to_string).collect())
        .collect()
}

/// The counts of a `by_stage` list, in stage order, with its codes checked.
fn stage_numbers(by_stage: &Value) -> Vec<String> {
    let list = by_stage.as_array().expect("by_stage is a list");
    let codes: Vec<&str> = list.iter().map(|t| t["code"].as_str().unwrap()).collect();
    let want: Vec<&str> = Stage::ALL.iter().map(|s| s.as_str()).collect();
    assert_eq!(codes, want);
    list.iter()
        .map(|t| t["n"].as_i64().unwrap().to_string())
        .collect()
}

#[test]
fn the_stats_api_gives_the_dashboards_stage_counts_overall_by_entity_and_by_country() {
    let app = TestApp::upcoming();
    crate::dashboard::mixed_workload(&app);
    let token = app.token("reader", Role::Viewer);
    app.add_user("consulta", Role::Viewer);
    let client = app.client();
    let resp = client
        .get("/api/v1/stats")
        .header(bearer(&token))
        .dispatch();
    assert_eq!(resp.status(), Status::Ok);
    let stats: Value = resp.into_json().unwrap();
    assert_eq!(stats["electors"], 60, "the list counts stay");
    // The workload's stages (see dashboard::mixed_workload), one by one.
    let overall = stage_numbers(&stats["by_stage"]);
    assert_eq!(overall, ["21", "31", "3", "2", "0", "1", "1", "1", "1"]);
    assert_eq!(stats["by_stage"][8]["name"], Stage::Voided.label_es());

    crate::support::login(&client, "consulta", crate::support::PASSWORD);
    for (table, key) in [("entidades.csv", "by_entity"), ("paises.csv", "by_country")] {
        let rows = dashboard_rows(&client, table);
        let (totals, rows) = rows.split_last().unwrap();
        assert_eq!(totals[2..11], overall[..], "{table}: the totals row");
        let areas = stats[key].as_array().unwrap();
        let mut compared = 0;
        for row in rows.iter().filter(|r| r[2..11].iter().any(|n| n != "0")) {
            let area = areas
                .iter()
                .find(|a| a["code"] == row[0].as_str())
                .unwrap_or_else(|| panic!("{key}: {} missing", row[0]));
            assert_eq!(
                stage_numbers(&area["by_stage"]),
                row[2..11],
                "{key} {}",
                row[0]
            );
            compared += 1;
        }
        assert!(compared >= 2, "{table}: several areas compared");
        let listed: i64 = areas.iter().map(|a| a["n"].as_i64().unwrap()).sum();
        assert_eq!(listed, 60, "{key}: list counts");
    }
}
