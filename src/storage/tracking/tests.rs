use chrono::{DateTime, Duration, TimeZone, Utc};
use rusqlite::Connection;

use super::{carries_any_leg, insert_new_events};
use crate::domain::tracking::{Carrier, LegStatus, TrackingEvent};

fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2024, 5, 1, 12, 0, 0).unwrap()
}

fn event(hours: i64, code: &str) -> TrackingEvent {
    TrackingEvent {
        at: t0() + Duration::hours(hours),
        status: LegStatus::InTransit,
        raw_code: code.into(),
        raw_text: format!("scan {code}"),
        location: "Dallas TX US".into(),
    }
}

/// A schema without any leg: with foreign keys off, `leg_events` rows stand on their own,
/// which is all these checks need.
fn conn() -> Connection {
    let conn = crate::storage::schema::latest_in_memory();
    conn.pragma_update(None, "foreign_keys", "OFF").unwrap();
    conn
}

fn codes(fresh: &[&TrackingEvent]) -> Vec<String> {
    fresh.iter().map(|e| e.raw_code.clone()).collect()
}

fn stored(conn: &Connection) -> i64 {
    conn.query_row("SELECT count(*) FROM leg_events", [], |r| r.get(0))
        .unwrap()
}

#[test]
fn a_history_repeated_stores_only_its_new_events() {
    let mut conn = conn();
    let tx = conn.transaction().unwrap();
    let first = [event(1, "PU"), event(2, "DP")];
    let fresh = insert_new_events(&tx, 1, &first, t0()).unwrap();
    assert_eq!(codes(&fresh), ["PU", "DP"]);
    // A poll repeats the history and adds a scan: only the scan is new.
    let polled = [event(1, "PU"), event(2, "DP"), event(3, "AR")];
    assert_eq!(
        codes(&insert_new_events(&tx, 1, &polled, t0()).unwrap()),
        ["AR"]
    );
    assert!(insert_new_events(&tx, 1, &polled, t0()).unwrap().is_empty());
    // The same scan twice in one push counts once.
    let pushed = [event(4, "OD"), event(4, "OD")];
    assert_eq!(
        codes(&insert_new_events(&tx, 1, &pushed, t0()).unwrap()),
        ["OD"]
    );
    // Another leg's identical scans are its own.
    assert_eq!(insert_new_events(&tx, 2, &polled, t0()).unwrap().len(), 3);
    assert_eq!(stored(&tx), 4 + 3);
}

#[test]
fn an_older_event_not_seen_before_is_stored_even_when_the_leg_has_newer_ones() {
    let mut conn = conn();
    let tx = conn.transaction().unwrap();
    insert_new_events(&tx, 1, &[event(5, "DL")], t0()).unwrap();
    let late_scan = [event(2, "DP"), event(5, "DL")];
    assert_eq!(
        codes(&insert_new_events(&tx, 1, &late_scan, t0()).unwrap()),
        ["DP"]
    );
    assert!(insert_new_events(&tx, 1, &[], t0()).unwrap().is_empty());
    assert_eq!(stored(&tx), 2);
}

#[test]
fn a_carrier_carries_a_leg_once_one_of_its_numbers_is_stored() {
    let conn = conn();
    assert!(!carries_any_leg(&conn, Carrier::Fedex).unwrap());
    conn.execute(
        "INSERT INTO legs (pep, direction, carrier, tracking, updated_at)
         VALUES (1, 'outbound', 'fedex', '794600000001', '2024-05-01T12:00:00.000Z')",
        [],
    )
    .unwrap();
    assert!(carries_any_leg(&conn, Carrier::Fedex).unwrap());
    assert!(!carries_any_leg(&conn, Carrier::Ups).unwrap());
    assert!(!carries_any_leg(&conn, Carrier::Dhl).unwrap());
}
