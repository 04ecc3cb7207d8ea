//! `courier.csv`: the rows a courier's batch-shipping import needs, keyed by `pep_id`.
//!
//! Spreadsheets execute cells that start with `=`, `+`, `-` or `@` (and tab or carriage return
//! in some programs): such cells get a leading `'` so a hostile address cannot become a formula
//! on the shipping desk's computer.

use super::PepLine;

const HEADER: [&str; 10] = [
    "pep_id",
    "name",
    "address_line1",
    "address_line2",
    "city",
    "region",
    "postal_code",
    "country",
    "phone",
    "email",
];

/// An international phone number as the list carries it (`+`, digits, spaces, `-`, `()`): a
/// courier's import needs the `+`, and nothing in it can form a formula.
fn is_plain_phone(cell: &str) -> bool {
    cell.strip_prefix('+').is_some_and(|rest| {
        !rest.is_empty()
            && rest
                .chars()
                .all(|c| c.is_ascii_digit() || matches!(c, ' ' | '-' | '(' | ')'))
    })
}

/// A cell that no spreadsheet will evaluate.
fn neutralized(cell: &str) -> std::borrow::Cow<'_, str> {
    if is_plain_phone(cell) {
        return cell.into();
    }
    match cell.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{cell}").into(),
        _ => cell.into(),
    }
}

/// UTF-8 CSV, one row per PEP in the given order; address lines after the first are joined
/// into `address_line2` with ", ".
pub fn courier_csv(peps: &[PepLine]) -> Vec<u8> {
    let mut w = csv::Writer::from_writer(Vec::new());
    // Writing into a Vec cannot fail.
    w.write_record(HEADER).expect("CSV into memory");
    for p in peps {
        let line1 = p.address_lines.first().map_or("", String::as_str);
        let line2 = p.address_lines.get(1..).unwrap_or_default().join(", ");
        let record = [
            p.pep_id.as_str(),
            &p.recipient,
            line1,
            &line2,
            &p.city,
            p.region.as_deref().unwrap_or(""),
            &p.postal_code,
            &p.country,
            p.phone.as_deref().unwrap_or(""),
            p.email.as_deref().unwrap_or(""),
        ];
        w.write_record(record.iter().map(|c| neutralized(c).into_owned()))
            .expect("CSV into memory");
    }
    w.into_inner().expect("CSV into memory")
}

#[cfg(test)]
mod tests {
    use super::courier_csv;
    use crate::documents::tests::pep;

    #[test]
    fn an_international_phone_keeps_its_plus_but_a_formula_in_the_phone_field_does_not() {
        let mut p = pep(1);
        p.phone = Some("+52 (55) 1234-5678".to_string());
        let csv = String::from_utf8(courier_csv(&[p.clone()])).unwrap();
        assert!(csv.contains(",+52 (55) 1234-5678,"), "{csv}");
        p.phone = Some("+1+cmd|' /C calc'!A0".to_string());
        let csv = String::from_utf8(courier_csv(&[p])).unwrap();
        assert!(csv.contains(",'+1+cmd"), "{csv}");
    }
}
