//! The embedded fonts (DejaVu Sans and DejaVu Sans Bold from `static/fonts/`): parsing once,
//! measuring text, fitting it into a width, and replacing characters the fonts lack.

use printpdf::ParsedFont;
use std::borrow::Cow;
use std::sync::LazyLock;

static REGULAR_TTF: &[u8] = include_bytes!("../../static/fonts/DejaVuSans.ttf");
static BOLD_TTF: &[u8] = include_bytes!("../../static/fonts/DejaVuSans-Bold.ttf");

/// Points per millimetre.
pub(super) const PT_PER_MM: f32 = 72.0 / 25.4;
/// Characters below this code point have their advance cached in an array.
const CACHED: usize = 0x250;
/// Printed in place of a character the fonts cannot draw.
const REPLACEMENT: char = '?';

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Face {
    Regular,
    Bold,
}

/// A parsed font plus the advances of the Latin characters, for fast measuring.
pub(super) struct Font {
    pub parsed: ParsedFont,
    units_per_em: f32,
    latin: Vec<u16>,
}

/// The font programs deflated once per process (level 9); every PDF embeds them as they are.
static DEFLATED: LazyLock<[Vec<u8>; 2]> = LazyLock::new(|| {
    [
        super::pdf::deflate(REGULAR_TTF, 9),
        super::pdf::deflate(BOLD_TTF, 9),
    ]
});

static REGULAR: LazyLock<Font> = LazyLock::new(|| Font::load(REGULAR_TTF));
static BOLD: LazyLock<Font> = LazyLock::new(|| Font::load(BOLD_TTF));

impl Font {
    fn load(bytes: &[u8]) -> Font {
        let mut warnings = Vec::new();
        // The fonts are part of the binary: failing to parse them is a build defect.
        let parsed = ParsedFont::from_bytes(bytes, 0, &mut warnings).expect("shipped font parses");
        let units_per_em = f32::from(parsed.units_per_em.max(1));
        let latin = (0..CACHED as u32)
            .map(|cp| advance(&parsed, cp).unwrap_or(0))
            .collect();
        Font {
            parsed,
            units_per_em,
            latin,
        }
    }

    /// Advance of `c` in font units, `None` when the font has no glyph for it.
    fn advance(&self, c: char) -> Option<u16> {
        match self.latin.get(c as usize) {
            Some(0) => None,
            Some(&w) => Some(w),
            None => advance(&self.parsed, c as u32),
        }
    }
}

fn advance(font: &ParsedFont, cp: u32) -> Option<u16> {
    let gid = font.lookup_glyph_index(cp).filter(|&g| g != 0)?;
    font.get_glyph_width(gid).filter(|&w| w > 0)
}

/// The deflated form of `stream` when it is one of the embedded font programs.
pub(super) fn deflated(stream: &[u8]) -> Option<Vec<u8>> {
    [REGULAR_TTF, BOLD_TTF]
        .iter()
        .position(|&ttf| ttf == stream)
        .map(|i| DEFLATED[i].clone())
}

pub(super) fn font(face: Face) -> &'static Font {
    match face {
        Face::Regular => &REGULAR,
        Face::Bold => &BOLD,
    }
}

/// Width of `text` in millimetres at `size` points (characters without a glyph count as `?`).
pub(super) fn width_mm(face: Face, size: f32, text: &str) -> f32 {
    let f = font(face);
    let fallback = f.advance(REPLACEMENT).unwrap_or(0);
    let units: u32 = text
        .chars()
        .map(|c| u32::from(f.advance(c).unwrap_or(fallback)))
        .sum();
    units as f32 / f.units_per_em * size / PT_PER_MM
}

/// `text` with control characters turned into spaces and characters the face cannot draw
/// turned into `?`.
pub(super) fn printable(face: Face, text: &str) -> Cow<'_, str> {
    let f = font(face);
    let ok = |c: char| !c.is_control() && (c == ' ' || f.advance(c).is_some());
    if text.chars().all(ok) {
        return Cow::Borrowed(text);
    }
    Cow::Owned(
        text.chars()
            .map(|c| match c {
                c if c.is_control() => ' ',
                c if ok(c) => c,
                _ => REPLACEMENT,
            })
            .collect(),
    )
}

/// The characters of `text` that the documents cannot print (they would come out as `?`).
/// Validation can call this on names and addresses before anything is printed.
pub fn unsupported_chars(text: &str) -> Vec<char> {
    let mut out: Vec<char> = text
        .chars()
        .filter(|&c| {
            c.is_control()
                || (c != ' ' && (REGULAR.advance(c).is_none() || BOLD.advance(c).is_none()))
        })
        .collect();
    out.sort_unstable();
    out.dedup();
    out
}

/// The largest size in `[min, size]` (in steps of 0.25 pt) at which `text` fits `max_mm`.
pub(super) fn fit_size(face: Face, size: f32, min: f32, max_mm: f32, text: &str) -> Option<f32> {
    let natural = width_mm(face, size, text);
    if natural <= max_mm {
        return Some(size);
    }
    // Width scales linearly with the size.
    let exact = size * max_mm / natural;
    let stepped = (exact * 4.0).floor() / 4.0;
    (stepped >= min).then_some(stepped)
}

/// `text`, cut and ended with `…` when it is wider than `max_mm`.
pub(super) fn truncate(face: Face, size: f32, max_mm: f32, text: &str) -> Cow<'_, str> {
    if width_mm(face, size, text) <= max_mm {
        return Cow::Borrowed(text);
    }
    let budget = max_mm - width_mm(face, size, "…");
    let mut used = 0.0;
    let mut out = String::new();
    for c in text.chars() {
        let w = width_mm(face, size, c.encode_utf8(&mut [0; 4]));
        if used + w > budget {
            break;
        }
        used += w;
        out.push(c);
    }
    out.push('…');
    Cow::Owned(out)
}
