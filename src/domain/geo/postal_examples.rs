//! Tests only: real postal codes, valid and invalid, for the countries where electors live,
//! run through the public `validate_postal_code`.

use super::{postal_code_format, postal_code_required, validate_postal_code};

fn assert_valid(country: &str, codes: &[&str]) {
    for code in codes {
        assert_eq!(
            validate_postal_code(country, code),
            Ok(()),
            "{country} {code:?}"
        );
    }
}

fn assert_invalid(country: &str, codes: &[&str]) {
    for code in codes {
        assert!(
            validate_postal_code(country, code).is_err(),
            "{country} {code:?}"
        );
    }
}

#[test]
fn us_zip_codes_have_five_digits_and_an_optional_plus_four() {
    assert_valid("US", &["90210", "10001", "00501", "60601-1234"]);
    assert_invalid(
        "US",
        &[
            "00000",
            "00000-1234",
            "9021",
            "902101",
            "90210-123",
            "90210 1234",
        ],
    );
    assert_invalid("US", &["90210-", "ABCDE", "90210-12345"]);
}

#[test]
fn canadian_codes_alternate_letters_and_digits_with_one_space() {
    assert_valid(
        "CA",
        &["K1A 0B1", "M5V 2T6", "H3Z 2Y7", "V8X 3X4", "T0L 1K0"],
    );
    assert_invalid(
        "CA",
        &["K1A0B1", "K1A  0B1", "k1a 0b1", "K1A 0B", "1K1 A0B"],
    );
}

#[test]
fn canadian_codes_never_use_d_f_i_o_q_u() {
    assert_invalid(
        "CA",
        &[
            "D1A 0B1", "K1D 0B1", "K1A 0F1", "K1I 0B1", "O1A 0B1", "K1A 0U1",
        ],
    );
    assert_invalid("CA", &["Q1A 0B1", "K1A 0Q1"]);
}

#[test]
fn canadian_codes_never_start_with_w_or_z() {
    assert_invalid("CA", &["W1A 0B1", "Z1A 0B1"]);
    assert_valid("CA", &["K1W 0B1", "K1Z 0B1"]);
}

#[test]
fn mexican_codes_have_five_digits_not_starting_with_00() {
    assert_valid("MX", &["01000", "06700", "44100", "97000"]);
    assert_invalid("MX", &["00100", "0670", "C.P. 06700"]);
}

#[test]
fn spanish_codes_start_with_a_province_from_01_to_52() {
    assert_valid("ES", &["01001", "28013", "08001", "52001", "35001"]);
    assert_invalid("ES", &["00123", "53001", "99999", "2801", "28013-1"]);
}

#[test]
fn german_french_and_italian_codes_have_five_digits() {
    assert_valid("DE", &["10115", "01067", "80331", "99998"]);
    assert_invalid("DE", &["00123", "1011", "D-10115"]);
    assert_valid("FR", &["75008", "13001", "20000", "97400"]);
    assert_invalid("FR", &["7500", "00100", "75 008", "F-75008"]);
    assert_valid("IT", &["00184", "20121", "80100"]);
    assert_invalid("IT", &["0018", "I-00184"]);
}

#[test]
fn british_postcodes_take_every_outward_shape_and_one_space() {
    let shapes = [
        "M1 1AE", "B33 8TH", "CR2 6XH", "DN55 1PT", "W1A 0AX", "EC1A 1BB",
    ];
    assert_valid("GB", &shapes);
    assert_valid("GB", &["GIR 0AA", "SW1A 2AA", "E1W 1AA", "N1C 4AA"]);
    assert_invalid(
        "GB",
        &[
            "SW1A2AA",
            "SW1A  2AA",
            "sw1a 2aa",
            "SW1A 2AA ",
            "GIR0AA",
            "QA1 1AA",
        ],
    );
    assert_invalid("GB", &["SW1 AA", "SW1A 2CA", "ABC 1AA", "12 3AB"]);
}

#[test]
fn dutch_codes_have_four_digits_a_space_and_two_letters() {
    assert_valid("NL", &["1012 AB", "3011 ED", "9999 ZZ"]);
    assert_invalid(
        "NL",
        &[
            "1012AB", "0123 AB", "1012 ab", "1012 SA", "1012 SD", "1012 SS",
        ],
    );
}

#[test]
fn swiss_codes_have_four_digits_between_1000_and_9699() {
    assert_valid("CH", &["1000", "3003", "8001", "9658"]);
    assert_invalid("CH", &["0999", "9700", "999", "CH-8001"]);
    assert_valid("LI", &["9490", "9485", "9498"]);
    assert_invalid("LI", &["9484", "9499", "8001"]);
}

#[test]
fn codes_with_a_separator_require_it_where_the_post_prints_it() {
    assert_valid("JP", &["100-0001", "150-0002"]);
    assert_invalid("JP", &["1000001", "100 0001"]);
    assert_valid("BR", &["01310-100", "70002-900"]);
    assert_invalid("BR", &["01310100", "01310 100"]);
    assert_valid("PT", &["1000-001", "4000-322"]);
    assert_invalid("PT", &["0100-001", "1000001"]);
    assert_valid("PL", &["00-950", "31-042"]);
    assert_invalid("PL", &["00950", "00 950"]);
    assert_valid("SE", &["114 55", "211 20"]);
    assert_invalid("SE", &["11455", "014 55"]);
}

#[test]
fn four_digit_countries_take_four_digits() {
    assert_valid("AU", &["2000", "0200", "0800", "6000"]);
    assert_valid("NZ", &["1010", "6011"]);
    assert_valid("NO", &["0150", "5003"]);
    assert_valid("DK", &["1050", "8000"]);
    assert_valid("AT", &["1010", "5020"]);
    assert_valid("BE", &["1000", "9000"]);
    assert_invalid("AT", &["0101", "101"]);
    assert_invalid("BE", &["0999", "10000"]);
    for country in ["AU", "NZ", "NO", "DK"] {
        assert_invalid(country, &["200", "20000", "2 000", "A200"]);
    }
}

#[test]
fn latin_american_codes_follow_their_national_shapes() {
    assert_valid("AR", &["C1070AAM", "B1000TBU", "X5187XAB", "1425"]);
    assert_invalid(
        "AR",
        &["I1070AAM", "O1070AAM", "c1070aam", "C1070", "C1070AA"],
    );
    assert_valid("CL", &["8340457", "1230000"]);
    assert_invalid("CL", &["834045", "834-0457"]);
    assert_valid("CO", &["111221", "760011"]);
    assert_valid("PE", &["15001", "07001", "25001"]);
    assert_invalid("PE", &["26001", "00001", "LIMA 1"]);
    assert_valid("GT", &["01001", "22001"]);
    assert_invalid("GT", &["23001", "00001"]);
    assert_valid("UY", &["11000"]);
    assert_valid("CR", &["10101"]);
    assert_valid("DO", &["10101"]);
    assert_valid("EC", &["170150"]);
    assert_valid("VE", &["1010"]);
    assert_valid("HN", &["11101"]);
    assert_valid("NI", &["11001"]);
    assert_invalid("VE", &["10100"]);
}

#[test]
fn latin_american_codes_are_optional_except_in_brazil_and_mexico() {
    for country in [
        "AR", "CL", "CO", "PE", "GT", "UY", "CR", "DO", "EC", "VE", "HN", "NI",
    ] {
        assert!(!postal_code_required(country), "{country}");
        assert_valid(country, &[""]);
    }
    assert!(postal_code_required("BR") && postal_code_required("MX"));
}

#[test]
fn central_american_and_caribbean_countries_without_a_reliable_format_take_free_form() {
    for country in ["SV", "PA", "CU", "PY"] {
        assert_eq!(postal_code_format(country), None, "{country}");
        assert_valid(country, &["", "CP 1101", "10400"]);
    }
    assert_valid("BO", &[""]);
    assert_invalid("BO", &["0000"]);
}

#[test]
fn asian_and_middle_eastern_codes_have_their_digit_counts() {
    assert_valid("KR", &["03051"]);
    assert_valid("CN", &["100000", "266033"]);
    assert_valid("IN", &["110001", "400001"]);
    assert_invalid("IN", &["011000", "11000"]);
    assert_valid("IL", &["9614303"]);
    assert_invalid("IL", &["96143", "961-4303"]);
    assert_invalid("KR", &["030-51", "0305"]);
}

#[test]
fn irish_eircodes_are_optional_and_checked_when_given() {
    assert!(!postal_code_required("IE"));
    assert_valid("IE", &["", "D02 X285", "A65 F4E2", "D6W 1234"]);
    assert_invalid("IE", &["D02X285", "d02 x285", "B02 X285", "DUBLIN 2"]);
}

#[test]
fn us_territories_use_zip_codes_of_their_own_ranges() {
    assert_valid("PR", &["00901", "00725-1234"]);
    assert_invalid("PR", &["90210", "00801"]);
    assert_valid("VI", &["00802"]);
    assert_invalid("VI", &["00901"]);
}

#[test]
fn european_codes_with_a_country_prefix_or_letters_keep_them() {
    assert_valid("LV", &["LV-1050"]);
    assert_invalid("LV", &["1050", "LV1050"]);
    assert_valid("LT", &["01100", "LT-01100"]);
    assert_valid("MT", &["VLT 1117"]);
    assert_invalid("MT", &["VLT1117", "vlt 1117"]);
    assert_valid("CZ", &["110 00"]);
    assert_valid("GR", &["104 31"]);
}
