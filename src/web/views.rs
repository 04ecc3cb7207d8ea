//! Serializable views of domain values for the templates (Spanish labels, local times).

use serde::Serialize;

use crate::domain::election::Election;
use crate::domain::entity;

#[derive(Debug, Serialize)]
pub struct ElectionView {
    pub name: String,
    pub election_day: String,
    pub polls_open: String,
    pub timezone: String,
    pub cutoff_local: String,
    pub cutoff_utc: String,
    pub max_electors_per_mec: u32,
    pub entities: Vec<String>,
}

impl From<&Election> for ElectionView {
    fn from(e: &Election) -> Self {
        ElectionView {
            name: e.name.clone(),
            election_day: e.election_day.format("%d/%m/%Y").to_string(),
            polls_open: e.polls_open.format("%H:%M").to_string(),
            timezone: e.timezone.name().to_string(),
            cutoff_local: e.local(e.receipt_cutoff),
            cutoff_utc: crate::storage::ts(e.receipt_cutoff),
            max_electors_per_mec: e.max_electors_per_mec,
            entities: e
                .entities
                .iter()
                .map(|c| entity::entity(c).map_or(c.clone(), |x| format!("{c} {}", x.name)))
                .collect(),
        }
    }
}
