//! The QR matrix of an envelope code: version 2, error correction H, alphanumeric mode.
//!
//! The canonical code `XXXXXX-XXXXXX-XXXXXX` is 20 alphanumeric characters, exactly the capacity
//! of a version 2-H symbol (25 × 25 modules, 30% of the codewords recoverable). The qrcode crate
//! builds the codewords and the canvas; the mask is chosen here with the ISO/IEC 18004 penalty
//! rules computed on a flat bitmap, because the crate's own scoring allocates per module and
//! dominates the encoding time (see `benches/documents.rs`). Any mask gives a valid symbol:
//! the choice only keeps scanners comfortable.

use crate::domain::code::EnvelopeCode;
use qrcode::bits::Bits;
use qrcode::canvas::{Canvas, MaskPattern};
use qrcode::{ec, Color, EcLevel, QrCode, Version};

/// Light modules a reader needs around the symbol (ISO/IEC 18004 asks for 4).
pub const QUIET_ZONE: usize = 4;
const VERSION: Version = Version::Normal(2);
const EC_LEVEL: EcLevel = EcLevel::H;
const MASKS: [MaskPattern; 8] = [
    MaskPattern::Checkerboard,
    MaskPattern::HorizontalLines,
    MaskPattern::VerticalLines,
    MaskPattern::DiagonalLines,
    MaskPattern::LargeCheckerboard,
    MaskPattern::Fields,
    MaskPattern::Diamonds,
    MaskPattern::Meadow,
];

/// A square QR symbol without its quiet zone: `width × width` modules, row-major, top row first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QrMatrix {
    pub width: usize,
    pub dark: Vec<bool>,
}

impl QrMatrix {
    pub fn is_dark(&self, x: usize, y: usize) -> bool {
        x < self.width && y < self.width && self.dark[y * self.width + x]
    }

    /// Horizontal runs of dark modules as `(row, first column, length)`.
    pub fn dark_runs(&self) -> impl Iterator<Item = (usize, usize, usize)> + '_ {
        self.dark
            .chunks(self.width)
            .enumerate()
            .flat_map(|(y, row)| row_runs(row).map(move |(x, len)| (y, x, len)))
    }
}

/// PDF path operators for the dark modules: one `re` per horizontal run, in module units with
/// `y` growing downwards (the caller's matrix flips it), filled once with the nonzero rule, so
/// adjacent runs leave no seams.
pub(super) fn write_runs(m: &QrMatrix, out: &mut Vec<u8>) {
    use std::io::Write;
    for (y, x, len) in m.dark_runs() {
        // Writing into a Vec cannot fail.
        let _ = writeln!(out, "{x} {y} {len} 1 re");
    }
    out.extend_from_slice(b"f\n");
}

fn row_runs(row: &[bool]) -> impl Iterator<Item = (usize, usize)> + '_ {
    let mut x = 0;
    std::iter::from_fn(move || {
        while x < row.len() && !row[x] {
            x += 1;
        }
        if x == row.len() {
            return None;
        }
        let start = x;
        while x < row.len() && row[x] {
            x += 1;
        }
        Some((start, x - start))
    })
}

/// The QR symbol whose payload is exactly `code.as_str()`.
pub fn qr_matrix(code: &EnvelopeCode) -> QrMatrix {
    let payload = code.as_str().as_bytes();
    match version2_canvas(payload) {
        Some(canvas) => best_mask(&canvas),
        // Unreachable for issued codes (always 20 alphanumeric characters); kept total anyway.
        None => {
            let qr = QrCode::with_error_correction_level(payload, EcLevel::Q)
                .or_else(|_| QrCode::new(payload))
                .expect("any short text fits some QR version");
            QrMatrix {
                width: qr.width(),
                dark: qr
                    .into_colors()
                    .into_iter()
                    .map(|c| c == Color::Dark)
                    .collect(),
            }
        }
    }
}

/// Functional patterns and data drawn, not yet masked.
fn version2_canvas(payload: &[u8]) -> Option<Canvas> {
    let mut bits = Bits::new(VERSION);
    bits.push_alphanumeric_data(payload).ok()?;
    bits.push_terminator(EC_LEVEL).ok()?;
    let (data, ecc) = ec::construct_codewords(&bits.into_bytes(), VERSION, EC_LEVEL).ok()?;
    let mut canvas = Canvas::new(VERSION, EC_LEVEL);
    canvas.draw_all_functional_patterns();
    canvas.draw_data(&data, &ecc);
    Some(canvas)
}

fn best_mask(canvas: &Canvas) -> QrMatrix {
    let width = VERSION.width() as usize;
    let (_, best) = MASKS
        .iter()
        .map(|&mask| {
            let mut masked = canvas.clone();
            masked.apply_mask(mask);
            let dark: Vec<bool> = masked
                .into_colors()
                .into_iter()
                .map(|c| c == Color::Dark)
                .collect();
            (penalty(&Packed::from_dark(&dark, width)), dark)
        })
        .min_by_key(|(score, _)| *score)
        .expect("eight masks to choose from");
    QrMatrix { width, dark: best }
}

/// A symbol of at most 32 × 32 modules as bit masks: bit `x` of `rows[y]` and bit `y` of
/// `cols[x]` are module `(x, y)`.
pub(super) struct Packed {
    width: usize,
    rows: [u32; 32],
    cols: [u32; 32],
}

impl Packed {
    /// From row-major modules, `width` per row.
    pub(super) fn from_dark(dark: &[bool], width: usize) -> Packed {
        assert!(width <= 32, "bit-packed symbols are versions 1 to 3");
        let mut p = Packed {
            width,
            rows: [0; 32],
            cols: [0; 32],
        };
        for (y, row) in dark.chunks(width).enumerate() {
            for (x, _) in row.iter().enumerate().filter(|(_, &d)| d) {
                p.rows[y] |= 1 << x;
                p.cols[x] |= 1 << y;
            }
        }
        p
    }
}

/// ISO/IEC 18004:2015 §7.8.3 penalty score (N1 = 3, N2 = 3, N3 = 40, N4 = 10). Modules
/// outside the symbol count as light for the finder-like pattern rule.
pub(super) fn penalty(p: &Packed) -> u32 {
    let w = p.width;
    let rows = &p.rows[..w];
    let lines = rows.iter().chain(&p.cols[..w]);
    let mut score: u32 = lines.map(|&line| line_penalty(line, w)).sum();
    let pairs = (1u32 << (w - 1)) - 1;
    for pair in rows.windows(2) {
        let (a, b) = (pair[0], pair[1]);
        // Bit x: the 2 × 2 block at (x, y) is of one colour.
        let same = !(a ^ b) & !(a ^ (a >> 1)) & !(b ^ (b >> 1)) & pairs;
        score += 3 * same.count_ones();
    }
    let dark: u32 = rows.iter().map(|r| r.count_ones()).sum();
    let percent = dark * 100 / (w * w) as u32;
    score + percent.abs_diff(50) / 5 * 10
}

/// Score of runs of five or more modules of `bits` (the set bits of a `w`-bit line): a run of
/// length L scores L - 2, i.e. one per window of five plus two per run.
fn run_penalty(bits: u32, w: usize) -> u32 {
    let windows = bits & bits >> 1 & bits >> 2 & bits >> 3 & bits >> 4 & ((1 << (w - 4)) - 1);
    let run_starts = windows & !(bits << 1);
    windows.count_ones() + 2 * run_starts.count_ones()
}

/// N1 (runs of five or more) and N3 (1:1:3:1:1 with four light modules on a side) of a line.
fn line_penalty(line: u32, w: usize) -> u32 {
    let mask = (1u32 << w) - 1;
    let runs = run_penalty(line, w) + run_penalty(!line & mask, w);
    // The line with four light modules of quiet zone on each side; bit s = module s - 4.
    let all = (1u64 << (w + 8)) - 1;
    let dark = u64::from(line) << 4;
    let light = !dark & all;
    let pattern = dark & light >> 1 & dark >> 2 & dark >> 3 & dark >> 4 & light >> 5 & dark >> 6;
    let light_before = light << 1 & light << 2 & light << 3 & light << 4;
    let light_after = light >> 7 & light >> 8 & light >> 9 & light >> 10;
    runs + 40 * (pattern & (light_before | light_after)).count_ones()
}
