//! The election's return address on the labels (the Sobre-Postal-Voto's destinatario): the lines
//! it prints as, and the election-wide check that it fits every label layout.
//!
//! Long lines wrap onto further lines (see `column::wrap`). The check plans a label whose sender
//! block is the largest a PEP of the list can have at full size (name, two address lines, city
//! line, country), so an address that passes fits beside every PEP, and one that fails is one
//! problem of the election, found by `init`, instead of one per PEP at print time.

use super::labels::{plan_label, LabelLayout};
use super::{fonts, BatchHeader, DocumentError, PepLine};
use crate::domain::code::{CodeId, EnvelopeCode};
use crate::domain::election::ReturnAddress;
use crate::domain::geo;

/// Every label stock the documents print on.
const LAYOUTS: [LabelLayout; 2] = [LabelLayout::LetterSheet, LabelLayout::Thermal4x6];

/// The printed lines, each with the election-file key it comes from.
fn keyed_lines(r: &ReturnAddress) -> Vec<(&'static str, String)> {
    let mut lines = vec![
        ("return_address.name", r.name.clone()),
        ("return_address.line1", r.line1.clone()),
    ];
    lines.extend(r.line2.clone().map(|l| ("return_address.line2", l)));
    lines.push((
        "return_address.city",
        format!("{} {}, {}", r.postal_code, r.city, r.region),
    ));
    let country = geo::country(&r.country).map_or(r.country.clone(), |c| c.name_es.to_uppercase());
    lines.push(("return_address.country", country));
    lines
}

/// The return address as the labels print it, one entry per line (before wrapping).
pub fn return_address_lines(r: &ReturnAddress) -> Vec<String> {
    keyed_lines(r).into_iter().map(|(_, l)| l).collect()
}

/// Refuses a return address that some label layout cannot print, naming its key; `init` calls
/// this once for the election.
pub fn check_return_address(r: &ReturnAddress) -> Result<(), DocumentError> {
    let keyed = keyed_lines(r);
    for (key, text) in &keyed {
        let bad = fonts::unsupported_chars(text);
        if !bad.is_empty() {
            return Err(refused(
                key,
                format!("caracteres que la fuente no puede imprimir: {bad:?}"),
            ));
        }
    }
    let lines: Vec<String> = keyed.iter().map(|(_, l)| l.clone()).collect();
    for layout in LAYOUTS {
        if let Some((i, detail)) = block_problem(&lines, layout) {
            return Err(refused(keyed[i].0, detail));
        }
    }
    Ok(())
}

fn refused(key: &str, detail: String) -> DocumentError {
    DocumentError::ReturnAddress {
        field: key.to_string(),
        detail,
    }
}

/// What keeps `lines` from fitting every label of `layout`, with the index of the line to
/// blame; `None` when they fit beside the largest sender block.
pub(super) fn block_problem(lines: &[String], layout: LabelLayout) -> Option<(usize, String)> {
    if lines.is_empty() {
        return Some((
            0,
            "falta la dirección de retorno de la elección".to_string(),
        ));
    }
    plan_with(lines, layout).err()?;
    let too_long = format!(
        "aun ajustando los renglones, la dirección de retorno no cabe en la etiqueta {}; acorte este campo",
        name(layout)
    );
    // A line that does not fit even alone is the culprit (a word too wide, say) ...
    for (i, line) in lines.iter().enumerate() {
        if let Err(e) = plan_with(std::slice::from_ref(line), layout) {
            let word = e.starts_with("la palabra");
            let detail = if word {
                format!("{e} ({})", name(layout))
            } else {
                too_long
            };
            return Some((i, detail));
        }
    }
    // ... else together they take too many lines: blame the longest.
    let longest = (0..lines.len()).max_by_key(|&i| lines[i].chars().count())?;
    Some((longest, too_long))
}

fn name(layout: LabelLayout) -> &'static str {
    match layout {
        LabelLayout::LetterSheet => "carta (2 × 5)",
        LabelLayout::Thermal4x6 => "térmica de 4 × 6 in",
    }
}

fn plan_with(lines: &[String], layout: LabelLayout) -> Result<(), String> {
    let header = BatchHeader {
        election: String::new(),
        batch_name: String::new(),
        batch_id: 0,
        generated_on: String::new(),
        generated_at: chrono::DateTime::UNIX_EPOCH,
        return_address: lines.to_vec(),
    };
    plan_label(&header, &largest_sender(), layout).map(|_| ())
}

/// A PEP with every sender line a list row can have, each short enough to print at full size.
fn largest_sender() -> PepLine {
    let x = || "X".to_string();
    let id = CodeId::new(1).expect("1 is a valid code id");
    PepLine {
        pep_id: "PEP-0000001-1".to_string(),
        recipient: x(),
        address_lines: vec![x(), x()],
        city: x(),
        region: Some(x()),
        postal_code: x(),
        country: "US".to_string(),
        country_name: x(),
        phone: None,
        email: None,
        guia: None,
        code: EnvelopeCode::issue(&[0; 32], id),
    }
}

#[cfg(test)]
mod tests {
    use super::super::{label_problems, labels_pdf, tests};
    use super::*;

    fn ine(name: &str) -> ReturnAddress {
        ReturnAddress {
            name: name.to_string(),
            line1: "Viaducto Tlalpan 100".to_string(),
            line2: Some("Arenal Tepepan".to_string()),
            city: "Tlalpan, Ciudad de México".to_string(),
            region: "CDMX".to_string(),
            postal_code: "14610".to_string(),
            country: "MX".to_string(),
        }
    }

    const INE: &str =
        "Instituto Nacional Electoral, Voto de las y los Mexicanos Residentes en el Extranjero";

    #[test]
    fn ines_real_return_address_fits_every_layout() {
        check_return_address(&ine(INE)).unwrap();
        let lines = return_address_lines(&ine(INE));
        assert_eq!(lines[3], "14610 Tlalpan, Ciudad de México, CDMX");
        assert_eq!(lines[4], "MÉXICO");
    }

    #[test]
    fn ines_long_name_prints_wrapped_on_both_label_layouts() {
        let header = BatchHeader {
            return_address: return_address_lines(&ine(INE)),
            ..tests::header()
        };
        let batch = tests::peps(3);
        for layout in LAYOUTS {
            assert!(label_problems(&header, &batch, layout).is_empty());
            let pdf = labels_pdf(&header, &batch, layout).unwrap();
            let text = tests::all_text(&tests::parse(&pdf));
            for part in ["Instituto Nacional Electoral,", "Mexicanos", "Extranjero"] {
                assert!(
                    text.contains(part),
                    "{layout:?}: {part} missing from {text}"
                );
            }
        }
    }

    #[test]
    fn a_return_address_that_does_not_fit_is_one_problem_for_the_whole_batch() {
        let header = BatchHeader {
            return_address: return_address_lines(&ine(&INE.repeat(4))),
            ..tests::header()
        };
        let problems = label_problems(&header, &tests::peps(40), LabelLayout::LetterSheet);
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert!(problems[0].to_string().starts_with("return_address: "));
    }

    #[test]
    fn a_name_too_long_even_wrapped_is_refused_naming_its_key() {
        let err = check_return_address(&ine(&INE.repeat(4))).unwrap_err();
        assert!(
            err.to_string().starts_with("return_address.name: "),
            "{err}"
        );
    }

    #[test]
    fn a_word_wider_than_the_label_is_refused_naming_its_key() {
        let mut r = ine("INE");
        r.line1 = "Viaducto".repeat(8);
        let err = check_return_address(&r).unwrap_err().to_string();
        assert!(err.starts_with("return_address.line1: "), "{err}");
        assert!(err.contains("no cabe"), "{err}");
    }

    #[test]
    fn characters_the_font_lacks_are_refused_naming_the_key() {
        let mut r = ine("INE");
        r.city = "東京".to_string();
        let err = check_return_address(&r).unwrap_err().to_string();
        assert!(err.starts_with("return_address.city: "), "{err}");
    }
}
