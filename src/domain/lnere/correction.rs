//! The address-correction file of `reissue --address-file`: a small TOML file with the list's
//! own address columns as keys, checked with the list's rules ([`super::parse_address`]);
//! every problem is reported as `line N: field: reason`. The format is in docs/commands.md.

use std::ops::Range;

use serde::Deserialize;
use toml::Spanned;

use super::{parse_address, RawAddress};
use crate::domain::elector::Address;

/// One problem of the file, at a line (1-based).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("line {line}: {field}: {reason}")]
pub struct LineError {
    pub line: usize,
    pub field: String,
    pub reason: String,
}

/// The file's keys, as typed; any other key is refused.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CorrectionFile {
    address_line1: Option<Spanned<String>>,
    address_line2: Option<Spanned<String>>,
    city: Option<Spanned<String>>,
    region: Option<Spanned<String>>,
    postal_code: Option<Spanned<String>>,
    country: Option<Spanned<String>>,
}

impl CorrectionFile {
    fn value(v: &Option<Spanned<String>>) -> &str {
        v.as_ref().map_or("", |s| s.get_ref().as_str())
    }

    /// Where a key's value was written, if it was.
    fn span(&self, field: &str) -> Option<Range<usize>> {
        let v = match field {
            "address_line1" => &self.address_line1,
            "address_line2" => &self.address_line2,
            "city" => &self.city,
            "region" => &self.region,
            "postal_code" => &self.postal_code,
            "country" => &self.country,
            _ => &None,
        };
        v.as_ref().map(Spanned::span)
    }
}

/// The 1-based line of a byte offset.
fn line_of(text: &str, offset: usize) -> usize {
    let end = offset.min(text.len());
    text.as_bytes()[..end]
        .iter()
        .filter(|b| **b == b'\n')
        .count()
        + 1
}

/// The key written on a line (`key = …`), to name the field of a TOML error.
fn key_on_line(text: &str, line: usize) -> Option<String> {
    let l = text.lines().nth(line.checked_sub(1)?)?;
    let (key, _) = l.split_once('=')?;
    let key = key.trim().trim_matches('"');
    (!key.is_empty() && !key.contains(char::is_whitespace)).then(|| key.to_string())
}

/// A TOML or serde refusal, placed at its line.
fn toml_error(text: &str, e: &toml::de::Error) -> LineError {
    let line = e.span().map_or(1, |s| line_of(text, s.start));
    let message = e.message();
    let field = key_on_line(text, line).unwrap_or_else(|| "toml".into());
    let reason = if message.starts_with("unknown field") {
        "campo desconocido; se esperaba address_line1, address_line2, city, region, postal_code o country".to_string()
    } else if message.starts_with("invalid type") {
        "debe ser texto entre comillas".to_string()
    } else {
        message.trim().to_string()
    };
    LineError {
        line,
        field,
        reason,
    }
}

/// Reads a correction file into a checked [`Address`]; every problem is returned. A key left
/// out counts as empty (and is then refused where the list requires it, at line 1).
pub fn parse_correction(text: &str) -> Result<Address, Vec<LineError>> {
    let file: CorrectionFile = toml::from_str(text).map_err(|e| vec![toml_error(text, &e)])?;
    let raw = RawAddress {
        line1: CorrectionFile::value(&file.address_line1),
        line2: CorrectionFile::value(&file.address_line2),
        city: CorrectionFile::value(&file.city),
        region: CorrectionFile::value(&file.region),
        postal_code: CorrectionFile::value(&file.postal_code),
        country: CorrectionFile::value(&file.country),
    };
    parse_address(&raw).map_err(|errors| {
        errors
            .into_iter()
            .map(|e| LineError {
                line: file.span(e.field).map_or(1, |s| line_of(text, s.start)),
                field: e.field.to_string(),
                reason: e.reason,
            })
            .collect()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = "# corrected after the courier's return\naddress_line1 = \"1200 Main St Apt 4\"\ncity = \"Austin\"\nregion = \"TX\"\npostal_code = \"78701\"\ncountry = \"US\"\n";

    fn lines(errors: &[LineError]) -> Vec<String> {
        errors.iter().map(ToString::to_string).collect()
    }

    #[test]
    fn a_well_formed_file_gives_the_checked_address() {
        let a = parse_correction(GOOD).unwrap();
        assert_eq!(a.line1, "1200 Main St Apt 4");
        assert_eq!(a.line2, None);
        assert_eq!(a.region.as_deref(), Some("TX"));
        assert_eq!(
            (a.postal_code.as_str(), a.country.as_str()),
            ("78701", "US")
        );
    }

    #[test]
    fn the_example_file_is_a_valid_correction() {
        let a = parse_correction(include_str!("../../../examples/address-correction.toml"));
        assert_eq!(a.unwrap().country, "CA");
    }

    #[test]
    fn the_lists_rules_refuse_a_bad_postal_code_and_a_missing_region_at_their_lines() {
        let text = GOOD
            .replace("postal_code = \"78701\"", "postal_code = \"7870\"")
            .replace("region = \"TX\"\n", "");
        let got = lines(&parse_correction(&text).unwrap_err());
        assert_eq!(got.len(), 2, "{got:?}");
        assert!(
            got.iter().any(|l| l.starts_with("line 4: postal_code: ")),
            "{got:?}"
        );
        assert!(
            got.contains(
                &"line 1: region: es obligatorio para este país (estado o provincia)".to_string()
            ),
            "{got:?}"
        );
    }

    #[test]
    fn mexico_is_refused_as_in_the_list() {
        let text = GOOD.replace("\"US\"", "\"MX\"");
        let got = lines(&parse_correction(&text).unwrap_err());
        assert!(
            got.iter().any(|l| l.starts_with("line 6: country: ")),
            "{got:?}"
        );
    }

    #[test]
    fn unknown_keys_bad_types_and_broken_toml_are_named_by_line_and_key() {
        let got = lines(&parse_correction(&format!("{GOOD}street = \"x\"\n")).unwrap_err());
        assert!(
            got[0].starts_with("line 7: street: campo desconocido"),
            "{got:?}"
        );
        let got = lines(&parse_correction(&GOOD.replace("\"Austin\"", "12")).unwrap_err());
        assert_eq!(got, ["line 3: city: debe ser texto entre comillas"]);
        let got = lines(&parse_correction("city = \"Austin\n").unwrap_err());
        assert!(got[0].starts_with("line 1: city: "), "{got:?}");
    }
}
