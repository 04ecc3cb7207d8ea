//! Migration 0007: IN-list CHECK constraints become OR-chains, meaning the same, costing less.

use rusqlite::Connection;

use super::*;

#[test]
fn in_lists_become_or_chains_and_the_rest_is_kept() {
    let sql = "CREATE TABLE t (\n    id INTEGER PRIMARY KEY CHECK (id = 1),\n    \
               s TEXT NOT NULL CHECK (s IN\n    ('a','b', 'it''s',\n     'd')),\n    \
               n INTEGER CHECK (n >= 0)\n) STRICT";
    assert_eq!(
        checks_without_in_lists(sql).unwrap(),
        "CREATE TABLE t (\n    id INTEGER PRIMARY KEY CHECK (id = 1),\n    \
         s TEXT NOT NULL CHECK (s = 'a' OR s = 'b' OR s = 'it''s' OR s = 'd'),\n    \
         n INTEGER CHECK (n >= 0)\n) STRICT"
    );
    let two = "CREATE TABLE u (a TEXT check(a in ('x', 'y')), b TEXT CHECK (b IN ('z')))";
    assert_eq!(
        checks_without_in_lists(two).unwrap(),
        "CREATE TABLE u (a TEXT CHECK (a = 'x' OR a = 'y'), b TEXT CHECK (b = 'z'))"
    );
}

#[test]
fn other_checks_are_left_alone() {
    for sql in [
        "CREATE TABLE t (a INTEGER CHECK (a > 0))",
        "CREATE TABLE t (a TEXT CHECK (a IN (SELECT x FROM y)))",
        "CREATE TABLE t (a TEXT CHECK (a IN ('x', 1)))",
        "CREATE TABLE t (a TEXT CHECK (length(a) IN (1, 2)))",
        "CREATE TABLE t (a TEXT CHECK (a IN ('x', 'y') AND a <> 'z'))",
        "CREATE TABLE t (a TEXT CHECK (a IN ('unterminated",
        "CREATE TABLE checked (a TEXT)",
    ] {
        assert_eq!(checks_without_in_lists(sql), None, "{sql}");
    }
}

fn latest() -> Connection {
    let mut conn = Connection::open_in_memory().unwrap();
    migrations().to_latest(&mut conn).unwrap();
    conn
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
fn the_latest_schema_has_no_in_list_checks_and_writes_build_no_temporary_tables() {
    let conn = latest();
    let mut stmt = conn
        .prepare("SELECT name, sql FROM sqlite_schema WHERE type = 'table' AND sql IS NOT NULL")
        .unwrap();
    let tables: Vec<(String, String)> = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert!(tables.len() > 10);
    for (name, sql) in &tables {
        assert_eq!(checks_without_in_lists(sql), None, "{name}: {sql}");
    }
    for sql in [
        "UPDATE peps SET stage = 'received' WHERE id = 1",
        "INSERT INTO scans (at, station, operator, input, outcome) VALUES ('t', 's', 'o', 'i', 'invalid')",
        "UPDATE legs SET status = 'delivered' WHERE id = 1",
    ] {
        assert!(!explain_uses_ephemeral_table(&conn, sql), "{sql}");
    }
}

#[test]
fn the_rewritten_constraints_accept_and_refuse_what_they_did() {
    let mut old = Connection::open_in_memory().unwrap();
    migrations().to_version(&mut old, 6).unwrap();
    let new = latest();
    let scan = |conn: &Connection, outcome: &str| {
        conn.execute(
            "INSERT INTO scans (at, station, operator, input, outcome) VALUES ('t', 's', 'o', 'i', ?1)",
            [outcome],
        )
        .is_ok()
    };
    for outcome in [
        "accepted",
        "duplicate",
        "late",
        "voided",
        "invalid",
        "unknown",
        "ACCEPTED",
        "",
        "x",
        "accepted ",
    ] {
        assert_eq!(scan(&old, outcome), scan(&new, outcome), "{outcome:?}");
    }
    assert!(scan(&new, "late") && !scan(&new, "lost"));
}

#[test]
fn upgrading_a_populated_database_keeps_its_rows_and_constraints() {
    let mut conn = Connection::open_in_memory().unwrap();
    migrations().to_version(&mut conn, 6).unwrap();
    conn.execute_batch(
        "INSERT INTO scans (at, station, operator, input, outcome)
         VALUES ('2022-06-01T00:00:00.000Z', 'A', 'op', 'x', 'invalid'),
                ('2022-06-01T00:00:01.000Z', 'A', 'op', 'y', 'unknown');",
    )
    .unwrap();
    let before: i64 = conn
        .query_row("PRAGMA schema_version", [], |r| r.get(0))
        .unwrap();
    migrations().to_latest(&mut conn).unwrap();
    let after: i64 = conn
        .query_row("PRAGMA schema_version", [], |r| r.get(0))
        .unwrap();
    assert!(after > before);
    let n: i64 = conn
        .query_row("SELECT count(*) FROM scans", [], |r| r.get(0))
        .unwrap();
    assert_eq!(n, 2);
    let check: String = conn
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(check, "ok");
    let bad = conn.execute(
        "INSERT INTO scans (at, station, operator, input, outcome) VALUES ('t', 's', 'o', 'i', 'lost')",
        [],
    );
    assert!(bad.unwrap_err().to_string().contains("CHECK"));
}
