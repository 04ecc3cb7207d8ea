//! Drawing helpers over printpdf shared by the manifest and the labels: a document with the two
//! embedded fonts and dated metadata, a page builder that works in millimetres from the top-left
//! corner, vector QR symbols, and saving with IO errors reported (printpdf drops them).

use super::fonts::{self, Face, PT_PER_MM};
use super::qr::QrMatrix;
use super::{BatchHeader, DocumentError};
use printpdf::{
    Color, CurTransMat, FontId, Greyscale, Line, LinePoint, Mm, Op, PaintMode, PdfDocument,
    PdfFontHandle, PdfPage, PdfParseErrorSeverity, PdfSaveOptions, Point, Polygon, PolygonRing, Pt,
    TextItem, TextMatrix, WindingOrder,
};
use std::io::Write;

/// A printpdf document with DejaVu Sans and DejaVu Sans Bold registered.
pub(super) struct Doc {
    pdf: PdfDocument,
    regular: FontId,
    bold: FontId,
}

impl Doc {
    pub fn new(title: &str, header: &BatchHeader) -> Doc {
        let mut pdf = PdfDocument::new(title);
        let info = &mut pdf.metadata.info;
        // printpdf writes the fields of this value with a +00'00' offset: give it UTC.
        let created =
            printpdf::OffsetDateTime::from_unix_timestamp(header.generated_at.timestamp())
                .unwrap_or_else(|_| printpdf::OffsetDateTime::epoch());
        info.creation_date = created;
        info.modification_date = created;
        info.metadata_date = created;
        info.creator = "pep-tracker".to_string();
        info.producer = "pep-tracker (printpdf)".to_string();
        info.subject = format!("{} · {}", header.election, header.batch_name);
        let regular = pdf.add_font(&fonts::font(Face::Regular).parsed);
        let bold = pdf.add_font(&fonts::font(Face::Bold).parsed);
        Doc { pdf, regular, bold }
    }

    pub fn page(&self, width_mm: f32, height_mm: f32) -> PageBuilder {
        PageBuilder {
            ops: Vec::with_capacity(512),
            width_mm,
            height_mm,
            regular: self.regular.clone(),
            bold: self.bold.clone(),
            in_text: false,
            font: None,
        }
    }

    /// Serialize `pages` into `w`; fails on the first write error or a printpdf error.
    pub fn write<W: Write>(mut self, pages: Vec<PdfPage>, w: &mut W) -> Result<(), DocumentError> {
        self.pdf.pages = pages;
        let opts = PdfSaveOptions {
            optimize: true,
            subset_fonts: false,
            secure: true,
            image_optimization: None,
        };
        let mut warnings = Vec::new();
        let mut tracked = TrackedWriter {
            inner: w,
            error: None,
        };
        self.pdf.save_writer(&mut tracked, &opts, &mut warnings);
        if let Some(e) = tracked.error {
            return Err(DocumentError::Io(e));
        }
        match warnings
            .into_iter()
            .find(|w| w.severity == PdfParseErrorSeverity::Error)
        {
            Some(w) => Err(DocumentError::Pdf(w.msg)),
            None => Ok(()),
        }
    }
}

/// Keeps the first IO error, which printpdf's `save_writer` would swallow.
struct TrackedWriter<'a, W: Write> {
    inner: &'a mut W,
    error: Option<std::io::Error>,
}

impl<W: Write> Write for TrackedWriter<'_, W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.inner.write(buf).inspect_err(|e| {
            self.error
                .get_or_insert_with(|| std::io::Error::new(e.kind(), e.to_string()));
        })
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush().inspect_err(|e| {
            self.error
                .get_or_insert_with(|| std::io::Error::new(e.kind(), e.to_string()));
        })
    }
}

/// The operations of one page. Coordinates are millimetres from the top-left corner; text is
/// placed by its baseline.
pub(super) struct PageBuilder {
    ops: Vec<Op>,
    width_mm: f32,
    height_mm: f32,
    regular: FontId,
    bold: FontId,
    in_text: bool,
    font: Option<(Face, f32)>,
}

fn pt(mm: f32) -> Pt {
    Pt(mm * PT_PER_MM)
}

impl PageBuilder {
    /// One line of text; characters the font lacks print as `?`.
    pub fn text(&mut self, face: Face, size: f32, x: f32, baseline: f32, text: &str) {
        if text.is_empty() {
            return;
        }
        if !self.in_text {
            self.ops.push(Op::StartTextSection);
            self.in_text = true;
        }
        if self.font != Some((face, size)) {
            let id = match face {
                Face::Regular => self.regular.clone(),
                Face::Bold => self.bold.clone(),
            };
            self.ops.push(Op::SetFont {
                font: PdfFontHandle::External(id),
                size: Pt(size),
            });
            self.font = Some((face, size));
        }
        self.ops.push(Op::SetTextMatrix {
            matrix: TextMatrix::Translate(pt(x), pt(self.height_mm - baseline)),
        });
        self.ops.push(Op::ShowText {
            items: vec![TextItem::Text(fonts::printable(face, text).into_owned())],
        });
    }

    /// Text right-aligned on `right`.
    pub fn text_right(&mut self, face: Face, size: f32, right: f32, baseline: f32, text: &str) {
        let w = fonts::width_mm(face, size, text);
        self.text(face, size, right - w, baseline, text);
    }

    fn end_text(&mut self) {
        if self.in_text {
            self.ops.push(Op::EndTextSection);
            self.in_text = false;
            // A font set inside BT..ET stays set after ET, but re-stating it is cheap and safe.
            self.font = None;
        }
    }

    /// A straight line `thickness` points wide.
    pub fn line(&mut self, from: (f32, f32), to: (f32, f32), thickness: f32) {
        self.end_text();
        self.ops.push(Op::SetOutlineThickness { pt: Pt(thickness) });
        let point = |(x, y): (f32, f32)| LinePoint {
            p: Point {
                x: pt(x),
                y: pt(self.height_mm - y),
            },
            bezier: false,
        };
        self.ops.push(Op::DrawLine {
            line: Line {
                points: vec![point(from), point(to)],
                is_closed: false,
            },
        });
    }

    /// The symbol's top-left module at `(x, y)`, each module `module` millimetres wide. One
    /// polygon of horizontal runs in module units under a single transformation matrix.
    pub fn qr(&mut self, matrix: &QrMatrix, x: f32, y: f32, module: f32) {
        self.end_text();
        let s = module * PT_PER_MM;
        let rings = matrix
            .dark_runs()
            .map(|(row, col, len)| {
                let (x0, x1) = (col as f32, (col + len) as f32);
                let (y0, y1) = (row as f32, (row + 1) as f32);
                let corner = |x, y| LinePoint {
                    p: Point { x: Pt(x), y: Pt(y) },
                    bezier: false,
                };
                PolygonRing {
                    points: vec![
                        corner(x0, y0),
                        corner(x1, y0),
                        corner(x1, y1),
                        corner(x0, y1),
                    ],
                }
            })
            .collect();
        self.ops.push(Op::SaveGraphicsState);
        // Module units, y growing downwards from the symbol's top-left corner.
        self.ops.push(Op::SetTransformationMatrix {
            matrix: CurTransMat::Raw([
                s,
                0.0,
                0.0,
                -s,
                x * PT_PER_MM,
                (self.height_mm - y) * PT_PER_MM,
            ]),
        });
        self.ops.push(Op::SetFillColor {
            col: Color::Greyscale(Greyscale::new(0.0, None)),
        });
        self.ops.push(Op::DrawPolygon {
            polygon: Polygon {
                rings,
                mode: PaintMode::Fill,
                winding_order: WindingOrder::NonZero,
            },
        });
        self.ops.push(Op::RestoreGraphicsState);
    }

    pub fn finish(mut self) -> PdfPage {
        self.end_text();
        PdfPage::new(Mm(self.width_mm), Mm(self.height_mm), self.ops)
    }
}
