//! Drawing the manifest's pages: running header and footer, the summary, the PEP table, the
//! totals per country and the hand-off block.

use super::{cell, thousands, CountryTotal, Item, ManifestLayout, Table};
use crate::documents::fonts::{self, Face};
use crate::documents::pdf::{Doc, PageBuilder};
use crate::documents::{BatchHeader, DocumentError, PepLine};
use std::io::Write;
use std::ops::Range;

const PAGE: (f32, f32) = (215.9, 279.4);
const MARGIN: f32 = 15.0;
pub(super) const BODY_TOP: f32 = 26.0;
pub(super) const BODY_BOTTOM: f32 = 262.0;
pub(super) const ROW: f32 = 4.4;
pub(super) const TABLE_HEADER: f32 = 6.5;
pub(super) const SUMMARY_LINE: f32 = 4.6;
pub(super) const HAND_OFF: f32 = 74.0;
const ROW_PT: f32 = 7.0;
/// Columns of the PEP table: title, left edge, width (mm); the first is right-aligned.
const COLUMNS: [(&str, f32, f32); 7] = [
    ("#", 15.0, 11.0),
    ("PEP", 28.0, 24.0),
    ("Destinatario", 53.0, 48.0),
    ("Ciudad", 102.0, 30.0),
    ("C.P.", 133.0, 17.0),
    ("País", 151.0, 8.0),
    ("Guía", 160.0, 40.9),
];

pub(super) fn summary_lines(
    header: &BatchHeader,
    total: usize,
    countries: &[CountryTotal],
) -> Vec<String> {
    let mut lines = vec![
        format!("Elección: {}", header.election),
        format!("Lote: {} (núm. {})", header.batch_name, header.batch_id),
        format!("Fecha de generación: {}", header.generated_on),
        format!("Paquetes electorales postales (PEP): {}", thousands(total)),
    ];
    let mut mix: Vec<String> = countries
        .iter()
        .take(6)
        .map(|c| {
            let share = c.peps as f64 * 100.0 / total.max(1) as f64;
            let n = thousands(c.peps);
            format!("{} ({}) {n} ({share:.1} %)", c.country_name, c.country)
        })
        .collect();
    if countries.len() > 6 {
        mix.push(format!("y {} países más", countries.len() - 6));
    }
    let mut line = String::from("Destinos:");
    for part in mix {
        let candidate = format!("{line} {part}");
        if fonts::width_mm(Face::Regular, 9.0, &candidate) > PAGE.0 - 2.0 * MARGIN {
            lines.push(std::mem::replace(&mut line, format!("    {part}")));
        } else {
            line = candidate;
        }
        line.push(';');
    }
    line.pop();
    lines.push(line);
    lines
}

fn running_header(page: &mut PageBuilder, header: &BatchHeader, number: usize, total: usize) {
    let title = format!(
        "Manifiesto de entrega · {} (lote {})",
        header.batch_name, header.batch_id
    );
    let title = fonts::truncate(Face::Bold, 9.0, 120.0, &title);
    page.text(Face::Bold, 9.0, MARGIN, 18.0, &title);
    let election = cell(8.0, 60.0, &header.election);
    page.text_right(Face::Regular, 8.0, PAGE.0 - MARGIN, 18.0, &election);
    page.line((MARGIN, 20.5), (PAGE.0 - MARGIN, 20.5), 0.6);
    let generated = format!("Generado: {}", header.generated_on);
    page.text(Face::Regular, 7.0, MARGIN, 270.0, &generated);
    let number = format!("p. {number} de {total}");
    page.text_right(Face::Regular, 8.0, PAGE.0 - MARGIN, 270.0, &number);
}

fn table_header(page: &mut PageBuilder, table: Table, y: f32) {
    let baseline = y + 4.2;
    match table {
        Table::Peps => {
            for (i, (title, x, w)) in COLUMNS.iter().enumerate() {
                if i == 0 {
                    page.text_right(Face::Bold, ROW_PT, x + w, baseline, title);
                } else {
                    page.text(Face::Bold, ROW_PT, *x, baseline, title);
                }
            }
        }
        Table::Countries => {
            page.text(Face::Bold, ROW_PT, MARGIN, baseline, "País");
            page.text(Face::Bold, ROW_PT, 30.0, baseline, "Nombre");
            page.text_right(Face::Bold, ROW_PT, 120.0, baseline, "PEP");
        }
    }
    page.line((MARGIN, y + 5.6), (PAGE.0 - MARGIN, y + 5.6), 0.4);
}

fn pep_row(page: &mut PageBuilder, index: usize, pep: &PepLine, baseline: f32) {
    let guia = pep.guia.as_deref().unwrap_or("—");
    let cells = [
        pep.pep_id.as_str(),
        &pep.recipient,
        &pep.city,
        &pep.postal_code,
        &pep.country,
        guia,
    ];
    let (_, x, w) = COLUMNS[0];
    page.text_right(
        Face::Regular,
        ROW_PT,
        x + w,
        baseline,
        &thousands(index + 1),
    );
    for (text, (_, x, w)) in cells.iter().zip(&COLUMNS[1..]) {
        page.text(
            Face::Regular,
            ROW_PT,
            *x,
            baseline,
            &cell(ROW_PT, w - 1.0, text),
        );
    }
}

fn frame(page: &mut PageBuilder, (x0, y0): (f32, f32), (x1, y1): (f32, f32)) {
    page.line((x0, y0), (x1, y0), 0.5);
    page.line((x1, y0), (x1, y1), 0.5);
    page.line((x1, y1), (x0, y1), 0.5);
    page.line((x0, y1), (x0, y0), 0.5);
}

fn hand_off(page: &mut PageBuilder, total: usize, y: f32) {
    page.text(
        Face::Bold,
        10.0,
        MARGIN,
        y + 6.0,
        "Entrega al transportista",
    );
    let count = format!("Número de PEP en este manifiesto: {}", thousands(total));
    page.text(Face::Regular, 9.0, MARGIN, y + 11.5, &count);
    let boxes = [
        ("ENTREGA (INE)", MARGIN),
        ("RECEPCIÓN (transportista)", 110.0),
    ];
    let fields = ["Nombre", "Firma", "Fecha y hora", "Número de PEP"];
    for (title, x) in boxes {
        let (top, w, bottom) = (y + 15.0, 90.9, y + HAND_OFF - 2.0);
        frame(page, (x, top), (x + w, bottom));
        page.text(Face::Bold, 8.5, x + 3.0, top + 6.0, title);
        for (i, field) in fields.iter().enumerate() {
            let base = top + 15.0 + i as f32 * 10.5;
            page.text(Face::Regular, 8.0, x + 3.0, base, &format!("{field}:"));
            page.line((x + 30.0, base + 0.8), (x + w - 4.0, base + 0.8), 0.3);
        }
    }
}

fn country_row(page: &mut PageBuilder, total: &CountryTotal, baseline: f32) {
    page.text(Face::Regular, ROW_PT, MARGIN, baseline, &total.country);
    let name = cell(ROW_PT, 70.0, &total.country_name);
    page.text(Face::Regular, ROW_PT, 30.0, baseline, &name);
    page.text_right(
        Face::Regular,
        ROW_PT,
        120.0,
        baseline,
        &thousands(total.peps),
    );
}

/// Page `number` (0-based); `peps[0]` is PEP number `first_pep` of the batch.
fn draw_page(
    page: &mut PageBuilder,
    layout: &ManifestLayout,
    peps: &[PepLine],
    first_pep: usize,
    number: usize,
) {
    running_header(page, &layout.header, number + 1, layout.page_count());
    let mut y = BODY_TOP;
    let mut table = None;
    for index in layout.pages[number].clone() {
        let item = layout.item(index);
        if let Some(t) = item.table().filter(|&t| table != Some(t)) {
            table_header(page, t, y);
            y += TABLE_HEADER;
        }
        table = item.table();
        let baseline = y + 3.3;
        match item {
            Item::Summary => {
                for (i, line) in layout.summary_lines.iter().enumerate() {
                    let base = y + 4.0 + i as f32 * SUMMARY_LINE;
                    page.text(Face::Regular, 9.0, MARGIN, base, line);
                }
            }
            Item::Row(i) => pep_row(page, i, &peps[i - first_pep], baseline),
            Item::TotalsTitle => page.text(Face::Bold, 10.0, MARGIN, y + 6.5, "Totales por país"),
            Item::Country(k) => country_row(page, &layout.countries[k], baseline),
            Item::GrandTotal => {
                page.line((MARGIN, y + 0.5), (120.0, y + 0.5), 0.4);
                page.text(Face::Bold, ROW_PT, MARGIN, baseline + 1.2, "Total");
                let total = thousands(layout.total);
                page.text_right(Face::Bold, ROW_PT, 120.0, baseline + 1.2, &total);
            }
            Item::HandOff => hand_off(page, layout.total, y),
        }
        y += layout.height(item);
    }
}

/// One PDF with `pages`; `peps` are the batch's PEPs from number `first_pep` on.
pub(super) fn write<W: Write>(
    layout: &ManifestLayout,
    w: &mut W,
    peps: &[PepLine],
    first_pep: usize,
    pages: Range<usize>,
) -> Result<(), DocumentError> {
    let header = &layout.header;
    let title = format!(
        "Manifiesto — {} (lote {})",
        header.batch_name, header.batch_id
    );
    let mut doc = Doc::new(&title, header);
    let rendered = pages
        .map(|n| {
            let mut page = doc.page(PAGE.0, PAGE.1);
            draw_page(&mut page, layout, peps, first_pep, n);
            page.finish(&mut doc)
        })
        .collect();
    doc.write(rendered, w)
}
