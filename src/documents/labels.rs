//! `labels.pdf`: one label per PEP for the Sobre-Postal-Voto, on US-Letter label sheets or on
//! 4 × 6 in thermal labels.
//!
//! A label carries the QR code (version 2-H, ≥ 20 mm, 4-module quiet zone), the human-readable
//! code under it, the PEP id, the elector as sender (remitente) and the election's return
//! address (destinatario). Nothing is shrunk below 80% of its size or cut: a line that still
//! does not fit is an error ([`label_problems`] lists them all before printing).

use super::column::{Column, Placed};
use super::fonts::Face;
use super::pdf::{Doc, PageBuilder};
use super::qr::{qr_matrix, QUIET_ZONE};
use super::return_address::block_problem;
use super::{BatchHeader, DocumentError, PepLine};
use printpdf::PdfPage;
use std::io::Write;

/// The label stock.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LabelLayout {
    /// US-Letter sheets of 2 × 5 labels of 4 × 2 in (Avery 5163 / 8163 geometry).
    LetterSheet,
    /// One 4 × 6 in thermal label per page.
    Thermal4x6,
}

/// Where labels sit on a page, in millimetres.
struct Sheet {
    page: (f32, f32),
    label: (f32, f32),
    columns: usize,
    rows: usize,
    origin: (f32, f32),
    pitch: (f32, f32),
}

/// Sizes of one label design.
struct Style {
    pad: f32,
    caption_pt: f32,
    module: f32,
    code_pt: f32,
    small_pt: f32,
    id_pt: f32,
    name_pt: f32,
    line_pt: f32,
    dest_pt: f32,
    /// Sheet: text column to the right of the QR; thermal: text below it.
    text_beside_qr: bool,
}

impl LabelLayout {
    fn sheet(self) -> Sheet {
        match self {
            LabelLayout::LetterSheet => Sheet {
                page: (215.9, 279.4),
                label: (101.6, 50.8),
                columns: 2,
                rows: 5,
                origin: (3.97, 12.7),
                pitch: (101.6 + 4.76, 50.8),
            },
            LabelLayout::Thermal4x6 => Sheet {
                page: (101.6, 152.4),
                label: (101.6, 152.4),
                columns: 1,
                rows: 1,
                origin: (0.0, 0.0),
                pitch: (101.6, 152.4),
            },
        }
    }

    fn style(self) -> Style {
        match self {
            LabelLayout::LetterSheet => Style {
                pad: 3.0,
                caption_pt: 7.5,
                module: 0.85,
                code_pt: 7.0,
                small_pt: 6.5,
                id_pt: 7.0,
                name_pt: 8.0,
                line_pt: 7.0,
                // 7.5 pt: INE's return address (its name wrapped onto three lines, two
                // street lines) fits beside the largest sender block.
                dest_pt: 7.5,
                text_beside_qr: true,
            },
            LabelLayout::Thermal4x6 => Style {
                pad: 5.0,
                caption_pt: 16.0,
                module: 1.2,
                code_pt: 11.0,
                small_pt: 9.0,
                id_pt: 14.0,
                name_pt: 12.0,
                line_pt: 10.5,
                dest_pt: 13.0,
                text_beside_qr: false,
            },
        }
    }

    /// Top-left corner (mm from the page's top-left) of the `slot`-th label of a page.
    pub(crate) fn label_origin(self, slot: usize) -> (f32, f32) {
        let s = self.sheet();
        let (col, row) = (slot % s.columns, slot / s.columns);
        (
            s.origin.0 + col as f32 * s.pitch.0,
            s.origin.1 + row as f32 * s.pitch.1,
        )
    }

    /// Width and height of one label, in millimetres.
    pub(crate) fn label_size(self) -> (f32, f32) {
        self.sheet().label
    }

    /// Labels on one page.
    pub fn labels_per_page(self) -> usize {
        let s = self.sheet();
        s.columns * s.rows
    }
}

/// Everything on one label but the QR symbol, which is drawn at `qr` (top-left of the symbol).
pub(super) struct LabelPlan {
    lines: Vec<Placed>,
    qr: (f32, f32),
    rule: Option<f32>,
}

/// The elector's postal lines, as on an envelope.
fn sender_lines(pep: &PepLine) -> Vec<String> {
    let mut lines: Vec<String> = pep
        .address_lines
        .iter()
        .filter(|l| !l.trim().is_empty())
        .cloned()
        .collect();
    let city = match pep.region.as_deref().filter(|r| !r.trim().is_empty()) {
        Some(region) => format!("{}, {} {}", pep.city, region, pep.postal_code),
        None => format!("{} {}", pep.city, pep.postal_code),
    };
    lines.push(city.trim().to_string());
    lines.push(pep.country_name.to_uppercase());
    lines
}

/// The sender and the return address, from the column's cursor down.
fn plan_addresses(
    text: &mut Column,
    st: &Style,
    header: &BatchHeader,
    pep: &PepLine,
) -> Result<(), String> {
    text.push(Face::Bold, st.small_pt, "Remitente")?;
    text.push(Face::Regular, st.name_pt, &pep.recipient)?;
    for line in sender_lines(pep) {
        text.push(Face::Regular, st.line_pt, &line)?;
    }
    text.gap(st.pad * 0.5);
    text.push(Face::Bold, st.small_pt, "Destinatario")?;
    for line in &header.return_address {
        text.push_wrapped(Face::Bold, st.dest_pt, line)?;
    }
    Ok(())
}

pub(super) fn plan_label(
    header: &BatchHeader,
    pep: &PepLine,
    layout: LabelLayout,
) -> Result<LabelPlan, String> {
    if pep.recipient.trim().is_empty() {
        return Err("falta el nombre del remitente".to_string());
    }
    if header.return_address.is_empty() {
        return Err("falta la dirección de devolución de la elección".to_string());
    }
    let st = layout.style();
    let (w, h) = layout.label_size();
    let quiet = QUIET_ZONE as f32 * st.module;
    let symbol = 25.0 * st.module;
    let column = |x: f32, width: f32, cursor: f32| Column {
        x,
        width,
        cursor,
        bottom: h - st.pad,
        lines: Vec::new(),
    };
    let left_width = if st.text_beside_qr {
        38.0
    } else {
        w - 2.0 * st.pad
    };
    let mut left = column(st.pad, left_width, st.pad);
    left.push(Face::Bold, st.caption_pt, "Sobre-Postal-Voto")?;
    left.gap(st.caption_pt * 0.1);
    let qr = (st.pad + quiet, left.cursor + quiet);
    left.cursor = qr.1 + symbol + quiet;
    left.push(Face::Bold, st.code_pt, pep.code.as_str())?;
    let (mut lines, mut text) = if st.text_beside_qr {
        // Sheet: PEP id under the code, addresses in a column right of the QR.
        left.push(Face::Regular, st.id_pt, &format!("PEP {}", pep.pep_id))?;
        let x = st.pad + 40.0;
        (left.lines, column(x, w - x - st.pad, st.pad))
    } else {
        // Thermal: PEP id right of the QR, addresses below the code.
        let x = qr.0 + symbol + quiet + 2.0;
        let mut beside = column(x, w - x - st.pad, qr.1);
        beside.push(Face::Regular, st.small_pt, "PEP")?;
        beside.push(Face::Bold, st.id_pt, &pep.pep_id)?;
        left.lines.append(&mut beside.lines);
        left.gap(st.pad);
        (Vec::new(), left)
    };
    let rule = (!st.text_beside_qr).then_some(text.cursor - st.pad * 0.4);
    plan_addresses(&mut text, &st, header, pep)?;
    lines.append(&mut text.lines);
    Ok(LabelPlan { lines, qr, rule })
}

/// Every PEP whose label would not fit its box, with the reason; empty when all fit. A return
/// address that does not fit is reported once, as the only problem, not once per PEP.
pub fn label_problems(
    header: &BatchHeader,
    peps: &[PepLine],
    layout: LabelLayout,
) -> Vec<DocumentError> {
    if let Some((_, detail)) = block_problem(&header.return_address, layout) {
        return vec![DocumentError::ReturnAddress {
            field: "return_address".to_string(),
            detail,
        }];
    }
    peps.iter()
        .filter_map(|pep| {
            plan_label(header, pep, layout)
                .err()
                .map(|detail| DocumentError::DoesNotFit {
                    pep_id: pep.pep_id.clone(),
                    detail,
                })
        })
        .collect()
}

fn draw_label(
    page: &mut PageBuilder,
    plan: &LabelPlan,
    pep: &PepLine,
    layout: LabelLayout,
    at: (f32, f32),
) {
    let st = layout.style();
    for l in &plan.lines {
        page.text(l.face, l.size, at.0 + l.x, at.1 + l.baseline, &l.text);
    }
    if let Some(y) = plan.rule {
        let (w, _) = layout.label_size();
        page.line(
            (at.0 + st.pad, at.1 + y),
            (at.0 + w - st.pad, at.1 + y),
            0.5,
        );
    }
    page.qr(
        &qr_matrix(&pep.code),
        at.0 + plan.qr.0,
        at.1 + plan.qr.1,
        st.module,
    );
}

fn label_pages(
    doc: &mut Doc,
    header: &BatchHeader,
    peps: &[PepLine],
    layout: LabelLayout,
) -> Result<Vec<PdfPage>, DocumentError> {
    let sheet = layout.sheet();
    let mut pages = Vec::with_capacity(peps.len().div_ceil(layout.labels_per_page()));
    for chunk in peps.chunks(layout.labels_per_page()) {
        let mut page = doc.page(sheet.page.0, sheet.page.1);
        for (i, pep) in chunk.iter().enumerate() {
            let plan =
                plan_label(header, pep, layout).map_err(|detail| DocumentError::DoesNotFit {
                    pep_id: pep.pep_id.clone(),
                    detail,
                })?;
            draw_label(&mut page, &plan, pep, layout, layout.label_origin(i));
        }
        pages.push(page.finish(doc));
    }
    Ok(pages)
}

/// `labels.pdf` for `peps`, in order, as bytes.
pub fn labels_pdf(
    header: &BatchHeader,
    peps: &[PepLine],
    layout: LabelLayout,
) -> Result<Vec<u8>, DocumentError> {
    let mut out = Vec::new();
    labels_pdf_to(&mut out, header, peps, layout)?;
    Ok(out)
}

/// `labels.pdf` for `peps` written into `w`. For very large batches call it once per slice (a
/// multiple of [`LabelLayout::labels_per_page`]) and write one file per slice: printpdf holds a
/// whole document in memory.
pub fn labels_pdf_to<W: Write>(
    w: &mut W,
    header: &BatchHeader,
    peps: &[PepLine],
    layout: LabelLayout,
) -> Result<(), DocumentError> {
    let title = format!(
        "Etiquetas — {} (lote {})",
        header.batch_name, header.batch_id
    );
    let mut doc = Doc::new(&title, header);
    let pages = label_pages(&mut doc, header, peps, layout)?;
    doc.write(pages, w)
}
