//! Counts for `GET /api/v1/stats`: the postal list by entity and by country, and beside them
//! the PEP stages as the dashboard shows them (overall, per entity, per country). The stage
//! numbers are the dashboard's own rows ([`super::progress::by_entity`] and
//! [`super::progress::by_country`] over the maintained `stage_counts`), never a second count.

use serde::Serialize;

use super::progress::{self, StageRow};
use super::Result;
use crate::domain::entity::EntityCode;
use crate::domain::scope::Scope;
use crate::domain::stage::Stage;
use crate::domain::{entity, geo};
use crate::storage::{election, electors, stage, Db, StorageError};

#[derive(Debug, Clone, Serialize, PartialEq, utoipa::ToSchema)]
pub struct Count {
    /// A status name, an INEGI entity code or an ISO 3166-1 alpha-2 country.
    pub code: String,
    /// Its name in Spanish.
    pub name: String,
    pub n: i64,
    /// Percentage of all electors, one decimal.
    pub share: f64,
}

/// PEPs in one stage.
#[derive(Debug, Clone, Serialize, PartialEq, utoipa::ToSchema)]
pub struct StageTally {
    /// The stage.
    pub code: Stage,
    /// Its name in Spanish, as on the dashboard.
    pub name: String,
    pub n: i64,
    /// Percentage of the PEPs in force (every stage but `voided`: one per elector), one
    /// decimal; voided PEPs are counted against the same total.
    pub share: f64,
}

/// An entity or a country: its electors in the list and its PEPs by stage.
#[derive(Debug, Clone, Serialize, PartialEq, utoipa::ToSchema)]
pub struct AreaCount {
    /// An INEGI entity code or an ISO 3166-1 alpha-2 country.
    pub code: String,
    /// Its name in Spanish.
    pub name: String,
    /// Electors in the list.
    pub n: i64,
    /// Percentage of all electors, one decimal.
    pub share: f64,
    /// Its PEPs by stage (the dashboard's row), every stage listed, zeros included.
    pub by_stage: Vec<StageTally>,
}

#[derive(Debug, Clone, Serialize, PartialEq, utoipa::ToSchema)]
pub struct Stats {
    /// Electors in the postal list.
    pub electors: i64,
    pub by_status: Vec<Count>,
    pub by_entity: Vec<AreaCount>,
    pub by_country: Vec<AreaCount>,
    /// Every PEP by stage (the dashboard's totals), every stage listed, zeros included.
    pub by_stage: Vec<StageTally>,
}

/// The list totals by entity and by country, each with its PEP stages, and the overall stages,
/// of the entities inside `scope`; read in one snapshot.
pub fn list_stats(db: &Db, scope: &Scope) -> Result<Stats> {
    let (rows, counts, entities) = db.read(|c| -> Result<_> {
        let tx = c.unchecked_transaction().map_err(StorageError::from)?;
        let entities: Vec<String> = election::load(&tx)?
            .map(|e| e.entities)
            .unwrap_or_default()
            .into_iter()
            .filter(|code| EntityCode::parse(code).is_ok_and(|e| scope.allows(e)))
            .collect();
        let rows = electors::counts(&tx, scope)?;
        Ok((rows, stage::stage_counts(&tx, scope)?, entities))
    })?;
    let mut by_entity: Vec<AreaCount> = Vec::new();
    let mut by_country: Vec<AreaCount> = Vec::new();
    for r in &rows {
        add(&mut by_entity, &r.entity, r.n, entity_name);
        add(&mut by_country, &r.country, r.n, country_name);
    }
    let total: i64 = rows.iter().map(|r| r.n).sum();
    let entity_stages = progress::by_entity(&counts, &entities);
    let country_stages = progress::by_country(&counts);
    attach(&mut by_entity, &entity_stages.rows, total, entity_name);
    attach(&mut by_country, &country_stages.rows, total, country_name);
    by_entity.sort_by(|a, b| a.code.cmp(&b.code));
    by_country.sort_by(|a, b| b.n.cmp(&a.n).then(a.code.cmp(&b.code)));
    Ok(Stats {
        electors: total,
        by_status: vec![Count {
            code: "registered".into(),
            name: "En la LNERE".into(),
            n: total,
            share: share(total, total),
        }],
        by_entity,
        by_country,
        by_stage: tallies(&entity_stages.totals.counts, entity_stages.totals.total),
    })
}

fn entity_name(code: &str) -> String {
    entity::entity(code).map_or(code.to_string(), |e| e.name.to_string())
}

fn country_name(code: &str) -> String {
    geo::country(code).map_or(code.to_string(), |k| k.name_es.to_string())
}

fn add(list: &mut Vec<AreaCount>, code: &str, n: i64, name: fn(&str) -> String) {
    match list.iter_mut().find(|c| c.code == code) {
        Some(c) => c.n += n,
        None => list.push(AreaCount {
            code: code.to_string(),
            name: name(code),
            n,
            share: 0.0,
            by_stage: tallies(&[], 0),
        }),
    }
}

/// Gives each area its dashboard row; an area with PEPs but no elector left in the list (all
/// its electors moved away by address corrections) is listed with `n` = 0. Shares last.
fn attach(list: &mut Vec<AreaCount>, rows: &[StageRow], total: i64, name: fn(&str) -> String) {
    for row in rows {
        let has_peps = row.counts.iter().any(|n| *n > 0);
        match list.iter_mut().find(|c| c.code == row.code) {
            Some(c) => c.by_stage = tallies(&row.counts, row.total),
            None if has_peps => {
                add(list, &row.code, 0, name);
                if let Some(c) = list.last_mut() {
                    c.by_stage = tallies(&row.counts, row.total);
                }
            }
            None => {}
        }
    }
    for c in list.iter_mut() {
        c.share = share(c.n, total);
    }
}

/// A dashboard row's counts (in the order of [`Stage::ALL`]; missing ones are zero) as one
/// tally per stage, shares of `total` (the row's PEPs in force).
fn tallies(counts: &[i64], total: i64) -> Vec<StageTally> {
    Stage::ALL
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let n = counts.get(i).copied().unwrap_or(0);
            StageTally {
                code: *s,
                name: s.label_es().to_string(),
                n,
                share: share(n, total),
            }
        })
        .collect()
}

fn share(n: i64, total: i64) -> f64 {
    if total == 0 {
        return 0.0;
    }
    (n as f64 * 1000.0 / total as f64).round() / 10.0
}
