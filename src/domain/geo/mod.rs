//! Geography of a mailing address abroad: the ISO 3166-1 country table with Spanish names,
//! postal-code rules per country, and which countries need a state or province on the label.
//! Pure data and checks: no IO.

mod countries;
mod formats;
mod postal;

#[cfg(test)]
mod postal_examples;

pub use countries::{countries, country, Country};
pub use postal::{
    postal_code_format, postal_code_required, postal_code_used, validate_postal_code,
    PostalCodeError, FREE_FORM_DESCRIPTION,
};

/// Countries whose postal addresses carry a state or province code on the last line and whose
/// post and couriers need it ("Austin TX 78701", "Toronto ON M5V 2T6", "São Paulo-SP"): United
/// States, Canada, Australia, Brazil, and Mexico itself. Argentina is left out (the CPA's letter
/// already names the province), as are countries where the postal code determines the region
/// (Spain, Italy, Japan...): there the region is welcome but optional.
const REGION_REQUIRED: &[&str] = &["AU", "BR", "CA", "MX", "US"];

/// Whether a mailing address in this country must name its state, province or region.
pub fn region_required(country_code: &str) -> bool {
    REGION_REQUIRED.contains(&country_code)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn us_canada_australia_brazil_and_mexico_need_a_region() {
        for code in ["US", "CA", "AU", "BR", "MX"] {
            assert!(region_required(code), "{code}");
        }
    }

    #[test]
    fn other_countries_and_unknown_codes_need_no_region() {
        for code in ["ES", "DE", "FR", "GB", "AR", "JP", "HK", "us", "", "ZZ"] {
            assert!(!region_required(code), "{code:?}");
        }
    }

    #[test]
    fn every_region_required_country_exists_and_requires_a_postal_code() {
        for code in REGION_REQUIRED {
            assert!(country(code).is_some(), "{code}");
            assert!(postal_code_required(code), "{code}");
        }
    }

    #[test]
    fn every_country_with_a_format_exists_and_has_a_description() {
        let with_format: Vec<&Country> = countries()
            .iter()
            .filter(|c| postal_code_format(c.code).is_some())
            .collect();
        assert!(with_format.len() > 80);
        for c in with_format {
            assert!(
                !postal_code_format(c.code).unwrap().is_empty(),
                "{}",
                c.code
            );
            assert!(postal_code_used(c.code), "{}", c.code);
        }
    }

    #[test]
    fn every_country_answers_all_four_questions_consistently() {
        for c in countries() {
            let required = postal_code_required(c.code);
            let described = postal_code_format(c.code).is_some();
            let used = postal_code_used(c.code);
            assert!(
                !required || described,
                "{} required without a format",
                c.code
            );
            assert!(used || !described, "{} has a format but no codes", c.code);
            let empty = validate_postal_code(c.code, "");
            assert_eq!(empty.is_err(), required, "{}", c.code);
        }
    }
}
