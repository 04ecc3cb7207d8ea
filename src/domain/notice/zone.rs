//! The elector's own time zone, from the country and region of the address: one zone per
//! country for single-zone countries, by state or province for the USA, Canada, Australia,
//! Brazil and Mexico (the biggest multi-zone countries of the postal list). A country or region
//! not listed here has no answer: the caller then falls back to the election's zone.

use chrono_tz::Tz;

/// US states (two-letter codes) by zone; the rest of the country's states are Eastern.
const US: &[(&str, Tz)] = &[
    ("HI", Tz::Pacific__Honolulu),
    ("AK", Tz::America__Anchorage),
    ("CA", Tz::America__Los_Angeles),
    ("WA", Tz::America__Los_Angeles),
    ("OR", Tz::America__Los_Angeles),
    ("NV", Tz::America__Los_Angeles),
    ("AZ", Tz::America__Phoenix),
    ("CO", Tz::America__Denver),
    ("UT", Tz::America__Denver),
    ("NM", Tz::America__Denver),
    ("MT", Tz::America__Denver),
    ("WY", Tz::America__Denver),
    ("ID", Tz::America__Boise),
    ("TX", Tz::America__Chicago),
    ("IL", Tz::America__Chicago),
    ("OK", Tz::America__Chicago),
    ("KS", Tz::America__Chicago),
    ("NE", Tz::America__Chicago),
    ("SD", Tz::America__Chicago),
    ("ND", Tz::America__Chicago),
    ("MN", Tz::America__Chicago),
    ("IA", Tz::America__Chicago),
    ("MO", Tz::America__Chicago),
    ("AR", Tz::America__Chicago),
    ("LA", Tz::America__Chicago),
    ("MS", Tz::America__Chicago),
    ("AL", Tz::America__Chicago),
    ("WI", Tz::America__Chicago),
    ("TN", Tz::America__Chicago),
];

const CA: &[(&str, Tz)] = &[
    ("BC", Tz::America__Vancouver),
    ("YT", Tz::America__Whitehorse),
    ("AB", Tz::America__Edmonton),
    ("NT", Tz::America__Yellowknife),
    ("SK", Tz::America__Regina),
    ("MB", Tz::America__Winnipeg),
    ("NU", Tz::America__Iqaluit),
    ("NS", Tz::America__Halifax),
    ("NB", Tz::America__Moncton),
    ("PE", Tz::America__Halifax),
    ("NL", Tz::America__St_Johns),
];

const AU: &[(&str, Tz)] = &[
    ("WA", Tz::Australia__Perth),
    ("NT", Tz::Australia__Darwin),
    ("SA", Tz::Australia__Adelaide),
    ("QLD", Tz::Australia__Brisbane),
    ("VIC", Tz::Australia__Melbourne),
    ("TAS", Tz::Australia__Hobart),
];

const BR: &[(&str, Tz)] = &[
    ("AM", Tz::America__Manaus),
    ("MT", Tz::America__Cuiaba),
    ("MS", Tz::America__Campo_Grande),
    ("AC", Tz::America__Rio_Branco),
    ("RO", Tz::America__Porto_Velho),
];

/// Countries with one zone (or one zone holding nearly all of the list's electors there).
const ONE_ZONE: &[(&str, Tz)] = &[
    ("ES", Tz::Europe__Madrid),
    ("DE", Tz::Europe__Berlin),
    ("FR", Tz::Europe__Paris),
    ("GB", Tz::Europe__London),
    ("IE", Tz::Europe__Dublin),
    ("IT", Tz::Europe__Rome),
    ("CH", Tz::Europe__Zurich),
    ("NL", Tz::Europe__Amsterdam),
    ("BE", Tz::Europe__Brussels),
    ("AT", Tz::Europe__Vienna),
    ("SE", Tz::Europe__Stockholm),
    ("NO", Tz::Europe__Oslo),
    ("DK", Tz::Europe__Copenhagen),
    ("FI", Tz::Europe__Helsinki),
    ("PT", Tz::Europe__Lisbon),
    ("PL", Tz::Europe__Warsaw),
    ("CZ", Tz::Europe__Prague),
    ("GR", Tz::Europe__Athens),
    ("JP", Tz::Asia__Tokyo),
    ("KR", Tz::Asia__Seoul),
    ("CN", Tz::Asia__Shanghai),
    ("IN", Tz::Asia__Kolkata),
    ("IL", Tz::Asia__Jerusalem),
    ("AE", Tz::Asia__Dubai),
    ("NZ", Tz::Pacific__Auckland),
    ("CL", Tz::America__Santiago),
    ("AR", Tz::America__Argentina__Buenos_Aires),
    ("CO", Tz::America__Bogota),
    ("PE", Tz::America__Lima),
    ("VE", Tz::America__Caracas),
    ("EC", Tz::America__Guayaquil),
    ("UY", Tz::America__Montevideo),
    ("PY", Tz::America__Asuncion),
    ("BO", Tz::America__La_Paz),
    ("CR", Tz::America__Costa_Rica),
    ("GT", Tz::America__Guatemala),
    ("SV", Tz::America__El_Salvador),
    ("HN", Tz::America__Tegucigalpa),
    ("NI", Tz::America__Managua),
    ("PA", Tz::America__Panama),
    ("CU", Tz::America__Havana),
    ("DO", Tz::America__Santo_Domingo),
    ("PR", Tz::America__Puerto_Rico),
    ("ZA", Tz::Africa__Johannesburg),
];

fn by_region(table: &[(&str, Tz)], region: &str, default: Tz) -> Tz {
    let region = region.trim().to_ascii_uppercase();
    table
        .iter()
        .find(|(code, _)| *code == region)
        .map_or(default, |(_, tz)| *tz)
}

/// The zone of an address in `country` (ISO 3166-1 alpha-2) and `region`, when known.
pub fn of(country: &str, region: Option<&str>) -> Option<Tz> {
    let region = region.unwrap_or("");
    let country = country.trim().to_ascii_uppercase();
    Some(match country.as_str() {
        "US" => by_region(US, region, Tz::America__New_York),
        "CA" => by_region(CA, region, Tz::America__Toronto),
        "AU" => by_region(AU, region, Tz::Australia__Sydney),
        "BR" => by_region(BR, region, Tz::America__Sao_Paulo),
        "MX" => match region.trim().to_ascii_uppercase().as_str() {
            "BC" | "BAJA CALIFORNIA" => Tz::America__Tijuana,
            "SON" | "SONORA" => Tz::America__Hermosillo,
            "BCS" | "SIN" | "NAY" => Tz::America__Mazatlan,
            "QROO" | "Q. ROO" | "QUINTANA ROO" => Tz::America__Cancun,
            _ => Tz::America__Mexico_City,
        },
        c => ONE_ZONE.iter().find(|(code, _)| *code == c)?.1,
    })
}
