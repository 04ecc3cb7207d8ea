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
