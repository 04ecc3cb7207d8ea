//! What the public voter lookup may know about one PEP: legs and receipt, no personal data.

use rusqlite::{Connection, OptionalExtension};

use super::Result;

/// The facts behind the public answer.
#[derive(Debug, Clone, Default)]
pub struct PepProgress {
    pub elector_key: String,
    pub voided: bool,
    pub in_batch: bool,
    /// (direction, carrier, status, status_at)
    pub legs: Vec<(String, String, String, Option<String>)>,
    /// (outcome, received_at)
    pub receipt: Option<(String, String)>,
}

pub fn progress_by_code(conn: &Connection, code_id: u64) -> Result<Option<PepProgress>> {
    let head: Option<(i64, String, bool, bool)> = conn
        .query_row(
            "SELECT p.id, e.elector_key, p.voided_at IS NOT NULL, p.batch_id IS NOT NULL
             FROM peps p JOIN electors e ON e.id = p.elector_id WHERE p.code_id = ?1",
            [code_id as i64],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )
        .optional()?;
    let Some((pep, elector_key, voided, in_batch)) = head else {
        return Ok(None);
    };
    let mut stmt = conn.prepare_cached(
        "SELECT direction, carrier, status, status_at FROM legs WHERE pep = ?1 ORDER BY direction DESC",
    )?;
    let legs = stmt
        .query_map([pep], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?
        .collect::<rusqlite::Result<_>>()?;
    let receipt = conn
        .query_row(
            "SELECT outcome, received_at FROM checkins WHERE pep = ?1",
            [pep],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    Ok(Some(PepProgress {
        elector_key,
        voided,
        in_batch,
        legs,
        receipt,
    }))
}
