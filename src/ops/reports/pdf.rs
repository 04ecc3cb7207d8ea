//! The report as a PDF laid out like an INE annex (`documents::annex`): the title, the cut,
//! every table in es-MX notation, and the notes on sources.

use chrono::{DateTime, Utc};

use super::grid::{Cell, Grid};
use super::{Reports, Result};
use crate::documents::annex::{annex_pdf, Annex, AnnexTable};

/// The columns on the left that name a row (codes, names, ranks, day ranges).
fn label_columns(g: &Grid) -> usize {
    g.rows
        .first()
        .or(g.total.as_ref())
        .map_or(1, |r| {
            r.iter().take_while(|c| !c.is_number()).count().max(1)
        })
        .max(match g.key {
            "paises" => 3,
            "histogramas" => 1,
            _ => 2,
        })
}

fn annex_table(g: &Grid) -> AnnexTable {
    let fmt = |r: &Vec<Cell>| r.iter().map(Cell::es_mx).collect();
    AnnexTable {
        title: g.title.clone(),
        columns: g.columns.clone(),
        label_columns: label_columns(g).min(g.columns.len()),
        rows: g.rows.iter().map(fmt).collect(),
        total: g.total.as_ref().map(fmt),
        note: g.note.clone(),
    }
}

/// Where the figures come from, printed at the end of the annex.
pub const SOURCES: [&str; 3] = [
    "Fuente: Lista Nominal de Electores Residentes en el Extranjero (modalidad postal) cargada \
     en pep-tracker; eventos de rastreo de las paqueterías; registro de recepción de los \
     Sobres-Postales-Voto.",
    "Sólo cuentan los eventos, las recepciones y las reposiciones ocurridos a la fecha y hora \
     del corte o antes; la lista es la cargada.",
    "Cifras con separador de miles «,» y punto decimal (es-MX).",
];

/// The annex of every table, before it is drawn (the drill's report adds its own tables).
pub fn annex(r: &Reports, generated_on: &str, now: DateTime<Utc>) -> Annex {
    Annex {
        title: "Voto postal de las y los mexicanos residentes en el extranjero".into(),
        subtitle: format!("{} · con corte al {}", r.election, r.cut.label),
        generated_on: generated_on.to_string(),
        generated_at: now,
        tables: r.grids().iter().map(annex_table).collect(),
        notes: SOURCES.iter().map(|s| s.to_string()).collect(),
    }
}

pub fn pdf(r: &Reports, generated_on: &str, now: DateTime<Utc>) -> Result<Vec<u8>> {
    Ok(annex_pdf(&annex(r, generated_on, now))?)
}
