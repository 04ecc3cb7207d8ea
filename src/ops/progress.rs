//! The progress of the postal vote, as the dashboard shows it: PEPs by stage for each entity
//! and each country (rows, with totals, like the institute's progress reports), envelopes
//! received per local day of the election, and each table as CSV. Reads only the maintained
//! counts (`stage_counts`, `checkin_hours`): its cost does not grow with the list.

use std::collections::BTreeMap;

use chrono::{NaiveDate, NaiveDateTime, TimeZone, Utc};
use serde::Serialize;

use super::{OpsError, Result};
use crate::domain::election::Election;
use crate::domain::entity::EntityCode;
use crate::domain::scope::Scope;
use crate::domain::stage::Stage;
use crate::domain::{entity, geo};
use crate::storage::stage::{self as store, HourCount, StageCount};
use crate::storage::{election, Db};

/// Longest span of days listed one by one; beyond it only days with envelopes are listed.
const MAX_SPAN_DAYS: i64 = 400;

/// A column of the stage tables.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct StageColumn {
    pub code: &'static str,
    pub label: &'static str,
}

/// One row of a stage table: an entity or a country.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct StageRow {
    pub code: String,
    pub name: String,
    /// PEPs in each stage, in the order of [`Stage::ALL`].
    pub counts: Vec<i64>,
    /// PEPs in force (every stage but voided): one per elector.
    pub total: i64,
    /// Envelopes received on time, per cent of the PEPs in force (one decimal).
    pub received_pct: f64,
}

impl StageRow {
    fn new(code: &str, name: String) -> StageRow {
        StageRow {
            code: code.to_string(),
            name,
            counts: vec![0; Stage::ALL.len()],
            total: 0,
            received_pct: 0.0,
        }
    }

    fn add(&mut self, stage: Stage, n: i64) {
        self.counts[stage as usize] += n;
        if stage != Stage::Voided {
            self.total += n;
        }
    }

    pub fn count(&self, stage: Stage) -> i64 {
        self.counts[stage as usize]
    }

    fn finish(&mut self) {
        if self.total > 0 {
            let pct = self.count(Stage::Received) as f64 * 100.0 / self.total as f64;
            self.received_pct = (pct * 10.0).round() / 10.0;
        }
    }
}

/// Rows and their totals.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct StageTable {
    pub rows: Vec<StageRow>,
    pub totals: StageRow,
}

/// Envelopes received on one local day.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct DayCount {
    pub day: NaiveDate,
    pub accepted: i64,
    pub late: i64,
}

/// What the dashboard shows.
#[derive(Debug, Clone, Serialize)]
pub struct Progress {
    pub stages: Vec<StageColumn>,
    pub by_entity: StageTable,
    pub by_country: StageTable,
    pub daily: Vec<DayCount>,
}

pub fn columns() -> Vec<StageColumn> {
    Stage::ALL
        .iter()
        .map(|s| StageColumn {
            code: s.as_str(),
            label: s.label_es(),
        })
        .collect()
}

/// Reads the counts of the entities inside `scope` in one snapshot and arranges them.
pub fn progress(db: &Db, scope: &Scope) -> Result<(Election, Progress)> {
    let (elec, counts, hours) = db.read(|c| -> Result<_> {
        let tx = c
            .unchecked_transaction()
            .map_err(crate::storage::StorageError::from)?;
        let e = election::load(&tx)?.ok_or(OpsError::NoElection)?;
        Ok((
            e,
            store::stage_counts(&tx, scope)?,
            store::checkin_hours(&tx, scope)?,
        ))
    })?;
    let progress = Progress {
        stages: columns(),
        by_entity: by_entity(&counts, &entities_in(&elec.entities, scope)),
        by_country: by_country(&counts),
        daily: daily(&hours, &elec),
    };
    Ok((elec, progress))
}

/// The election's entities inside `scope` (the rows a scoped table lists, zeros included).
pub fn entities_in(entities: &[String], scope: &Scope) -> Vec<String> {
    entities
        .iter()
        .filter(|c| EntityCode::parse(c).is_ok_and(|e| scope.allows(e)))
        .cloned()
        .collect()
}

fn entity_name(code: &str) -> String {
    entity::entity(code).map_or(code.to_string(), |e| e.name.to_string())
}

fn country_name(code: &str) -> String {
    geo::country(code).map_or(code.to_string(), |c| c.name_es.to_string())
}

fn table(rows: BTreeMap<String, StageRow>, totals_name: &str) -> StageTable {
    let mut totals = StageRow::new("", totals_name.to_string());
    for r in rows.values() {
        for (i, s) in Stage::ALL.iter().enumerate() {
            totals.add(*s, r.counts[i]);
        }
    }
    totals.finish();
    StageTable {
        rows: rows
            .into_values()
            .map(|mut r| {
                r.finish();
                r
            })
            .collect(),
        totals,
    }
}

/// One row per entity of the election (zeros included), in INEGI order.
pub fn by_entity(counts: &[StageCount], entities: &[String]) -> StageTable {
    let mut rows: BTreeMap<String, StageRow> = entities
        .iter()
        .map(|c| (c.clone(), StageRow::new(c, entity_name(c))))
        .collect();
    for c in counts {
        rows.entry(c.entity.clone())
            .or_insert_with(|| StageRow::new(&c.entity, entity_name(&c.entity)))
            .add(c.stage, c.n);
    }
    table(rows, "Total")
}

/// One row per country of residence, most PEPs first.
pub fn by_country(counts: &[StageCount]) -> StageTable {
    let mut rows: BTreeMap<String, StageRow> = BTreeMap::new();
    for c in counts {
        rows.entry(c.country.clone())
            .or_insert_with(|| StageRow::new(&c.country, country_name(&c.country)))
            .add(c.stage, c.n);
    }
    let mut t = table(rows, "Total");
    t.rows
        .sort_by(|a, b| b.total.cmp(&a.total).then(a.code.cmp(&b.code)));
    t
}

/// Folds UTC hours into local days of the election: every day from the first receipt to the
/// last (or to the cutoff's day, when later), or only the days with receipts when that span
/// is longer than [`MAX_SPAN_DAYS`].
pub fn daily(hours: &[HourCount], elec: &Election) -> Vec<DayCount> {
    let mut days: BTreeMap<NaiveDate, (i64, i64)> = BTreeMap::new();
    for h in hours {
        let Ok(t) = NaiveDateTime::parse_from_str(&format!("{}:00", h.hour), "%Y-%m-%dT%H:%M")
        else {
            continue;
        };
        let day = Utc
            .from_utc_datetime(&t)
            .with_timezone(&elec.timezone)
            .date_naive();
        let e = days.entry(day).or_default();
        if h.late {
            e.1 += h.n;
        } else {
            e.0 += h.n;
        }
    }
    let (Some(first), Some(last)) = (days.keys().next(), days.keys().next_back()) else {
        return Vec::new();
    };
    let cutoff = elec
        .receipt_cutoff
        .with_timezone(&elec.timezone)
        .date_naive();
    let (start, end) = (*first, (*last).max(cutoff));
    if (end - start).num_days() > MAX_SPAN_DAYS {
        return days
            .into_iter()
            .map(|(day, (accepted, late))| DayCount {
                day,
                accepted,
                late,
            })
            .collect();
    }
    start
        .iter_days()
        .take_while(|d| *d <= end)
        .map(|day| {
            let (accepted, late) = days.get(&day).copied().unwrap_or_default();
            DayCount {
                day,
                accepted,
                late,
            }
        })
        .collect()
}

/// A stage table as CSV: code, name, one column per stage, PEPs in force.
pub fn stage_csv(t: &StageTable, what: &str) -> Vec<u8> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let mut header = vec!["Clave".to_string(), what.to_string()];
    header.extend(Stage::ALL.iter().map(|s| s.label_es().to_string()));
    header.push("PEP vigentes".into());
    w.write_record(&header).expect("CSV into memory");
    for r in t.rows.iter().chain(std::iter::once(&t.totals)) {
        let mut rec = vec![r.code.clone(), r.name.clone()];
        rec.extend(r.counts.iter().map(i64::to_string));
        rec.push(r.total.to_string());
        w.write_record(&rec).expect("CSV into memory");
    }
    w.into_inner().expect("CSV into memory")
}

/// Envelopes received per day as CSV.
pub fn daily_csv(days: &[DayCount]) -> Vec<u8> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(["Fecha", "Recibidos en plazo", "Extemporáneos"])
        .expect("CSV into memory");
    for d in days {
        w.write_record([
            d.day.format("%Y-%m-%d").to_string(),
            d.accepted.to_string(),
            d.late.to_string(),
        ])
        .expect("CSV into memory");
    }
    w.into_inner().expect("CSV into memory")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn count(stage: Stage, entity: &str, country: &str, n: i64) -> StageCount {
        StageCount {
            stage,
            entity: entity.into(),
            country: country.into(),
            n,
        }
    }

    #[test]
    fn entity_rows_list_every_entity_of_the_election_and_totals_leave_voided_peps_out() {
        let counts = [
            count(Stage::Shipped, "10", "US", 5),
            count(Stage::Voided, "10", "US", 2),
            count(Stage::Generated, "10", "US", 2),
            count(Stage::Received, "20", "CA", 1),
        ];
        let t = by_entity(&counts, &["01".into(), "10".into(), "20".into()]);
        let codes: Vec<&str> = t.rows.iter().map(|r| r.code.as_str()).collect();
        assert_eq!(codes, ["01", "10", "20"]);
        assert_eq!(t.rows[0].total, 0);
        assert_eq!(t.rows[1].total, 7);
        assert_eq!(t.rows[1].count(Stage::Voided), 2);
        assert_eq!(t.totals.total, 8);
        let c = by_country(&counts);
        assert_eq!(c.rows[0].code, "US");
        assert_eq!(c.rows[1].name, "Canadá");
    }

    #[test]
    fn a_stage_table_downloads_with_a_header_a_row_each_and_the_totals() {
        let t = by_entity(&[count(Stage::Batched, "01", "US", 3)], &["01".into()]);
        let text = String::from_utf8(stage_csv(&t, "Entidad")).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 3);
        assert!(lines[0].starts_with("Clave,Entidad,Generado,En lote"));
        assert_eq!(lines[1], "01,Aguascalientes,0,3,0,0,0,0,0,0,0,3");
        assert!(lines[2].starts_with(",Total,0,3,"));
    }
}
