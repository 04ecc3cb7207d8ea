//! Reception documents: the per-MEC list of electors with "VOTÓ", the custody hand-off act of
//! a MEC, and the list of late envelopes for the destruction act. Values in, PDF bytes out.

use chrono::{DateTime, Utc};

use super::fonts::Face;
use super::pdf::{Doc, PageBuilder};
use super::{BatchHeader, DocumentError};

const PAGE: (f32, f32) = (215.9, 279.4); // US Letter, as INE prints abroad-vote forms
const LEFT: f32 = 16.0;
const RIGHT: f32 = PAGE.0 - 16.0;
const ROW: f32 = 5.6;
const TOP: f32 = 44.0;
const BOTTOM: f32 = PAGE.1 - 40.0;

/// What every reception document states.
#[derive(Debug, Clone)]
pub struct ReportMeta {
    pub election: String,
    /// E.g. "MEC postal 20-1 (Oaxaca)" or "Sobres extemporáneos".
    pub subject: String,
    pub generated_on: String,
    pub generated_at: DateTime<Utc>,
}

/// One row of the MEC list.
#[derive(Debug, Clone)]
pub struct MecListRow {
    pub name: String,
    pub elector_key: String,
    pub voted: bool,
    pub seq: Option<i64>,
}

/// One late envelope.
#[derive(Debug, Clone)]
pub struct LateRow {
    pub sender: String,
    pub city: String,
    pub country: String,
    pub pep_id: String,
    pub received: String,
    pub station: String,
    pub seq: i64,
}

struct Column {
    title: &'static str,
    x: f32,
    right_aligned: bool,
}

const fn col(title: &'static str, x: f32, right_aligned: bool) -> Column {
    Column {
        title,
        x,
        right_aligned,
    }
}

fn doc(meta: &ReportMeta, title: &str) -> Doc {
    Doc::new(
        title,
        &BatchHeader {
            election: meta.election.clone(),
            batch_name: meta.subject.clone(),
            batch_id: 0,
            generated_on: meta.generated_on.clone(),
            generated_at: meta.generated_at,
            return_address: Vec::new(),
        },
    )
}

fn head(p: &mut PageBuilder, meta: &ReportMeta, title: &str, page: usize, pages: usize) {
    p.text(Face::Bold, 13.0, LEFT, 18.0, title);
    p.text(
        Face::Regular,
        9.0,
        LEFT,
        25.0,
        &format!("{} · {}", meta.election, meta.subject),
    );
    p.text(
        Face::Regular,
        8.0,
        LEFT,
        PAGE.1 - 10.0,
        &format!("Generado: {}", meta.generated_on),
    );
    p.text_right(
        Face::Regular,
        8.0,
        RIGHT,
        PAGE.1 - 10.0,
        &format!("p. {page} de {pages}"),
    );
}

fn table_head(p: &mut PageBuilder, cols: &[Column], y: f32) {
    for c in cols {
        if c.right_aligned {
            p.text_right(Face::Bold, 8.5, c.x, y, c.title);
        } else {
            p.text(Face::Bold, 8.5, c.x, y, c.title);
        }
    }
    p.line((LEFT, y + 1.6), (RIGHT, y + 1.6), 0.6);
}

/// Lays out `rows` (already formatted cells) over as many pages as needed, then `tail`
/// (totals, signatures) on the last page; returns the PDF.
fn tabular(
    meta: &ReportMeta,
    title: &str,
    cols: &[Column],
    rows: &[Vec<String>],
    tail_height: f32,
    tail: impl Fn(&mut PageBuilder, f32),
) -> Result<Vec<u8>, DocumentError> {
    let per_page = ((BOTTOM - TOP - ROW) / ROW).floor() as usize;
    let mut chunks: Vec<&[Vec<String>]> = rows.chunks(per_page).collect();
    if chunks.is_empty() {
        chunks.push(&[]);
    }
    let last_len = chunks.last().map_or(0, |c| c.len());
    if TOP + ROW * (last_len as f32 + 2.0) + tail_height > BOTTOM {
        chunks.push(&[]);
    }
    let pages = chunks.len();
    let mut d = doc(meta, title);
    let mut out = Vec::new();
    for (i, chunk) in chunks.iter().enumerate() {
        let mut p = d.page(PAGE.0, PAGE.1);
        head(&mut p, meta, title, i + 1, pages);
        let mut y = TOP;
        if !chunk.is_empty() {
            table_head(&mut p, cols, y);
            for row in chunk.iter() {
                y += ROW;
                for (c, cell) in cols.iter().zip(row) {
                    if c.right_aligned {
                        p.text_right(Face::Regular, 8.5, c.x, y, cell);
                    } else {
                        p.text(Face::Regular, 8.5, c.x, y, cell);
                    }
                }
            }
        }
        if i + 1 == pages {
            tail(&mut p, y + 2.0 * ROW);
        }
        out.push(p.finish(&mut d));
    }
    let mut bytes = Vec::new();
    d.write(out, &mut bytes)?;
    Ok(bytes)
}

fn signatures(p: &mut PageBuilder, y: f32, left: &str, right: &str) {
    for (x, who) in [(LEFT, left), (PAGE.0 / 2.0 + 4.0, right)] {
        p.text(Face::Bold, 9.0, x, y, who);
        for (i, label) in ["Nombre", "Cargo", "Firma", "Fecha y hora"]
            .iter()
            .enumerate()
        {
            let yy = y + 9.0 + i as f32 * 8.0;
            p.text(Face::Regular, 8.0, x, yy, label);
            p.line((x + 22.0, yy + 0.8), (x + 88.0, yy + 0.8), 0.3);
        }
    }
}

/// The list of a MEC's electors with "VOTÓ" where an envelope was accepted, and its counts.
pub fn mec_list_pdf(meta: &ReportMeta, rows: &[MecListRow]) -> Result<Vec<u8>, DocumentError> {
    let cols = [
        col("#", LEFT + 8.0, true),
        col("Elector", LEFT + 12.0, false),
        col("Clave de elector", LEFT + 112.0, false),
        col("Marca", LEFT + 152.0, false),
        col("Folio", RIGHT, true),
    ];
    let cells: Vec<Vec<String>> = rows
        .iter()
        .enumerate()
        .map(|(i, r)| {
            vec![
                (i + 1).to_string(),
                r.name.clone(),
                r.elector_key.clone(),
                if r.voted {
                    "VOTÓ".into()
                } else {
                    String::new()
                },
                r.seq.map(|s| s.to_string()).unwrap_or_default(),
            ]
        })
        .collect();
    let voted = rows.iter().filter(|r| r.voted).count();
    tabular(
        meta,
        "Lista de electores de la MEC postal",
        &cols,
        &cells,
        20.0,
        |p, y| {
            p.text(
                Face::Bold,
                9.5,
                LEFT,
                y,
                &format!("Electores en la lista: {}", rows.len()),
            );
            p.text(
                Face::Bold,
                9.5,
                LEFT,
                y + 6.0,
                &format!("Sobres recibidos en tiempo (marca VOTÓ): {voted}"),
            );
        },
    )
}

/// The custody hand-off act: envelopes of a MEC delivered, closed, to its table.
pub fn custody_act_pdf(
    meta: &ReportMeta,
    electors: usize,
    envelopes: usize,
) -> Result<Vec<u8>, DocumentError> {
    let title = "Acta de entrega-recepción de Sobres-Postales-Voto a la MEC";
    let mut d = doc(meta, title);
    let mut p = d.page(PAGE.0, PAGE.1);
    head(&mut p, meta, title, 1, 1);
    let text = [
        format!("Electores en la lista de la MEC: {electors}"),
        format!("Sobres-Postales-Voto recibidos en tiempo y entregados cerrados: {envelopes}"),
        "Los sobres se entregan sin abrir, en paquete cerrado y firmado, para su escrutinio y".to_string(),
        "cómputo el día de la jornada electoral. Ninguno contiene datos del elector dentro del Sobre-Voto.".to_string(),
    ];
    for (i, line) in text.iter().enumerate() {
        p.text(
            if i < 2 { Face::Bold } else { Face::Regular },
            10.0,
            LEFT,
            50.0 + i as f32 * 7.0,
            line,
        );
    }
    signatures(
        &mut p,
        100.0,
        "Entrega (área de recepción)",
        "Recibe (presidencia de la MEC)",
    );
    signatures(
        &mut p,
        150.0,
        "Representante de partido",
        "Representante de partido",
    );
    let mut bytes = Vec::new();
    let page = p.finish(&mut d);
    d.write(vec![page], &mut bytes)?;
    Ok(bytes)
}

/// "Relación de sobres extemporáneos": by sender, with the receipt time, for the act of
/// destruction without opening before party representatives.
pub fn late_list_pdf(meta: &ReportMeta, rows: &[LateRow]) -> Result<Vec<u8>, DocumentError> {
    let cols = [
        col("#", LEFT + 8.0, true),
        col("Remitente", LEFT + 12.0, false),
        col("Ciudad, país", LEFT + 80.0, false),
        col("PEP", LEFT + 120.0, false),
        col("Recibido", LEFT + 146.0, false),
        col("Folio", RIGHT, true),
    ];
    let cells: Vec<Vec<String>> = rows
        .iter()
        .enumerate()
        .map(|(i, r)| {
            vec![
                (i + 1).to_string(),
                r.sender.clone(),
                format!("{}, {}", r.city, r.country),
                r.pep_id.clone(),
                r.received.clone(),
                r.seq.to_string(),
            ]
        })
        .collect();
    tabular(
        meta,
        "Relación de sobres extemporáneos",
        &cols,
        &cells,
        70.0,
        |p, y| {
            p.text(
                Face::Bold,
                9.5,
                LEFT,
                y,
                &format!("Total de sobres extemporáneos: {}", rows.len()),
            );
            p.text(Face::Regular, 8.5, LEFT, y + 6.0, "Se destruyen sin abrir, en presencia de las representaciones de los partidos políticos.");
            signatures(
                p,
                y + 16.0,
                "Funcionario responsable",
                "Representante de partido",
            );
        },
    )
}
