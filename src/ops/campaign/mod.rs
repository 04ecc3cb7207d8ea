//! A whole campaign on one simulated clock, end to end: election and list, batches per entity,
//! every document printed, guías, couriers simulated over real HTTP (with faults), polling
//! passes as the clock moves, undeliverable PEPs reissued, return envelopes scanned through the
//! HTTP API by several stations (anomalies included), the cutoff, late and per-MEC lists,
//! custody acts, and a final report. `drill` runs it as fast as the machine allows (the clock
//! moved by hand); `serve --demo` runs it on a clock running at a watchable speed.
//!
//! Every step takes "now" from the one clock, and every shipment starts at its PEP's printing,
//! so nothing is stamped before its cause ([`order`] checks it over the database).

pub mod calendar;
mod carriers;
mod engine;
mod lookups;
mod notices;
mod offline;
pub mod order;
mod phases;
mod push;
mod report;
mod shipping;
mod stations;

use std::path::PathBuf;

use crate::domain::tracking::Carrier;

pub use calendar::{Calendar, Timekeeper};
pub use carriers::CarrierMix;
pub use engine::run;
pub use lookups::LookupCounts;
pub use notices::NoticeTally;
pub use phases::{Phases, Progress, Summary};
pub use push::PushSummary;

/// What a campaign fails on (the use cases' own errors, and its machinery's).
#[derive(Debug, thiserror::Error)]
pub enum CampaignError {
    #[error("la base de datos no está vacía (tiene elección o electores): el simulacro necesita una base nueva")]
    NotEmpty,
    #[error(transparent)]
    Ops(#[from] super::OpsError),
    #[error("simulador de paqueterías: {0}")]
    Simulator(String),
    #[error("estación de recepción: {0}")]
    Station(String),
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("lista sintética: {0}")]
    DemoData(String),
    #[error("informe: {0}")]
    Report(#[from] super::reports::ReportError),
    #[error("avisos a electores: {0}")]
    Notices(String),
}

impl From<crate::storage::StorageError> for CampaignError {
    fn from(e: crate::storage::StorageError) -> Self {
        CampaignError::Ops(e.into())
    }
}

pub type Result<T, E = CampaignError> = std::result::Result<T, E>;

/// How a campaign is run.
#[derive(Debug, Clone)]
pub struct CampaignConfig {
    pub name: String,
    pub electors: usize,
    pub seed: u64,
    /// Share of carrier calls that fail or misbehave.
    pub fault_rate: f64,
    /// Where the documents and the report go.
    pub out_dir: PathBuf,
    pub carriers: CarrierMix,
    /// INEGI codes of the entities with an election (and a list).
    pub entities: Vec<String>,
    pub calendar: Calendar,
    /// Reception stations scanning at once.
    pub stations: usize,
    /// Pushed tracking beside polling, with the pushes' faults; `None`: polling only.
    pub push: Option<crate::carriers::sim::PushFaults>,
}

impl CampaignConfig {
    /// A national drill: every entity, one courier pushing its events (the poller as safety
    /// net), four stations.
    pub fn drill(electors: usize, seed: u64, fault_rate: f64, out_dir: PathBuf) -> Self {
        CampaignConfig {
            name: "Simulacro nacional del voto postal".into(),
            electors,
            seed,
            fault_rate,
            out_dir,
            carriers: CarrierMix::single(Carrier::Fedex),
            entities: (1..=32).map(|n| format!("{n:02}")).collect(),
            calendar: Calendar::default(),
            stations: 4,
            push: Some(crate::carriers::sim::PushFaults::at_rate(fault_rate)),
        }
    }
}

#[cfg(test)]
mod tests;
