//! Tests of the election file and the cutoff rule.

use super::*;

const PEL: &str = r#"
name = "PEL 2021-2022"
election_day = "2022-06-05"
polls_open = "08:00"
timezone = "America/Mexico_City"
max_electors_per_mec = 750
entities = ["01", "10", "20", "28"]
"#;

fn with(extra: &str) -> Result<Election, ElectionError> {
    Election::from_toml(&format!("{PEL}{extra}"))
}

#[test]
fn the_default_cutoff_is_eight_the_day_before_in_mexico_city_time() {
    let e = Election::from_toml(PEL).unwrap();
    // June 2022: Mexico City still on summer time, CDT (UTC-5); DST ended for good on
    // 30 October 2022.
    assert_eq!(e.receipt_cutoff.to_rfc3339(), "2022-06-04T13:00:00+00:00");
    assert_eq!(e.cutoff_local_notation(), "2022-06-04T08:00");
}

#[test]
fn since_the_end_of_daylight_saving_time_the_cutoff_is_in_standard_time() {
    let e = Election::from_toml(&PEL.replace("2022-06-05", "2024-06-02")).unwrap();
    // 1 June 2024 08:00 CST (UTC-6).
    assert_eq!(e.receipt_cutoff.to_rfc3339(), "2024-06-01T14:00:00+00:00");
}

#[test]
fn the_2018_cutoff_follows_the_daylight_saving_time_then_in_force() {
    let text = PEL.replace("2022-06-05", "2018-07-01");
    let e = Election::from_toml(&text).unwrap();
    // 30 June 2018 08:00 CDT (UTC-5).
    assert_eq!(e.receipt_cutoff.to_rfc3339(), "2018-06-30T13:00:00+00:00");
}

#[test]
fn an_explicit_cutoff_overrides_the_default() {
    let e = with("receipt_cutoff = \"2022-06-04T20:00\"\n").unwrap();
    assert_eq!(e.receipt_cutoff.to_rfc3339(), "2022-06-05T01:00:00+00:00");
}

#[test]
fn a_cutoff_after_the_polls_open_is_refused() {
    let e = with("receipt_cutoff = \"2022-06-05T09:00\"\n").unwrap_err();
    assert_eq!(e.field, "receipt_cutoff");
}

#[test]
fn each_bad_field_is_named_in_the_error() {
    let cases = [
        ("2022-06-05", "2022-13-05", "election_day"),
        ("08:00", "8am", "polls_open"),
        ("America/Mexico_City", "Mexico/Nowhere", "timezone"),
        ("750", "0", "max_electors_per_mec"),
        ("\"28\"]", "\"33\"]", "entities"),
        ("\"10\", \"20\"", "\"10\", \"10\"", "entities"),
        ("name = \"PEL 2021-2022\"", "name = \"\"", "name"),
    ];
    for (from, to, field) in cases {
        let e = Election::from_toml(&PEL.replace(from, to)).unwrap_err();
        assert_eq!(e.field, field, "{to}: {e}");
    }
}

#[test]
fn unknown_and_missing_fields_are_refused() {
    assert_eq!(with("colour = \"red\"\n").unwrap_err().field, "colour");
    let e = Election::from_toml(&PEL.replace("timezone = \"America/Mexico_City\"\n", ""));
    assert_eq!(e.unwrap_err().field, "timezone");
    assert_eq!(Election::from_toml("name = ").unwrap_err().field, "toml");
}

#[test]
fn a_return_address_is_read_when_present() {
    let e = with(
        "[return_address]\nname = \"INE\"\nline1 = \"Viaducto Tlalpan 100\"\ncity = \"Ciudad de México\"\nregion = \"CDMX\"\npostal_code = \"14300\"\ncountry = \"MX\"\n",
    )
    .unwrap();
    assert_eq!(e.return_address.unwrap().postal_code, "14300");
    let e = with("[return_address]\nname = \"INE\"\n").unwrap_err();
    assert_eq!(e.field, "return_address.line1");
}

#[test]
fn a_local_time_skipped_by_daylight_saving_is_refused() {
    let tz: Tz = "America/New_York".parse().unwrap();
    let t = NaiveDate::from_ymd_opt(2024, 3, 10)
        .unwrap()
        .and_hms_opt(2, 30, 0)
        .unwrap();
    assert!(local_to_utc(tz, t).is_err());
}

#[test]
fn a_wrong_type_or_unknown_key_is_named_by_its_path() {
    let e = Election::from_toml(&PEL.replace("\"PEL 2021-2022\"", "5")).unwrap_err();
    assert_eq!(
        (e.field.as_str(), e.reason.as_str()),
        ("name", "debe ser texto")
    );
    let e = Election::from_toml(&PEL.replace("750", "\"750\"")).unwrap_err();
    assert_eq!(e.field, "max_electors_per_mec");
    let e = Election::from_toml(&PEL.replace("\"01\",", "1,")).unwrap_err();
    assert_eq!(e.field, "entities");
    let e = with("[return_address]\nname = \"INE\"\ncolour = \"red\"\n").unwrap_err();
    assert_eq!(e.field, "return_address.colour");
    let e = with("[return_address]\nname = 1\n").unwrap_err();
    assert_eq!(e.field, "return_address.name");
}
