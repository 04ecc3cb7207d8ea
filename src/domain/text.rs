//! Free text typed by people (station names, batch names, reasons, list fields): the one rule
//! of which characters may be stored and shown. Control characters, Unicode format characters
//! (general category Cf: bidi overrides and isolates such as U+202E, zero-width joiners and
//! spaces, the BOM…) and line/paragraph separators are refused, so that no stored text can
//! reorder or hide what a screen, a PDF or a CSV shows beside it.

use icu_properties::props::GeneralCategory;
use icu_properties::CodePointMapData;

/// Why a text was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TextError {
    #[error("contiene el carácter invisible o de control {}", code_point(.0))]
    Refused(char),
}

fn code_point(c: &char) -> String {
    format!("U+{:04X}", u32::from(*c))
}

/// Whether a character may not appear in free text.
pub fn is_refused(c: char) -> bool {
    if c.is_control() {
        return true;
    }
    matches!(
        CodePointMapData::<GeneralCategory>::new().get(c),
        GeneralCategory::Format
            | GeneralCategory::LineSeparator
            | GeneralCategory::ParagraphSeparator
            | GeneralCategory::Control
    )
}

/// Accepts a text with no refused character; names the first one found otherwise.
pub fn check(text: &str) -> Result<(), TextError> {
    match text.chars().find(|c| is_refused(*c)) {
        Some(c) => Err(TextError::Refused(c)),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn letters_accents_and_punctuation_pass() {
        for ok in [
            "Mesa 1",
            "Recepción — Ñuñoa",
            "O'Brien-Díaz, Ana",
            "Zürich №3 ✓",
            "",
        ] {
            assert_eq!(check(ok), Ok(()), "{ok}");
        }
    }

    #[test]
    fn controls_bidi_and_invisible_format_characters_are_refused() {
        for c in [
            '\u{0}',
            '\n',
            '\t',
            '\u{7f}',
            '\u{85}', // controls
            '\u{202A}',
            '\u{202B}',
            '\u{202C}',
            '\u{202D}',
            '\u{202E}', // embeddings, overrides
            '\u{2066}',
            '\u{2067}',
            '\u{2068}',
            '\u{2069}', // isolates
            '\u{200E}',
            '\u{200F}',
            '\u{061C}', // marks
            '\u{200B}',
            '\u{200D}',
            '\u{2060}',
            '\u{FEFF}',
            '\u{00AD}', // invisible
            '\u{2028}',
            '\u{2029}',  // separators
            '\u{E0041}', // tag
        ] {
            let text = format!("Mesa{c}1");
            assert_eq!(
                check(&text),
                Err(TextError::Refused(c)),
                "U+{:04X}",
                c as u32
            );
        }
        assert_eq!(
            check("a\u{202E}b").unwrap_err().to_string(),
            "contiene el carácter invisible o de control U+202E"
        );
    }
}
