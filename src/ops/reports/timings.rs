//! Transit times by entity, as they stood at the cut: days from shipment to delivery, from
//! delivery to the return pickup, and from the pickup to the reception, each with its median,
//! 90th percentile and a histogram by whole days.

use std::collections::BTreeMap;

use super::grid::{round_to, Cell, Grid};
use super::names::{entity_name, scope_entities};
use crate::domain::election::Election;
use crate::domain::scope::Scope;
use crate::storage::reports::PepTimes;

/// Whole-day bins of the histograms: 0–1, 1–2, … and a last one for this many days or more.
pub const LAST_BIN: usize = 30;

/// The three intervals, in the order of the way.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub enum Interval {
    ToDelivery,
    ToPickup,
    ToReception,
}

impl Interval {
    pub const ALL: [Interval; 3] = [
        Interval::ToDelivery,
        Interval::ToPickup,
        Interval::ToReception,
    ];

    pub fn label_es(self) -> &'static str {
        match self {
            Interval::ToDelivery => "Envío → entrega",
            Interval::ToPickup => "Entrega → recolección del sobre",
            Interval::ToReception => "Recolección → recepción",
        }
    }

    fn of(self, t: &PepTimes) -> Option<f64> {
        match self {
            Interval::ToDelivery => t.to_delivery,
            Interval::ToPickup => t.to_pickup,
            Interval::ToReception => t.to_reception,
        }
    }
}

/// The durations of one interval for one entity (or all), in days.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
pub struct Spread {
    pub n: usize,
    pub median: Option<f64>,
    pub p90: Option<f64>,
    /// PEPs per whole day (the last bin: [`LAST_BIN`] days or more).
    pub histogram: Vec<i64>,
}

/// The `q`-th quantile by the nearest-rank rule: the smallest value with at least `q` of the
/// values at or below it. `sorted` must be in ascending order.
pub fn nearest_rank(sorted: &[f64], q: f64) -> Option<f64> {
    if sorted.is_empty() {
        return None;
    }
    let rank = (q * sorted.len() as f64).ceil().max(1.0) as usize;
    sorted.get(rank.min(sorted.len()) - 1).copied()
}

impl Spread {
    fn of(mut days: Vec<f64>) -> Spread {
        days.sort_by(f64::total_cmp);
        let mut histogram = vec![0; LAST_BIN + 1];
        for d in &days {
            histogram[(d.floor() as usize).min(LAST_BIN)] += 1;
        }
        Spread {
            n: days.len(),
            median: nearest_rank(&days, 0.5).map(|x| round_to(x, 1)),
            p90: nearest_rank(&days, 0.9).map(|x| round_to(x, 1)),
            histogram,
        }
    }
}

/// One entity's three spreads (or the total's).
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct TimingRow {
    pub code: String,
    pub name: String,
    /// In the order of [`Interval::ALL`].
    pub spreads: Vec<Spread>,
}

#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct TimingTable {
    pub rows: Vec<TimingRow>,
    pub total: TimingRow,
}

/// Durations below zero (events a carrier dated out of order) are left out.
fn row(code: &str, name: String, times: &[&PepTimes]) -> TimingRow {
    let spreads = Interval::ALL
        .iter()
        .map(|i| {
            Spread::of(
                times
                    .iter()
                    .filter_map(|t| i.of(t))
                    .filter(|d| *d >= 0.0)
                    .collect(),
            )
        })
        .collect();
    TimingRow {
        code: code.to_string(),
        name,
        spreads,
    }
}

pub fn timing_table(times: &[PepTimes], e: &Election, scope: &Scope) -> TimingTable {
    let mut by_entity: BTreeMap<String, Vec<&PepTimes>> = scope_entities(e, scope)
        .into_iter()
        .map(|c| (c, Vec::new()))
        .collect();
    for t in times {
        by_entity.entry(t.entity.clone()).or_default().push(t);
    }
    let all: Vec<&PepTimes> = times.iter().collect();
    TimingTable {
        rows: by_entity
            .iter()
            .map(|(code, ts)| row(code, entity_name(code), ts))
            .collect(),
        total: row("", "Total".into(), &all),
    }
}

impl TimingTable {
    pub fn grid(&self) -> Grid {
        let cells = |r: &TimingRow| {
            let mut v = vec![Cell::text(&r.code), Cell::text(&r.name)];
            for s in &r.spreads {
                v.push(Cell::Int(s.n as i64));
                v.push(Cell::dec(s.median, 1));
                v.push(Cell::dec(s.p90, 1));
            }
            v
        };
        let mut columns = vec!["Clave".to_string(), "Entidad".to_string()];
        for i in Interval::ALL {
            let l = i.label_es();
            columns.push(format!("{l}: PEP"));
            columns.push(format!("{l}: mediana (días)"));
            columns.push(format!("{l}: p90 (días)"));
        }
        Grid {
            key: "tiempos",
            title: "Tiempos de tránsito por entidad (días)".into(),
            columns,
            rows: self.rows.iter().map(cells).collect(),
            total: Some(cells(&self.total)),
            note: "Envío: primer movimiento de la guía de ida; entrega: su entrega al \
                   ciudadano; recolección: primer movimiento de la guía de regreso; recepción: \
                   registro del sobre. Sólo hechos ocurridos hasta el corte. Mediana y p90 por \
                   rango más cercano (el menor valor con al menos 50 % o 90 % de los casos en o \
                   por debajo de él)."
                .into(),
        }
    }

    /// The histograms of the total, one row per whole day, one column per interval.
    pub fn histogram_grid(&self) -> Grid {
        let rows = (0..=LAST_BIN)
            .map(|d| {
                let label = if d == LAST_BIN {
                    format!("{LAST_BIN} o más")
                } else {
                    format!("{d} a {}", d + 1)
                };
                let mut v = vec![Cell::text(label)];
                v.extend(self.total.spreads.iter().map(|s| Cell::Int(s.histogram[d])));
                v
            })
            .collect();
        let mut columns = vec!["Días".to_string()];
        columns.extend(Interval::ALL.iter().map(|i| i.label_es().to_string()));
        Grid {
            key: "histogramas",
            title: "Distribución de los tiempos de tránsito (PEP por día)".into(),
            columns,
            rows,
            total: None,
            note: "«d a d+1»: al menos d días y menos de d+1.".into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantiles_take_the_nearest_rank() {
        let v = [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0];
        assert_eq!(nearest_rank(&v, 0.5), Some(5.0));
        assert_eq!(nearest_rank(&v, 0.9), Some(9.0));
        assert_eq!(nearest_rank(&[3.5], 0.9), Some(3.5));
        assert_eq!(nearest_rank(&[], 0.5), None);
    }

    #[test]
    fn whole_days_fill_the_bins_and_long_ones_the_last() {
        let s = Spread::of(vec![0.2, 0.9, 1.0, 2.5, 45.0]);
        assert_eq!(s.n, 5);
        assert_eq!(&s.histogram[..3], &[2, 1, 1]);
        assert_eq!(s.histogram[LAST_BIN], 1);
        assert_eq!(s.median, Some(1.0));
    }
}
