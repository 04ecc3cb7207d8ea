//! A statistical annex as INE prints it: a title, the cut ("con corte al …"), tables of
//! already formatted cells (label columns on the left, figures right-aligned, a bold total
//! row, each with its note) and the notes on sources at the end. Landscape US Letter; a table
//! wider than the page is split into column groups that repeat its label columns, and one
//! longer than a page continues on the next with its heading repeated. Values in, PDF out.

use chrono::{DateTime, Utc};

use super::fonts::{self, Face};
use super::pdf::{Doc, PageBuilder};
use super::{BatchHeader, DocumentError};

const PAGE: (f32, f32) = (279.4, 215.9);
const LEFT: f32 = 14.0;
const RIGHT: f32 = PAGE.0 - 14.0;
const TOP: f32 = 30.0;
const BOTTOM: f32 = PAGE.1 - 16.0;
const SIZE: f32 = 7.5;
const ROW: f32 = 4.4;
const GAP: f32 = 3.0;
/// Widest a heading may make its column before it wraps.
const MAX_HEAD: f32 = 30.0;

/// The document.
#[derive(Debug, Clone)]
pub struct Annex {
    pub title: String,
    /// "PEL 2021-2022 · con corte al 15 de noviembre de 2021, 23:59 (America/Mexico_City)".
    pub subtitle: String,
    pub generated_on: String,
    pub generated_at: DateTime<Utc>,
    pub tables: Vec<AnnexTable>,
    /// Notes on sources, printed after the tables.
    pub notes: Vec<String>,
}

/// One table, every cell already formatted.
#[derive(Debug, Clone)]
pub struct AnnexTable {
    pub title: String,
    pub columns: Vec<String>,
    /// How many columns on the left name the row (repeated in every column group).
    pub label_columns: usize,
    pub rows: Vec<Vec<String>>,
    pub total: Option<Vec<String>>,
    pub note: String,
}

/// What goes on a page, placed, before the page count is known.
enum Mark {
    Text(Face, f32, f32, f32, String),
    Right(Face, f32, f32, f32, String),
    Rule(f32, f32, f32),
}

struct Layout {
    pages: Vec<Vec<Mark>>,
    y: f32,
}

impl Layout {
    fn page(&mut self) -> &mut Vec<Mark> {
        if self.pages.is_empty() {
            self.pages.push(Vec::new());
        }
        let last = self.pages.len() - 1;
        &mut self.pages[last]
    }

    /// Room for `h` millimetres below the cursor, on a new page if needed.
    fn room(&mut self, h: f32) {
        if self.pages.is_empty() || self.y + h > BOTTOM {
            self.pages.push(Vec::new());
            self.y = TOP;
        }
    }

    fn wrapped(&mut self, face: Face, size: f32, text: &str, width: f32) {
        for line in lines(face, size, width, text) {
            self.room(size * 0.5);
            self.y += size * 0.5;
            let y = self.y;
            self.page().push(Mark::Text(face, size, LEFT, y, line));
        }
    }
}

/// `text` broken at spaces into lines no wider than `width` millimetres.
fn lines(face: Face, size: f32, width: f32, text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    for word in text.split_whitespace() {
        let candidate = if current.is_empty() {
            word.to_string()
        } else {
            format!("{current} {word}")
        };
        if fonts::width_mm(face, size, &candidate) > width && !current.is_empty() {
            out.push(std::mem::replace(&mut current, word.to_string()));
        } else {
            current = candidate;
        }
    }
    if !current.is_empty() {
        out.push(current);
    }
    out
}

/// Each column's width: its widest cell, and its heading up to [`MAX_HEAD`].
fn widths(t: &AnnexTable) -> Vec<f32> {
    (0..t.columns.len())
        .map(|i| {
            let cells = t.rows.iter().chain(t.total.iter()).filter_map(|r| r.get(i));
            let data = cells
                .map(|c| fonts::width_mm(Face::Bold, SIZE, c))
                .fold(0.0, f32::max);
            let head = fonts::width_mm(Face::Bold, SIZE, &t.columns[i]).min(MAX_HEAD);
            data.max(head).max(6.0) + GAP
        })
        .collect()
}

/// The value columns split into groups that fit beside the label columns.
fn groups(t: &AnnexTable, w: &[f32]) -> Vec<Vec<usize>> {
    let labels = t.label_columns.min(t.columns.len());
    let room = RIGHT - LEFT - w[..labels].iter().sum::<f32>();
    let mut out: Vec<Vec<usize>> = vec![Vec::new()];
    let mut used = 0.0;
    for (i, &width) in w.iter().enumerate().skip(labels) {
        let full = out.last().is_some_and(|g| !g.is_empty());
        if full && used + width > room {
            out.push(Vec::new());
            used = 0.0;
        }
        used += width;
        if let Some(g) = out.last_mut() {
            g.push(i);
        }
    }
    out.into_iter()
        .map(|g| (0..labels).chain(g).collect())
        .collect()
}

/// Where a column group's columns sit: (left, right, figures right-aligned) each.
struct Placed {
    x: Vec<(f32, f32, bool)>,
    /// Right end of the last column.
    end: f32,
    heads: Vec<Vec<String>>,
    head_h: f32,
}

impl Placed {
    fn new(t: &AnnexTable, w: &[f32], cols: &[usize]) -> Placed {
        let mut x = Vec::with_capacity(cols.len());
        let mut at = LEFT;
        for &c in cols {
            x.push((at, at + w[c] - GAP, c >= t.label_columns));
            at += w[c];
        }
        let heads: Vec<Vec<String>> = cols
            .iter()
            .map(|&c| lines(Face::Bold, SIZE, w[c] - GAP, &t.columns[c]))
            .collect();
        let head_h = heads.iter().map(Vec::len).max().unwrap_or(1) as f32 * ROW;
        Placed {
            x,
            end: at - GAP,
            heads,
            head_h,
        }
    }

    fn cell(&self, k: usize, face: Face, y: f32, text: String) -> Mark {
        let (left, right, num) = self.x[k];
        if num {
            Mark::Right(face, SIZE, right, y, text)
        } else {
            Mark::Text(face, SIZE, left, y, text)
        }
    }

    /// The column headings and their rule, on a new page when they would sit alone.
    fn heading(&self, l: &mut Layout) {
        l.room(self.head_h + 3.0 * ROW);
        for (k, hl) in self.heads.iter().enumerate() {
            for (j, line) in hl.iter().enumerate() {
                let m = self.cell(k, Face::Bold, l.y + (j as f32 + 1.0) * ROW, line.clone());
                l.page().push(m);
            }
        }
        l.y += self.head_h + 1.2;
        let y = l.y;
        l.page().push(Mark::Rule(LEFT, self.end, y));
    }
}

fn table(l: &mut Layout, t: &AnnexTable) {
    let w = widths(t);
    for cols in groups(t, &w) {
        let placed = Placed::new(t, &w, &cols);
        // The title never sits alone at the foot of a page.
        l.room(ROW * 2.0 + placed.head_h + 3.0 * ROW);
        l.y += ROW * 1.4;
        let y = l.y;
        l.page()
            .push(Mark::Text(Face::Bold, 10.0, LEFT, y, t.title.clone()));
        placed.heading(l);
        let rows = t.rows.iter().map(|r| (r, Face::Regular));
        for (row, face) in rows.chain(t.total.iter().map(|r| (r, Face::Bold))) {
            if l.y + ROW > BOTTOM {
                placed.heading(l);
            }
            if face == Face::Bold {
                let y = l.y + 1.0;
                l.page().push(Mark::Rule(LEFT, placed.end, y));
            }
            l.y += ROW;
            for (k, &c) in cols.iter().enumerate() {
                let m = placed.cell(k, face, l.y, row.get(c).cloned().unwrap_or_default());
                l.page().push(m);
            }
        }
        l.y += 2.0;
    }
    l.wrapped(Face::Regular, 6.5, &t.note, RIGHT - LEFT);
}

fn draw(p: &mut PageBuilder, marks: &[Mark]) {
    for m in marks {
        match m {
            Mark::Text(f, s, x, y, t) => p.text(*f, *s, *x, *y, t),
            Mark::Right(f, s, x, y, t) => p.text_right(*f, *s, *x, *y, t),
            Mark::Rule(a, b, y) => p.line((*a, *y), (*b, *y), 0.4),
        }
    }
}

/// The annex as a PDF.
pub fn annex_pdf(a: &Annex) -> Result<Vec<u8>, DocumentError> {
    let mut l = Layout {
        pages: Vec::new(),
        y: TOP,
    };
    l.room(0.0);
    for t in &a.tables {
        table(&mut l, t);
    }
    l.room(ROW * 3.0);
    l.y += ROW * 1.5;
    let y = l.y;
    l.page().push(Mark::Text(
        Face::Bold,
        10.0,
        LEFT,
        y,
        "Notas y fuentes".into(),
    ));
    l.y += 1.0;
    for n in &a.notes {
        l.wrapped(Face::Regular, 7.5, n, RIGHT - LEFT);
        l.y += 1.0;
    }
    let mut d = Doc::new(
        &a.title,
        &BatchHeader {
            election: a.subtitle.clone(),
            batch_name: a.title.clone(),
            batch_id: 0,
            generated_on: a.generated_on.clone(),
            generated_at: a.generated_at,
            return_address: Vec::new(),
        },
    );
    let total = l.pages.len();
    let mut pages = Vec::with_capacity(total);
    for (i, marks) in l.pages.iter().enumerate() {
        let mut p = d.page(PAGE.0, PAGE.1);
        p.text(Face::Bold, 13.0, LEFT, 15.0, &a.title);
        p.text(Face::Regular, 9.0, LEFT, 21.5, &a.subtitle);
        p.line((LEFT, 24.0), (RIGHT, 24.0), 0.6);
        draw(&mut p, marks);
        let foot = PAGE.1 - 8.0;
        let generated = format!("Generado: {}", a.generated_on);
        p.text(Face::Regular, 7.5, LEFT, foot, &generated);
        p.text_right(
            Face::Regular,
            7.5,
            RIGHT,
            foot,
            &format!("p. {} de {total}", i + 1),
        );
        pages.push(p.finish(&mut d));
    }
    let mut bytes = Vec::new();
    d.write(pages, &mut bytes)?;
    Ok(bytes)
}
