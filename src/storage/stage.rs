//! The stored stage of each PEP and the counts that follow it: recomputing a PEP's stage from
//! its facts with the domain rule, reading `stage_counts` (kept exact by triggers, see
//! `db/migrations/0005_stage.sql`) and the envelopes received per hour.

use rusqlite::{params, Connection, Transaction};

use super::{scope_clause, Result};
use crate::domain::scope::Scope;
use crate::domain::stage::{stage, Receipt, Stage, StageFacts};

/// The stage of a PEP that nothing has happened to yet.
pub fn initial() -> Stage {
    stage(&StageFacts::default())
}

const FACTS: &str = "SELECT p.stage, p.voided_at IS NOT NULL, p.batch_id IS NOT NULL,
        (SELECT l.status FROM legs l WHERE l.pep = p.id AND l.direction = 'outbound'),
        (SELECT l.status FROM legs l WHERE l.pep = p.id AND l.direction = 'return'),
        (SELECT c.outcome FROM checkins c WHERE c.pep = p.id)
     FROM peps p WHERE p.id = ?1";

/// Recomputes the stage of these PEPs (row ids) from their facts and stores the ones that
/// changed; the triggers move `stage_counts` in the same transaction. Returns how many changed.
pub fn refresh_stage(tx: &Transaction, peps: &[i64]) -> Result<usize> {
    let mut read = tx.prepare_cached(FACTS)?;
    let mut write = tx.prepare_cached("UPDATE peps SET stage = ?2 WHERE id = ?1")?;
    let mut changed = 0;
    for &id in peps {
        let mut rows = read.query([id])?;
        let Some(r) = rows.next()? else { continue };
        let stored: Stage = r.get(0)?;
        let facts = StageFacts {
            voided: r.get(1)?,
            in_batch: r.get(2)?,
            outbound: r.get(3)?,
            return_leg: r.get(4)?,
            checkin: r.get(5)?,
        };
        let now = stage(&facts);
        if stored != now {
            write.execute(params![id, now])?;
            changed += 1;
        }
    }
    Ok(changed)
}

/// PEPs by stage, entity and country.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct StageCount {
    pub stage: Stage,
    pub entity: String,
    pub country: String,
    pub n: i64,
}

fn collect(conn: &Connection, sql: &str, args: impl rusqlite::Params) -> Result<Vec<StageCount>> {
    let mut stmt = conn.prepare_cached(sql)?;
    let rows = stmt.query_map(args, |r| {
        Ok(StageCount {
            stage: r.get(0)?,
            entity: r.get(1)?,
            country: r.get(2)?,
            n: r.get(3)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The maintained counts (a few hundred rows whatever the size of the list), of the entities
/// inside `scope`.
pub fn stage_counts(conn: &Connection, scope: &Scope) -> Result<Vec<StageCount>> {
    collect(
        conn,
        &format!(
            "SELECT stage, entity, country, n FROM stage_counts WHERE n > 0 AND {}
              ORDER BY entity, country, stage",
            scope_clause("entity", "?1")
        ),
        [scope],
    )
}

/// The same counts by scanning every PEP: what `stage_counts` must always equal.
pub fn stage_counts_by_scan(conn: &Connection) -> Result<Vec<StageCount>> {
    collect(
        conn,
        "SELECT stage, entity, country, count(*) FROM peps GROUP BY stage, entity, country
          ORDER BY entity, country, stage",
        [],
    )
}

/// Envelopes received in one UTC hour with one outcome.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HourCount {
    /// `YYYY-MM-DDTHH`, UTC.
    pub hour: String,
    pub late: bool,
    pub n: i64,
}

/// Check-ins per UTC hour, oldest first, of the entities inside `scope`: nationally from the
/// maintained `checkin_hours`, for a scope by counting its entities' check-ins.
pub fn checkin_hours(conn: &Connection, scope: &Scope) -> Result<Vec<HourCount>> {
    let sql = match scope {
        Scope::National => "SELECT hour, outcome, n FROM checkin_hours WHERE n > 0 AND ?1 IS NULL
              ORDER BY hour, outcome"
            .to_string(),
        Scope::Entities(_) => format!(
            "SELECT substr(received_at, 1, 13) AS hour, outcome, count(*) FROM checkins
              WHERE {} GROUP BY hour, outcome ORDER BY hour, outcome",
            scope_clause("entity", "?1")
        ),
    };
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map([scope], |r| {
        Ok(HourCount {
            hour: r.get(0)?,
            late: r.get::<_, Receipt>(1)? == Receipt::Late,
            n: r.get(2)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

#[cfg(test)]
mod tests;
