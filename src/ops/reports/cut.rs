//! The cut of a report ("con corte al …"): the instant up to which facts count, read from what
//! an operator types and written out in Spanish; and the elector's age, read from the elector
//! key's birth date with the century rule.

use crate::domain::months::month_es;
use chrono::{DateTime, Datelike, Months, NaiveDate, NaiveDateTime, NaiveTime, Utc};

use crate::domain::election::{local_to_utc, Election};

/// The instant a report is cut at, with what it prints.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Cut {
    pub at: DateTime<Utc>,
    /// The local day of the cut (ages are counted on it).
    pub day: NaiveDate,
    /// "15 de noviembre de 2021, 23:59 (America/Mexico_City)".
    pub label: String,
    /// The cut in the page's `datetime-local` notation, "2021-11-15T23:59".
    pub input: String,
}

impl Cut {
    /// The cut at `at`, described in the election's time zone.
    pub fn at(at: DateTime<Utc>, e: &Election) -> Cut {
        let local = at.with_timezone(&e.timezone);
        let month = month_es(local.month0());
        Cut {
            at,
            day: local.date_naive(),
            label: format!(
                "{} de {month} de {}, {} ({})",
                local.day(),
                local.year(),
                local.format("%H:%M"),
                e.timezone.name()
            ),
            input: local.format("%Y-%m-%dT%H:%M").to_string(),
        }
    }

    /// Reads a cut as typed: a local date (`2021-11-15`, the end of that day), a local time
    /// (`2021-11-15T18:00`, seconds optional, a space also accepted), or an RFC 3339 instant.
    pub fn parse(text: &str, e: &Election) -> Result<Cut, String> {
        let text = text.trim();
        if let Ok(t) = DateTime::parse_from_rfc3339(text) {
            return Ok(Cut::at(t.with_timezone(&Utc), e));
        }
        let local = if let Ok(d) = NaiveDate::parse_from_str(text, "%Y-%m-%d") {
            d.and_time(NaiveTime::from_hms_milli_opt(23, 59, 59, 999).unwrap_or_default())
        } else {
            let t = text.replacen(' ', "T", 1);
            NaiveDateTime::parse_from_str(&t, "%Y-%m-%dT%H:%M:%S")
                .or_else(|_| NaiveDateTime::parse_from_str(&t, "%Y-%m-%dT%H:%M"))
                .map_err(|_| {
                    format!("fecha de corte «{text}»: se esperaba AAAA-MM-DD o AAAA-MM-DDTHH:MM")
                })?
        };
        let at = local_to_utc(e.timezone, local)?;
        Ok(Cut::at(at, e))
    }
}

/// The birth date written as YYMMDD in positions 7–12 of an elector key, with the century
/// rule: the year is 20YY when that makes the elector at least 18 years old on election day
/// (no one younger can be on the list), otherwise 19YY. `None` when the digits are not a date
/// in the chosen century.
pub fn birth_date(yymmdd: &str, election_day: NaiveDate) -> Option<NaiveDate> {
    if yymmdd.len() != 6 || !yymmdd.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let yy: i32 = yymmdd[0..2].parse().ok()?;
    let mm: u32 = yymmdd[2..4].parse().ok()?;
    let dd: u32 = yymmdd[4..6].parse().ok()?;
    let adult_by = election_day.checked_sub_months(Months::new(18 * 12))?;
    let year = if (2000 + yy, mm, dd) <= (adult_by.year(), adult_by.month(), adult_by.day()) {
        2000 + yy
    } else {
        1900 + yy
    };
    NaiveDate::from_ymd_opt(year, mm, dd)
}

/// Completed years between `birth` and `day` (the age on an identity card).
pub fn age_on(birth: NaiveDate, day: NaiveDate) -> i64 {
    let mut age = i64::from(day.year() - birth.year());
    if (day.month(), day.day()) < (birth.month(), birth.day()) {
        age -= 1;
    }
    age
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn the_century_is_the_one_that_makes_the_elector_an_adult_on_election_day() {
        let day = d(2024, 6, 2);
        assert_eq!(birth_date("060602", day), Some(d(2006, 6, 2)));
        assert_eq!(birth_date("060603", day), Some(d(1906, 6, 3)));
        assert_eq!(birth_date("000101", day), Some(d(2000, 1, 1)));
        assert_eq!(birth_date("751231", day), Some(d(1975, 12, 31)));
        assert_eq!(birth_date("751331", day), None);
        assert_eq!(birth_date("75123", day), None);
        assert_eq!(birth_date("0x0101", day), None);
    }

    #[test]
    fn ages_are_completed_years() {
        assert_eq!(age_on(d(1975, 12, 31), d(2021, 11, 15)), 45);
        assert_eq!(age_on(d(1975, 11, 15), d(2021, 11, 15)), 46);
        assert_eq!(age_on(d(1975, 11, 16), d(2021, 11, 15)), 45);
    }

    #[test]
    fn cuts_read_dates_as_the_end_of_the_local_day_and_times_as_local() {
        let e = Election::from_toml(
            "name = \"PEL\"\nelection_day = \"2022-06-05\"\npolls_open = \"08:00\"\n\
             timezone = \"America/Mexico_City\"\nmax_electors_per_mec = 750\n\
             entities = [\"01\"]\n",
        )
        .unwrap();
        let c = Cut::parse("2021-11-15", &e).unwrap();
        assert_eq!(c.at.to_rfc3339(), "2021-11-16T05:59:59.999+00:00");
        assert_eq!(
            c.label,
            "15 de noviembre de 2021, 23:59 (America/Mexico_City)"
        );
        assert_eq!(c.day, d(2021, 11, 15));
        let c = Cut::parse("2021-11-15T18:00", &e).unwrap();
        assert_eq!(c.at.to_rfc3339(), "2021-11-16T00:00:00+00:00");
        assert_eq!(c.input, "2021-11-15T18:00");
        let c = Cut::parse("2021-11-16T00:00:00Z", &e).unwrap();
        assert_eq!(c.day, d(2021, 11, 15));
        assert!(Cut::parse("15/11/2021", &e).is_err());
    }
}
