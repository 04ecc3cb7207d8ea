//! `manifest.pdf`: what the courier signs for. A summary of the batch (election, batch, date,
//! destination mix), one row per PEP, totals per country and the hand-off block (entrega /
//! recepción), with "p. X de Y" on every page.
//!
//! Every block has a fixed height, so the pagination follows from the number of PEPs and the
//! country totals alone ([`ManifestLayout`]). Any page range can then be rendered with just the
//! PEPs it shows, numbered globally: a caller can stream a huge batch into several files
//! without holding all its rows.

mod draw;

use super::fonts::{self, Face};
use super::{BatchHeader, DocumentError, PepLine};
use std::collections::HashMap;
use std::io::Write;
use std::ops::Range;

/// PEPs per destination country, as the manifest totals them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CountryTotal {
    /// ISO 3166-1 alpha-2.
    pub country: String,
    pub country_name: String,
    pub peps: usize,
}

/// Totals per country of `peps`, largest first (ties by name).
pub fn country_totals(peps: &[PepLine]) -> Vec<CountryTotal> {
    let mut counts: HashMap<(&str, &str), usize> = HashMap::new();
    for p in peps {
        *counts.entry((&p.country, &p.country_name)).or_default() += 1;
    }
    let mut out: Vec<CountryTotal> = counts
        .into_iter()
        .map(|((iso, name), peps)| CountryTotal {
            country: iso.to_string(),
            country_name: name.to_string(),
            peps,
        })
        .collect();
    sort_totals(&mut out);
    out
}

fn sort_totals(totals: &mut [CountryTotal]) {
    totals.sort_by(|a, b| {
        b.peps
            .cmp(&a.peps)
            .then_with(|| a.country_name.cmp(&b.country_name))
    });
}

/// One block of the manifest, in reading order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Item {
    Summary,
    Row(usize),
    TotalsTitle,
    Country(usize),
    GrandTotal,
    HandOff,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Table {
    Peps,
    Countries,
}

impl Item {
    fn table(self) -> Option<Table> {
        match self {
            Item::Row(_) => Some(Table::Peps),
            Item::Country(_) | Item::GrandTotal => Some(Table::Countries),
            _ => None,
        }
    }
}

/// The pagination of a manifest, computed from counts only.
#[derive(Debug, Clone)]
pub struct ManifestLayout {
    header: BatchHeader,
    total: usize,
    countries: Vec<CountryTotal>,
    summary_lines: Vec<String>,
    /// Item indices (see [`ManifestLayout::item`]) of each page.
    pages: Vec<Range<usize>>,
}

impl ManifestLayout {
    /// The layout of a manifest of `total` PEPs whose destinations add up to `countries`.
    pub fn new(
        header: &BatchHeader,
        total: usize,
        mut countries: Vec<CountryTotal>,
    ) -> ManifestLayout {
        sort_totals(&mut countries);
        let summary_lines = draw::summary_lines(header, total, &countries);
        let mut layout = ManifestLayout {
            header: header.clone(),
            total,
            countries,
            summary_lines,
            pages: Vec::new(),
        };
        layout.paginate();
        layout
    }

    pub fn page_count(&self) -> usize {
        self.pages.len()
    }

    /// The PEP indices shown on `pages` (0-based page numbers).
    pub fn peps_on_pages(&self, pages: Range<usize>) -> Range<usize> {
        let rows = |r: &Range<usize>| {
            let first = r.start.clamp(1, self.total + 1) - 1;
            let end = r.end.clamp(1, self.total + 1) - 1;
            first..end
        };
        match (
            self.pages.get(pages.start),
            pages.end.checked_sub(1).and_then(|l| self.pages.get(l)),
        ) {
            (Some(first), Some(last)) if pages.start < pages.end => {
                rows(first).start..rows(last).end
            }
            _ => 0..0,
        }
    }

    /// Items: 0 the summary, 1..=total the rows, then the totals and the hand-off block.
    fn item_count(&self) -> usize {
        self.total + self.countries.len() + 4
    }

    fn item(&self, index: usize) -> Item {
        let after_rows = self.total + 1;
        let after_countries = after_rows + 1 + self.countries.len();
        match index {
            0 => Item::Summary,
            i if i < after_rows => Item::Row(i - 1),
            i if i == after_rows => Item::TotalsTitle,
            i if i < after_countries => Item::Country(i - after_rows - 1),
            i if i == after_countries => Item::GrandTotal,
            _ => Item::HandOff,
        }
    }

    fn height(&self, item: Item) -> f32 {
        match item {
            Item::Summary => self.summary_lines.len() as f32 * draw::SUMMARY_LINE + 4.0,
            Item::Row(_) | Item::Country(_) => draw::ROW,
            Item::GrandTotal => draw::ROW + 1.5,
            Item::TotalsTitle => 9.0,
            Item::HandOff => draw::HAND_OFF,
        }
    }

    fn paginate(&mut self) {
        let mut start = 0;
        let mut y = draw::BODY_TOP;
        let mut table = None;
        for i in 0..self.item_count() {
            let item = self.item(i);
            let opens_table = item.table().is_some() && item.table() != table;
            let header = if opens_table { draw::TABLE_HEADER } else { 0.0 };
            // Keep the totals title with the totals' header and first row.
            let keep = if item == Item::TotalsTitle {
                draw::TABLE_HEADER + draw::ROW
            } else {
                0.0
            };
            if y + header + self.height(item) + keep > draw::BODY_BOTTOM && i > start {
                self.pages.push(start..i);
                start = i;
                y = draw::BODY_TOP;
                table = None;
            }
            if item.table().is_some() && item.table() != table {
                y += draw::TABLE_HEADER;
            }
            table = item.table();
            y += self.height(item);
        }
        self.pages.push(start..self.item_count());
    }

    /// Render `pages` into one PDF. `peps` holds exactly the PEPs of
    /// [`ManifestLayout::peps_on_pages`]`(pages)`, in order.
    pub fn write_pages_to<W: Write>(
        &self,
        w: &mut W,
        peps: &[PepLine],
        pages: Range<usize>,
    ) -> Result<(), DocumentError> {
        let total = self.page_count();
        let rows = self.peps_on_pages(pages.clone());
        if pages.start >= pages.end || pages.end > total || rows.len() != peps.len() {
            return Err(DocumentError::PageRange {
                start: pages.start,
                end: pages.end,
                total,
            });
        }
        draw::write(self, w, peps, rows.start, pages)
    }
}

/// Pages of the manifest of `peps`.
pub fn manifest_page_count(header: &BatchHeader, peps: &[PepLine]) -> usize {
    ManifestLayout::new(header, peps.len(), country_totals(peps)).page_count()
}

/// `manifest.pdf` for the whole batch, as bytes.
pub fn manifest_pdf(header: &BatchHeader, peps: &[PepLine]) -> Result<Vec<u8>, DocumentError> {
    let layout = ManifestLayout::new(header, peps.len(), country_totals(peps));
    let mut out = Vec::new();
    layout.write_pages_to(&mut out, peps, 0..layout.page_count())?;
    Ok(out)
}

/// Thousands separated by commas, as in Mexico.
fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// `text` cut to `max_mm` at `size` points of the regular face.
fn cell(size: f32, max_mm: f32, text: &str) -> std::borrow::Cow<'_, str> {
    fonts::truncate(Face::Regular, size, max_mm, text)
}
