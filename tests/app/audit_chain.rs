//! The audit chain: intact after real work, and broken by any edit, deletion or reordering
//! made behind the application's back with plain SQL.

use pep_tracker::domain::role::Role;

use crate::support::{stderr, stdout, TestApp};

/// A database with a dozen audited changes.
fn app_with_history() -> TestApp {
    let app = TestApp::new();
    app.import_demo(50, 3);
    for i in 0..8 {
        app.add_user(&format!("user{i}"), Role::Viewer);
    }
    app
}

fn verify(app: &TestApp) -> (bool, String) {
    let out = app.cli(&["audit", "verify"]);
    (
        out.status.success(),
        format!("{}{}", stdout(&out), stderr(&out)),
    )
}

#[test]
fn an_untouched_chain_verifies_with_exit_zero() {
    let app = app_with_history();
    let (ok, text) = verify(&app);
    assert!(ok, "{text}");
    assert!(text.contains("ok 10"), "{text}");
}

#[test]
fn editing_a_record_with_sql_is_detected() {
    let app = app_with_history();
    app.raw_sql()
        .execute(
            "UPDATE audit_log SET actor = 'user:mallory' WHERE seq = 4",
            [],
        )
        .unwrap();
    let (ok, text) = verify(&app);
    assert!(!ok);
    assert!(text.contains("broken 4"), "{text}");
}

#[test]
fn deleting_a_record_in_the_middle_is_detected() {
    let app = app_with_history();
    app.raw_sql()
        .execute("DELETE FROM audit_log WHERE seq = 5", [])
        .unwrap();
    let (ok, text) = verify(&app);
    assert!(!ok);
    assert!(text.contains("broken 6"), "{text}");
}

#[test]
fn deleting_the_last_record_is_detected() {
    let app = app_with_history();
    app.raw_sql()
        .execute(
            "DELETE FROM audit_log WHERE seq = (SELECT max(seq) FROM audit_log)",
            [],
        )
        .unwrap();
    assert!(!verify(&app).0);
}

#[test]
fn reordering_two_records_is_detected() {
    let app = app_with_history();
    let sql = app.raw_sql();
    sql.execute_batch(
        "UPDATE audit_log SET seq = -1 WHERE seq = 3;
         UPDATE audit_log SET seq = 3 WHERE seq = 4;
         UPDATE audit_log SET seq = 4 WHERE seq = -1;",
    )
    .unwrap();
    let (ok, text) = verify(&app);
    assert!(!ok);
    assert!(text.contains("broken 3"), "{text}");
}

#[test]
fn a_rehashed_forgery_without_the_head_is_detected() {
    // An intruder who edits the last record and recomputes its hash still misses the head.
    let app = app_with_history();
    let sql = app.raw_sql();
    sql.execute("UPDATE audit_log SET hash = 'f00d' WHERE seq = 10", [])
        .unwrap();
    assert!(!verify(&app).0);
}

/// The number of records `audit verify` found intact.
fn intact_records(app: &TestApp) -> usize {
    let (ok, text) = verify(app);
    assert!(ok, "{text}");
    let n = text
        .split("ok ")
        .nth(1)
        .and_then(|t| t.split_whitespace().next());
    n.and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("{text}"))
}

#[test]
fn scans_recorded_together_in_one_transaction_chain_one_record_each() {
    use pep_tracker::ops::checkin::{check_in_all, Station};
    let app = TestApp::upcoming();
    app.import_demo(20, 3);
    let before = intact_records(&app);
    let codes: Vec<String> = app.pep_ids(5).iter().map(|p| app.code_of(p)).collect();
    let mut inputs: Vec<&str> = codes.iter().map(String::as_str).collect();
    inputs.extend([codes[0].as_str(), "basura", codes[1].as_str()]);
    let who = Station::new("mesa-1", "user:ana").unwrap();
    let key = app.secrets().code_key;
    let answers = check_in_all(&app.db, &key, &inputs, &who, chrono::Utc::now).unwrap();
    let outcomes: Vec<&str> = answers.iter().map(|a| a.outcome.as_str()).collect();
    assert_eq!(outcomes[..5], ["accepted"; 5]);
    assert_eq!(outcomes[5..], ["duplicate", "invalid", "duplicate"]);
    assert_eq!(intact_records(&app), before + inputs.len());
}

/// What an intruder who can write the database file but not read the key file would do after
/// editing records: recompute every hash, link and the head with the plain SHA-256 formula
/// (sequence number, then each field and the previous hash, length-prefixed).
pub fn rehash_with_plain_sha256(sql: &rusqlite::Connection) {
    use sha2::{Digest, Sha256};
    type Row = (i64, Vec<String>);
    let rows: Vec<Row> = sql
        .prepare(
            "SELECT seq, at, actor, action, subject, coalesce(before_digest, '-'),
                    coalesce(after_digest, '-'), detail FROM audit_log ORDER BY seq",
        )
        .unwrap()
        .query_map([], |r| {
            let fields = (1..8).map(|i| r.get(i)).collect::<rusqlite::Result<_>>()?;
            Ok((r.get(0)?, fields))
        })
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap();
    let mut prev = "0".repeat(64);
    let mut last = 0;
    for (seq, fields) in rows {
        let mut h = Sha256::new();
        h.update(seq.to_be_bytes());
        for f in fields.iter().chain([&prev]) {
            h.update((f.len() as u64).to_be_bytes());
            h.update(f.as_bytes());
        }
        let hash = hex::encode(h.finalize());
        sql.execute(
            "UPDATE audit_log SET prev_hash = ?1, hash = ?2 WHERE seq = ?3",
            rusqlite::params![prev, hash, seq],
        )
        .unwrap();
        prev = hash;
        last = seq;
    }
    sql.execute(
        "UPDATE audit_head SET seq = ?1, hash = ?2 WHERE id = 1",
        rusqlite::params![last, prev],
    )
    .unwrap();
}

/// A database whose trail holds check-ins made at station `mesa-1`.
pub fn app_with_checkins() -> TestApp {
    let app = TestApp::upcoming();
    app.import_demo(20, 3);
    check_in_first(&app, 3, "mesa-1");
    app
}

/// Checks in the envelopes of the first `n` PEPs at `station`, in one group.
pub fn check_in_first(app: &TestApp, n: usize, station: &str) {
    use pep_tracker::ops::checkin::{check_in_all, Station};
    let codes: Vec<String> = app.pep_ids(n).iter().map(|p| app.code_of(p)).collect();
    let inputs: Vec<&str> = codes.iter().map(String::as_str).collect();
    let who = Station::new(station, "user:ana").unwrap();
    let key = app.secrets().code_key;
    check_in_all(&app.db, &key, &inputs, &who, chrono::Utc::now).unwrap();
}

/// Moves a check-in to another station in the trail, as an intruder with sqlite3 would.
pub fn rewrite_a_station(app: &TestApp) -> i64 {
    let sql = app.raw_sql();
    let seq: i64 = sql
        .query_row(
            "SELECT seq FROM audit_log WHERE action LIKE 'checkin.%' AND detail LIKE '%mesa-1%'
             ORDER BY seq LIMIT 1",
            [],
            |r| r.get(0),
        )
        .unwrap();
    sql.execute(
        "UPDATE audit_log SET detail = replace(detail, 'mesa-1', 'mesa-9') WHERE seq = ?1",
        [seq],
    )
    .unwrap();
    seq
}

#[test]
fn a_station_rewritten_and_rehashed_with_plain_sha256_is_detected() {
    let app = app_with_checkins();
    assert!(verify(&app).0);
    let seq = rewrite_a_station(&app);
    rehash_with_plain_sha256(&app.raw_sql());
    let (ok, text) = verify(&app);
    assert!(!ok, "a forged chain passed: {text}");
    // The keyed hash of the very first record no longer matches.
    assert!(text.contains("broken 1"), "{text}");
    assert!(seq > 1);
}

#[test]
fn the_chain_cannot_be_verified_without_the_key_file() {
    let app = app_with_history();
    std::fs::remove_file(app.dir.path().join("pep.sqlite3.key")).unwrap();
    let out = app.cli(&["audit", "verify"]);
    assert!(!out.status.success());
    assert!(stderr(&out).contains("pep.sqlite3.key"), "{}", stderr(&out));
}
