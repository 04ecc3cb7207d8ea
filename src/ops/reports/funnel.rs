//! The funnel of the PEPs by entity, as it stood at the cut: generated, shipped, delivered,
//! undeliverable, reissued, envelopes on their way back, received on time and late, and the
//! share received of those shipped.

use std::collections::BTreeMap;

use super::grid::{round_to, Cell, Grid};
use super::names::{entity_name, scope_entities};
use crate::domain::election::Election;
use crate::domain::scope::Scope;
use crate::storage::reports::FunnelCounts;

/// One entity's funnel (or the total's).
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct FunnelRow {
    pub code: String,
    pub name: String,
    pub generated: i64,
    pub shipped: i64,
    pub delivered: i64,
    pub undeliverable: i64,
    pub reissued: i64,
    pub returning: i64,
    pub on_time: i64,
    pub late: i64,
}

impl FunnelRow {
    fn new(code: &str, name: String) -> FunnelRow {
        FunnelRow {
            code: code.to_string(),
            name,
            generated: 0,
            shipped: 0,
            delivered: 0,
            undeliverable: 0,
            reissued: 0,
            returning: 0,
            on_time: 0,
            late: 0,
        }
    }

    fn add(&mut self, c: &FunnelCounts) {
        self.generated += c.generated;
        self.shipped += c.shipped;
        self.delivered += c.delivered;
        self.undeliverable += c.undeliverable;
        self.reissued += c.reissued;
        self.returning += c.returning;
        self.on_time += c.on_time;
        self.late += c.late;
    }

    /// Envelopes received (on time or late), per cent of the PEPs shipped, two decimals.
    pub fn received_share(&self) -> Option<f64> {
        (self.shipped > 0).then(|| {
            round_to(
                (self.on_time + self.late) as f64 * 100.0 / self.shipped as f64,
                2,
            )
        })
    }

    fn cells(&self) -> Vec<Cell> {
        vec![
            Cell::text(&self.code),
            Cell::text(&self.name),
            Cell::Int(self.generated),
            Cell::Int(self.shipped),
            Cell::Int(self.delivered),
            Cell::Int(self.undeliverable),
            Cell::Int(self.reissued),
            Cell::Int(self.returning),
            Cell::Int(self.on_time),
            Cell::Int(self.late),
            Cell::dec(self.received_share(), 2),
        ]
    }
}

#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct FunnelTable {
    pub rows: Vec<FunnelRow>,
    pub total: FunnelRow,
}

pub fn funnel_table(counts: &[FunnelCounts], e: &Election, scope: &Scope) -> FunnelTable {
    let mut rows: BTreeMap<String, FunnelRow> = scope_entities(e, scope)
        .into_iter()
        .map(|c| (c.clone(), FunnelRow::new(&c, entity_name(&c))))
        .collect();
    let mut total = FunnelRow::new("", "Total".into());
    for c in counts {
        rows.entry(c.entity.clone())
            .or_insert_with(|| FunnelRow::new(&c.entity, entity_name(&c.entity)))
            .add(c);
        total.add(c);
    }
    FunnelTable {
        rows: rows.into_values().collect(),
        total,
    }
}

impl FunnelTable {
    pub fn grid(&self) -> Grid {
        Grid {
            key: "embudo",
            title: "Paquetes Electorales Postales por etapa y entidad".into(),
            columns: [
                "Clave",
                "Entidad",
                "PEP generados",
                "Enviados",
                "Entregados",
                "No entregables",
                "Repuestos",
                "Sobres de regreso",
                "Recibidos en plazo",
                "Extemporáneos",
                "% recibidos de enviados",
            ]
            .map(String::from)
            .to_vec(),
            rows: self.rows.iter().map(FunnelRow::cells).collect(),
            total: Some(self.total.cells()),
            note: "Cada PEP cuenta en cada etapa que alcanzó al corte, según los eventos de la \
                   paquetería ocurridos hasta entonces. Generados: incluye las reposiciones. \
                   Enviados: la guía de ida fue recogida por la paquetería. No entregables: \
                   alguna guía devuelta al remitente. Repuestos: PEP anulados por reposición. \
                   Sobres de regreso: la guía de regreso fue recogida. Recibidos: registrados en \
                   la recepción (en plazo o extemporáneos); su porcentaje es de los enviados."
                .into(),
        }
    }
}
