//! The LNERE postal-list row: header and field-by-field validation into an [`Elector`], and
//! the address rules on their own ([`parse_address`]) for every address typed later (a
//! correction at reissue), so that one rule stays in one place.

mod correction;

use super::csv_rows;
pub use super::csv_rows::FieldError;
use super::elector::{Address, Elector, ElectorKey};
use super::{entity, geo};
pub use correction::{parse_correction, LineError};

/// The CSV header fixed by the contract.
pub const HEADER: [&str; 13] = [
    "elector_key",
    "given_names",
    "paternal_surname",
    "maternal_surname",
    "entity",
    "address_line1",
    "address_line2",
    "city",
    "region",
    "postal_code",
    "country",
    "email",
    "phone",
];

/// Checks the header row against [`HEADER`]; the error names the first column that differs.
pub fn check_header<'a>(header: impl IntoIterator<Item = &'a str>) -> Result<(), FieldError> {
    csv_rows::check_header(&HEADER, header)
}

/// Validates one data row against the election's entities. Every problem is returned.
pub fn parse_row(fields: &[&str], entities: &[String]) -> Result<Elector, Vec<FieldError>> {
    if fields.len() != HEADER.len() {
        return Err(vec![FieldError::new(
            "row",
            format!("tiene {} campos, se esperaban 13", fields.len()),
        )]);
    }
    let mut errors = Vec::new();
    let f = |i: usize| fields[i].trim();
    let key = ElectorKey::parse(f(0))
        .map_err(|e| errors.push(FieldError::new("elector_key", e.to_string())))
        .ok();
    let given = name(&mut errors, "given_names", f(1), true);
    let paternal = name(&mut errors, "paternal_surname", f(2), true);
    let maternal = name(&mut errors, "maternal_surname", f(3), false);
    check_entity(&mut errors, f(4), entities);
    let address = address(&mut errors, &RawAddress::from_fields(&fields[5..11]));
    let email = optional(f(11)).filter(|e| check_email(&mut errors, e));
    let phone = optional(f(12)).filter(|p| check_phone(&mut errors, p));
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(Elector {
        key: key.expect("checked"),
        given_names: given.expect("checked"),
        paternal_surname: paternal.expect("checked"),
        maternal_surname: maternal,
        entity: f(4).to_string(),
        address: address.expect("checked"),
        email: email.map(str::to_string),
        phone: phone.map(str::to_string),
    })
}

/// A mailing address as typed (a list row's six columns, a correction file, a form), before
/// any check. Fields are trimmed when checked.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RawAddress<'a> {
    pub line1: &'a str,
    pub line2: &'a str,
    pub city: &'a str,
    pub region: &'a str,
    pub postal_code: &'a str,
    pub country: &'a str,
}

impl<'a> RawAddress<'a> {
    /// The columns `address_line1` to `country` of a list row, in the header's order.
    fn from_fields(f: &[&'a str]) -> RawAddress<'a> {
        RawAddress {
            line1: f[0],
            line2: f[1],
            city: f[2],
            region: f[3],
            postal_code: f[4],
            country: f[5],
        }
    }

    /// An address already held, to be checked again (absent optional parts are empty).
    pub fn of(a: &'a Address) -> RawAddress<'a> {
        RawAddress {
            line1: &a.line1,
            line2: a.line2.as_deref().unwrap_or(""),
            city: &a.city,
            region: a.region.as_deref().unwrap_or(""),
            postal_code: &a.postal_code,
            country: &a.country,
        }
    }
}

/// Validates a mailing address abroad with the list's rules (the same checks as a list row's
/// address columns, under the same field names). Every problem is returned.
pub fn parse_address(raw: &RawAddress) -> Result<Address, Vec<FieldError>> {
    let mut errors = Vec::new();
    match address(&mut errors, raw) {
        Some(a) if errors.is_empty() => Ok(a),
        _ => Err(errors),
    }
}

/// The address columns' checks, their problems added to `errors`; `None` when any failed.
fn address(errors: &mut Vec<FieldError>, raw: &RawAddress) -> Option<Address> {
    let before = errors.len();
    let line1 = text(errors, "address_line1", raw.line1.trim(), true, 100);
    let line2 = text(errors, "address_line2", raw.line2.trim(), false, 100);
    let city = text(errors, "city", raw.city.trim(), true, 60);
    let region = text(errors, "region", raw.region.trim(), false, 60);
    let (country, postal_code) = (raw.country.trim(), raw.postal_code.trim());
    check_place(errors, country, postal_code, region.as_deref());
    if errors.len() > before {
        return None;
    }
    Some(Address {
        line1: line1?,
        line2,
        city: city?,
        region,
        postal_code: postal_code.to_string(),
        country: country.to_string(),
    })
}

fn optional(s: &str) -> Option<&str> {
    (!s.is_empty()).then_some(s)
}

fn text(
    errors: &mut Vec<FieldError>,
    field: &'static str,
    value: &str,
    required: bool,
    max: usize,
) -> Option<String> {
    if value.is_empty() {
        if required {
            errors.push(FieldError::new(field, "es obligatorio"));
        }
        return None;
    }
    if value.chars().count() > max {
        errors.push(FieldError::new(field, format!("más de {max} caracteres")));
        return None;
    }
    if let Err(e) = super::text::check(value) {
        errors.push(FieldError::new(field, e.to_string()));
        return None;
    }
    Some(value.to_string())
}

fn name(
    errors: &mut Vec<FieldError>,
    field: &'static str,
    value: &str,
    required: bool,
) -> Option<String> {
    let v = text(errors, field, value, required, 60)?;
    let ok = v.chars().any(char::is_alphabetic)
        && v.chars()
            .all(|c| c.is_alphabetic() || matches!(c, ' ' | '-' | '\'' | '.' | '’'));
    if !ok {
        errors.push(FieldError::new(
            field,
            "solo letras, espacios, guiones, apóstrofos y puntos",
        ));
        return None;
    }
    Some(v)
}

fn check_entity(errors: &mut Vec<FieldError>, code: &str, entities: &[String]) {
    if code.is_empty() {
        errors.push(FieldError::new("entity", "es obligatorio"));
    } else if entity::entity(code).is_none() {
        errors.push(FieldError::new(
            "entity",
            format!("«{code}» no es una clave INEGI de entidad (01 a 32)"),
        ));
    } else if !entities.iter().any(|e| e == code) {
        errors.push(FieldError::new(
            "entity",
            format!("la entidad {code} no participa en esta elección"),
        ));
    }
}

fn check_place(errors: &mut Vec<FieldError>, country: &str, postal: &str, region: Option<&str>) {
    if country.is_empty() {
        errors.push(FieldError::new("country", "es obligatorio"));
        return;
    }
    if geo::country(country).is_none() {
        errors.push(FieldError::new(
            "country",
            format!("«{country}» no es un código ISO 3166-1 alfa-2"),
        ));
        return;
    }
    if country == "MX" {
        errors.push(FieldError::new(
            "country",
            "el voto postal desde el extranjero no se envía a México",
        ));
    }
    if let Err(e) = geo::validate_postal_code(country, postal) {
        errors.push(FieldError::new("postal_code", e.message_for(country)));
    }
    if region.is_none() && geo::region_required(country) {
        errors.push(FieldError::new(
            "region",
            "es obligatorio para este país (estado o provincia)",
        ));
    }
}

fn check_email(errors: &mut Vec<FieldError>, email: &str) -> bool {
    let ok = email.len() <= 254
        && !email.chars().any(|c| c.is_whitespace() || c.is_control())
        && match email.split_once('@') {
            Some((local, domain)) => {
                !local.is_empty()
                    && !domain.contains('@')
                    && domain.contains('.')
                    && !domain.starts_with('.')
                    && !domain.ends_with('.')
            }
            None => false,
        };
    if !ok {
        errors.push(FieldError::new(
            "email",
            "no es un correo electrónico válido",
        ));
    }
    ok
}

fn check_phone(errors: &mut Vec<FieldError>, phone: &str) -> bool {
    let digits = phone.chars().filter(char::is_ascii_digit).count();
    let ok = phone.starts_with('+')
        && phone[1..]
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, ' ' | '-' | '(' | ')'))
        && (8..=15).contains(&digits);
    if !ok {
        errors.push(FieldError::new(
            "phone",
            "formato internacional esperado, p. ej. +1 213 555 0143 (8 a 15 dígitos)",
        ));
    }
    ok
}

#[cfg(test)]
mod tests;
