//! Postal-code validation for a mailing address abroad: the rules of `formats` applied to a
//! value, the error with its Spanish reasons, and the questions a form asks (is the code
//! required, what does it look like).
//!
//! Three kinds of country: with a known format (the value must match it); without postal codes
//! (the value must be empty: a code there usually means shifted columns in the source file);
//! and the rest, where any short code of letters, digits, spaces and hyphens is accepted.

use std::fmt;

use super::countries::country;
use super::formats::{format_of, NO_POSTAL_CODES};

/// Why a postal code was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PostalCodeError {
    /// Empty, for a country whose addresses need a postal code.
    Missing,
    /// Does not match the country's format, described in `expected`.
    BadFormat { expected: &'static str },
    /// The country is not an ISO 3166-1 alpha-2 code of `countries()`.
    UnknownCountry,
    /// Given for a country that has no postal codes: refused, the field must stay empty.
    NotUsed,
}

/// What is accepted in a country with postal codes but no known format.
pub const FREE_FORM_DESCRIPTION: &str = "hasta 12 letras, dígitos, espacios o guiones";
const FREE_FORM_MAX_CHARS: usize = 12;

impl fmt::Display for PostalCodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Missing => write!(f, "falta el código postal"),
            Self::BadFormat { expected } => match legend(expected) {
                Some(legend) => write!(f, "no tiene el formato esperado: {expected} ({legend})"),
                None => write!(f, "no tiene el formato esperado: {expected}"),
            },
            Self::UnknownCountry => write!(f, "el país no es un código ISO 3166-1 alfa-2 conocido"),
            Self::NotUsed => write!(f, "el país no usa código postal: deje el campo vacío"),
        }
    }
}

impl std::error::Error for PostalCodeError {}

impl PostalCodeError {
    /// The reason with the country named, e.g. "no tiene el formato de Estados Unidos
    /// (99999 o 99999-9999; 9 = dígito)", for messages that do not show the country beside it.
    pub fn message_for(&self, country_code: &str) -> String {
        let Some(c) = country(country_code) else {
            return format!("«{country_code}» no es un código de país ISO 3166-1 alfa-2 conocido");
        };
        match self {
            Self::Missing => format!("falta el código postal, necesario en {}", c.name_es),
            Self::BadFormat { expected } => match legend(expected) {
                Some(legend) => format!(
                    "no tiene el formato de {} ({expected}; {legend})",
                    c.name_es
                ),
                None => format!("no tiene el formato de {} ({expected})", c.name_es),
            },
            Self::UnknownCountry => self.to_string(),
            Self::NotUsed => format!("{} no usa código postal: deje el campo vacío", c.name_es),
        }
    }
}

/// The key to the placeholders a format description uses, e.g. "9 = dígito", if it uses any.
fn legend(description: &str) -> Option<String> {
    let keys: Vec<&str> = [
        ('9', "9 = dígito"),
        ('A', "A = letra mayúscula"),
        ('X', "X = letra mayúscula o dígito"),
    ]
    .into_iter()
    .filter(|(placeholder, _)| description.contains(*placeholder))
    .map(|(_, key)| key)
    .collect();
    (!keys.is_empty()).then(|| keys.join(", "))
}

/// Checks `postal_code` against the rules of `country_code` (ISO 3166-1 alpha-2, uppercase).
/// The value is taken exactly as given: no trimming, no case folding.
pub fn validate_postal_code(country_code: &str, postal_code: &str) -> Result<(), PostalCodeError> {
    if country(country_code).is_none() {
        return Err(PostalCodeError::UnknownCountry);
    }
    if NO_POSTAL_CODES.contains(&country_code) {
        return match postal_code.is_empty() {
            true => Ok(()),
            false => Err(PostalCodeError::NotUsed),
        };
    }
    let format = format_of(country_code);
    if postal_code.is_empty() {
        return match format.is_some_and(|f| f.required) {
            true => Err(PostalCodeError::Missing),
            false => Ok(()),
        };
    }
    match format {
        Some(f) if f.accepts(postal_code) => Ok(()),
        Some(f) => Err(PostalCodeError::BadFormat {
            expected: f.description,
        }),
        None if is_free_form_code(postal_code) => Ok(()),
        None => Err(PostalCodeError::BadFormat {
            expected: FREE_FORM_DESCRIPTION,
        }),
    }
}

/// Up to 12 ASCII letters (either case), digits, spaces and hyphens, starting and ending with
/// a letter or digit.
fn is_free_form_code(value: &str) -> bool {
    let edges_ok = |c: Option<char>| c.is_some_and(|c| c.is_ascii_alphanumeric());
    value.chars().count() <= FREE_FORM_MAX_CHARS
        && value
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == ' ' || c == '-')
        && edges_ok(value.chars().next())
        && edges_ok(value.chars().last())
}

/// Whether a mailing address in this country must carry a postal code. False for unknown
/// countries, countries without postal codes, countries with no known format, and countries
/// whose codes are in little use (the code is still checked when given).
pub fn postal_code_required(country_code: &str) -> bool {
    format_of(country_code).is_some_and(|f| f.required)
}

/// Whether this country has postal codes at all (false: the field must stay empty).
pub fn postal_code_used(country_code: &str) -> bool {
    country(country_code).is_some() && !NO_POSTAL_CODES.contains(&country_code)
}

/// The human description of the country's format ("99999 o 99999-9999"; 9 = dígito, A = letra
/// mayúscula, X = letra mayúscula o dígito), if a format is known.
pub fn postal_code_format(country_code: &str) -> Option<&'static str> {
    format_of(country_code).map(|f| f.description)
}

#[cfg(test)]
mod tests {
    use super::*;
    use PostalCodeError::*;

    #[test]
    fn an_unknown_or_lowercase_country_is_refused_whatever_the_code() {
        assert_eq!(validate_postal_code("us", "90210"), Err(UnknownCountry));
        assert_eq!(validate_postal_code("ZZ", ""), Err(UnknownCountry));
        assert_eq!(validate_postal_code("", "90210"), Err(UnknownCountry));
    }

    #[test]
    fn a_required_code_left_empty_is_missing() {
        assert_eq!(validate_postal_code("US", ""), Err(Missing));
        assert_eq!(validate_postal_code("CA", ""), Err(Missing));
    }

    #[test]
    fn an_optional_code_may_be_empty_but_is_checked_when_given() {
        assert_eq!(validate_postal_code("IE", ""), Ok(()));
        assert_eq!(validate_postal_code("CO", ""), Ok(()));
        assert!(matches!(
            validate_postal_code("CO", "1102"),
            Err(BadFormat { .. })
        ));
    }

    #[test]
    fn countries_without_postal_codes_refuse_any_value() {
        for code in ["HK", "AE", "BO", "QA"] {
            assert_eq!(validate_postal_code(code, ""), Ok(()), "{code}");
            assert_eq!(validate_postal_code(code, "00000"), Err(NotUsed), "{code}");
            assert!(
                !postal_code_required(code) && !postal_code_used(code),
                "{code}"
            );
        }
    }

    #[test]
    fn countries_without_a_known_format_take_short_free_form_codes() {
        for ok in ["1010", "CP 1101", "AZ-1000", "a1b2", "123456789012"] {
            assert_eq!(validate_postal_code("PY", ok), Ok(()), "{ok}");
        }
        assert_eq!(validate_postal_code("PY", ""), Ok(()));
        for bad in [
            "1234567890123",
            " 1010",
            "1010 ",
            "10-",
            "10/20",
            "10.20",
            "１０１０",
        ] {
            let expected = FREE_FORM_DESCRIPTION;
            assert_eq!(
                validate_postal_code("PY", bad),
                Err(BadFormat { expected }),
                "{bad}"
            );
        }
        assert!(!postal_code_required("PY"));
        assert_eq!(postal_code_format("PY"), None);
    }

    #[test]
    fn values_are_never_trimmed() {
        assert!(validate_postal_code("US", " 90210").is_err());
        assert!(validate_postal_code("US", "90210\n").is_err());
        assert!(validate_postal_code("DE", "10115 ").is_err());
    }

    #[test]
    fn a_bad_format_names_the_expected_shape_with_its_key() {
        let err = validate_postal_code("US", "9021").unwrap_err();
        assert_eq!(
            err,
            BadFormat {
                expected: "99999 o 99999-9999"
            }
        );
        assert_eq!(
            err.to_string(),
            "no tiene el formato esperado: 99999 o 99999-9999 (9 = dígito)"
        );
        assert_eq!(
            err.message_for("US"),
            "no tiene el formato de Estados Unidos (99999 o 99999-9999; 9 = dígito)"
        );
    }

    #[test]
    fn a_lowercase_code_is_refused_and_the_reason_asks_for_capitals() {
        let err = validate_postal_code("CA", "k1a 0b1").unwrap_err();
        assert_eq!(
            err.to_string(),
            "no tiene el formato esperado: A9A 9A9 (9 = dígito, A = letra mayúscula)"
        );
    }

    #[test]
    fn every_reason_is_in_spanish_and_names_the_country_on_request() {
        assert_eq!(Missing.to_string(), "falta el código postal");
        assert_eq!(
            Missing.message_for("CA"),
            "falta el código postal, necesario en Canadá"
        );
        assert_eq!(
            NotUsed.message_for("HK"),
            "Hong Kong no usa código postal: deje el campo vacío"
        );
        assert!(UnknownCountry.to_string().contains("ISO 3166-1"));
        assert!(UnknownCountry.message_for("XX").contains("«XX»"));
        let free = BadFormat {
            expected: FREE_FORM_DESCRIPTION,
        };
        assert_eq!(
            free.to_string(),
            format!("no tiene el formato esperado: {FREE_FORM_DESCRIPTION}")
        );
    }

    #[test]
    fn the_error_is_a_std_error() {
        let err: Box<dyn std::error::Error> = Box::new(Missing);
        assert_eq!(err.to_string(), "falta el código postal");
    }
}
