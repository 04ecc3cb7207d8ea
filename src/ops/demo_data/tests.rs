//! Tests of the generated list as a whole: shape, determinism, distributions, formats.

use std::collections::{HashMap, HashSet};

use super::*;

fn spec(electors: usize, seed: u64) -> DemoSpec {
    DemoSpec {
        electors,
        seed,
        entities: Vec::new(),
    }
}

fn bytes(spec: &DemoSpec) -> Vec<u8> {
    let mut out = Vec::new();
    write_demo_csv(spec, &mut out).expect("generation succeeds");
    out
}

fn rows(spec: &DemoSpec) -> Vec<csv::StringRecord> {
    let data = bytes(spec);
    let mut reader = csv::Reader::from_reader(data.as_slice());
    reader.records().map(|r| r.expect("valid CSV")).collect()
}

/// Column index by header name.
fn col(name: &str) -> usize {
    LNERE_HEADER
        .iter()
        .position(|h| *h == name)
        .expect("known column")
}

/// `shape`: `A` an uppercase ASCII letter, `9` a digit, anything else itself.
fn has_shape(value: &str, shape: &str) -> bool {
    value.len() == shape.len()
        && value.bytes().zip(shape.bytes()).all(|(v, s)| match s {
            b'A' => v.is_ascii_uppercase(),
            b'9' => v.is_ascii_digit(),
            other => v == other,
        })
}

fn number(value: &str) -> u32 {
    value.parse().unwrap_or(u32::MAX)
}

/// The postal code formats checked by the importer's validator.
fn postal_code_is_valid(country: &str, code: &str) -> bool {
    match country {
        "US" => {
            (has_shape(code, "99999") || has_shape(code, "99999-9999")) && &code[..5] != "00000"
        }
        "CA" => {
            has_shape(code, "A9A 9A9")
                && !code.contains(['D', 'F', 'I', 'O', 'Q', 'U'])
                && !code.starts_with(['W', 'Z'])
        }
        "ES" => has_shape(code, "99999") && (1..=52).contains(&number(&code[..2])),
        "DE" | "FR" | "IT" => has_shape(code, "99999"),
        "GB" => [
            "A9 9AA", "A99 9AA", "AA9 9AA", "AA99 9AA", "A9A 9AA", "AA9A 9AA",
        ]
        .iter()
        .any(|shape| has_shape(code, shape)),
        "NL" => {
            has_shape(code, "9999 AA")
                && !code.starts_with('0')
                && !["SA", "SD", "SS"].contains(&&code[5..])
        }
        "CH" => has_shape(code, "9999") && (1000..=9699).contains(&number(code)),
        "CL" => has_shape(code, "9999999"),
        "AU" | "BE" => has_shape(code, "9999"),
        "JP" => has_shape(code, "999-9999"),
        "AR" => has_shape(code, "A9999AAA") || has_shape(code, "9999"),
        "CO" => has_shape(code, "999999"),
        "BR" => has_shape(code, "99999-999"),
        "SE" => has_shape(code, "999 99"),
        _ => false,
    }
}

#[test]
fn header_is_exactly_the_lnere_header() {
    let data = bytes(&spec(0, 1));
    let expected = "elector_key,given_names,paternal_surname,maternal_surname,entity,\
        address_line1,address_line2,city,region,postal_code,country,email,phone\n";
    assert_eq!(String::from_utf8(data).unwrap(), expected);
}

#[test]
fn the_same_seed_gives_identical_bytes() {
    assert_eq!(bytes(&spec(2_000, 42)), bytes(&spec(2_000, 42)));
}

#[test]
fn different_seeds_give_different_files() {
    assert_ne!(bytes(&spec(200, 1)), bytes(&spec(200, 2)));
}

#[test]
fn exactly_the_requested_number_of_rows_is_written() {
    for n in [0, 1, 17, 1_000] {
        let records = rows(&spec(n, 7));
        assert_eq!(records.len(), n);
        assert!(records.iter().all(|r| r.len() == LNERE_HEADER.len()));
    }
}

#[test]
fn keys_have_the_clave_de_elector_shape_and_are_unique() {
    let records = rows(&spec(20_000, 3));
    let mut seen = HashSet::new();
    for r in &records {
        let key = &r[col("elector_key")];
        assert!(has_shape(key, "AAAAAA99999999A999"), "bad key {key}");
        assert_eq!(&key[12..14], &r[col("entity")], "entity digits of {key}");
        assert!(matches!(&key[14..15], "H" | "M" | "X"), "sex of {key}");
        let (month, day) = (number(&key[8..10]), number(&key[10..12]));
        assert!(
            (1..=12).contains(&month) && (1..=31).contains(&day),
            "date of {key}"
        );
        assert!(seen.insert(key.to_owned()), "duplicate key {key}");
    }
}

#[test]
fn entity_mix_follows_the_pel_2021_2022_list() {
    let records = rows(&spec(15_000, 11));
    let mut counts: HashMap<String, usize> = HashMap::new();
    for r in &records {
        *counts.entry(r[col("entity")].to_owned()).or_default() += 1;
    }
    assert_eq!(counts.len(), 4);
    for (code, real) in PEL_2021_2022 {
        let expected = f64::from(real) / 1517.0;
        let got = counts[code] as f64 / records.len() as f64;
        assert!((got - expected).abs() < 0.02, "{code}: {got} vs {expected}");
    }
}

#[test]
fn explicit_entities_are_the_only_ones_used() {
    let mut s = spec(3_000, 5);
    s.entities = vec!["09".into(), "20".into(), "09".into()];
    let records = rows(&s);
    let used: HashSet<&str> = records.iter().map(|r| r.get(4).unwrap()).collect();
    assert_eq!(used, HashSet::from(["09", "20"]));
    let oaxaca = records.iter().filter(|r| &r[4] == "20").count() as f64;
    let expected = 620.0 / (620.0 + f64::from(OTHER_ENTITY_WEIGHT));
    assert!((oaxaca / 3_000.0 - expected).abs() < 0.04);
}

#[test]
fn an_entity_that_is_not_an_inegi_code_is_refused_before_writing() {
    for bad in ["33", "00", "1", "AB", "010"] {
        let mut s = spec(10, 1);
        s.entities = vec!["01".into(), bad.into()];
        let mut out = Vec::new();
        assert!(write_demo_csv(&s, &mut out).is_err(), "{bad} accepted");
        assert!(out.is_empty());
    }
}

#[test]
fn the_usa_holds_between_90_and_97_percent_of_electors() {
    let records = rows(&spec(20_000, 8));
    let us = records
        .iter()
        .filter(|r| &r[col("country")] == "US")
        .count();
    let share = us as f64 / records.len() as f64;
    assert!((0.90..=0.97).contains(&share), "US share {share}");
    let countries: HashSet<&str> = records
        .iter()
        .map(|r| r.get(col("country")).unwrap())
        .collect();
    assert!(countries.len() >= 12, "only {countries:?}");
}

#[test]
fn every_postal_code_matches_its_country_format() {
    let records = rows(&spec(60_000, 9));
    for r in &records {
        let (country, code) = (&r[col("country")], &r[col("postal_code")]);
        assert!(postal_code_is_valid(country, code), "{country} {code:?}");
    }
}

#[test]
fn postal_codes_agree_with_their_city() {
    let expected = [
        ("Los Angeles", "900"),
        ("Chicago", "606"),
        ("Houston", "770"),
        ("Madrid", "28"),
        ("Barcelona", "08"),
        ("Sydney", "2"),
        ("Melbourne", "3"),
        ("Paris", "750"),
    ];
    for r in &rows(&spec(60_000, 10)) {
        let city = &r[col("city")];
        if let Some((_, prefix)) = expected.iter().find(|(c, _)| *c == city) {
            assert!(
                r[col("postal_code")].starts_with(prefix),
                "{city} {}",
                &r[9]
            );
        }
    }
}

#[test]
fn region_is_present_where_the_country_requires_it() {
    for r in &rows(&spec(30_000, 12)) {
        if ["US", "CA", "AU", "BR", "AR"].contains(&&r[col("country")]) {
            assert!(!r[col("region")].is_empty(), "{r:?}");
        }
        assert!(!r[col("city")].is_empty() && !r[col("address_line1")].is_empty());
    }
}

#[test]
fn some_names_carry_accents_or_enye() {
    let records = rows(&spec(2_000, 13));
    let names = |r: &csv::StringRecord| format!("{} {} {}", &r[1], &r[2], &r[3]);
    let accented = records
        .iter()
        .filter(|r| names(r).contains(['á', 'é', 'í', 'ó', 'ú', 'ñ', 'Ñ', 'Á', 'É', 'Í', 'Ó', 'Ú']))
        .count();
    assert!(accented > 500, "only {accented} accented names");
    assert!(records.iter().any(|r| names(r).contains(['ñ', 'Ñ'])));
}

#[test]
fn optional_columns_are_filled_at_realistic_rates() {
    let records = rows(&spec(10_000, 14));
    let share = |c: &str| {
        records.iter().filter(|r| !r[col(c)].is_empty()).count() as f64 / records.len() as f64
    };
    assert!((0.95..0.99).contains(&share("maternal_surname")));
    assert!((0.55..0.65).contains(&share("email")));
    assert!((0.65..0.75).contains(&share("phone")));
    for r in &records {
        let email = &r[col("email")];
        assert!(
            email.is_empty()
                || email
                    .bytes()
                    .all(|b| !b.is_ascii_uppercase() && b.is_ascii())
        );
        assert!(email.is_empty() || email.split('@').count() == 2, "{email}");
        let phone = &r[col("phone")];
        assert!(phone.is_empty() || phone.starts_with('+'), "{phone}");
        let digits = phone.bytes().filter(u8::is_ascii_digit).count();
        match &r[col("country")] {
            "US" | "CA" if !phone.is_empty() => {
                assert!(has_shape(phone, "+1 999 555 0199"), "{phone}")
            }
            "AR" if !phone.is_empty() => assert_eq!(digits, 13, "{phone}"),
            _ => {}
        }
    }
}

/// Run with `--ignored --nocapture` to time a full-size list written to /dev/null.
#[cfg(unix)]
#[test]
#[ignore]
fn two_million_rows_are_written_in_seconds() {
    let out = std::fs::OpenOptions::new()
        .write(true)
        .open("/dev/null")
        .unwrap();
    let start = std::time::Instant::now();
    write_demo_csv(&spec(2_000_000, 2022), std::io::BufWriter::new(out)).unwrap();
    eprintln!("2,000,000 rows in {:.2?}", start.elapsed());
}
