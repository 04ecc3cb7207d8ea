//! Postal-code data per country: which countries have no postal codes, and for those with a
//! known format its patterns, human description, whether a mailing address needs it, and any
//! rule the patterns cannot express. Countries in neither list accept free-form codes.
//!
//! Pattern language: `9` = ASCII digit, `A` = uppercase ASCII letter, `*` = either; any other
//! character is literal. The value must match one whole pattern, character for character: no
//! trimming, no lowercase letters, and separators (space, hyphen) exactly where the national
//! post prints them (so "SW1A 1AA", never "SW1A1AA"; "01310-100", never "01310100").
//!
//! `required` follows the address standards (CLDR / Google libaddressinput "require" field):
//! where many real addresses carry no code (most of Latin America, Ireland, Israel...), a
//! code is checked when given but may be left empty.

/// The known format of one country's postal codes.
pub(super) struct PostalFormat {
    pub country: &'static str,
    /// Alternatives in the pattern language of this module.
    pub patterns: &'static [&'static str],
    /// What people are told, e.g. "99999 o 99999-9999".
    pub description: &'static str,
    /// Whether a mailing address in this country needs a postal code.
    pub required: bool,
    /// A rule the patterns cannot express; only called on a value that matched a pattern.
    pub check: Option<fn(&str) -> bool>,
}

impl PostalFormat {
    /// Whether `value` matches one of the patterns and passes the extra rule.
    pub fn accepts(&self, value: &str) -> bool {
        self.patterns.iter().any(|p| matches_pattern(p, value))
            && self.check.is_none_or(|f| f(value))
    }

    const fn with(self, check: fn(&str) -> bool) -> Self {
        PostalFormat {
            check: Some(check),
            ..self
        }
    }
}

/// Whether `value` matches `pattern` in full (see the module header).
pub(super) fn matches_pattern(pattern: &str, value: &str) -> bool {
    let mut value = value.chars();
    for p in pattern.chars() {
        let Some(v) = value.next() else { return false };
        let ok = match p {
            '9' => v.is_ascii_digit(),
            'A' => v.is_ascii_uppercase(),
            '*' => v.is_ascii_digit() || v.is_ascii_uppercase(),
            literal => v == literal,
        };
        if !ok {
            return false;
        }
    }
    value.next().is_none()
}

const fn req(
    country: &'static str,
    patterns: &'static [&'static str],
    description: &'static str,
) -> PostalFormat {
    PostalFormat {
        country,
        patterns,
        description,
        required: true,
        check: None,
    }
}

const fn opt(
    country: &'static str,
    patterns: &'static [&'static str],
    description: &'static str,
) -> PostalFormat {
    PostalFormat {
        country,
        patterns,
        description,
        required: false,
        check: None,
    }
}

/// The format of `country`'s postal codes, if known.
pub(super) fn format_of(country: &str) -> Option<&'static PostalFormat> {
    FORMATS
        .binary_search_by(|f| f.country.cmp(country))
        .ok()
        .map(|i| &FORMATS[i])
}

/// Countries and territories with no postal-code system: a value given there is refused.
pub(super) static NO_POSTAL_CODES: &[&str] = &[
    "AE", "AG", "AO", "AQ", "AW", "BF", "BI", "BJ", "BO", "BQ", "BS", "BV", "BW", "BZ", "CD", "CF",
    "CG", "CI", "CK", "CM", "CW", "DJ", "DM", "ER", "FJ", "GA", "GD", "GM", "GQ", "GY", "HK", "KI",
    "KM", "KN", "KP", "ML", "MO", "MR", "NR", "NU", "QA", "RW", "SB", "SC", "SL", "SR", "ST", "SX",
    "TD", "TG", "TK", "TL", "TO", "TV", "UG", "VU", "YE", "ZW",
];

const DIGITS_3: &[&str] = &["999"];
const DIGITS_4: &[&str] = &["9999"];
const DIGITS_5: &[&str] = &["99999"];
const DIGITS_6: &[&str] = &["999999"];
const DIGITS_7: &[&str] = &["9999999"];
const ZIP: &[&str] = &["99999", "99999-9999"];
const SPACED_5: &[&str] = &["999 99"];

/// Sorted by country code (a test checks it).
static FORMATS: &[PostalFormat] = &[
    opt("AL", DIGITS_4, "9999"),
    opt("AM", DIGITS_4, "9999"),
    opt("AR", &["A9999AAA", "9999"], "A9999AAA o 9999").with(argentina),
    req("AT", DIGITS_4, "9999").with(no_leading_zero),
    req("AU", DIGITS_4, "9999"),
    opt("BA", DIGITS_5, "99999"),
    opt("BD", DIGITS_4, "9999"),
    req("BE", DIGITS_4, "9999").with(no_leading_zero),
    opt("BG", DIGITS_4, "9999"),
    req("BR", &["99999-999"], "99999-999"),
    opt("BY", DIGITS_6, "999999"),
    req("CA", &["A9A 9A9"], "A9A 9A9").with(canada),
    req("CH", DIGITS_4, "9999").with(switzerland),
    opt("CL", DIGITS_7, "9999999"),
    req("CN", DIGITS_6, "999999"),
    opt("CO", DIGITS_6, "999999"),
    opt("CR", DIGITS_5, "99999"),
    opt("CY", DIGITS_4, "9999"),
    req("CZ", SPACED_5, "999 99"),
    req("DE", DIGITS_5, "99999").with(no_leading_double_zero),
    req("DK", DIGITS_4, "9999"),
    opt("DO", DIGITS_5, "99999"),
    opt("DZ", DIGITS_5, "99999"),
    opt("EC", DIGITS_6, "999999"),
    req("EE", DIGITS_5, "99999"),
    opt("EG", DIGITS_5, "99999"),
    req("ES", DIGITS_5, "99999").with(spain),
    req("FI", DIGITS_5, "99999"),
    req("FR", DIGITS_5, "99999").with(no_leading_double_zero),
    req("GB", GB_PATTERNS, GB_DESCRIPTION).with(united_kingdom),
    opt("GE", DIGITS_4, "9999"),
    req("GR", SPACED_5, "999 99"),
    opt("GT", DIGITS_5, "99999").with(guatemala),
    opt("HN", DIGITS_5, "99999"),
    opt("HR", DIGITS_5, "99999"),
    req("HU", DIGITS_4, "9999"),
    opt("ID", DIGITS_5, "99999"),
    opt("IE", &["A99 ****", "A9A ****"], "A99 XXXX (Eircode)").with(eircode),
    opt("IL", DIGITS_7, "9999999"),
    req("IN", DIGITS_6, "999999").with(no_leading_zero),
    opt("IS", DIGITS_3, "999"),
    req("IT", DIGITS_5, "99999"),
    opt("JO", DIGITS_5, "99999"),
    req("JP", &["999-9999"], "999-9999"),
    opt("KE", DIGITS_5, "99999"),
    req("KR", DIGITS_5, "99999"),
    opt("KW", DIGITS_5, "99999"),
    req("LI", DIGITS_4, "9999 (entre 9485 y 9498)").with(liechtenstein),
    opt("LK", DIGITS_5, "99999"),
    req("LT", &["99999", "LT-99999"], "99999 o LT-99999"),
    req("LU", DIGITS_4, "9999"),
    req("LV", &["LV-9999"], "LV-9999"),
    opt("MA", DIGITS_5, "99999"),
    opt("ME", DIGITS_5, "99999"),
    opt("MK", DIGITS_4, "9999"),
    opt("MT", &["AAA 9999"], "AAA 9999"),
    req("MX", DIGITS_5, "99999").with(no_leading_double_zero),
    req("MY", DIGITS_5, "99999"),
    opt("NG", DIGITS_6, "999999"),
    opt("NI", DIGITS_5, "99999"),
    req("NL", &["9999 AA"], "9999 AA").with(netherlands),
    req("NO", DIGITS_4, "9999"),
    opt("NP", DIGITS_5, "99999"),
    req("NZ", DIGITS_4, "9999"),
    opt("PE", DIGITS_5, "99999").with(peru),
    opt("PH", DIGITS_4, "9999"),
    opt("PK", DIGITS_5, "99999"),
    req("PL", &["99-999"], "99-999"),
    req("PR", ZIP, "99999 o 99999-9999").with(puerto_rico),
    req("PT", &["9999-999"], "9999-999").with(no_leading_zero),
    req("RO", DIGITS_6, "999999"),
    opt("RS", DIGITS_5, "99999"),
    req("RU", DIGITS_6, "999999"),
    opt("SA", ZIP, "99999 o 99999-9999"),
    req("SE", SPACED_5, "999 99").with(no_leading_zero),
    req("SG", DIGITS_6, "999999"),
    opt("SI", DIGITS_4, "9999"),
    req("SK", SPACED_5, "999 99"),
    opt("TH", DIGITS_5, "99999"),
    opt("TN", DIGITS_4, "9999"),
    req("TR", DIGITS_5, "99999"),
    req("UA", DIGITS_5, "99999"),
    req("US", ZIP, "99999 o 99999-9999").with(united_states),
    opt("UY", DIGITS_5, "99999"),
    opt("VE", DIGITS_4, "9999"),
    req("VI", ZIP, "99999 o 99999-9999").with(virgin_islands),
    req("ZA", DIGITS_4, "9999"),
];

const GB_PATTERNS: &[&str] = &[
    "A9 9AA", "A99 9AA", "AA9 9AA", "AA99 9AA", "A9A 9AA", "AA9A 9AA", "AAA 9AA",
];
const GB_DESCRIPTION: &str = "A9 9AA, A99 9AA, AA9 9AA, AA99 9AA, A9A 9AA, AA9A 9AA o GIR 0AA";

/// The number written by the first `len` characters, if they are digits.
fn leading_number(value: &str, len: usize) -> Option<u32> {
    value.get(..len)?.parse().ok()
}

fn no_leading_zero(value: &str) -> bool {
    !value.starts_with('0')
}

fn no_leading_double_zero(value: &str) -> bool {
    !value.starts_with("00")
}

fn united_states(value: &str) -> bool {
    !value.starts_with("00000")
}

fn puerto_rico(value: &str) -> bool {
    ["006", "007", "009"].iter().any(|p| value.starts_with(p))
}

fn virgin_islands(value: &str) -> bool {
    value.starts_with("008")
}

/// Letters D, F, I, O, Q, U are never used; W and Z never come first.
fn canada(value: &str) -> bool {
    let mut letters = value.chars().filter(char::is_ascii_uppercase);
    let first_ok = letters.next().is_some_and(|c| !"DFIOQUWZ".contains(c));
    first_ok && letters.all(|c| !"DFIOQU".contains(c))
}

/// The first two digits are the province, 01 (Álava) to 52 (Melilla).
fn spain(value: &str) -> bool {
    leading_number(value, 2).is_some_and(|n| (1..=52).contains(&n))
}

fn switzerland(value: &str) -> bool {
    leading_number(value, 4).is_some_and(|n| (1000..=9699).contains(&n))
}

fn liechtenstein(value: &str) -> bool {
    leading_number(value, 4).is_some_and(|n| (9485..=9498).contains(&n))
}

/// No leading zero, and the letter pairs SA, SD and SS are not used.
fn netherlands(value: &str) -> bool {
    no_leading_zero(value) && !matches!(value.get(5..), Some("SA" | "SD" | "SS"))
}

/// The optional leading letter is the province: every letter but I and O.
fn argentina(value: &str) -> bool {
    !value.starts_with(['I', 'O'])
}

/// The first two digits are the department, 01 to 22.
fn guatemala(value: &str) -> bool {
    leading_number(value, 2).is_some_and(|n| (1..=22).contains(&n))
}

/// The first two digits are the department, 01 (Amazonas) to 25 (Ucayali).
fn peru(value: &str) -> bool {
    leading_number(value, 2).is_some_and(|n| (1..=25).contains(&n))
}

/// Eircode: letters only from ACDEFHKNPRTVWXY; the one routing key with a letter is D6W.
fn eircode(value: &str) -> bool {
    let routing_key_ok =
        value.as_bytes().get(2).is_some_and(u8::is_ascii_digit) || value.starts_with("D6W ");
    routing_key_ok
        && value
            .chars()
            .filter(char::is_ascii_uppercase)
            .all(|c| "ACDEFHKNPRTVWXY".contains(c))
}

/// Royal Mail's letter rules by position; "GIR 0AA" is the one outward code of three letters.
fn united_kingdom(value: &str) -> bool {
    if value == "GIR 0AA" {
        return true;
    }
    let Some((outward, inward)) = value.split_once(' ') else {
        return false;
    };
    let out: Vec<char> = outward.chars().collect();
    let area_len = out.iter().take_while(|c| c.is_ascii_uppercase()).count();
    if area_len > 2 || "QVX".contains(out[0]) || (area_len == 2 && "IJZ".contains(out[1])) {
        return false;
    }
    let last = out[out.len() - 1];
    let district_ok = match (last.is_ascii_uppercase(), area_len) {
        (false, _) => true,
        (true, 1) => "ABCDEFGHJKPSTUW".contains(last),
        (true, _) => "ABEHMNPRVWXY".contains(last),
    };
    district_ok && inward.chars().skip(1).all(|c| !"CIKMOV".contains(c))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns_match_digits_uppercase_letters_and_literals_in_full() {
        assert!(matches_pattern("99999-9999", "12345-6789"));
        assert!(matches_pattern("A9A 9A9", "K1A 0B1"));
        assert!(matches_pattern("LV-9999", "LV-1050"));
        assert!(matches_pattern("A99 ****", "D02 X285"));
        assert!(!matches_pattern("A9A 9A9", "k1a 0b1"));
        assert!(!matches_pattern("99999", "1234"));
        assert!(!matches_pattern("99999", "123456"));
        assert!(!matches_pattern("99999", "1234٥"));
        assert!(!matches_pattern("9999 AA", "1234AB"));
    }

    #[test]
    fn the_format_table_is_sorted_and_has_no_duplicates() {
        assert!(FORMATS.windows(2).all(|w| w[0].country < w[1].country));
        assert!(NO_POSTAL_CODES.windows(2).all(|w| w[0] < w[1]));
    }

    #[test]
    fn no_country_both_has_a_format_and_no_postal_codes() {
        for code in NO_POSTAL_CODES {
            assert!(format_of(code).is_none(), "{code}");
        }
    }

    #[test]
    fn every_format_has_a_description_and_at_least_one_pattern() {
        for f in FORMATS {
            assert!(!f.description.is_empty(), "{}", f.country);
            assert!(!f.patterns.is_empty(), "{}", f.country);
        }
    }

    #[test]
    fn british_letter_rules_apply_by_position() {
        let gb = format_of("GB").unwrap();
        for ok in [
            "SW1A 1AA", "EC1A 1BB", "W1A 0AX", "M1 1AE", "B33 8TH", "CR2 6XH", "DN55 1PT",
        ] {
            assert!(gb.accepts(ok), "{ok}");
        }
        assert!(gb.accepts("GIR 0AA"));
        // Q first, J second, I in a district letter, C or V inward, three-letter area.
        for bad in [
            "QA1 1AA", "AJ1 1AA", "A1I 1AA", "SW1A 1CA", "M1 1AV", "ABC 1AA", "GIR 0AB",
        ] {
            assert!(!gb.accepts(bad), "{bad}");
        }
    }

    #[test]
    fn eircodes_use_only_their_own_letters() {
        let ie = format_of("IE").unwrap();
        for ok in ["D02 X285", "A65 F4E2", "D6W 1234", "T12 HX34"] {
            assert!(ie.accepts(ok), "{ok}");
        }
        for bad in ["B12 3456", "D02 X2B5", "A6W 1234", "D02X285", "d02 x285"] {
            assert!(!ie.accepts(bad), "{bad}");
        }
    }
}
