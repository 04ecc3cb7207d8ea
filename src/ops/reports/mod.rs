//! INE's report tables of the postal vote, cut at a moment ("con corte al …"): electors by
//! entity and by country of residence, the PEP funnel and the transit times by entity. Every
//! table is computed inside a [`Scope`] by the queries of `storage::reports`, assembled here
//! into a [`Grid`] and written as CSV ([`csv_bytes`]), XLSX ([`xlsx`]) or PDF ([`pdf`]); the
//! web page renders the same grids.

pub mod cut;
pub mod electors;
pub mod funnel;
pub mod grid;
pub mod names;
pub mod pdf;
pub mod timings;
pub mod xlsx;

use chrono::{DateTime, Utc};
use rusqlite::Connection;

pub use cut::Cut;
pub use electors::{CountryTable, EntityTable};
pub use funnel::FunnelTable;
pub use grid::{Cell, Grid};
pub use timings::TimingTable;

use super::OpsError;
use crate::domain::election::Election;
use crate::domain::scope::Scope;
use crate::storage::{election, reports as store, Db, StorageError};

/// Why a report could not be made or written.
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    #[error(transparent)]
    Ops(#[from] OpsError),
    #[error("{0}")]
    BadCut(String),
    #[error("{0}: el informe se escribe como .pdf o .xlsx")]
    UnknownFormat(String),
    #[error("error al generar el XLSX: {0}")]
    Xlsx(String),
    #[error(transparent)]
    Pdf(#[from] crate::documents::DocumentError),
    #[error("{path}: {source}")]
    Io {
        path: std::path::PathBuf,
        source: std::io::Error,
    },
}

impl From<StorageError> for ReportError {
    fn from(e: StorageError) -> Self {
        ReportError::Ops(e.into())
    }
}

pub type Result<T, E = ReportError> = std::result::Result<T, E>;

/// Every table of the report, at one cut, inside one scope, read in one snapshot.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Reports {
    pub election: String,
    pub cut: Cut,
    pub by_entity: EntityTable,
    pub by_country: CountryTable,
    pub funnel: FunnelTable,
    pub timings: TimingTable,
}

impl Reports {
    /// The tables in the order they are printed (the histograms last).
    pub fn grids(&self) -> Vec<Grid> {
        vec![
            self.by_entity.grid(),
            self.by_country.grid(),
            self.funnel.grid(),
            self.timings.grid(),
            self.timings.histogram_grid(),
        ]
    }

    /// One table by its key (`entidades`, `paises`, `embudo`, `tiempos`, `histogramas`).
    pub fn grid(&self, key: &str) -> Option<Grid> {
        self.grids().into_iter().find(|g| g.key == key)
    }
}

/// The keys of the tables, as their CSV files are named.
pub const TABLE_KEYS: [&str; 5] = ["entidades", "paises", "embudo", "tiempos", "histogramas"];

fn snapshot<T>(db: &Db, f: impl FnOnce(&Connection, &Election) -> Result<T>) -> Result<T> {
    db.read(|c| {
        let tx = c.unchecked_transaction().map_err(StorageError::from)?;
        let e = election::load(&tx)?.ok_or(OpsError::NoElection)?;
        f(&tx, &e)
    })
}

/// The election, for reading a typed cut ([`Cut::parse`]) before computing.
pub fn election(db: &Db) -> Result<Election> {
    snapshot(db, |_, e| Ok(e.clone()))
}

/// Electors by entity inside `scope`, with ages at the cut.
pub fn by_entity(db: &Db, scope: &Scope, at: DateTime<Utc>) -> Result<EntityTable> {
    snapshot(db, |c, e| {
        let groups = store::elector_profile(c, scope)?;
        Ok(electors::entity_table(&groups, e, scope, &Cut::at(at, e)))
    })
}

/// Electors by country of residence inside `scope` (the list does not depend on the cut).
pub fn by_country(db: &Db, scope: &Scope) -> Result<CountryTable> {
    snapshot(db, |c, e| {
        let counts = store::electors_by_country(c, scope)?;
        Ok(electors::country_table(&counts, e, scope))
    })
}

/// The PEP funnel by entity inside `scope` as it stood at `at`.
pub fn funnel(db: &Db, scope: &Scope, at: DateTime<Utc>) -> Result<FunnelTable> {
    snapshot(db, |c, e| {
        let counts = store::funnel(c, scope, at)?;
        Ok(funnel::funnel_table(&counts, e, scope))
    })
}

/// Transit times by entity inside `scope` as they stood at `at`.
pub fn timings(db: &Db, scope: &Scope, at: DateTime<Utc>) -> Result<TimingTable> {
    snapshot(db, |c, e| {
        let times = store::transit_times(c, scope, at)?;
        Ok(timings::timing_table(&times, e, scope))
    })
}

/// Every table inside `scope` at `at`, in one snapshot.
pub fn reports(db: &Db, scope: &Scope, at: DateTime<Utc>) -> Result<Reports> {
    snapshot(db, |c, e| {
        let cut = Cut::at(at, e);
        Ok(Reports {
            election: e.name.clone(),
            by_entity: electors::entity_table(&store::elector_profile(c, scope)?, e, scope, &cut),
            by_country: electors::country_table(&store::electors_by_country(c, scope)?, e, scope),
            funnel: funnel::funnel_table(&store::funnel(c, scope, at)?, e, scope),
            timings: timings::timing_table(&store::transit_times(c, scope, at)?, e, scope),
            cut,
        })
    })
}

/// A table as CSV: UTF-8, comma-separated, a header row, plain numbers (no thousands
/// separators, a decimal point), the total row last.
pub fn csv_bytes(g: &Grid) -> Vec<u8> {
    let mut w = ::csv::Writer::from_writer(Vec::new());
    // Writing into memory cannot fail.
    let _ = w.write_record(&g.columns);
    for row in g.rows.iter().chain(g.total.iter()) {
        let _ = w.write_record(row.iter().map(Cell::plain));
    }
    w.into_inner().unwrap_or_default()
}

/// The formats `report --out` writes, by the file's extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Pdf,
    Xlsx,
}

impl Format {
    pub fn of_path(path: &std::path::Path) -> Result<Format> {
        match path
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase)
            .as_deref()
        {
            Some("pdf") => Ok(Format::Pdf),
            Some("xlsx") => Ok(Format::Xlsx),
            _ => Err(ReportError::UnknownFormat(path.display().to_string())),
        }
    }
}

/// The report in `format`.
pub fn render(
    r: &Reports,
    format: Format,
    generated_on: &str,
    now: DateTime<Utc>,
) -> Result<Vec<u8>> {
    match format {
        Format::Pdf => pdf::pdf(r, generated_on, now),
        Format::Xlsx => xlsx::xlsx(r),
    }
}

/// Computes every table inside `scope` at `at` and writes them to `out` as PDF or XLSX (by its
/// extension); the file is replaced whole or left as it was. Returns the cut it was made at.
/// `now` dates the document.
pub fn write_file(
    db: &Db,
    scope: &Scope,
    at: DateTime<Utc>,
    out: &std::path::Path,
    now: DateTime<Utc>,
) -> Result<Cut> {
    let format = Format::of_path(out)?;
    let r = reports(db, scope, at)?;
    let e = election(db)?;
    let bytes = render(&r, format, &e.local(now), now)?;
    let io = |source| ReportError::Io {
        path: out.to_path_buf(),
        source,
    };
    let tmp = out.with_extension("partial");
    std::fs::write(&tmp, &bytes).map_err(io)?;
    std::fs::rename(&tmp, out).map_err(io)?;
    Ok(r.cut)
}
