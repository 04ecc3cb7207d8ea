//! The exception queues of courier tracking: which legs each one lists, and the Spanish page.

use chrono::{Duration, Utc};
use pep_tracker::domain::role::Role;
use pep_tracker::domain::scope::Scope;
use pep_tracker::ops::queues::{queues, QueueSettings};
use pep_tracker::storage::ts;
use rocket::http::Status;

use crate::carriers::ship;
use crate::support::{login, TestApp, PASSWORD};

/// Sets a leg's tracking state as the poller would have left it.
fn set(app: &TestApp, pep_index: usize, direction: &str, status: &str, hours_ago: i64) {
    let at = ts(Utc::now() - Duration::hours(hours_ago));
    let pep = &app.pep_ids(pep_index + 1)[pep_index];
    let n = app
        .raw_sql()
        .execute(
            "UPDATE legs SET status = ?1, status_at = ?2, last_event_at = ?2
              WHERE direction = ?3 AND pep = (SELECT id FROM peps WHERE pep_id = ?4)",
            rusqlite::params![status, at, direction, pep],
        )
        .unwrap();
    assert_eq!(n, 1);
}

fn pep_ids(q: &pep_tracker::storage::queues::Queue) -> Vec<String> {
    q.rows.iter().map(|r| r.pep_id.to_string()).collect()
}

fn scenario(app: &TestApp) -> Vec<String> {
    ship(app, 6);
    set(app, 0, "outbound", "return_to_sender", 24);
    set(app, 1, "outbound", "exception", 24 * 5);
    set(app, 2, "outbound", "exception", 1);
    set(app, 3, "outbound", "in_transit", 24 * 10);
    set(app, 4, "return", "in_transit", 1);
    set(app, 5, "return", "pre_transit", 24 * 30);
    app.pep_ids(6)
}

#[test]
fn each_queue_lists_exactly_the_legs_its_rule_names() {
    let app = TestApp::new();
    let peps = scenario(&app);
    let q = queues(
        &app.db,
        QueueSettings::default(),
        Utc::now(),
        &Scope::National,
        100,
    )
    .unwrap();
    assert_eq!(
        pep_ids(&q.to_reissue),
        vec![peps[1].clone(), peps[0].clone()]
    );
    // The 2022 cutoff has passed: every return envelope not moving is at risk.
    let mut at_risk = pep_ids(&q.at_risk);
    at_risk.sort();
    let mut want: Vec<String> = [0, 1, 2, 3, 5].iter().map(|&i| peps[i].clone()).collect();
    want.sort();
    assert_eq!(at_risk, want);
    // In exception for five days, in transit with no news for ten: stuck. A return label seen
    // a month ago is not stuck (the envelope was never posted).
    let mut stuck = pep_ids(&q.stuck);
    stuck.sort();
    assert_eq!(stuck, vec![peps[1].clone(), peps[3].clone()]);
    assert_eq!(q.stuck.total, 2);
}

#[test]
fn envelopes_are_not_at_risk_before_the_days_preceding_the_cutoff() {
    let app = TestApp::upcoming();
    ship(&app, 3);
    let q = queues(
        &app.db,
        QueueSettings::default(),
        Utc::now(),
        &Scope::National,
        100,
    )
    .unwrap();
    assert_eq!(q.at_risk.total, 0);
    assert!(q.at_risk_from > Utc::now());
}

#[test]
fn the_queues_page_shows_the_three_queues_in_spanish() {
    let app = TestApp::new();
    let peps = scenario(&app);
    app.add_user("consulta", Role::Viewer);
    let client = app.client();
    let (st, _) = login(&client, "consulta", PASSWORD);
    assert_eq!(st, Status::SeeOther);
    let resp = client.get("/queues").dispatch();
    assert_eq!(resp.status(), Status::Ok);
    let body = resp.into_string().unwrap();
    for text in [
        "Por reexpedir (2)",
        "Sobres en riesgo (5)",
        "Sin movimiento (2)",
        "Devuelto al remitente",
        "Envío del PEP",
        &peps[0],
    ] {
        assert!(body.contains(text), "missing «{text}»");
    }
}

#[test]
fn shipping_staff_reissue_straight_from_the_queue_and_viewers_cannot() {
    let app = TestApp::new();
    let peps = scenario(&app);
    app.add_user("envios", Role::Shipping);
    app.add_user("consulta", Role::Viewer);
    let viewer = app.client();
    login(&viewer, "consulta", PASSWORD);
    let page = viewer.get("/queues").dispatch().into_string().unwrap();
    assert!(!page.contains("/reissue"), "a viewer gets no reissue form");
    let client = app.client();
    let (_, csrf) = login(&client, "envios", PASSWORD);
    let page = client.get("/queues").dispatch().into_string().unwrap();
    assert!(
        page.contains(&format!("/peps/{}/reissue", peps[0])),
        "{page}"
    );
    let resp = client
        .post(format!("/peps/{}/reissue", peps[0]))
        .header(rocket::http::ContentType::Form)
        .body(format!(
            "csrf={csrf}&reason=devuelto+al+remitente&back=/queues"
        ))
        .dispatch();
    assert_eq!(resp.status(), Status::SeeOther);
    assert!(resp
        .headers()
        .get_one("Location")
        .unwrap()
        .starts_with("/queues?reissued=PEP-"));
    let page = client.get("/queues").dispatch().into_string().unwrap();
    assert!(
        page.contains("Por reexpedir (1)"),
        "the voided PEP leaves the queue"
    );
}
