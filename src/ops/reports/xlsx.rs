//! The report as an XLSX workbook (rust_xlsxwriter): one sheet per table, the title and cut
//! on top, counts and decimals written as numbers (shown `#,##0` and `#,##0.00`), the total
//! row in bold, the table's note under it.

use rust_xlsxwriter::{Format, Workbook, Worksheet, XlsxError};

use super::grid::{Cell, Grid};
use super::{ReportError, Reports, Result};

fn sheet_name(key: &str) -> &'static str {
    match key {
        "entidades" => "Entidades",
        "paises" => "Países",
        "embudo" => "Embudo",
        "tiempos" => "Tiempos",
        _ => "Histogramas",
    }
}

struct Styles {
    title: Format,
    head: Format,
    int: Format,
    dec: [Format; 3],
    bold_text: Format,
    bold_int: Format,
    bold_dec: [Format; 3],
}

fn decimals(bold: bool) -> [Format; 3] {
    ["#,##0", "#,##0.0", "#,##0.00"].map(|f| {
        let fmt = Format::new().set_num_format(f);
        if bold {
            fmt.set_bold()
        } else {
            fmt
        }
    })
}

fn styles() -> Styles {
    Styles {
        title: Format::new().set_bold().set_font_size(13),
        head: Format::new().set_bold().set_text_wrap(),
        int: Format::new().set_num_format("#,##0"),
        dec: decimals(false),
        bold_text: Format::new().set_bold(),
        bold_int: Format::new().set_bold().set_num_format("#,##0"),
        bold_dec: decimals(true),
    }
}

fn cell(
    ws: &mut Worksheet,
    row: u32,
    col: u16,
    c: &Cell,
    s: &Styles,
    bold: bool,
) -> Result<(), XlsxError> {
    match c {
        Cell::Text(t) if bold => ws.write_string_with_format(row, col, t, &s.bold_text)?,
        Cell::Text(t) => ws.write_string(row, col, t)?,
        Cell::Int(n) => {
            let f = if bold { &s.bold_int } else { &s.int };
            ws.write_number_with_format(row, col, *n as f64, f)?
        }
        Cell::Dec { value, places } => {
            let set = if bold { &s.bold_dec } else { &s.dec };
            ws.write_number_with_format(row, col, *value, &set[(*places).min(2)])?
        }
        Cell::Empty => ws,
    };
    Ok(())
}

fn sheet(wb: &mut Workbook, r: &Reports, g: &Grid, s: &Styles) -> Result<(), XlsxError> {
    let ws = wb.add_worksheet();
    ws.set_name(sheet_name(g.key))?;
    ws.write_string_with_format(0, 0, &g.title, &s.title)?;
    ws.write_string(
        1,
        0,
        format!("{} · con corte al {}", r.election, r.cut.label),
    )?;
    let head = 3;
    for (i, c) in g.columns.iter().enumerate() {
        ws.write_string_with_format(head, i as u16, c, &s.head)?;
        ws.set_column_width(i as u16, if i < 3 { 14 } else { 12 })?;
    }
    let mut row = head + 1;
    for cells in &g.rows {
        for (i, c) in cells.iter().enumerate() {
            cell(ws, row, i as u16, c, s, false)?;
        }
        row += 1;
    }
    if let Some(total) = &g.total {
        for (i, c) in total.iter().enumerate() {
            cell(ws, row, i as u16, c, s, true)?;
        }
        row += 1;
    }
    ws.write_string(row + 1, 0, &g.note)?;
    ws.set_freeze_panes(head + 1, 0)?;
    Ok(())
}

/// The workbook's bytes.
pub fn xlsx(r: &Reports) -> Result<Vec<u8>> {
    let mut wb = Workbook::new();
    let s = styles();
    let out = (|| -> Result<Vec<u8>, XlsxError> {
        for g in r.grids() {
            sheet(&mut wb, r, &g, &s)?;
        }
        wb.save_to_buffer()
    })();
    out.map_err(|e| ReportError::Xlsx(e.to_string()))
}
