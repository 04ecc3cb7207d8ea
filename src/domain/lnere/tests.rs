//! Row validation tests for the postal list.

use super::*;

fn entities() -> Vec<String> {
    ["01", "10", "20", "28"].map(String::from).to_vec()
}

fn good() -> Vec<&'static str> {
    vec![
        "GOMZJN85031210H123",
        "Juan José",
        "Gómez",
        "Peña",
        "20",
        "1234 W Cesar Chavez Ave",
        "Apt 4B",
        "Los Angeles",
        "CA",
        "90033",
        "US",
        "juan.gomez@example.com",
        "+1 213 555 0143",
    ]
}

fn errors_of(row: &[&str]) -> Vec<&'static str> {
    match parse_row(row, &entities()) {
        Ok(_) => vec![],
        Err(e) => e.into_iter().map(|e| e.field).collect(),
    }
}

#[test]
fn a_complete_row_becomes_an_elector_with_accents_kept() {
    let e = parse_row(&good(), &entities()).unwrap();
    assert_eq!(e.full_name(), "Juan José Gómez Peña");
    assert_eq!(e.address.postal_code, "90033");
    assert_eq!(e.address.region.as_deref(), Some("CA"));
}

#[test]
fn optional_fields_may_be_empty() {
    let mut row = good();
    for i in [3, 6, 11, 12] {
        row[i] = "";
    }
    let e = parse_row(&row, &entities()).unwrap();
    assert_eq!(e.maternal_surname, None);
    assert_eq!(e.email, None);
}

#[test]
fn every_bad_field_of_a_row_is_reported_not_just_the_first() {
    let mut row = good();
    row[0] = "bad";
    row[1] = "";
    row[4] = "09";
    row[9] = "ABCDE";
    row[11] = "not-an-email";
    assert_eq!(
        errors_of(&row),
        vec![
            "elector_key",
            "given_names",
            "entity",
            "postal_code",
            "email"
        ]
    );
}

#[test]
fn a_country_that_is_not_iso_is_refused() {
    let mut row = good();
    row[10] = "XX";
    assert_eq!(errors_of(&row), vec!["country"]);
    row[10] = "us";
    assert_eq!(errors_of(&row), vec!["country"]);
}

#[test]
fn a_us_address_needs_a_state() {
    let mut row = good();
    row[8] = "";
    assert_eq!(errors_of(&row), vec!["region"]);
}

#[test]
fn rows_with_the_wrong_number_of_fields_are_refused() {
    let row = &good()[..12];
    assert_eq!(errors_of(row), vec!["row"]);
}

#[test]
fn names_with_digits_or_control_characters_are_refused() {
    let mut row = good();
    row[2] = "G0mez";
    row[7] = "Los\u{7}Angeles";
    assert_eq!(errors_of(&row), vec!["paternal_surname", "city"]);
}

#[test]
fn phones_must_be_international() {
    let mut row = good();
    row[12] = "213 555 0143";
    assert_eq!(errors_of(&row), vec!["phone"]);
}

#[test]
fn the_header_must_be_exactly_the_contract_one() {
    assert!(check_header(HEADER).is_ok());
    let mut h = HEADER.to_vec();
    h.swap(1, 2);
    assert!(check_header(h).unwrap_err().reason.contains("columna 2"));
    assert!(check_header(HEADER[..12].to_vec()).is_err());
    let mut bom = HEADER.to_vec();
    bom[0] = "\u{feff}elector_key";
    assert!(check_header(bom).is_ok());
}
