//! The printed documents of a shipping batch: `manifest.pdf`, `labels.pdf` and `courier.csv`.
//!
//! Domain values in, bytes out: no database, no HTTP, no clock (the generation time comes in the
//! [`BatchHeader`]). PDFs are drawn with printpdf and the DejaVu Sans fonts shipped in
//! `static/fonts/` (embedded with `include_bytes!`, so accents and ñ render and survive
//! `pdftotext`); QR codes come from the qrcode crate and are drawn as vector squares.
//!
//! Big batches: printpdf keeps a whole document in memory, so a caller that wants bounded memory
//! renders labels one slice at a time ([`labels_pdf_to`]) and the manifest one page range at a
//! time ([`ManifestLayout::write_pages_to`], global "p. X de Y"), one file each; neither needs
//! the whole batch in memory (see `benches/documents.rs`).

pub mod annex;
mod column;
mod courier;
mod fonts;
mod labels;
mod manifest;
pub mod maps;
mod pdf;
mod qr;
pub mod reception;
mod return_address;

#[cfg(test)]
mod tests;

pub use courier::courier_csv;
pub use fonts::unsupported_chars;
pub use labels::{label_problems, labels_pdf, labels_pdf_to, LabelLayout};
pub use manifest::{
    country_totals, manifest_page_count, manifest_pdf, CountryTotal, ManifestLayout,
};
pub use qr::{qr_matrix, QrMatrix};
pub use return_address::{check_return_address, return_address_lines};

use crate::domain::code::EnvelopeCode;
use chrono::{DateTime, Utc};

/// What every document of a batch says about the batch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BatchHeader {
    pub election: String,
    pub batch_name: String,
    pub batch_id: i64,
    /// Already formatted local date-time, printed as is.
    pub generated_on: String,
    /// The same instant, written into the PDF metadata (creation date).
    pub generated_at: DateTime<Utc>,
    /// The return address of the election (the Sobre-Postal-Voto's destinatario), one line each.
    pub return_address: Vec<String>,
}

/// One PEP of the batch, as the documents need it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PepLine {
    pub pep_id: String,
    /// The elector: recipient of the PEP, sender (remitente) of the return envelope.
    pub recipient: String,
    pub address_lines: Vec<String>,
    pub city: String,
    pub region: Option<String>,
    pub postal_code: String,
    /// ISO 3166-1 alpha-2.
    pub country: String,
    /// The country's name in Spanish.
    pub country_name: String,
    pub phone: Option<String>,
    pub email: Option<String>,
    /// Outbound tracking number, once known.
    pub guia: Option<String>,
    pub code: EnvelopeCode,
}

/// Why a document could not be produced.
#[derive(Debug, thiserror::Error)]
pub enum DocumentError {
    #[error("no se pudo escribir el documento: {0}")]
    Io(#[from] std::io::Error),
    #[error("PEP {pep_id}: {detail}")]
    DoesNotFit { pep_id: String, detail: String },
    #[error("páginas {start}..{end} fuera del documento de {total} páginas")]
    PageRange {
        start: usize,
        end: usize,
        total: usize,
    },
    #[error("error al generar el PDF: {0}")]
    Pdf(String),
    /// The election's return address does not fit the labels: one problem for the whole batch.
    #[error("{field}: {detail}")]
    ReturnAddress { field: String, detail: String },
}
