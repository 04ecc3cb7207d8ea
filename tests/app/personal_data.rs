//! Personal data reaches only the roles that need it: every route, walked by nobody and by
//! every role, is searched for the fixture's names, elector keys, streets and event cities.

use std::process::Command;

use chrono::Duration;
use pep_tracker::domain::role::Role;
use pep_tracker::domain::tracking::{LegStatus, TrackingEvent};
use pep_tracker::web::policy::ROUTES;
use rocket::http::{ContentType, Header, Status};

use crate::carriers::ship;
use crate::dashboard::{carrier_event, check_in_at, cutoff};
use crate::routes_and_roles::concrete;
use crate::support::{csrf_from, login, TestApp, PASSWORD};

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
