//! The scans, checkins and mec_assignments tables, and the "votó" mark.

use chrono::{DateTime, Utc};
use rusqlite::functions::FunctionFlags;
use rusqlite::{params, Connection, OptionalExtension, Transaction};

use super::{ts, Result};
use crate::domain::checkin::{Outcome, PriorReceipt};
use crate::domain::code::CodeId;
use crate::domain::mec;
use crate::domain::pep::PepId;
use crate::domain::stage::Receipt;

/// Recomputes every elector's MEC: per entity, in list order (surnames, names, key). The
/// numbering is the domain's rule (`mec::mec_of`), run inside SQLite as a scalar function so
/// that the whole list is assigned in one set-based statement.
pub fn assign_mecs(tx: &Transaction, max: u32) -> Result<()> {
    tx.create_scalar_function(
        "pep_mec_of",
        3,
        FunctionFlags::SQLITE_UTF8 | FunctionFlags::SQLITE_DETERMINISTIC,
        |ctx| {
            let index: i64 = ctx.get(0)?;
            let n: i64 = ctx.get(1)?;
            let max: i64 = ctx.get(2)?;
            Ok(mec::mec_of(index as u64, n as u64, max as u32) as i64)
        },
    )?;
    tx.execute("DELETE FROM mec_assignments", [])?;
    tx.execute(
        "INSERT INTO mec_assignments (elector_id, entity, mec)
         SELECT id, entity,
                pep_mec_of(row_number() OVER w - 1, count(*) OVER (PARTITION BY entity), ?1)
         FROM electors
         WINDOW w AS (PARTITION BY entity
                      ORDER BY paternal_surname COLLATE es, maternal_surname COLLATE es,
                               given_names COLLATE es, elector_key)",
        [max],
    )?;
    tx.remove_function("pep_mec_of", 3)?;
    Ok(())
}

/// Whether an envelope of this PEP (row id) was accepted.
pub fn accepted(conn: &Connection, pep: i64) -> Result<bool> {
    Ok(conn
        .prepare_cached("SELECT 1 FROM checkins WHERE pep = ?1 AND outcome = 'accepted'")?
        .query_row([pep], |_| Ok(()))
        .optional()?
        .is_some())
}

/// Code ids of envelopes the carrier delivered back that nobody has scanned yet.
pub fn returned_unscanned(conn: &Connection, limit: i64) -> Result<Vec<CodeId>> {
    let mut stmt = conn.prepare_cached(
        // Among the delivered, unscanned returns kept by triggers (migration 0018), not among
        // every PEP coming back.
        "SELECT p.code_id FROM checkin_wanted w CROSS JOIN peps p ON p.id = w.pep
           CROSS JOIN legs l ON l.pep = p.id AND l.direction = 'return'
         WHERE p.stage = 'returning' AND l.status = 'delivered' AND p.voided_at IS NULL
           AND NOT EXISTS (SELECT 1 FROM checkins c WHERE c.pep = p.id)
         LIMIT ?1",
    )?;
    let rows = stmt.query_map([limit], |r| r.get(0))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

pub fn any_checkin(conn: &Connection) -> Result<bool> {
    Ok(conn
        .query_row("SELECT 1 FROM checkins LIMIT 1", [], |_| Ok(()))
        .optional()?
        .is_some())
}

/// What a scan needs to know about a PEP, by code id.
#[derive(Debug, Clone)]
pub struct ScanTarget {
    pub pep: i64,
    pub pep_id: PepId,
    pub elector_id: i64,
    pub voided: bool,
    pub entity: String,
    pub mec: Option<i64>,
    pub prior: Option<PriorReceipt>,
    pub prior_seq: Option<i64>,
}

pub fn scan_target(conn: &Connection, code_id: CodeId) -> Result<Option<ScanTarget>> {
    Ok(conn
        .prepare_cached(
            "SELECT p.id, p.pep_id, p.elector_id, p.voided_at IS NOT NULL, e.entity, m.mec,
                    c.outcome, c.received_at, c.station, c.seq
             FROM peps p JOIN electors e ON e.id = p.elector_id
             LEFT JOIN mec_assignments m ON m.elector_id = p.elector_id
             LEFT JOIN checkins c ON c.pep = p.id
             WHERE p.code_id = ?1",
        )?
        .query_row([code_id], |r| {
            let outcome: Option<Receipt> = r.get(6)?;
            Ok(ScanTarget {
                pep: r.get(0)?,
                pep_id: r.get(1)?,
                elector_id: r.get(2)?,
                voided: r.get(3)?,
                entity: r.get(4)?,
                mec: r.get(5)?,
                prior: match outcome {
                    Some(o) => Some(PriorReceipt {
                        late: o == Receipt::Late,
                        received_at: r.get(7)?,
                        station: r.get(8)?,
                    }),
                    None => None,
                },
                prior_seq: r.get(9)?,
            })
        })
        .optional()?)
}

/// Who scanned, where and when.
#[derive(Debug, Clone, Copy)]
pub struct ScanContext<'a> {
    pub station: &'a str,
    pub operator: &'a str,
    pub now: DateTime<Utc>,
}

pub fn insert_scan(
    tx: &Transaction,
    ctx: &ScanContext,
    input: &str,
    outcome: Outcome,
    pep: Option<i64>,
) -> Result<i64> {
    let input: String = input.chars().take(64).collect();
    tx.prepare_cached(
        "INSERT INTO scans (at, station, operator, input, outcome, pep) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?
    .execute(params![ts(ctx.now), ctx.station, ctx.operator, input, outcome, pep])?;
    Ok(tx.last_insert_rowid())
}

/// Records the receipt (accepted or late) with the next endorsement number; marks "votó"
/// for an accepted one; moves the PEP's stage. Returns the endorsement number.
pub fn insert_checkin(
    tx: &Transaction,
    ctx: &ScanContext,
    t: &ScanTarget,
    late: bool,
) -> Result<i64> {
    let seq: i64 = tx
        .prepare_cached("SELECT coalesce(max(seq), 0) + 1 FROM checkins")?
        .query_row([], |r| r.get(0))?;
    tx.prepare_cached(
        "INSERT INTO checkins (pep, outcome, seq, received_at, station, operator, entity, mec)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    )?
    .execute(params![
        t.pep,
        if late { Receipt::Late } else { Receipt::OnTime },
        seq,
        ts(ctx.now),
        ctx.station,
        ctx.operator,
        t.entity,
        if late { None } else { t.mec }
    ])?;
    if !late {
        tx.prepare_cached("UPDATE electors SET voted_at = ?1 WHERE id = ?2")?
            .execute(params![ts(ctx.now), t.elector_id])?;
    }
    super::stage::refresh_stage(tx, &[t.pep])?;
    Ok(seq)
}
