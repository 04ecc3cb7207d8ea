//! Counts of the postal list for dashboards and `GET /api/v1/stats`.

use serde::Serialize;

use super::Result;
use crate::domain::scope::Scope;
use crate::domain::{entity, geo};
use crate::storage::{electors, Db};

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

#[derive(Debug, Clone, Serialize, PartialEq, utoipa::ToSchema)]
pub struct Stats {
    /// Electors in the postal list.
    pub electors: i64,
    pub by_status: Vec<Count>,
    pub by_entity: Vec<Count>,
    pub by_country: Vec<Count>,
}

/// Totals by entity and by country, largest first, of the entities inside `scope`.
pub fn list_stats(db: &Db, scope: &Scope) -> Result<Stats> {
    let rows = db.read(|c| electors::counts(c, scope))?;
    let mut by_entity: Vec<Count> = Vec::new();
    let mut by_country: Vec<Count> = Vec::new();
    for r in &rows {
        add(&mut by_entity, &r.entity, r.n, |c| {
            entity::entity(c).map_or(c.to_string(), |e| e.name.to_string())
        });
        add(&mut by_country, &r.country, r.n, |c| {
            geo::country(c).map_or(c.to_string(), |k| k.name_es.to_string())
        });
    }
    by_entity.sort_by(|a, b| a.code.cmp(&b.code));
    by_country.sort_by(|a, b| b.n.cmp(&a.n).then(a.code.cmp(&b.code)));
    let total: i64 = rows.iter().map(|r| r.n).sum();
    for c in by_entity.iter_mut().chain(by_country.iter_mut()) {
        c.share = share(c.n, total);
    }
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
    })
}

fn add(list: &mut Vec<Count>, code: &str, n: i64, name: impl Fn(&str) -> String) {
    match list.iter_mut().find(|c| c.code == code) {
        Some(c) => c.n += n,
        None => list.push(Count {
            code: code.to_string(),
            name: name(code),
            n,
            share: 0.0,
        }),
    }
}

fn share(n: i64, total: i64) -> f64 {
    if total == 0 {
        return 0.0;
    }
    (n as f64 * 1000.0 / total as f64).round() / 10.0
}
