//! The work sets kept by triggers (migration 0018) always equal the scans they replace,
//! whatever happens to the PEPs: batching, guías, deliveries, check-ins, voiding.

use rusqlite::{params, Connection};

use crate::storage::schema::latest_in_memory;

const T: &str = "2022-01-01T00:00:00.000Z";
const STATUSES: [Option<&str>; 4] = [None, Some("in_transit"), Some("delivered"), Some("unknown")];

/// The batched PEPs without legs and the unscanned delivered returns, by full scans.
fn by_scan(conn: &Connection) -> (Vec<i64>, Vec<i64>) {
    let ids = |sql: &str| -> Vec<i64> {
        let mut stmt = conn.prepare(sql).unwrap();
        let rows = stmt.query_map([], |r| r.get(0)).unwrap();
        rows.map(Result::unwrap).collect()
    };
    (
        ids(
            "SELECT p.id FROM peps p WHERE p.voided_at IS NULL AND p.batch_id IS NOT NULL
               AND NOT EXISTS (SELECT 1 FROM legs l WHERE l.pep = p.id) ORDER BY p.id",
        ),
        ids("SELECT l.pep FROM legs l JOIN peps p ON p.id = l.pep
              WHERE l.direction = 'return' AND l.status = 'delivered' AND p.voided_at IS NULL
                AND NOT EXISTS (SELECT 1 FROM checkins c WHERE c.pep = l.pep) ORDER BY l.pep"),
    )
}

fn kept(conn: &Connection) -> (Vec<i64>, Vec<i64>) {
    let ids = |table: &str| -> Vec<i64> {
        let mut stmt = conn
            .prepare(&format!("SELECT pep FROM {table} ORDER BY pep"))
            .unwrap();
        let rows = stmt.query_map([], |r| r.get(0)).unwrap();
        rows.map(Result::unwrap).collect()
    };
    (ids("guia_wanted"), ids("checkin_wanted"))
}

/// PEP `id` batched or not, voided or not, with these legs and maybe a check-in.
fn one_pep(conn: &Connection, id: i64, flags: (bool, bool, bool), legs: [Option<&str>; 2]) {
    let (batched, voided, checked_in) = flags;
    conn.execute(
        "INSERT INTO electors (id, elector_key, given_names, paternal_surname, entity,
            address_line1, city, postal_code, country, import_id, source_line)
         VALUES (?1, 'K' || ?1, 'Ana', 'Pérez', '01', 'x', 'y', '1', 'US', 1, ?1)",
        [id],
    )
    .unwrap();
    conn.execute(
        "INSERT INTO peps (id, pep_id, elector_id, generation, code_id, voided_at, batch_id,
            created_at) VALUES (?1, 'PEP-' || ?1, ?1, 1, ?1, ?2, ?3, ?4)",
        params![id, voided.then_some(T), batched.then_some(1), T],
    )
    .unwrap();
    for (dir, status) in ["outbound", "return"].into_iter().zip(legs) {
        if let Some(s) = status {
            conn.execute(
                "INSERT INTO legs (pep, direction, carrier, tracking, status, updated_at)
                 VALUES (?1, ?2, 'dhl', ?1 || ?2, ?3, ?4)",
                params![id, dir, s, T],
            )
            .unwrap();
        }
    }
    if checked_in {
        conn.execute(
            "INSERT INTO checkins (pep, outcome, seq, received_at, station, operator, entity)
             VALUES (?1, 'accepted', ?1, ?2, 's', 'o', '01')",
            params![id, T],
        )
        .unwrap();
    }
}

#[test]
fn the_work_sets_kept_by_triggers_always_equal_their_scans() {
    let conn = latest_in_memory();
    conn.execute_batch(&format!(
        "INSERT INTO imports (id, file_name, file_sha256, rows, imported_at, actor)
         VALUES (1, 'x.csv', '', 0, '{T}', 'test');
         INSERT INTO batches (id, name, created_at, created_by) VALUES (1, 'L1', '{T}', 'test');"
    ))
    .unwrap();
    let mut id = 0;
    for flags in (0..8).map(|b| (b & 1 == 1, b & 2 == 2, b & 4 == 4)) {
        for out in STATUSES {
            for ret in STATUSES {
                id += 1;
                one_pep(&conn, id, flags, [out, ret]);
            }
        }
    }
    let check = |conn: &Connection, when: &str| {
        let (guias, checkins) = by_scan(conn);
        assert!(
            !guias.is_empty() && !checkins.is_empty(),
            "{when}: fixture too thin"
        );
        assert_eq!(kept(conn), (guias, checkins), "{when}");
    };
    check(&conn, "as inserted");
    // Shipping and reception move on: the rest is batched, guías given, returns delivered and
    // scanned, a delivered return's number changed, some PEPs voided.
    let steps = [
        "UPDATE peps SET batch_id = 1 WHERE batch_id IS NULL AND id % 3 = 0",
        "INSERT INTO legs (pep, direction, carrier, tracking, status, updated_at)
         SELECT id, 'outbound', 'ups', 'O' || id, 'unknown', updated FROM peps,
                (SELECT '2022-01-02T00:00:00.000Z' AS updated)
          WHERE id % 2 = 0 AND NOT EXISTS (SELECT 1 FROM legs l WHERE l.pep = peps.id)",
        "UPDATE legs SET status = 'delivered' WHERE direction = 'return' AND status = 'in_transit'",
        "INSERT INTO checkins (pep, outcome, seq, received_at, station, operator, entity)
         SELECT pep, 'late', 1000 + pep, '2022-06-10T00:00:00.000Z', 's', 'o', '01' FROM legs
          WHERE direction = 'return' AND status = 'delivered' AND pep % 4 = 1
            AND NOT EXISTS (SELECT 1 FROM checkins c WHERE c.pep = legs.pep)",
        "UPDATE legs SET status = 'unknown' WHERE direction = 'return' AND pep % 5 = 0",
        "UPDATE peps SET voided_at = '2022-01-03T00:00:00.000Z' WHERE id % 7 = 0",
        "UPDATE peps SET batch_id = NULL WHERE id % 11 = 0",
    ];
    for step in steps {
        conn.execute(step, []).unwrap();
        check(&conn, step);
    }
}
