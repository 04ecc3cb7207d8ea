//! The scan_ids table: the first verdict on each scan that a station named with a scan id,
//! answered again to any repeat of that id.

use chrono::{DateTime, Utc};
use rusqlite::{params, Connection, OptionalExtension, Transaction};

use super::{stored_time, ts, Result};
use crate::domain::checkin::Outcome;
use crate::domain::scan_id::ScanId;

/// The first verdict on a named scan, as it was answered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeptVerdict {
    pub outcome: Outcome,
    pub reason: String,
    pub pep_id: Option<String>,
    pub entity: Option<String>,
    pub mec: Option<i64>,
    pub sequence: Option<i64>,
    pub station: String,
    /// The browser's claim of when it scanned (kept, never judged).
    pub scanned_at: Option<DateTime<Utc>>,
    /// When the server first saw the scan (the cutoff is judged on it).
    pub seen_at: DateTime<Utc>,
    /// When the verdict was recorded.
    pub decided_at: DateTime<Utc>,
}

/// The first verdict on `id`, if the scan was seen before.
pub fn kept(tx: &Transaction, id: &ScanId) -> Result<Option<KeptVerdict>> {
    let row = tx
        .prepare_cached(
            "SELECT s.outcome, k.reason, k.pep_id, k.entity, k.mec, k.sequence, s.station,
                    k.scanned_at, k.seen_at, k.decided_at
             FROM scan_ids k JOIN scans s ON s.id = k.scan WHERE k.scan_id = ?1",
        )?
        .query_row([id.as_str()], |r| {
            Ok((
                (r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?),
                (r.get(5)?, r.get(6)?, r.get::<_, Option<String>>(7)?),
                (r.get::<_, String>(8)?, r.get::<_, String>(9)?),
            ))
        })
        .optional()?;
    let Some(((outcome, reason, pep_id, entity, mec), (sequence, station, scanned), times)) = row
    else {
        return Ok(None);
    };
    Ok(Some(KeptVerdict {
        outcome,
        reason,
        pep_id,
        entity,
        mec,
        sequence,
        station,
        scanned_at: scanned
            .map(|s| stored_time(&s, "scan_ids.scanned_at"))
            .transpose()?,
        seen_at: stored_time(&times.0, "scan_ids.seen_at")?,
        decided_at: stored_time(&times.1, "scan_ids.decided_at")?,
    }))
}

/// Keeps the first verdict on `id`, recorded as the scans row `scan`.
pub fn keep(tx: &Transaction, id: &ScanId, scan: i64, v: &KeptVerdict) -> Result<()> {
    tx.prepare_cached(
        "INSERT INTO scan_ids (scan_id, scan, scanned_at, seen_at, decided_at, reason, pep_id,
                               entity, mec, sequence)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
    )?
    .execute(params![
        id.as_str(),
        scan,
        v.scanned_at.map(ts),
        ts(v.seen_at),
        ts(v.decided_at),
        v.reason,
        v.pep_id,
        v.entity,
        v.mec,
        v.sequence
    ])?;
    Ok(())
}

/// How many scan ids have a verdict (each recorded once, however often it was sent).
pub fn count(conn: &Connection) -> Result<i64> {
    Ok(conn.query_row("SELECT count(*) FROM scan_ids", [], |r| r.get(0))?)
}
