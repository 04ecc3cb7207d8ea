//! The sender's two scans read only what they want: the due notices of one channel through
//! `outbox_due_channel` (not every pending notice of the other channel ahead of them), and the
//! reminder scan a range of `legs_delivered_at`.

use rusqlite::Connection;

use super::{due_sql, REMINDER_SCAN};

fn latest() -> Connection {
    crate::storage::schema::latest_in_memory()
}

fn plan(conn: &Connection, sql: &str) -> String {
    let mut stmt = conn.prepare(&format!("EXPLAIN QUERY PLAN {sql}")).unwrap();
    let nulls = vec![rusqlite::types::Null; stmt.parameter_count()];
    let rows = stmt
        .query_map(rusqlite::params_from_iter(nulls), |r| r.get::<_, String>(3))
        .unwrap();
    rows.map(Result::unwrap).collect::<Vec<_>>().join("\n")
}

#[test]
fn the_due_scan_reads_one_channels_range_of_its_index() {
    let p = plan(&latest(), &due_sql());
    assert!(
        p.contains("outbox_due_channel (state=? AND channel=? AND due_at<?)"),
        "{p}"
    );
    assert!(!p.contains("SCAN outbox"), "{p}");
}

#[test]
fn the_reminder_scan_reads_a_range_of_delivered_legs() {
    let p = plan(&latest(), REMINDER_SCAN);
    assert!(
        p.contains("legs_delivered_at (direction=? AND status=? AND status_at>? AND status_at<?)"),
        "{p}"
    );
}
