//! The dashboard: stage counts that always equal a scan of the PEPs, whatever changed them
//! (import, batch, courier events, check-in, reissue), the tables and charts on the page, and
//! every table as CSV.

use chrono::{DateTime, Duration, Utc};
use pep_tracker::domain::pep::PepId;
use pep_tracker::domain::role::Role;
use pep_tracker::domain::scope::Scope;
use pep_tracker::domain::stage::Stage;
use pep_tracker::domain::tracking::{apply, LegStatus, TrackingEvent};
use pep_tracker::ops::checkin::{check_in_all, Station};
use pep_tracker::ops::{self, Actor};
use pep_tracker::storage::{election, stage, tracking, StorageError};
use rocket::http::{ContentType, Status};

use crate::carriers::ship;
use crate::support::{login, TestApp, PASSWORD};

/// A carrier event on one leg of a PEP, stored and applied as the poller does.
pub fn carrier_event(app: &TestApp, pep: &str, direction: &str, e: TrackingEvent) {
    app.db
        .write(|tx| -> Result<(), StorageError> {
            let leg: i64 = tx.query_row(
                "SELECT l.id FROM legs l JOIN peps p ON p.id = l.pep
                  WHERE p.pep_id = ?1 AND l.direction = ?2",
                [pep, direction],
                |r| r.get(0),
            )?;
            let now = Utc::now();
            let current = tracking::leg(tx, leg)?.expect("leg");
            tracking::insert_new_events(tx, leg, std::slice::from_ref(&e), now)?;
            let state = apply(current.state, e.status, e.at);
            let newest = tracking::newest_known(current.state.newest, [&e]);
            tracking::set_leg_state(tx, &current, &state, (Some(e.at), newest), now)
        })
        .unwrap();
}

/// Moves a leg to `status` with a plain event an hour ago.
pub fn move_leg(app: &TestApp, pep: &str, direction: &str, status: LegStatus) {
    let e = TrackingEvent {
        at: Utc::now() - Duration::hours(1),
        status,
        raw_code: "X".into(),
        raw_text: status.label_es().into(),
        location: String::new(),
    };
    carrier_event(app, pep, direction, e);
}

/// Scans the PEP's envelope at `now` (after the cutoff it is late).
pub fn check_in_at(app: &TestApp, pep: &str, now: DateTime<Utc>) -> String {
    let code = app.code_of(pep);
    let key = app.secrets().code_key;
    let who = Station::new("mesa-1", "user:ana").unwrap();
    check_in_all(&app.db, &key, &[&code], &who, || now).unwrap()[0]
        .outcome
        .as_str()
        .to_string()
}

pub fn cutoff(app: &TestApp) -> DateTime<Utc> {
    app.db.read(election::load).unwrap().unwrap().receipt_cutoff
}

fn reissue(app: &TestApp, pep: &str) -> String {
    ops::reissue::reissue(
        &app.db,
        &PepId::parse(pep).unwrap(),
        "devuelto por la paquetería",
        None,
        &Actor::system(),
        Utc::now(),
    )
    .unwrap()
    .to_string()
}

fn counts_by_stage(app: &TestApp) -> std::collections::HashMap<Stage, i64> {
    let counts = app
        .db
        .read(|c| stage::stage_counts(c, &Scope::National))
        .unwrap();
    let scanned = app.db.read(stage::stage_counts_by_scan).unwrap();
    assert_eq!(counts, scanned, "stage_counts differs from a GROUP BY");
    let mut by = std::collections::HashMap::new();
    for c in counts {
        *by.entry(c.stage).or_default() += c.n;
    }
    by
}

/// 40 PEPs shipped in one batch with guías, 20 more imported without a batch, and one of each
/// kind of change.
pub(crate) fn mixed_workload(app: &TestApp) -> Vec<String> {
    ship(app, 40);
    app.import_demo(20, 77);
    let peps = app.pep_ids(40);
    for p in &peps[0..3] {
        move_leg(app, p, "outbound", LegStatus::InTransit);
    }
    for p in &peps[3..5] {
        move_leg(app, p, "outbound", LegStatus::Delivered);
    }
    move_leg(app, &peps[5], "outbound", LegStatus::ReturnToSender);
    move_leg(app, &peps[6], "outbound", LegStatus::Delivered);
    move_leg(app, &peps[6], "return", LegStatus::InTransit);
    let cutoff = cutoff(app);
    assert_eq!(
        check_in_at(app, &peps[7], cutoff - Duration::days(2)),
        "accepted"
    );
    assert_eq!(
        check_in_at(app, &peps[8], cutoff + Duration::hours(2)),
        "late"
    );
    reissue(app, &peps[5]);
    peps
}

#[test]
fn stage_counts_always_equal_a_group_by_over_the_peps_after_a_mixed_workload() {
    let app = TestApp::upcoming();
    app.import_demo(25, 5);
    let after_import = counts_by_stage(&app);
    assert_eq!(after_import.get(&Stage::Generated), Some(&25));
    let app = TestApp::upcoming();
    mixed_workload(&app);
    let by = counts_by_stage(&app);
    let n = |s: Stage| by.get(&s).copied().unwrap_or(0);
    assert_eq!(n(Stage::Shipped), 3);
    assert_eq!(n(Stage::Delivered), 2);
    assert_eq!(n(Stage::Undeliverable), 0, "the returned PEP was reissued");
    assert_eq!(n(Stage::Voided), 1);
    assert_eq!(n(Stage::Returning), 1);
    assert_eq!(n(Stage::Received), 1);
    assert_eq!(n(Stage::Late), 1);
    assert_eq!(n(Stage::Batched), 40 - 9);
    assert_eq!(
        n(Stage::Generated),
        20 + 1,
        "unbatched import and the reissued PEP"
    );
    // A second batch takes the unbatched PEPs, the reissued one included.
    ops::batches::create(
        &app.db,
        &ops::batches::NewBatch {
            name: "Lote 2",
            ..Default::default()
        },
        &Actor::system(),
        Utc::now(),
    )
    .unwrap();
    let by = counts_by_stage(&app);
    assert_eq!(by.get(&Stage::Generated), None);
    assert_eq!(by.get(&Stage::Batched), Some(&(31 + 21)));
}

#[test]
fn the_dashboard_shows_stages_by_entity_and_country_with_charts_for_every_role() {
    let app = TestApp::upcoming();
    mixed_workload(&app);
    for role in Role::ALL {
        app.add_user(&format!("u-{role}"), role);
    }
    for role in Role::ALL {
        let client = app.client();
        login(&client, &format!("u-{role}"), PASSWORD);
        let resp = client.get("/").dispatch();
        assert_eq!(resp.status(), Status::Ok, "{role}");
        let body = resp.into_string().unwrap();
        for text in [
            "Avance por entidad",
            "Avance por país de residencia",
            "Estados Unidos",
            "Oaxaca",
            "No entregable",
            "Sobre de regreso",
            "<svg class=\"chart\"",
            "class=\"cutoff\"",
            "/dashboard/entidades.csv",
        ] {
            assert!(body.contains(text), "{role}: missing «{text}»");
        }
        assert!(!body.contains("<script"), "no JavaScript on the dashboard");
    }
}

fn csv_rows(client: &rocket::local::blocking::Client, table: &str) -> Vec<Vec<String>> {
    let resp = client.get(format!("/dashboard/{table}")).dispatch();
    assert_eq!(resp.status(), Status::Ok, "{table}");
    assert_eq!(resp.content_type(), Some(ContentType::CSV));
    let disposition = resp.headers().get_one("Content-Disposition").unwrap();
    assert!(disposition.contains(table), "{disposition}");
    let body = resp.into_bytes().unwrap();
    csv::Reader::from_reader(body.as_slice())
        .records()
        .map(|r| r.unwrap().iter().map(str::to_string).collect())
        .collect()
}

#[test]
fn every_dashboard_table_downloads_as_csv_with_the_same_totals() {
    let app = TestApp::upcoming();
    mixed_workload(&app);
    app.add_user("consulta", Role::Viewer);
    let client = app.client();
    login(&client, "consulta", PASSWORD);
    for table in ["entidades.csv", "paises.csv"] {
        let rows = csv_rows(&client, table);
        let total = rows.last().unwrap();
        assert_eq!(total[1], "Total");
        // Vigentes: every PEP but the voided one (60 electors).
        assert_eq!(total.last().unwrap(), "60", "{table}");
        let sum: i64 = rows[..rows.len() - 1]
            .iter()
            .map(|r| r.last().unwrap().parse::<i64>().unwrap())
            .sum();
        assert_eq!(sum, 60, "{table}");
    }
    let days = csv_rows(&client, "recepcion-diaria.csv");
    let accepted: i64 = days.iter().map(|r| r[1].parse::<i64>().unwrap()).sum();
    let late: i64 = days.iter().map(|r| r[2].parse::<i64>().unwrap()).sum();
    assert_eq!((accepted, late), (1, 1));
    let resp = client.get("/dashboard/electores.csv").dispatch();
    assert_eq!(resp.status(), Status::NotFound);
}
