//! What the choropleths read: PEPs by stage and US state (the address region) for the entities
//! inside a scope, from the maintained `us_state_counts` (migration 0005), and the same counts
//! by scanning every PEP, which the maintained ones must always equal.

use rusqlite::Connection;

use super::{scope_clause, Result};
use crate::domain::scope::Scope;
use crate::domain::stage::Stage;

/// PEPs in one stage among electors of one US state ('' when the address has no region).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegionCount {
    pub region: String,
    pub stage: Stage,
    pub n: i64,
}

fn collect(conn: &Connection, sql: &str, scope: &Scope) -> Result<Vec<RegionCount>> {
    let mut stmt = conn.prepare_cached(sql)?;
    let rows = stmt.query_map([scope], |r| {
        Ok(RegionCount {
            region: r.get(0)?,
            stage: r.get(1)?,
            n: r.get(2)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The maintained counts of the entities inside `scope`, by state and stage.
pub fn us_state_counts(conn: &Connection, scope: &Scope) -> Result<Vec<RegionCount>> {
    let sql = format!(
        "SELECT region, stage, sum(n) FROM us_state_counts WHERE n > 0 AND {}
          GROUP BY region, stage ORDER BY region, stage",
        scope_clause("entity", "?1")
    );
    collect(conn, &sql, scope)
}

/// The same counts by scanning every PEP.
pub fn us_state_counts_by_scan(conn: &Connection, scope: &Scope) -> Result<Vec<RegionCount>> {
    let sql = format!(
        "SELECT coalesce(e.region, '') AS region, p.stage, count(*)
           FROM peps p JOIN electors e ON e.id = p.elector_id
          WHERE p.country = 'US' AND {} GROUP BY region, p.stage ORDER BY region, p.stage",
        scope_clause("p.entity", "?1")
    );
    collect(conn, &sql, scope)
}
