//! The public lookup's queries: the few columns it compares (never a name or a street), the
//! elector that a return code belongs to, the elector's newest PEP, and the demo's example.
//!
//! Each query costs the same whether or not it finds a row (one index probe), so that the
//! lookup can do the same work on every path.

use rusqlite::{Connection, OptionalExtension};

use super::Result;
use crate::domain::code::CodeId;
use crate::domain::pep::PepId;

/// What the lookup compares and uses of an elector: no name, no street, no city.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    pub elector_id: i64,
    pub postal_code: String,
    pub country: String,
    pub region: Option<String>,
}

/// The elector whose key is `key` (as stored: upper case), if any.
pub fn candidate(conn: &Connection, key: &str) -> Result<Option<Candidate>> {
    Ok(conn
        .prepare_cached(
            "SELECT id, postal_code, country, region FROM electors WHERE elector_key = ?1",
        )?
        .query_row([key], |r| {
            Ok(Candidate {
                elector_id: r.get(0)?,
                postal_code: r.get(1)?,
                country: r.get(2)?,
                region: r.get(3)?,
            })
        })
        .optional()?)
}

/// The elector (row id) of the PEP whose return envelope carries `code`, if any.
pub fn elector_of_code(conn: &Connection, code: CodeId) -> Result<Option<i64>> {
    Ok(conn
        .prepare_cached("SELECT elector_id FROM peps WHERE code_id = ?1")?
        .query_row([&code], |r| r.get(0))
        .optional()?)
}

/// The elector's newest PEP (the one a reissue put in place of the others).
pub fn newest_pep(conn: &Connection, elector_id: i64) -> Result<Option<PepId>> {
    Ok(conn
        .prepare_cached(
            "SELECT pep_id FROM peps WHERE elector_id = ?1 ORDER BY generation DESC LIMIT 1",
        )?
        .query_row([elector_id], |r| r.get(0))
        .optional()?)
}

/// The first elector of the list (lowest row id) with a PEP: key and postal code, what the
/// demo offers its visitors to try.
pub fn first_elector(conn: &Connection) -> Result<Option<(String, String)>> {
    Ok(conn
        .prepare_cached(
            "SELECT e.elector_key, e.postal_code FROM electors e
              WHERE EXISTS (SELECT 1 FROM peps p WHERE p.elector_id = e.id)
              ORDER BY e.id LIMIT 1",
        )?
        .query_row([], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?)
}

/// A sample of electors with a PEP, every `step`-th by row id, at most `limit`: key, postal
/// code and the newest PEP (the drill asks the lookup about them and compares).
pub fn sample(conn: &Connection, step: i64, limit: i64) -> Result<Vec<(String, String, PepId)>> {
    let mut stmt = conn.prepare_cached(
        "SELECT e.elector_key, e.postal_code,
                (SELECT p.pep_id FROM peps p WHERE p.elector_id = e.id
                  ORDER BY p.generation DESC LIMIT 1) AS pep
           FROM electors e
          WHERE e.id % ?1 = 0 AND pep IS NOT NULL
          ORDER BY e.id LIMIT ?2",
    )?;
    let rows = stmt.query_map([step.max(1), limit], |r| {
        Ok((r.get(0)?, r.get(1)?, r.get(2)?))
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}
