//! The guías (tracking numbers) of the PEPs' legs as the guías import needs them: who already
//! holds a number, which legs a PEP already has, and storing a PEP's pair of legs.

use chrono::{DateTime, Utc};
use rusqlite::{params, Connection, OptionalExtension, Transaction};

use super::{stage, ts, Result, StorageError};
use crate::domain::tracking::{Carrier, Direction};

/// One leg already stored for a PEP.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredLeg {
    pub direction: Direction,
    pub carrier: Carrier,
    pub tracking: String,
}

/// The PEP id (e.g. `PEP-0000001-1`) of another PEP (not `pep`) whose leg carries `number`.
pub fn holder_of(
    conn: &Connection,
    carrier: Carrier,
    number: &str,
    pep: Option<i64>,
) -> Result<Option<String>> {
    Ok(conn
        .query_row(
            "SELECT p.pep_id FROM legs l JOIN peps p ON p.id = l.pep
             WHERE l.carrier = ?1 AND l.tracking = ?2 AND l.pep IS NOT ?3",
            params![carrier.as_str(), number, pep],
            |r| r.get(0),
        )
        .optional()?)
}

/// The legs already stored for `pep`.
pub fn legs_of(conn: &Connection, pep: i64) -> Result<Vec<StoredLeg>> {
    let mut stmt =
        conn.prepare_cached("SELECT direction, carrier, tracking FROM legs WHERE pep = ?1")?;
    let rows: Vec<(String, String, String)> = stmt
        .query_map([pep], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
        .collect::<rusqlite::Result<_>>()?;
    rows.into_iter()
        .map(|(direction, carrier, tracking)| {
            Ok(StoredLeg {
                direction: direction.parse().map_err(StorageError::Corrupt)?,
                carrier: carrier.parse().map_err(StorageError::Corrupt)?,
                tracking,
            })
        })
        .collect()
}

/// Inserts the outbound and return legs of `pep` (no change when they are already there) and
/// refreshes its stage. Returns whether anything was new.
pub fn insert_legs(
    tx: &Transaction,
    pep: i64,
    carrier: Carrier,
    outbound: &str,
    ret: &str,
    now: DateTime<Utc>,
) -> Result<bool> {
    let mut n = 0;
    for (dir, number) in [(Direction::Outbound, outbound), (Direction::Return, ret)] {
        n += tx.execute(
            "INSERT OR IGNORE INTO legs (pep, direction, carrier, tracking, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5)",
            params![pep, dir.as_str(), carrier.as_str(), number, ts(now)],
        )?;
    }
    stage::refresh_stage(tx, &[pep])?;
    Ok(n > 0)
}
