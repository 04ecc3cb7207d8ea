//! The queries of a whole campaign run (`drill`, the living demo): whether a database is still
//! empty, the PEPs still waiting for guías, the codes of voided PEPs, and each PEP's milestones
//! in time order (generated, batched, printed, both legs' first scan, pickup and delivery, the
//! check-in) for the order check and the drill's report.

use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension};

use super::Result;
use crate::domain::code::CodeId;
use crate::domain::pep::PepId;

/// Whether the database holds no election and no elector (a campaign may start in it).
pub fn is_empty(conn: &Connection) -> Result<bool> {
    let any = conn
        .query_row(
            "SELECT 1 WHERE EXISTS (SELECT 1 FROM election) OR EXISTS (SELECT 1 FROM electors)",
            [],
            |_| Ok(()),
        )
        .optional()?;
    Ok(any.is_none())
}

/// Active PEPs in a batch that have no courier leg yet, with their elector's country.
pub fn peps_without_guias(conn: &Connection) -> Result<Vec<(PepId, String)>> {
    let mut stmt = conn.prepare_cached(
        "SELECT p.pep_id, p.country FROM guia_wanted g JOIN peps p ON p.id = g.pep
          WHERE p.voided_at IS NULL AND p.batch_id IS NOT NULL
            AND NOT EXISTS (SELECT 1 FROM legs l WHERE l.pep = p.id)
          ORDER BY g.pep",
    )?;
    let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Code ids of voided PEPs (their envelopes must be refused at the station), oldest first.
pub fn voided_codes(conn: &Connection, limit: i64) -> Result<Vec<CodeId>> {
    let mut stmt = conn.prepare_cached(
        "SELECT code_id FROM peps WHERE voided_at IS NOT NULL ORDER BY id LIMIT ?1",
    )?;
    let rows = stmt.query_map([limit], |r| r.get(0))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Return envelopes the carrier delivered to INE that were never scanned.
pub fn delivered_unscanned(conn: &Connection) -> Result<i64> {
    Ok(conn.query_row(
        "SELECT count(*) FROM legs l JOIN peps p ON p.id = l.pep
          WHERE l.direction = 'return' AND l.status = 'delivered'
            AND NOT EXISTS (SELECT 1 FROM scans s WHERE s.pep = p.id)",
        [],
        |r| r.get(0),
    )?)
}

/// One PEP's milestones, as stored (`None`: not reached).
#[derive(Debug, Clone, PartialEq)]
pub struct PepTimes {
    pub pep_id: PepId,
    pub voided: bool,
    pub generated: DateTime<Utc>,
    pub batched: Option<DateTime<Utc>>,
    /// The first printing of its batch's documents.
    pub printed: Option<DateTime<Utc>>,
    pub outbound: LegTimes,
    pub ret: LegTimes,
    pub checkin: Option<DateTime<Utc>>,
}

/// One leg's milestones: its first event of any kind (e.g. the label created), the first that
/// shows it moving (pickup), and its delivery.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct LegTimes {
    pub first: Option<DateTime<Utc>>,
    pub pickup: Option<DateTime<Utc>>,
    pub delivered: Option<DateTime<Utc>>,
}

const TIMES: &str = "
    WITH printed AS (
        SELECT subject, MIN(at) AS at FROM audit_log
         WHERE action = 'batch.documents' GROUP BY subject),
    ev AS (
        SELECT l.pep, l.direction, MIN(e.at) AS first_at,
               MIN(CASE WHEN e.status != 'pre_transit' AND e.status != 'unknown'
                        THEN e.at END) AS pickup,
               MIN(CASE WHEN e.status = 'delivered' THEN e.at END) AS delivered
          FROM legs l JOIN leg_events e ON e.leg = l.id GROUP BY l.id)
    SELECT p.pep_id, p.voided_at IS NOT NULL, p.created_at, b.created_at, pr.at,
           o.first_at, o.pickup, o.delivered, r.first_at, r.pickup, r.delivered, c.received_at
      FROM peps p
      LEFT JOIN batches b ON b.id = p.batch_id
      LEFT JOIN printed pr ON pr.subject = 'batch:' || p.batch_id
      LEFT JOIN ev o ON o.pep = p.id AND o.direction = 'outbound'
      LEFT JOIN ev r ON r.pep = p.id AND r.direction = 'return'
      LEFT JOIN checkins c ON c.pep = p.id
     ORDER BY p.id";

fn pep_times(r: &rusqlite::Row) -> rusqlite::Result<PepTimes> {
    Ok(PepTimes {
        pep_id: r.get(0)?,
        voided: r.get(1)?,
        generated: r.get(2)?,
        batched: r.get(3)?,
        printed: r.get(4)?,
        outbound: LegTimes {
            first: r.get(5)?,
            pickup: r.get(6)?,
            delivered: r.get(7)?,
        },
        ret: LegTimes {
            first: r.get(8)?,
            pickup: r.get(9)?,
            delivered: r.get(10)?,
        },
        checkin: r.get(11)?,
    })
}

/// Every PEP's milestones, one at a time (the list may hold hundreds of thousands).
pub fn each_pep_times(conn: &Connection, f: &mut dyn FnMut(PepTimes)) -> Result<()> {
    let mut stmt = conn.prepare(TIMES)?;
    let mut rows = stmt.query([])?;
    while let Some(row) = rows.next()? {
        f(pep_times(row)?);
    }
    Ok(())
}

/// How far the campaign got: counts of the funnel from list to counted envelope.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct Funnel {
    pub electors: i64,
    pub peps: i64,
    pub voided: i64,
    pub batched: i64,
    pub with_guias: i64,
    pub outbound_delivered: i64,
    pub outbound_returned: i64,
    pub return_posted: i64,
    pub return_delivered: i64,
    pub received_on_time: i64,
    pub received_late: i64,
}

/// The funnel's counts.
pub fn funnel(conn: &Connection) -> Result<Funnel> {
    let n = |sql: &str| -> Result<i64> { Ok(conn.query_row(sql, [], |r| r.get(0))?) };
    let leg = |dir: &str, cond: &str| {
        n(&format!(
            "SELECT count(*) FROM legs WHERE direction = '{dir}' AND {cond}"
        ))
    };
    Ok(Funnel {
        electors: n("SELECT count(*) FROM electors")?,
        peps: n("SELECT count(*) FROM peps")?,
        voided: n("SELECT count(*) FROM peps WHERE voided_at IS NOT NULL")?,
        batched: n("SELECT count(*) FROM peps WHERE batch_id IS NOT NULL")?,
        with_guias: leg("outbound", "1")?,
        outbound_delivered: leg("outbound", "status = 'delivered'")?,
        outbound_returned: leg("outbound", "status = 'return_to_sender'")?,
        return_posted: leg("return", "status != 'unknown' AND status != 'pre_transit'")?,
        return_delivered: leg("return", "status = 'delivered'")?,
        received_on_time: n("SELECT count(*) FROM checkins WHERE outcome = 'accepted'")?,
        received_late: n("SELECT count(*) FROM checkins WHERE outcome = 'late'")?,
    })
}

/// About `size` electors with a PEP, spread evenly over the list (by row id): elector key,
/// postal code as registered, and the newest PEP's id — the electors a drill looks up as they
/// would.
pub fn lookup_sample(conn: &Connection, size: i64) -> Result<Vec<(String, String, PepId)>> {
    let mut stmt = conn.prepare_cached(
        "SELECT e.elector_key, e.postal_code,
                (SELECT p.pep_id FROM peps p WHERE p.elector_id = e.id
                  ORDER BY p.generation DESC LIMIT 1)
           FROM electors e
          WHERE e.id % ((SELECT count(*) FROM electors) / ?1 + 1) = 0
            AND EXISTS (SELECT 1 FROM peps p WHERE p.elector_id = e.id)
          ORDER BY e.id",
    )?;
    let rows = stmt.query_map([size.max(1)], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

#[cfg(test)]
mod tests;
