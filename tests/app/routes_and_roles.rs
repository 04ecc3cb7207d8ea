//! Every mounted route is in the access table, and each role (and nobody) is allowed or
//! denied exactly as the table says; and no route hands personal data (names, elector keys,
//! streets, the cities of carrier events) to a role the rule keeps it from, PDFs included.

use std::process::Command;

use chrono::Duration;
use pep_tracker::domain::role::Role;
use pep_tracker::domain::tracking::{LegStatus, TrackingEvent};
use pep_tracker::web::policy::{Access, ROUTES};
use rocket::http::{ContentType, Header, Status};
use rocket::local::blocking::Client;

use crate::carriers::ship;
use crate::dashboard::{carrier_event, check_in_at, cutoff};
use crate::support::{csrf_from, login, TestApp, PASSWORD};

fn concrete(path: &str) -> String {
    path.replace("<path..>", "style.css")
        .replace("<id>", "1")
        .replace("/<mec>/<file>", "/<mec>/lista.pdf")
        .replace("<file>", "manifest.pdf")
        .replace("<pep_id>", "PEP-0000001-1")
        .replace("<entity>", "20")
        .replace("<mec>", "1")
        .replace("<table>", "entidades.csv")
}

fn denied(status: Status, location: Option<&str>, api: bool) -> bool {
    match status {
        Status::Unauthorized | Status::Forbidden => true,
        // Pages send the unauthenticated to the login form.
        Status::SeeOther if !api => location.is_some_and(|l| l.starts_with("/login?next=")),
        _ => false,
    }
}

/// Sends the request with a valid CSRF token, so that only the role decides.
fn request(
    client: &Client,
    method: &str,
    path: &str,
    token: Option<&str>,
    csrf: &str,
) -> (Status, Option<String>) {
    let path = concrete(path);
    let mut req = match method {
        "GET" => client.get(path),
        "POST" if path.starts_with("/api/") => {
            client.post(path).header(ContentType::JSON).body("{}")
        }
        "POST" => client
            .post(path)
            .header(ContentType::Form)
            .body(format!("csrf={csrf}")),
        m => panic!("method {m} not covered by the walk"),
    };
    if let Some(t) = token {
        req = req.header(Header::new("Authorization", format!("Bearer {t}")));
    }
    let resp = req.dispatch();
    let loc = resp.headers().get_one("Location").map(str::to_string);
    (resp.status(), loc)
}

#[test]
fn every_mounted_route_states_who_may_use_it() {
    let app = TestApp::new();
    let client = app.client();
    for route in client.rocket().routes() {
        let method = route.method.as_str();
        let path = route.uri.to_string();
        let path = path.split('?').next().unwrap();
        assert!(
            ROUTES.iter().any(|(m, p, _)| *m == method && *p == path),
            "route {method} {path} is missing from web::policy::ROUTES"
        );
    }
}

#[test]
fn each_role_and_nobody_get_exactly_the_access_the_table_gives() {
    let app = TestApp::new();
    for role in Role::ALL {
        app.add_user(&format!("u-{role}"), role);
    }
    let tokens: Vec<(Role, String)> = Role::ALL
        .iter()
        .map(|&r| (r, app.token(&format!("t-{r}"), r)))
        .collect();
    let mut checked = 0;
    for &(method, path, access) in ROUTES {
        let api = path.starts_with("/api/");
        // Nobody signed in.
        let client = app.client();
        let csrf = csrf_from(&client.get("/login").dispatch().into_string().unwrap());
        let (status, loc) = request(&client, method, path, None, &csrf);
        let want_denied = access != Access::Public;
        assert_eq!(
            denied(status, loc.as_deref(), api),
            want_denied,
            "nobody: {method} {path} -> {status}"
        );
        for role in Role::ALL {
            let allowed = match access {
                Access::Public => true,
                Access::Roles(roles) => roles.contains(&role),
            };
            let (status, loc) = if api {
                let token = &tokens.iter().find(|(r, _)| *r == role).unwrap().1;
                request(&client, method, path, Some(token), &csrf)
            } else {
                let client = app.client();
                let (st, csrf) = login(&client, &format!("u-{role}"), PASSWORD);
                assert_eq!(st, Status::SeeOther, "login as {role}");
                request(&client, method, path, None, &csrf)
            };
            assert_eq!(
                !denied(status, loc.as_deref(), api),
                allowed,
                "{role}: {method} {path} -> {status}"
            );
            checked += 1;
        }
    }
    assert_eq!(checked, ROUTES.len() * Role::ALL.len());
}

#[test]
fn an_api_route_refuses_a_missing_malformed_or_unknown_token_with_json() {
    let app = TestApp::new();
    let client = app.client();
    for auth in [
        None,
        Some("Basic abc"),
        Some("Bearer pep_nope"),
        Some("Bearer "),
    ] {
        let mut req = client.get("/api/v1/stats");
        if let Some(a) = auth {
            req = req.header(Header::new("Authorization", a));
        }
        let resp = req.dispatch();
        assert_eq!(resp.status(), Status::Unauthorized, "{auth:?}");
        let body: serde_json::Value = resp.into_json().expect("json error body");
        assert!(body["error"].as_str().is_some_and(|s| !s.is_empty()));
    }
}

#[test]
fn the_stats_api_counts_the_list_by_entity_and_country() {
    let app = TestApp::new();
    app.import_demo(300, 7);
    let token = app.token("viewer", Role::Viewer);
    let client = app.client();
    let resp = client
        .get("/api/v1/stats")
        .header(Header::new("Authorization", format!("Bearer {token}")))
        .dispatch();
    assert_eq!(resp.status(), Status::Ok);
    let body: serde_json::Value = resp.into_json().unwrap();
    assert_eq!(body["electors"], 300);
    let sum = |k: &str| -> i64 {
        body[k]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["n"].as_i64().unwrap())
            .sum()
    };
    assert_eq!(sum("by_entity"), 300);
    assert_eq!(sum("by_country"), 300);
    assert_eq!(body["by_country"][0]["code"], "US");
}

#[test]
fn health_answers_ok_when_the_database_does() {
    let app = TestApp::new();
    let client = app.client();
    let resp = client.get("/healthz").dispatch();
    assert_eq!(resp.status(), Status::Ok);
}

/// Roles the rule lets see personal data on this route: administration and shipping
/// everywhere, reception on the lists it prints and the envelopes it scans, nobody else.
fn may_see_personal_data(role: Option<Role>, path: &str) -> bool {
    match role {
        Some(Role::Admin | Role::Shipping) => true,
        Some(Role::Reception) => [
            "/reception/mec/<entity>/<mec>/lista.pdf",
            "/reception/mec/<entity>/<mec>/<file>",
            "/reception/late.pdf",
            "/station",
            "/station/scan",
            "/api/v1/checkins",
        ]
        .contains(&path),
        _ => false,
    }
}

/// The personal data of the fixture: names, elector keys, streets, and the city of the
/// carrier events (upper case, as carriers write it; the list writes cities otherwise).
struct Personal {
    pep: String,
    entity: String,
    mec: i64,
    tracking: String,
    secrets: Vec<String>,
    /// A surname pair of the accepted PEP and of the late one, for the positive checks.
    accepted_name: String,
    late_name: String,
}

const EVENT_CITY: &str = "HOUSTON";

/// Four shipped PEPs: one with carrier events in a city and an envelope accepted, one late.
fn personal_fixture(app: &TestApp) -> Personal {
    ship(app, 4);
    let peps = app.pep_ids(4);
    let at = |h: i64| cutoff(app) - Duration::days(10) + Duration::hours(h);
    for (dir, status, h) in [
        ("outbound", LegStatus::Delivered, 1),
        ("return", LegStatus::InTransit, 30),
    ] {
        let e = TrackingEvent {
            at: at(h),
            status,
            raw_code: "X".into(),
            raw_text: "scan".into(),
            location: format!("{EVENT_CITY}, TX, US"),
        };
        carrier_event(app, &peps[0], dir, e);
    }
    assert_eq!(check_in_at(app, &peps[0], at(60)), "accepted");
    assert_eq!(
        check_in_at(app, &peps[1], cutoff(app) + Duration::hours(1)),
        "late"
    );
    let conn = app.raw_sql();
    let (entity, mec, tracking): (String, i64, String) = conn
        .query_row(
            "SELECT c.entity, c.mec, l.tracking FROM checkins c JOIN peps p ON p.id = c.pep
               JOIN legs l ON l.pep = p.id AND l.direction = 'outbound' WHERE p.pep_id = ?1",
            [&peps[0]],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .unwrap();
    let mut secrets = vec![EVENT_CITY.to_string()];
    let mut names = Vec::new();
    for pep in &peps {
        let row: (String, String, String, Option<String>, String) = conn
            .query_row(
                "SELECT e.elector_key, e.given_names, e.paternal_surname, e.maternal_surname,
                        e.address_line1
                   FROM electors e JOIN peps p ON p.elector_id = e.id WHERE p.pep_id = ?1",
                [pep],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)),
            )
            .unwrap();
        let (key, given, paternal, maternal, street) = row;
        let surnames =
            maternal.map_or(format!("{given} {paternal}"), |m| format!("{paternal} {m}"));
        secrets.extend([key, street, surnames.clone()]);
        names.push(surnames);
    }
    Personal {
        pep: peps[0].clone(),
        entity,
        mec,
        tracking,
        secrets,
        accepted_name: names[0].clone(),
        late_name: names[1].clone(),
    }
}

/// A response's text: PDFs through their text layer (`None` when pdftotext is missing and
/// not required).
fn response_text(kind: Option<ContentType>, body: Vec<u8>) -> Option<String> {
    if kind != Some(ContentType::PDF) {
        return Some(String::from_utf8_lossy(&body).into_owned());
    }
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("r.pdf");
    std::fs::write(&file, &body).unwrap();
    match Command::new("pdftotext")
        .arg("-layout")
        .arg(&file)
        .arg("-")
        .output()
    {
        Ok(out) if out.status.success() => Some(String::from_utf8_lossy(&out.stdout).into_owned()),
        other => {
            let required = std::env::var("PEP_DOC_TOOLS").as_deref() == Ok("required")
                || std::env::var_os("CI").is_some();
            assert!(
                !required,
                "pdftotext is required (poppler-utils): {other:?}"
            );
            eprintln!("pdftotext missing: a PDF's text is not checked");
            None
        }
    }
}

/// The requests of the walk for one route: its concrete path, and searches that find the
/// fixture's PEP by id and by guía.
fn fixture_paths(path: &str, f: &Personal) -> Vec<String> {
    let one = concrete(path)
        .replace("PEP-0000001-1", &f.pep)
        .replace("/mec/20/1/", &format!("/mec/{}/{}/", f.entity, f.mec));
    if path == "/search" {
        return vec![
            one,
            format!("/search?q={}", f.pep),
            format!("/search?q={}", f.tracking),
        ];
    }
    vec![one]
}

#[test]
fn no_route_hands_names_keys_streets_or_event_cities_to_a_role_the_rule_keeps_them_from() {
    let app = TestApp::upcoming();
    let f = personal_fixture(&app);
    let mut seen = Vec::new();
    let mut checked = 0;
    for role in std::iter::once(None).chain(Role::ALL.map(Some)) {
        let client = app.client();
        let token = role.map(|r| app.token(&format!("pd-{r}"), r));
        let csrf = match role {
            Some(r) => {
                app.add_user(&format!("pd-{r}"), r);
                let (st, csrf) = login(&client, &format!("pd-{r}"), PASSWORD);
                assert_eq!(st, Status::SeeOther);
                csrf
            }
            None => csrf_from(&client.get("/login").dispatch().into_string().unwrap()),
        };
        // Signing out last keeps the session for the rest of the walk.
        let mut routes: Vec<_> = ROUTES.iter().collect();
        routes.sort_by_key(|(_, p, _)| *p == "/logout");
        for &&(method, path, _) in &routes {
            for uri in fixture_paths(path, &f) {
                let api = uri.starts_with("/api/");
                let mut req = match method {
                    "GET" => client.get(uri.clone()),
                    _ if api => client
                        .post(uri.clone())
                        .header(ContentType::JSON)
                        .body("{}"),
                    _ => client
                        .post(uri.clone())
                        .header(ContentType::Form)
                        .body(format!("csrf={csrf}")),
                };
                if let (true, Some(t)) = (api, &token) {
                    req = req.header(Header::new("Authorization", format!("Bearer {t}")));
                }
                let resp = req.dispatch();
                let status = resp.status();
                let kind = resp.content_type();
                let Some(text) = response_text(kind, resp.into_bytes().unwrap_or_default()) else {
                    continue;
                };
                let who = role.map_or("nobody".to_string(), |r| r.to_string());
                if !may_see_personal_data(role, path) {
                    for secret in &f.secrets {
                        assert!(
                            !text.contains(secret.as_str()),
                            "{who}: {method} {uri} -> {status} shows «{secret}»"
                        );
                    }
                }
                seen.push((who, uri, text));
                checked += 1;
            }
        }
    }
    assert!(checked > ROUTES.len() * 6);
    // The walk reached the data: those who may see it did.
    let shows = |who: &str, uri: &str, what: &str| {
        seen.iter()
            .any(|(w, u, t)| w == who && u == uri && t.contains(what))
    };
    let list = format!("/reception/mec/{}/{}/lista.pdf", f.entity, f.mec);
    let page = format!("/peps/{}", f.pep);
    if seen
        .iter()
        .any(|(w, u, t)| w == "admin" && *u == list && t.contains("VOTÓ"))
    {
        assert!(
            shows("reception", &list, &f.accepted_name),
            "reception's MEC list"
        );
        assert!(
            shows("reception", "/reception/late.pdf", &f.late_name),
            "late list"
        );
    }
    assert!(shows("admin", &page, &f.accepted_name) && shows("admin", &page, EVENT_CITY));
    assert!(shows(
        "shipping",
        &format!("/search?q={}", f.pep),
        &f.accepted_name
    ));
    assert!(shows("viewer", &page, "Entregado") || shows("viewer", &page, "ENTREGADO"));
}
