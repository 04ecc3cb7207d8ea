//! A column of text lines placed top to bottom on a label, and the word wrapping it uses: a line
//! that is too wide is first shrunk (to no less than 80% of its size) and, when that is not
//! enough, broken at spaces onto further lines at its full size.

use super::fonts::{self, Face};

/// Points to millimetres of line pitch (1.2 × the font size).
pub(super) const PITCH_MM_PER_PT: f32 = 1.2 * 25.4 / 72.0;
/// Nothing is printed smaller than this share of its design size.
pub(super) const MIN_SCALE: f32 = 0.8;

/// One line of text placed on a label, relative to the label's top-left corner.
pub(super) struct Placed {
    pub face: Face,
    pub size: f32,
    pub x: f32,
    pub baseline: f32,
    pub text: String,
}

/// Places lines top to bottom from `cursor` down to `bottom`, within `width`.
pub(super) struct Column {
    pub x: f32,
    pub width: f32,
    pub cursor: f32,
    pub bottom: f32,
    pub lines: Vec<Placed>,
}

impl Column {
    /// One line, shrunk to at most 80% to fit the width; never wrapped.
    pub fn push(&mut self, face: Face, size: f32, text: &str) -> Result<(), String> {
        let size = fonts::fit_size(face, size, size * MIN_SCALE, self.width, text)
            .ok_or_else(|| format!("«{text}» no cabe en la etiqueta"))?;
        self.place(face, size, text.to_string())
    }

    /// `text` on as many lines as [`wrap`] needs. Returns how many it took.
    pub fn push_wrapped(&mut self, face: Face, size: f32, text: &str) -> Result<usize, String> {
        let lines = wrap(face, size, self.width, text)?;
        let n = lines.len();
        for (size, line) in lines {
            self.place(face, size, line)?;
        }
        Ok(n)
    }

    fn place(&mut self, face: Face, size: f32, text: String) -> Result<(), String> {
        self.cursor += size * PITCH_MM_PER_PT;
        if self.cursor > self.bottom {
            return Err("demasiadas líneas para la etiqueta".to_string());
        }
        self.lines.push(Placed {
            face,
            size,
            x: self.x,
            baseline: self.cursor,
            text,
        });
        Ok(())
    }

    pub fn gap(&mut self, mm: f32) {
        self.cursor += mm;
    }
}

/// `text` as lines no wider than `width_mm`, each with its font size. A text that fits on one
/// line shrunk to no less than 80% stays on one line (as [`Column::push`] would print it);
/// otherwise it is broken at spaces at its full size, and only a single word wider than the
/// whole line is shrunk. A word that does not fit even shrunk is an error naming it.
pub(super) fn wrap(
    face: Face,
    size: f32,
    width_mm: f32,
    text: &str,
) -> Result<Vec<(f32, String)>, String> {
    let text = text.trim();
    if let Some(s) = fonts::fit_size(face, size, size * MIN_SCALE, width_mm, text) {
        return Ok(vec![(s, text.to_string())]);
    }
    let mut out = Vec::new();
    let mut current = String::new();
    for word in text.split_whitespace() {
        let candidate = if current.is_empty() {
            word.to_string()
        } else {
            format!("{current} {word}")
        };
        if fonts::width_mm(face, size, &candidate) <= width_mm {
            current = candidate;
            continue;
        }
        if !current.is_empty() {
            out.push((size, std::mem::take(&mut current)));
        }
        if fonts::width_mm(face, size, word) <= width_mm {
            current = word.to_string();
        } else {
            let s =
                fonts::fit_size(face, size, size * MIN_SCALE, width_mm, word).ok_or_else(|| {
                    format!("la palabra «{word}» no cabe en un renglón de la etiqueta")
                })?;
            out.push((s, word.to_string()));
        }
    }
    if !current.is_empty() {
        out.push((size, current));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    const INE: &str =
        "Instituto Nacional Electoral, Voto de las y los Mexicanos Residentes en el Extranjero";

    #[test]
    fn a_text_that_fits_stays_on_one_line_at_its_size() {
        let lines = wrap(Face::Bold, 8.0, 55.0, "Instituto Nacional Electoral").unwrap();
        assert_eq!(
            lines,
            vec![(8.0, "Instituto Nacional Electoral".to_string())]
        );
    }

    #[test]
    fn a_long_text_is_broken_at_spaces_into_lines_that_fit_at_full_size() {
        let lines = wrap(Face::Bold, 8.0, 55.0, INE).unwrap();
        assert!(lines.len() >= 2, "{lines:?}");
        for (size, line) in &lines {
            assert_eq!(*size, 8.0);
            assert!(fonts::width_mm(Face::Bold, 8.0, line) <= 55.0, "{line}");
            assert_eq!(line.trim(), line);
        }
        let joined: Vec<&str> = lines.iter().map(|(_, l)| l.as_str()).collect();
        assert_eq!(joined.join(" "), INE, "no word lost, reordered or split");
    }

    #[test]
    fn a_slightly_wide_line_is_shrunk_rather_than_wrapped() {
        let text = "Instituto Nacional Electoral";
        let natural = fonts::width_mm(Face::Bold, 8.0, text);
        let lines = wrap(Face::Bold, 8.0, natural * 0.9, text).unwrap();
        assert_eq!(lines.len(), 1);
        assert!(lines[0].0 < 8.0 && lines[0].0 >= 8.0 * MIN_SCALE);
    }

    #[test]
    fn a_word_wider_than_the_line_even_shrunk_is_refused_by_name() {
        let word = "Extraterritorialidadesconstitucionales";
        let err = wrap(Face::Bold, 8.0, 30.0, &format!("Voto {word} fin")).unwrap_err();
        assert!(err.contains(word), "{err}");
    }

    #[test]
    fn a_column_refuses_wrapped_lines_below_its_bottom() {
        let mut col = Column {
            x: 0.0,
            width: 40.0,
            cursor: 0.0,
            bottom: 8.0,
            lines: Vec::new(),
        };
        assert_eq!(col.push_wrapped(Face::Bold, 8.0, "Voto").unwrap(), 1);
        assert!(col.push_wrapped(Face::Bold, 8.0, INE).is_err());
    }
}
