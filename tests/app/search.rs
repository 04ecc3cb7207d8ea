//! Search by PEP id, elector key, tracking number and name (accents aside), paging, and the
//! PEP page: both legs' events, the receipt, reissues both ways, the audit records, and
//! personal data shown only to administration and shipping.

use chrono::Duration;
use pep_tracker::domain::role::Role;
use pep_tracker::domain::tracking::{LegStatus, TrackingEvent};
use rocket::http::{ContentType, Status};
use rocket::local::blocking::Client;

use crate::carriers::ship;
use crate::dashboard::{carrier_event, check_in_at, cutoff};
use crate::support::{login, TestApp, PASSWORD};

fn signed_in(app: &TestApp, role: Role) -> (Client, String) {
    let name = format!("u-{role}");
    app.add_user(&name, role);
    let client = app.client();
    let (st, csrf) = login(&client, &name, PASSWORD);
    assert_eq!(st, Status::SeeOther);
    (client, csrf)
}

fn get(client: &Client, uri: &str) -> (Status, String) {
    let resp = client.get(uri.to_string()).dispatch();
    (resp.status(), resp.into_string().unwrap_or_default())
}

fn one(app: &TestApp, sql: &str) -> String {
    app.raw_sql().query_row(sql, [], |r| r.get(0)).unwrap()
}

/// Lower case without accents, as someone would type it in a hurry.
fn plain(s: &str) -> String {
    s.to_lowercase()
        .chars()
        .map(|c| match c {
            'á' => 'a',
            'é' => 'e',
            'í' => 'i',
            'ó' => 'o',
            'ú' | 'ü' => 'u',
            'ñ' => 'n',
            c => c,
        })
        .collect()
}

#[test]
fn search_finds_a_pep_by_id_elector_key_tracking_number_and_accentless_name() {
    let app = TestApp::upcoming();
    ship(&app, 12);
    let pep = app.pep_ids(3)[2].clone();
    let key = one(&app, &format!("SELECT e.elector_key FROM electors e JOIN peps p ON p.elector_id = e.id WHERE p.pep_id = '{pep}'"));
    let guia = one(&app, &format!("SELECT l.tracking FROM legs l JOIN peps p ON p.id = l.pep WHERE p.pep_id = '{pep}' AND l.direction = 'return'"));
    let (client, _) = signed_in(&app, Role::Shipping);
    for (q, kind) in [
        (pep.to_lowercase(), "identificador de PEP"),
        (key.clone(), "clave de elector"),
        (guia.clone(), "número de guía"),
    ] {
        let (st, body) = get(&client, &format!("/search?q={q}"));
        assert_eq!(st, Status::Ok);
        assert!(body.contains(&format!("Resultados por {kind}")), "{q}");
        assert!(
            body.contains(&format!("href=\"/peps/{pep}\"")),
            "{q}: {pep} not found"
        );
    }
    // A name with an accent, typed without it.
    let (pep, surname, given) = app
        .raw_sql()
        .query_row(
            "SELECT p.pep_id, e.paternal_surname, e.given_names FROM electors e
               JOIN peps p ON p.elector_id = e.id
              WHERE e.paternal_surname || e.given_names GLOB '*[áéíóúñ]*' LIMIT 1",
            [],
            |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                ))
            },
        )
        .expect("a demo name with an accent");
    let q = plain(&format!("{given} {surname}")).replace(' ', "+");
    let (st, body) = get(&client, &format!("/search?q={q}"));
    assert_eq!(st, Status::Ok);
    assert!(body.contains("Resultados por nombre"));
    assert!(body.contains(&format!("/peps/{pep}")), "{q}");
    assert!(body.contains(&surname), "the name is shown to shipping");
}

#[test]
fn a_name_search_pages_through_many_matches() {
    let app = TestApp::upcoming();
    app.import_demo(400, 3);
    let (surname, n): (String, i64) = app
        .raw_sql()
        .query_row(
            "SELECT paternal_surname, count(*) FROM electors GROUP BY 1 ORDER BY 2 DESC LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    let (client, _) = signed_in(&app, Role::Admin);
    let q = plain(&surname);
    let (_, first) = get(&client, &format!("/search?q={q}"));
    let rows = |body: &str| body.matches("href=\"/peps/").count();
    if n > 25 {
        assert_eq!(rows(&first), 25);
        assert!(first.contains("Siguiente"));
        let (_, second) = get(&client, &format!("/search?q={q}&page=2"));
        assert!(rows(&second) >= 1 && second.contains("Anterior"));
    } else {
        assert!(rows(&first) as i64 >= n, "{surname}: {n}");
    }
}

#[test]
fn viewer_and_reception_search_by_pep_or_guia_but_not_by_personal_data() {
    let app = TestApp::upcoming();
    ship(&app, 3);
    let pep = app.pep_ids(1)[0].clone();
    for role in [Role::Viewer, Role::Reception] {
        let (client, _) = signed_in(&app, role);
        let (st, body) = get(&client, "/search?q=Garcia");
        assert_eq!(st, Status::UnprocessableEntity, "{role}");
        assert!(body.contains("reservada a administración y envíos"));
        let (st, body) = get(&client, &format!("/search?q={pep}"));
        assert_eq!(st, Status::Ok);
        assert!(body.contains(&format!("/peps/{pep}")));
        assert!(!body.contains("Clave de elector"), "{role} sees no keys");
    }
}

fn pep_scenario(app: &TestApp) -> String {
    ship(app, 3);
    let pep = app.pep_ids(1)[0].clone();
    let at = |h: i64| cutoff(app) - Duration::days(10) + Duration::hours(h);
    let event = |status, code: &str, text: &str, location: &str, h| TrackingEvent {
        at: at(h),
        status,
        raw_code: code.into(),
        raw_text: text.into(),
        location: location.into(),
    };
    carrier_event(
        app,
        &pep,
        "outbound",
        event(
            LegStatus::InTransit,
            "IT",
            "Departed FedEx hub",
            "MEMPHIS, TN US",
            1,
        ),
    );
    carrier_event(
        app,
        &pep,
        "outbound",
        event(
            LegStatus::Delivered,
            "DL",
            "Delivered to front door",
            "HOUSTON, TX US",
            30,
        ),
    );
    carrier_event(
        app,
        &pep,
        "return",
        event(
            LegStatus::InTransit,
            "OC",
            "Shipment picked up",
            "HOUSTON, TX US",
            60,
        ),
    );
    assert_eq!(check_in_at(app, &pep, at(100)), "accepted");
    pep
}

#[test]
fn the_pep_page_shows_both_legs_events_the_receipt_and_the_audit_records() {
    let app = TestApp::upcoming();
    let pep = pep_scenario(&app);
    let name = one(&app, &format!("SELECT e.paternal_surname FROM electors e JOIN peps p ON p.elector_id = e.id WHERE p.pep_id = '{pep}'"));
    let line1 = one(&app, &format!("SELECT e.address_line1 FROM electors e JOIN peps p ON p.elector_id = e.id WHERE p.pep_id = '{pep}'"));
    let (admin, _) = signed_in(&app, Role::Admin);
    let (st, body) = get(&admin, &format!("/peps/{pep}"));
    assert_eq!(st, Status::Ok);
    for text in [
        "Envío del PEP",
        "Regreso del sobre",
        "Departed FedEx hub",
        "MEMPHIS, TN US",
        "Delivered to front door",
        ">DL<",
        "Shipment picked up",
        "ACEPTADO",
        "mesa-1",
        "checkin.accepted",
        "Recibido",
        "Cronología",
        &name,
        &line1,
    ] {
        assert!(body.contains(text), "admin: missing «{text}»");
    }
    for role in [Role::Viewer, Role::Reception] {
        let (client, _) = signed_in(&app, role);
        let (st, body) = get(&client, &format!("/peps/{pep}"));
        assert_eq!(st, Status::Ok, "{role}");
        assert!(body.contains("Departed FedEx hub") && body.contains("ACEPTADO"));
        assert!(!body.contains(&name), "{role} must not see the name");
        assert!(!body.contains(&line1), "{role} must not see the address");
        assert!(!body.contains("Reponer este PEP"), "{role} cannot reissue");
    }
    let (st, _) = get(&admin, "/peps/PEP-9999999-1");
    assert_eq!(st, Status::NotFound);
}

#[test]
fn the_reissue_form_on_the_pep_page_voids_it_and_links_both_generations() {
    let app = TestApp::upcoming();
    ship(&app, 3);
    let pep = app.pep_ids(1)[0].clone();
    let (client, csrf) = signed_in(&app, Role::Shipping);
    let (_, body) = get(&client, &format!("/peps/{pep}"));
    assert!(body.contains("Reponer este PEP"));
    let resp = client
        .post(format!("/peps/{pep}/reissue"))
        .header(ContentType::Form)
        .body(format!(
            "csrf={csrf}&reason=Devuelto+al+remitente&back=/peps/{pep}"
        ))
        .dispatch();
    assert_eq!(resp.status(), Status::SeeOther);
    let to = resp.headers().get_one("Location").unwrap().to_string();
    let new = to.split("reissued=").nth(1).unwrap().to_string();
    assert_eq!(to, format!("/peps/{pep}?reissued={new}"));
    let (_, old_page) = get(&client, &to);
    assert!(old_page.contains("Se repuso el PEP"));
    assert!(old_page.contains("Reemplazado por") && old_page.contains(&format!("/peps/{new}")));
    assert!(old_page.contains("Anulado") && old_page.contains("pep.reissue"));
    assert!(
        !old_page.contains("Reponer este PEP"),
        "a voided PEP cannot be reissued again"
    );
    let (_, new_page) = get(&client, &format!("/peps/{new}"));
    assert!(new_page.contains("Reemplaza a") && new_page.contains(&format!("/peps/{pep}")));
}
