//! Drawing helpers over printpdf shared by the manifest and the labels: a document with the two
//! embedded fonts and dated metadata, a page builder that works in millimetres from the top-left
//! corner, vector QR symbols, and saving with IO errors reported (printpdf drops them).
//!
//! Two departures from printpdf's defaults, both for big batches (see `benches/documents.rs`):
//! the QR symbols of a page are one form XObject whose path operators are written here (as
//! printpdf polygons they were ~90% of all operations), and streams are deflated here: fonts
//! once per process, page contents at a fast level (printpdf's `save` runs zlib level 9 over
//! everything, again in every file).

use super::fonts::{self, Face, PT_PER_MM};
use super::qr::{write_runs, QrMatrix};
use super::{BatchHeader, DocumentError};
use flate2::write::ZlibEncoder;
use flate2::Compression;
use printpdf::{
    DictItem, ExternalStream, ExternalXObject, FontId, Line, LinePoint, Mm, Op, PdfDocument,
    PdfFontHandle, PdfPage, PdfParseErrorSeverity, PdfSaveOptions, Point, Pt, TextItem, TextMatrix,
    XObjectTransform,
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
            qr_form: Vec::new(),
        }
    }

    /// Serialize `pages` into `w`; fails on the first write error or a printpdf error.
    ///
    /// printpdf's own `save` deflates every stream at zlib level 9 (through lopdf), which
    /// dominated the time of a big batch and compressed the same two fonts again in every
    /// file. Here the fonts come pre-compressed (once per process) and page contents are
    /// deflated at [`CONTENT_LEVEL`].
    pub fn write<W: Write>(self, pages: Vec<PdfPage>, w: &mut W) -> Result<(), DocumentError> {
        let Doc { mut pdf, .. } = self;
        pdf.pages = pages;
        let opts = PdfSaveOptions {
            optimize: false,
            subset_fonts: false,
            secure: true,
            image_optimization: None,
        };
        let mut warnings = Vec::new();
        let mut doc = pdf.to_lopdf_document(&opts, &mut warnings);
        drop(pdf);
        if let Some(w) = warnings
            .into_iter()
            .find(|w| w.severity == PdfParseErrorSeverity::Error)
        {
            return Err(DocumentError::Pdf(w.msg));
        }
        for object in doc.objects.values_mut() {
            let Ok(stream) = object.as_stream_mut() else {
                continue;
            };
            if !stream.allows_compression || stream.dict.has(b"Filter") {
                continue;
            }
            let packed = fonts::deflated(&stream.content)
                .unwrap_or_else(|| deflate(&stream.content, CONTENT_LEVEL));
            if packed.len() < stream.content.len() {
                stream.dict.set("Filter", "FlateDecode");
                stream.set_content(packed);
            }
        }
        let mut tracked = TrackedWriter {
            inner: w,
            error: None,
        };
        let saved = doc.save_to(&mut tracked);
        match (tracked.error, saved) {
            (Some(e), _) => Err(DocumentError::Io(e)),
            (None, Err(e)) => Err(DocumentError::Pdf(e.to_string())),
            (None, Ok(())) => Ok(()),
        }
    }
}

/// A form XObject covering the page whose (deflated) content is `content`.
fn form_xobject(content: &[u8], width_pt: f32, height_pt: f32) -> ExternalXObject {
    let name = |n: &str| DictItem::Name(n.as_bytes().to_vec());
    let bbox = [0.0, 0.0, width_pt, height_pt].map(DictItem::Real).to_vec();
    let dict = [
        ("Type", name("XObject")),
        ("Subtype", name("Form")),
        ("BBox", DictItem::Array(bbox)),
        ("Filter", name("FlateDecode")),
    ];
    let mut body = b"0 g\n".to_vec();
    body.extend_from_slice(content);
    ExternalXObject {
        stream: ExternalStream {
            dict: dict.into_iter().map(|(k, v)| (k.to_string(), v)).collect(),
            content: deflate(&body, CONTENT_LEVEL),
            compress: false,
        },
        width: None,
        height: None,
        dpi: None,
    }
}

/// zlib level of page contents and QR forms: on these repetitive streams level 3 runs about
/// five times faster than level 9 for output about 1.7 times larger (fonts stay at level 9).
const CONTENT_LEVEL: u32 = 3;

/// `bytes` as a zlib stream (`/FlateDecode`).
pub(super) fn deflate(bytes: &[u8], level: u32) -> Vec<u8> {
    let mut z = ZlibEncoder::new(Vec::with_capacity(bytes.len() / 4), Compression::new(level));
    // Writing into a Vec cannot fail.
    z.write_all(bytes).expect("deflate into memory");
    z.finish().expect("deflate into memory")
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
    /// Content of the page's QR form XObject.
    qr_form: Vec<u8>,
}

/// Points rounded to 1/100: shorter numbers in the content streams, invisible on paper.
fn round(points: f32) -> f32 {
    (points * 100.0).round() / 100.0
}

fn pt(mm: f32) -> Pt {
    Pt(round(mm * PT_PER_MM))
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

    /// The symbol's top-left module at `(x, y)`, each module `module` millimetres wide: its
    /// horizontal runs of dark modules as one path in module units under a single matrix.
    ///
    /// All the symbols of a page go into one form XObject whose content is written here
    /// directly: drawn as printpdf polygons, a symbol is ~400 operations that printpdf and
    /// lopdf turn into objects and format one float at a time, which dominated the time of a
    /// large batch.
    pub fn qr(&mut self, matrix: &QrMatrix, x: f32, y: f32, module: f32) {
        let s = module * PT_PER_MM;
        let (e, f) = (
            round(x * PT_PER_MM),
            round((self.height_mm - y) * PT_PER_MM),
        );
        // Writing into a Vec cannot fail.
        let _ = writeln!(self.qr_form, "q {s:.5} 0 0 {:.5} {e} {f} cm", -s);
        write_runs(matrix, &mut self.qr_form);
        self.qr_form.extend_from_slice(b"Q\n");
    }

    /// The page, with its QR form (if any) registered in `doc` and drawn last.
    pub fn finish(mut self, doc: &mut Doc) -> PdfPage {
        self.end_text();
        if !self.qr_form.is_empty() {
            let (w, h) = (self.width_mm * PT_PER_MM, self.height_mm * PT_PER_MM);
            let id = doc.pdf.add_xobject(&form_xobject(&self.qr_form, w, h));
            self.ops.push(Op::UseXobject {
                id,
                transform: XObjectTransform::default(),
            });
        }
        PdfPage::new(Mm(self.width_mm), Mm(self.height_mm), self.ops)
    }
}
