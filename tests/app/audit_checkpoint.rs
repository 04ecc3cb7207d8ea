//! Signed checkpoints of the audit chain: issued by `audit checkpoint`, checked by a party
//! holding the public key alone, and refused once the log is truncated or rewritten.

use std::path::{Path, PathBuf};

use crate::audit_chain::{app_with_checkins, rehash_with_plain_sha256, rewrite_a_station};
use crate::support::{stderr, stdout, TestApp};

/// Issues a checkpoint and writes it and the public key to files, as they would be published.
fn publish(app: &TestApp) -> (PathBuf, PathBuf, String) {
    let out = app.cli(&["audit", "checkpoint"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    let cp = app.write_file("checkpoint.toml", &text);
    let out = app.cli(&["audit", "pubkey"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).starts_with("-----BEGIN PUBLIC KEY-----"));
    let pk = app.write_file("ine.pem", &stdout(&out));
    (cp, pk, text)
}

/// Takes the key file away: what follows runs as a party representative would, with the
/// database copy, the checkpoint and the public key only.
fn without_key_file(app: &TestApp) {
    let key = app.dir.path().join("pep.sqlite3.key");
    std::fs::rename(&key, app.dir.path().join("elsewhere.key")).unwrap();
}

fn check(app: &TestApp, cp: &Path, pk: &Path) -> (bool, String) {
    let out = app.cli(&[
        "audit",
        "verify",
        "--checkpoint",
        cp.to_str().unwrap(),
        "--pubkey",
        pk.to_str().unwrap(),
    ]);
    (
        out.status.success(),
        format!("{}{}", stdout(&out), stderr(&out)),
    )
}

fn head_seq(app: &TestApp) -> i64 {
    app.raw_sql()
        .query_row("SELECT seq FROM audit_head", [], |r| r.get(0))
        .unwrap()
}

#[test]
fn an_untouched_log_holds_its_checkpoint_with_the_public_key_alone() {
    let app = app_with_checkins();
    let (cp, pk, text) = publish(&app);
    assert!(
        text.contains(&format!("seq = {}", head_seq(&app))),
        "{text}"
    );
    // The log grows after the checkpoint: it still holds it.
    app.add_user("later", pep_tracker::domain::role::Role::Viewer);
    without_key_file(&app);
    let (ok, out) = check(&app, &cp, &pk);
    assert!(ok, "{out}");
    assert!(out.contains("ok "), "{out}");
}

#[test]
fn a_truncated_log_no_longer_holds_its_checkpoint() {
    let app = app_with_checkins();
    let (cp, pk, _) = publish(&app);
    let sql = app.raw_sql();
    let last = head_seq(&app);
    sql.execute("DELETE FROM audit_log WHERE seq >= ?1", [last - 1])
        .unwrap();
    let new_head: String = sql
        .query_row(
            "SELECT hash FROM audit_log WHERE seq = ?1",
            [last - 2],
            |r| r.get(0),
        )
        .unwrap();
    sql.execute(
        "UPDATE audit_head SET seq = ?1, hash = ?2",
        rusqlite::params![last - 2, new_head],
    )
    .unwrap();
    without_key_file(&app);
    let (ok, out) = check(&app, &cp, &pk);
    assert!(!ok, "{out}");
    assert!(out.contains("truncada"), "{out}");
}

#[test]
fn a_rewritten_log_no_longer_holds_its_checkpoint() {
    let app = app_with_checkins();
    let (cp, pk, _) = publish(&app);
    rewrite_a_station(&app);
    // Even with every stored hash kept as it was, the signed log digest sees the edit.
    let (ok, out) = check(&app, &cp, &pk);
    assert!(!ok, "{out}");
    // And recomputing the hashes, as an intruder would, changes the signed head.
    rehash_with_plain_sha256(&app.raw_sql());
    without_key_file(&app);
    let (ok, out) = check(&app, &cp, &pk);
    assert!(!ok, "{out}");
    assert!(out.contains("reescrita"), "{out}");
}

#[test]
fn a_tampered_checkpoint_or_another_installations_key_is_refused() {
    let app = app_with_checkins();
    let (cp, pk, text) = publish(&app);
    // Claiming a shorter log than was signed (to cover a truncation) breaks the signature.
    let seq = head_seq(&app);
    let forged = text.replace(&format!("seq = {seq}"), &format!("seq = {}", seq - 1));
    assert_ne!(forged, text);
    let forged = app.write_file("forged.toml", &forged);
    let (ok, out) = check(&app, &forged, &pk);
    assert!(!ok, "{out}");
    assert!(out.contains("firma"), "{out}");
    // The genuine checkpoint under someone else's public key is refused too.
    let other = TestApp::new();
    let out = other.cli(&["audit", "pubkey"]);
    let other_pk = app.write_file("other.pem", &stdout(&out));
    let (ok, out) = check(&app, &cp, &other_pk);
    assert!(!ok, "{out}");
    assert!(out.contains("firma"), "{out}");
}

#[test]
fn a_broken_chain_gets_no_checkpoint() {
    let app = app_with_checkins();
    rewrite_a_station(&app);
    let out = app.cli(&["audit", "checkpoint"]);
    assert!(!out.status.success());
    assert!(stdout(&out).is_empty(), "{}", stdout(&out));
    assert!(stderr(&out).contains("ALTERADA"), "{}", stderr(&out));
}
