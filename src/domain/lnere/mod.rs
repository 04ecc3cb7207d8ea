//! The LNERE postal-list row: header and field-by-field validation into an [`Elector`].

use super::csv_rows;
pub use super::csv_rows::FieldError;
use super::elector::{Address, Elector, ElectorKey};
use super::{entity, geo};

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
    let line1 = text(&mut errors, "address_line1", f(5), true, 100);
    let line2 = text(&mut errors, "address_line2", f(6), false, 100);
    let city = text(&mut errors, "city", f(7), true, 60);
    let region = text(&mut errors, "region", f(8), false, 60);
    let country = f(10);
    check_place(&mut errors, country, f(9), region.as_deref());
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
        address: Address {
            line1: line1.expect("checked"),
            line2,
            city: city.expect("checked"),
            region,
            postal_code: f(9).to_string(),
            country: country.to_string(),
        },
        email: email.map(str::to_string),
        phone: phone.map(str::to_string),
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
