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
    MASKS
        .iter()
        .map(|&mask| {
            let mut masked = canvas.clone();
            masked.apply_mask(mask);
            let dark: Vec<bool> = masked
                .into_colors()
                .into_iter()
                .map(|c| c == Color::Dark)
                .collect();
            QrMatrix { width, dark }
        })
        .min_by_key(penalty)
        .expect("eight masks to choose from")
}

/// ISO/IEC 18004:2015 §7.8.3 penalty score (N1 = 3, N2 = 3, N3 = 40, N4 = 10).
pub(super) fn penalty(m: &QrMatrix) -> u32 {
    let w = m.width;
    let at = |x: usize, y: usize| m.dark[y * w + x];
    let mut score = 0;
    for i in 0..w {
        score += line_penalty((0..w).map(|j| at(j, i)));
        score += line_penalty((0..w).map(|j| at(i, j)));
    }
    for y in 0..w - 1 {
        for x in 0..w - 1 {
            let c = at(x, y);
            if c == at(x + 1, y) && c == at(x, y + 1) && c == at(x + 1, y + 1) {
                score += 3;
            }
        }
    }
    let dark = m.dark.iter().filter(|&&d| d).count();
    let percent = dark * 100 / m.dark.len();
    score + (percent.abs_diff(50) / 5) as u32 * 10
}

/// Runs of five or more equal modules (N1) and finder-like patterns (N3) in one row or column.
fn line_penalty(line: impl Iterator<Item = bool>) -> u32 {
    // The line plus four light modules of quiet zone on each side (version 2 is 25 wide).
    let mut buffer = [false; 25 + 8];
    let mut len = 4;
    for dark in line {
        buffer[len] = dark;
        len += 1;
    }
    let modules = &buffer[..len + 4];
    let inner = &modules[4..len];
    let mut score = 0;
    let mut run = 1;
    for i in 1..=inner.len() {
        if i < inner.len() && inner[i] == inner[i - 1] {
            run += 1;
            continue;
        }
        if run >= 5 {
            score += 3 + (run - 5);
        }
        run = 1;
    }
    const FINDER: [bool; 7] = [true, false, true, true, true, false, true];
    for start in 0..=modules.len() - 7 {
        if modules[start..start + 7] != FINDER {
            continue;
        }
        let light_before = start >= 4 && modules[start - 4..start].iter().all(|&d| !d);
        let light_after =
            start + 11 <= modules.len() && modules[start + 7..start + 11].iter().all(|&d| !d);
        if light_before || light_after {
            score += 40;
        }
    }
    score
}
