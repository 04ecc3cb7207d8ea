//! Every combination of facts gets its stage, and the counts follow the PEPs.

use rusqlite::{params, Connection};

use super::*;
use crate::domain::tracking::LegStatus;

use crate::storage::schema::latest_in_memory;

const LEG_CHOICES: [Option<LegStatus>; 8] = [
    None,
    Some(LegStatus::PreTransit),
    Some(LegStatus::InTransit),
    Some(LegStatus::OutForDelivery),
    Some(LegStatus::Delivered),
    Some(LegStatus::Exception),
    Some(LegStatus::ReturnToSender),
    Some(LegStatus::Unknown),
];

/// One PEP for every combination of facts, its stage not yet computed.
fn every_combination(conn: &Connection) {
    conn.execute_batch(
        "INSERT INTO imports (id, file_name, file_sha256, rows, imported_at, actor)
         VALUES (1, 'x.csv', '', 0, '2022-01-01T00:00:00.000Z', 'test');
         INSERT INTO batches (id, name, created_at, created_by)
         VALUES (1, 'L1', '2022-01-01T00:00:00.000Z', 'test');",
    )
    .unwrap();
    let mut id = 0i64;
    for voided in [false, true] {
        for batched in [false, true] {
            for out in LEG_CHOICES {
                for ret in LEG_CHOICES {
                    for checkin in [None, Some("accepted"), Some("late")] {
                        id += 1;
                        one_pep(conn, id, voided, batched, out, ret, checkin);
                    }
                }
            }
        }
    }
}

fn one_pep(
    conn: &Connection,
    id: i64,
    voided: bool,
    batched: bool,
    out: Option<LegStatus>,
    ret: Option<LegStatus>,
    checkin: Option<&str>,
) {
    let entity = ["01", "10"][id as usize % 2];
    conn.execute(
        "INSERT INTO electors (id, elector_key, given_names, paternal_surname, entity,
            address_line1, city, postal_code, country, import_id, source_line)
         VALUES (?1, 'K' || ?1, 'Ana', 'Pérez', ?2, 'x', 'y', '1', 'US', 1, ?1)",
        params![id, entity],
    )
    .unwrap();
    conn.execute(
        "INSERT INTO peps (id, pep_id, elector_id, generation, code_id, voided_at, batch_id,
            created_at)
         VALUES (?1, 'PEP-' || ?1, ?1, 1, ?1, ?2, ?3, '2022-01-01T00:00:00.000Z')",
        params![
            id,
            voided.then_some("2022-01-02T00:00:00.000Z"),
            batched.then_some(1)
        ],
    )
    .unwrap();
    for (dir, status) in [("outbound", out), ("return", ret)] {
        if let Some(s) = status {
            conn.execute(
                "INSERT INTO legs (pep, direction, carrier, tracking, status, updated_at)
                 VALUES (?1, ?2, 'dhl', ?1 || ?2, ?3, '2022-01-01T00:00:00.000Z')",
                params![id, dir, s.as_str()],
            )
            .unwrap();
        }
    }
    if let Some(o) = checkin {
        conn.execute(
            "INSERT INTO checkins (pep, outcome, seq, received_at, station, operator, entity)
             VALUES (?1, ?2, ?1, '2022-06-04T13:30:00.000Z', 's', 'o', ?3)",
            params![id, o, entity],
        )
        .unwrap();
    }
}

#[test]
fn every_combination_of_facts_gets_its_stage_and_the_counts_stay_exact() {
    let mut conn = latest_in_memory();
    every_combination(&conn);
    let tx = conn.transaction().unwrap();
    let ids: Vec<i64> = (1..=768).collect();
    // Every PEP was inserted as 'generated'. It stays so only when it is not voided, not
    // batched, not checked in, and neither leg has moved (none, pre-transit or unknown): 3 × 3.
    assert_eq!(refresh_stage(&tx, &ids).unwrap(), 768 - 9);
    // A second pass changes nothing.
    assert_eq!(refresh_stage(&tx, &ids).unwrap(), 0);
    assert_eq!(
        stage_counts(&tx, &Scope::National).unwrap(),
        stage_counts_by_scan(&tx).unwrap()
    );
    let stages: std::collections::HashSet<Stage> = stage_counts(&tx, &Scope::National)
        .unwrap()
        .iter()
        .map(|c| c.stage)
        .collect();
    assert_eq!(stages.len(), Stage::ALL.len(), "every stage occurs");
    let hours = checkin_hours(&tx, &Scope::National).unwrap();
    assert_eq!(hours.len(), 2);
    assert!(hours.iter().all(|h| h.hour == "2022-06-04T13"));
}

#[test]
fn counts_follow_inserts_updates_and_deletes_of_peps() {
    let mut conn = latest_in_memory();
    conn.execute_batch(
        "INSERT INTO imports (id, file_name, file_sha256, rows, imported_at, actor)
         VALUES (1, 'x.csv', '', 0, '2022-01-01T00:00:00.000Z', 'test');",
    )
    .unwrap();
    for id in 1..=6 {
        one_pep(&conn, id, false, false, None, None, None);
    }
    conn.execute("UPDATE peps SET entity = e.entity, country = e.country FROM electors e WHERE e.id = peps.elector_id", []).unwrap();
    conn.execute("UPDATE peps SET stage = 'shipped' WHERE id <= 2", [])
        .unwrap();
    conn.execute("DELETE FROM peps WHERE id = 6", []).unwrap();
    let tx = conn.transaction().unwrap();
    assert_eq!(
        stage_counts(&tx, &Scope::National).unwrap(),
        stage_counts_by_scan(&tx).unwrap()
    );
    let total: i64 = stage_counts(&tx, &Scope::National)
        .unwrap()
        .iter()
        .map(|c| c.n)
        .sum();
    assert_eq!(total, 5);
}
