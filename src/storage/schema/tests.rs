//! The initial schema applies, writes to it build no temporary tables, and its CHECK
//! constraints accept exactly the values the domain writes.

use rusqlite::Connection;

use super::*;
use crate::domain::checkin::Outcome;
use crate::domain::notice::{Channel, NoticeKind, NoticeState};
use crate::domain::role::Role;
use crate::domain::stage::Stage;
use crate::domain::tracking::{Carrier, LegStatus};

fn latest() -> Connection {
    latest_in_memory()
}

fn tables(conn: &Connection) -> Vec<(String, String)> {
    let mut stmt = conn
        .prepare("SELECT name, sql FROM sqlite_schema WHERE type = 'table' AND sql IS NOT NULL")
        .unwrap();
    let rows = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    rows
}

/// The text inside each `CHECK ( … )` of a CREATE TABLE statement.
fn check_clauses(sql: &str) -> Vec<String> {
    // Comments out, then every `CHECK (` that starts a word, to its matching parenthesis.
    let sql: String = sql
        .lines()
        .map(|l| l.split("--").next().unwrap_or(""))
        .collect::<Vec<_>>()
        .join("\n");
    let upper = sql.to_ascii_uppercase();
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(at) = upper[from..].find("CHECK") {
        let at = from + at;
        from = at + 5;
        let word_start = upper[..at]
            .chars()
            .next_back()
            .is_none_or(|c| !(c.is_ascii_alphanumeric() || c == '_'));
        let rest = upper[from..].trim_start();
        if !word_start || !rest.starts_with('(') {
            continue;
        }
        let open = upper.len() - rest.len();
        let mut depth = 0;
        let mut end = open;
        for (i, c) in sql[open..].char_indices() {
            match c {
                '(' => depth += 1,
                ')' => depth -= 1,
                _ => {}
            }
            if depth == 0 {
                end = open + i;
                break;
            }
        }
        out.push(sql[open + 1..end].to_string());
        from = end;
    }
    out
}

#[test]
fn a_new_database_gets_the_whole_schema_at_the_latest_version() {
    let conn = latest();
    let version: i64 = conn
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap();
    assert_eq!(version, super::SQL.len() as i64);
    assert!(tables(&conn).len() > 15);
    let check: String = conn
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(check, "ok");
    let head: (i64, String) = conn
        .query_row("SELECT seq, hash FROM audit_head WHERE id = 1", [], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .unwrap();
    assert_eq!(head, (0, "0".repeat(64)));
    let mut triggers: Vec<String> = {
        let mut stmt = conn
            .prepare("SELECT name FROM sqlite_schema WHERE type = 'trigger'")
            .unwrap();
        let rows = stmt.query_map([], |r| r.get(0)).unwrap();
        rows.map(Result::unwrap).collect()
    };
    triggers.sort();
    // Every trigger a migration creates, by name (a table rebuilt makes its triggers again),
    // but those a later migration drops.
    let named = |statement: &str| -> Vec<String> {
        super::SQL
            .iter()
            .flat_map(|sql| sql.split(statement).skip(1))
            .filter_map(|rest| rest.split_whitespace().next())
            .map(|name| name.trim_end_matches(';').to_string())
            .collect()
    };
    let dropped = named("DROP TRIGGER");
    let mut written: Vec<String> = named("CREATE TRIGGER")
        .into_iter()
        .filter(|name| !dropped.contains(name))
        .collect();
    written.sort();
    written.dedup();
    assert_eq!(triggers, written);
    assert!(written.len() >= 10, "{written:?}");
}

#[test]
fn the_check_clause_reader_finds_in_lists() {
    let sql = "CREATE TABLE t (a TEXT CHECK (a IN ('x', 'y')), b INTEGER check(length(b) > 0))";
    assert_eq!(
        check_clauses(sql),
        ["a IN ('x', 'y')".to_string(), "length(b) > 0".to_string()]
    );
}

fn explain_uses_ephemeral_table(conn: &Connection, sql: &str) -> bool {
    let mut stmt = conn.prepare(&format!("EXPLAIN {sql}")).unwrap();
    let ops: Vec<String> = stmt
        .query_map([], |r| r.get::<_, String>(1))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    ops.iter().any(|op| op == "OpenEphemeral")
}

#[test]
fn no_check_is_an_in_list_and_writes_build_no_temporary_tables() {
    let conn = latest();
    for (name, sql) in tables(&conn) {
        for check in check_clauses(&sql) {
            let words: Vec<String> = check
                .split(|c: char| !c.is_ascii_alphanumeric() && c != '_')
                .map(str::to_ascii_uppercase)
                .collect();
            assert!(!words.iter().any(|w| w == "IN"), "{name}: CHECK ({check})");
        }
    }
    for sql in [
        "UPDATE peps SET stage = 'received' WHERE id = 1",
        "INSERT INTO scans (at, station, operator, input, outcome) VALUES ('t', 's', 'o', 'i', 'invalid')",
        "UPDATE legs SET status = 'delivered' WHERE id = 1",
        "INSERT INTO leg_events (leg, at, status, raw_code, raw_text, location, recorded_at)
         VALUES (1, 't', 'delivered', '', '', '', 't')",
        "INSERT INTO checkins (pep, outcome, seq, received_at, station, operator, entity)
         VALUES (1, 'accepted', 1, 't', 's', 'o', '01')",
        "INSERT INTO users (name, role, password_hash, created_at) VALUES ('u', 'viewer', 'h', 't')",
    ] {
        assert!(!explain_uses_ephemeral_table(&conn, sql), "{sql}");
    }
}

/// One row in each table with a list CHECK, foreign keys off: each constraint is then tried
/// by updating its column.
fn one_row_each() -> Connection {
    let conn = latest();
    conn.execute_batch(
        "PRAGMA foreign_keys = OFF;
         INSERT INTO users (name, role, password_hash, created_at) VALUES ('u', 'admin', 'h', 't');
         INSERT INTO tokens (name, role, token_hash, created_at) VALUES ('t', 'admin', 'h', 't');
         INSERT INTO peps (pep_id, elector_id, generation, code_id, created_at)
         VALUES ('PEP-1', 1, 1, 1, 't');
         INSERT INTO legs (pep, direction, carrier, tracking, updated_at)
         VALUES (1, 'outbound', 'dhl', '1', 't');
         INSERT INTO leg_events (leg, at, status, raw_code, raw_text, location, recorded_at)
         VALUES (1, 't', 'unknown', '', '', '', 't');
         INSERT INTO scans (at, station, operator, input, outcome) VALUES ('t', 's', 'o', 'i', 'invalid');
         INSERT INTO checkins (pep, outcome, seq, received_at, station, operator, entity)
         VALUES (1, 'accepted', 1, '2022-06-01T00:00:00.000Z', 's', 'o', '01');
         INSERT INTO outbox (pep, entity, kind, channel, state, created_at, due_at)
         VALUES (1, '01', 'shipped', 'email', 'pending', 't', 't');",
    )
    .unwrap();
    conn
}

#[test]
fn list_checks_accept_exactly_the_values_the_domain_writes() {
    let conn = one_row_each();
    let names = |all: &[&'static str]| all.to_vec();
    let cases: Vec<(&str, &str, Vec<&str>)> = vec![
        (
            "users",
            "role",
            Role::ALL.iter().map(|r| r.as_str()).collect(),
        ),
        (
            "tokens",
            "role",
            Role::ALL.iter().map(|r| r.as_str()).collect(),
        ),
        (
            "peps",
            "stage",
            Stage::ALL.iter().map(|s| s.as_str()).collect(),
        ),
        ("legs", "direction", names(&["outbound", "return"])),
        (
            "legs",
            "carrier",
            Carrier::ALL.iter().map(|c| c.as_str()).collect(),
        ),
        (
            "legs",
            "status",
            LegStatus::ALL.iter().map(|s| s.as_str()).collect(),
        ),
        (
            "leg_events",
            "status",
            LegStatus::ALL.iter().map(|s| s.as_str()).collect(),
        ),
        (
            "scans",
            "outcome",
            Outcome::ALL.iter().map(|o| o.as_str()).collect(),
        ),
        ("checkins", "outcome", names(&["accepted", "late"])),
        (
            "outbox",
            "kind",
            NoticeKind::ALL.iter().map(|k| k.as_str()).collect(),
        ),
        (
            "outbox",
            "channel",
            Channel::ALL.iter().map(|c| c.as_str()).collect(),
        ),
        (
            "outbox",
            "state",
            NoticeState::ALL.iter().map(|s| s.as_str()).collect(),
        ),
    ];
    let accepts = |table: &str, column: &str, value: &str| {
        conn.execute(&format!("UPDATE {table} SET {column} = ?1"), [value])
            .map(|n| assert_eq!(n, 1, "{table}"))
            .is_ok()
    };
    for (table, column, allowed) in cases {
        for value in &allowed {
            assert!(
                accepts(table, column, value),
                "{table}.{column} = {value:?}"
            );
        }
        let first = allowed[0];
        for wrong in [
            String::new(),
            "x".into(),
            first.to_ascii_uppercase(),
            format!("{first} "),
            format!("'{first}'"),
        ] {
            assert!(
                !accepts(table, column, &wrong),
                "{table}.{column} = {wrong:?}"
            );
        }
    }
    assert!(!accepts("checkins", "outcome", "duplicate"));
    assert!(!accepts("legs", "direction", "inbound"));
}

/// The version just before the migration holding `sql` (the list's numbering skips files).
fn version_before(sql: &str) -> usize {
    SQL.iter()
        .position(|m| m.contains(sql))
        .expect("a migration")
}

#[test]
fn migration_19_moves_each_legs_last_push_to_its_polling_row() {
    let mut conn = Connection::open_in_memory().unwrap();
    let before = version_before("ALTER TABLE leg_polls ADD COLUMN last_push_at");
    migrations().to_version(&mut conn, before).unwrap();
    conn.execute_batch(
        "PRAGMA foreign_keys = OFF;
         INSERT INTO legs (pep, direction, carrier, tracking, updated_at)
         VALUES (1, 'outbound', 'fedex', 'A', 't'), (1, 'return', 'fedex', 'B', 't'),
                (2, 'outbound', 'fedex', 'C', 't');
         INSERT INTO leg_subscriptions (leg, state, subscribed_at, expires_at, last_push_at,
                                        updated_at)
         VALUES (1, 'active', 't', 'x', '2024-05-01T10:00:00.000Z', 't'),
                (2, 'active', 't', 'x', NULL, 't');",
    )
    .unwrap();
    migrations().to_latest(&mut conn).unwrap();
    let pushed: Vec<(i64, Option<String>)> = conn
        .prepare("SELECT leg, last_push_at FROM leg_polls ORDER BY leg")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap();
    let at = Some("2024-05-01T10:00:00.000Z".to_string());
    assert_eq!(pushed, vec![(1, at), (2, None), (3, None)]);
    let gone = conn.prepare("SELECT last_push_at FROM leg_subscriptions");
    assert!(gone.is_err(), "the subscription keeps no copy of it");
}

#[test]
fn migration_20_keeps_each_legs_newest_known_event_on_the_leg() {
    let mut conn = Connection::open_in_memory().unwrap();
    let before = version_before("ALTER TABLE legs ADD COLUMN newest_at");
    migrations().to_version(&mut conn, before).unwrap();
    let event = |leg: i64, at: &str, status: &str| {
        format!(
            "INSERT INTO leg_events (leg, at, status, raw_code, raw_text, location, recorded_at)
             VALUES ({leg}, '{at}', '{status}', '', '{status} {at}', '', 't');"
        )
    };
    conn.execute_batch(&format!(
        "PRAGMA foreign_keys = OFF;
         INSERT INTO legs (pep, direction, carrier, tracking, updated_at)
         VALUES (1, 'outbound', 'fedex', 'A', 't'), (1, 'return', 'fedex', 'B', 't'),
                (2, 'outbound', 'fedex', 'C', 't');
         {}{}{}{}",
        event(1, "2024-05-01T10:00:00.000Z", "in_transit"),
        event(1, "2024-05-03T10:00:00.000Z", "pre_transit"),
        event(1, "2024-05-04T10:00:00.000Z", "unknown"),
        event(2, "2024-05-02T10:00:00.000Z", "unknown"),
    ))
    .unwrap();
    // Up to migration 20 (21 hands the value over to the writer).
    let twenty = version_before("DROP TRIGGER leg_events_newest");
    migrations().to_version(&mut conn, twenty).unwrap();
    let newest = |conn: &Connection| -> Vec<Option<String>> {
        conn.prepare("SELECT newest_at FROM legs ORDER BY id")
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap()
    };
    let t = |s: &str| Some(s.to_string());
    // Stored events: the newest known one, whatever its status; an 'unknown' one never.
    assert_eq!(
        newest(&conn),
        vec![t("2024-05-03T10:00:00.000Z"), None, None]
    );
    // New events: a newer known one moves it, an older one or an 'unknown' one does not.
    conn.execute_batch(&format!(
        "{}{}{}{}",
        event(1, "2024-05-02T10:00:00.000Z", "delivered"),
        event(1, "2024-05-09T10:00:00.000Z", "unknown"),
        event(2, "2024-05-05T10:00:00.000Z", "exception"),
        event(3, "2024-05-06T10:00:00.000Z", "unknown"),
    ))
    .unwrap();
    assert_eq!(
        newest(&conn),
        vec![
            t("2024-05-03T10:00:00.000Z"),
            t("2024-05-05T10:00:00.000Z"),
            None
        ]
    );
}

#[test]
fn migration_21_leaves_the_newest_known_event_to_the_writer() {
    let mut conn = Connection::open_in_memory().unwrap();
    migrations().to_latest(&mut conn).unwrap();
    conn.execute_batch(
        "PRAGMA foreign_keys = OFF;
         INSERT INTO legs (pep, direction, carrier, tracking, updated_at, newest_at)
         VALUES (1, 'outbound', 'fedex', 'A', 't', '2024-05-01T10:00:00.000Z');
         INSERT INTO leg_events (leg, at, status, raw_code, raw_text, location, recorded_at)
         VALUES (1, '2024-05-03T10:00:00.000Z', 'in_transit', '', 'x', '', 't');",
    )
    .unwrap();
    let newest: Option<String> = conn
        .query_row("SELECT newest_at FROM legs", [], |r| r.get(0))
        .unwrap();
    // No trigger moves it: `set_leg_state` writes it with the leg's new state.
    assert_eq!(newest.as_deref(), Some("2024-05-01T10:00:00.000Z"));
}
