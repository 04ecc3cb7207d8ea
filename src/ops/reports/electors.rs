//! The two tables about the list itself: electors by entity (men, women, other sex markers,
//! mean age at the cut) and by country of residence (ranked, one column per entity). Both are
//! read from the elector keys and countries of the list (`storage::reports`).

use std::collections::BTreeMap;

use chrono::NaiveDate;

use super::cut::{age_on, birth_date, Cut};
use super::grid::{Cell, Grid};
use super::names::{country_name, entity_name, scope_entities};
use crate::domain::election::Election;
use crate::domain::scope::Scope;
use crate::storage::reports::{CountryEntityCount, ProfileGroup};

/// One row of the table by entity.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
pub struct EntityRow {
    pub code: String,
    pub name: String,
    pub electors: i64,
    pub men: i64,
    pub women: i64,
    /// Any marker at position 15 other than H and M.
    pub other: i64,
    /// Sum of completed ages at the cut, over electors whose key holds a valid date.
    pub age_sum: i64,
    pub aged: i64,
}

impl EntityRow {
    /// Mean age at the cut, two decimals (INE's "45.29") rounded half up in exact integer
    /// arithmetic; `None` without a dated elector.
    pub fn mean_age(&self) -> Option<f64> {
        (self.aged > 0).then(|| {
            let hundredths = (200 * self.age_sum + self.aged) / (2 * self.aged);
            hundredths as f64 / 100.0
        })
    }

    fn add(&mut self, other: &EntityRow) {
        self.electors += other.electors;
        self.men += other.men;
        self.women += other.women;
        self.other += other.other;
        self.age_sum += other.age_sum;
        self.aged += other.aged;
    }

    fn cells(&self) -> Vec<Cell> {
        vec![
            Cell::text(&self.code),
            Cell::text(&self.name),
            Cell::Int(self.electors),
            Cell::Int(self.men),
            Cell::Int(self.women),
            Cell::Int(self.other),
            Cell::dec(self.mean_age(), 2),
        ]
    }
}

/// Electors by entity: one row per entity of the election inside the scope, and the total.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct EntityTable {
    pub rows: Vec<EntityRow>,
    pub total: EntityRow,
}

/// Folds the grouped keys into rows; ages are counted on the cut's local day.
pub fn entity_table(
    groups: &[ProfileGroup],
    e: &Election,
    scope: &Scope,
    cut: &Cut,
) -> EntityTable {
    let mut rows: BTreeMap<String, EntityRow> = scope_entities(e, scope)
        .into_iter()
        .map(|c| (c.clone(), new_row(&c)))
        .collect();
    for g in groups {
        let row = rows
            .entry(g.entity.clone())
            .or_insert_with(|| new_row(&g.entity));
        add_group(row, g, e.election_day, cut.day);
    }
    let mut total = EntityRow {
        name: "Total".into(),
        ..EntityRow::default()
    };
    for r in rows.values() {
        total.add(r);
    }
    EntityTable {
        rows: rows.into_values().collect(),
        total,
    }
}

fn new_row(code: &str) -> EntityRow {
    EntityRow {
        code: code.to_string(),
        name: entity_name(code),
        ..EntityRow::default()
    }
}

fn add_group(row: &mut EntityRow, g: &ProfileGroup, election_day: NaiveDate, day: NaiveDate) {
    row.electors += g.n;
    match g.sex.as_str() {
        "H" => row.men += g.n,
        "M" => row.women += g.n,
        _ => row.other += g.n,
    }
    if let Some(birth) = birth_date(&g.birth, election_day) {
        row.age_sum += age_on(birth, day) * g.n;
        row.aged += g.n;
    }
}

impl EntityTable {
    pub fn grid(&self) -> Grid {
        Grid {
            key: "entidades",
            title: "Ciudadanos en la LNERE postal por entidad".into(),
            columns: [
                "Clave",
                "Entidad",
                "Ciudadanos",
                "Hombres",
                "Mujeres",
                "Otro",
                "Edad promedio",
            ]
            .map(String::from)
            .to_vec(),
            rows: self.rows.iter().map(EntityRow::cells).collect(),
            total: Some(self.total.cells()),
            note: "Sexo: posición 15 de la clave de elector (H hombre, M mujer; cualquier otra \
                   marca en «Otro»). Edad: años cumplidos al día del corte, con la fecha de \
                   nacimiento de las posiciones 7 a 12 (AAMMDD), siglo 20AA si así la persona \
                   tiene 18 años el día de la elección, si no 19AA."
                .into(),
        }
    }
}

/// One country of residence: electors per entity (in the table's column order) and in all.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct CountryRow {
    pub code: String,
    pub name: String,
    pub by_entity: Vec<i64>,
    pub total: i64,
}

/// Electors by country of residence, most electors first (ties by country code).
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct CountryTable {
    /// Entity codes of the columns.
    pub entities: Vec<String>,
    pub rows: Vec<CountryRow>,
    pub total: CountryRow,
}

pub fn country_table(counts: &[CountryEntityCount], e: &Election, scope: &Scope) -> CountryTable {
    let mut entities = scope_entities(e, scope);
    for c in counts {
        if !entities.contains(&c.entity) {
            entities.push(c.entity.clone());
        }
    }
    entities.sort();
    let column = |code: &str| entities.iter().position(|x| x == code).unwrap_or(0);
    let mut rows: BTreeMap<String, CountryRow> = BTreeMap::new();
    let mut total = CountryRow {
        code: String::new(),
        name: "Total".into(),
        by_entity: vec![0; entities.len()],
        total: 0,
    };
    for c in counts {
        let row = rows.entry(c.country.clone()).or_insert_with(|| CountryRow {
            code: c.country.clone(),
            name: country_name(&c.country),
            by_entity: vec![0; entities.len()],
            total: 0,
        });
        let i = column(&c.entity);
        row.by_entity[i] += c.n;
        row.total += c.n;
        total.by_entity[i] += c.n;
        total.total += c.n;
    }
    let mut rows: Vec<CountryRow> = rows.into_values().collect();
    rows.sort_by(|a, b| b.total.cmp(&a.total).then(a.code.cmp(&b.code)));
    CountryTable {
        entities,
        rows,
        total,
    }
}

impl CountryTable {
    pub fn grid(&self) -> Grid {
        let cells = |r: &CountryRow, rank: Option<usize>| {
            let mut v = vec![
                rank.map_or(Cell::text(""), |i| Cell::Int(i as i64 + 1)),
                Cell::text(&r.code),
                Cell::text(&r.name),
            ];
            v.extend(r.by_entity.iter().map(|&n| Cell::Int(n)));
            v.push(Cell::Int(r.total));
            v
        };
        let mut columns: Vec<String> = ["Lugar", "Clave", "País de residencia"]
            .map(String::from)
            .to_vec();
        columns.extend(self.entities.iter().map(|c| entity_name(c)));
        columns.push("Total".into());
        Grid {
            key: "paises",
            title: "Ciudadanos en la LNERE postal por país de residencia".into(),
            columns,
            rows: self
                .rows
                .iter()
                .enumerate()
                .map(|(i, r)| cells(r, Some(i)))
                .collect(),
            total: Some(cells(&self.total, None)),
            note: "País: el del domicilio en el extranjero registrado en la lista (ISO 3166-1). \
                   Ordenado de mayor a menor número de ciudadanos."
                .into(),
        }
    }
}
