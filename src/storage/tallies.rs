//! Read-only counts of reception: scans by outcome, check-ins, "votó" marks, MEC tallies,
//! the late list and the per-MEC list of electors. What an overseer reads (counts, MEC tallies
//! and lists) is computed inside an entity scope; a scan is inside when its PEP is.

use chrono::{DateTime, Utc};
use rusqlite::{params, Connection};
use serde::Serialize;

use super::{scope_clause, Result};
use crate::domain::checkin::Outcome;
use crate::domain::pep::PepId;
use crate::domain::scope::Scope;

/// A count whose SQL has `{scope}` where the scope clause on `column` goes (bound as `?1`).
fn count(conn: &Connection, sql: &str, column: &str, scope: &Scope) -> Result<i64> {
    let sql = sql.replace("{scope}", &scope_clause(column, "?1"));
    Ok(conn.query_row(&sql, [scope], |r| r.get(0))?)
}

/// Scans inside the scope: nationally every scan, for a scope those whose PEP is inside.
const SCANS_IN: &str =
    "(?1 IS NULL OR EXISTS (SELECT 1 FROM peps p WHERE p.id = s.pep AND {scope}))";

/// The independent counts that must agree.
#[derive(Debug, Clone, Default, Serialize)]
pub struct ReceptionCounts {
    pub scans_total: i64,
    pub scans_by_outcome: Vec<(Outcome, i64)>,
    pub checkins_accepted: i64,
    pub checkins_late: i64,
    pub voted_marks: i64,
    pub mec_sum: i64,
}

pub fn reception_counts(conn: &Connection, scope: &Scope) -> Result<ReceptionCounts> {
    let tx = conn.unchecked_transaction()?;
    let scans_in = SCANS_IN.replace("{scope}", &scope_clause("p.entity", "?1"));
    let mut stmt = tx.prepare(&format!(
        "SELECT s.outcome, count(*) FROM scans s WHERE {scans_in} GROUP BY s.outcome"
    ))?;
    let by: Vec<(Outcome, i64)> = stmt
        .query_map([scope], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    drop(stmt);
    let checkins = |outcome: &str| {
        count(
            &tx,
            &format!("SELECT count(*) FROM checkins WHERE outcome = '{outcome}' AND {{scope}}"),
            "entity",
            scope,
        )
    };
    Ok(ReceptionCounts {
        scans_total: count(
            &tx,
            &format!("SELECT count(*) FROM scans s WHERE {SCANS_IN}"),
            "p.entity",
            scope,
        )?,
        scans_by_outcome: by,
        checkins_accepted: checkins("accepted")?,
        checkins_late: checkins("late")?,
        voted_marks: count(
            &tx,
            "SELECT count(*) FROM electors WHERE voted_at IS NOT NULL AND {scope}",
            "entity",
            scope,
        )?,
        mec_sum: count(
            &tx,
            "SELECT coalesce(sum(n), 0) FROM (SELECT count(*) AS n FROM checkins
             WHERE outcome = 'accepted' AND mec IS NOT NULL AND {scope} GROUP BY entity, mec)",
            "entity",
            scope,
        )?,
    })
}

/// One postal MEC and its envelopes.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct MecTally {
    pub entity: String,
    pub mec: i64,
    pub electors: i64,
    pub received: i64,
}

pub fn mec_tallies(conn: &Connection, scope: &Scope) -> Result<Vec<MecTally>> {
    let mut stmt = conn.prepare(&format!(
        "SELECT m.entity, m.mec, count(*),
                (SELECT count(*) FROM checkins c WHERE c.entity = m.entity AND c.mec = m.mec
                   AND c.outcome = 'accepted')
         FROM mec_assignments m WHERE {}
         GROUP BY m.entity, m.mec ORDER BY m.entity, m.mec",
        scope_clause("m.entity", "?1")
    ))?;
    let rows = stmt.query_map([scope], |r| {
        Ok(MecTally {
            entity: r.get(0)?,
            mec: r.get(1)?,
            electors: r.get(2)?,
            received: r.get(3)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// A late envelope, by sender, for the destruction act.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LateEnvelope {
    pub seq: i64,
    pub pep_id: PepId,
    pub sender: String,
    pub city: String,
    pub country: String,
    pub entity: String,
    pub received_at: DateTime<Utc>,
    pub station: String,
}

pub fn late_list(conn: &Connection) -> Result<Vec<LateEnvelope>> {
    let mut stmt = conn.prepare(
        "SELECT c.seq, p.pep_id,
                e.given_names || ' ' || e.paternal_surname || coalesce(' ' || e.maternal_surname, ''),
                e.city, e.country, c.entity, c.received_at, c.station
         FROM checkins c JOIN peps p ON p.id = c.pep JOIN electors e ON e.id = p.elector_id
         WHERE c.outcome = 'late' ORDER BY e.paternal_surname COLLATE es, e.maternal_surname COLLATE es,
                  e.given_names COLLATE es",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok(LateEnvelope {
            seq: r.get(0)?,
            pep_id: r.get(1)?,
            sender: r.get(2)?,
            city: r.get(3)?,
            country: r.get(4)?,
            entity: r.get(5)?,
            received_at: r.get(6)?,
            station: r.get(7)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// An elector of a MEC's list, with "votó" when an envelope was accepted.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct MecElector {
    pub name: String,
    pub elector_key: String,
    pub voted: bool,
    pub seq: Option<i64>,
}

/// The electors of MEC `entity`-`mec`, none when that entity lies outside `scope`.
pub fn mec_electors(
    conn: &Connection,
    entity: &str,
    mec: i64,
    scope: &Scope,
) -> Result<Vec<MecElector>> {
    let mut stmt = conn.prepare(&format!(
        "SELECT e.paternal_surname || coalesce(' ' || e.maternal_surname, '') || ' ' || e.given_names,
                e.elector_key, e.voted_at IS NOT NULL,
                (SELECT c.seq FROM checkins c JOIN peps p ON p.id = c.pep
                 WHERE p.elector_id = e.id AND c.outcome = 'accepted')
         FROM mec_assignments m JOIN electors e ON e.id = m.elector_id
         WHERE m.entity = ?1 AND m.mec = ?2 AND {}
         ORDER BY e.paternal_surname COLLATE es, e.maternal_surname COLLATE es,
                  e.given_names COLLATE es, e.elector_key",
        scope_clause("m.entity", "?3")
    ))?;
    let rows = stmt.query_map(params![entity, mec, scope], |r| {
        Ok(MecElector {
            name: r.get(0)?,
            elector_key: r.get(1)?,
            voted: r.get(2)?,
            seq: r.get(3)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Scans per outcome by one operator since an instant.
pub fn operator_counts(
    conn: &Connection,
    operator: &str,
    since: DateTime<Utc>,
) -> Result<Vec<(Outcome, i64)>> {
    let mut stmt = conn.prepare_cached(
        "SELECT outcome, count(*) FROM scans WHERE operator = ?1 AND at >= ?2 GROUP BY outcome",
    )?;
    let rows = stmt.query_map(params![operator, super::ts(since)], |r| {
        Ok((r.get(0)?, r.get(1)?))
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}
