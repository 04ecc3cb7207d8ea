//! The election settings: the validated [`Election`], read from the election file
//! ([`file`]), and the receipt-cutoff rule.

mod file;

use chrono::{DateTime, Duration, LocalResult, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Utc};
use chrono_tz::Tz;

pub use file::{ElectionFile, ReturnAddressFile};

/// A refused election setting: which field and why.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {reason}")]
pub struct ElectionError {
    pub field: String,
    pub reason: String,
}

fn err(field: &str, reason: impl Into<String>) -> ElectionError {
    ElectionError {
        field: field.to_string(),
        reason: reason.into(),
    }
}

/// Where returned envelopes travel to (printed on the return labels).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ReturnAddress {
    pub name: String,
    pub line1: String,
    pub line2: Option<String>,
    pub city: String,
    pub region: String,
    pub postal_code: String,
    pub country: String,
}

/// Validated settings of one electoral process.
#[derive(Debug, Clone, PartialEq)]
pub struct Election {
    pub name: String,
    pub election_day: NaiveDate,
    pub polls_open: NaiveTime,
    pub timezone: Tz,
    /// Envelopes received at or after this instant are late.
    pub receipt_cutoff: DateTime<Utc>,
    pub max_electors_per_mec: u32,
    pub entities: Vec<String>,
    pub return_address: Option<ReturnAddress>,
    /// From this day (in the election's time zone) the electors' personal data may be purged.
    pub purge_after: NaiveDate,
}

/// Days after election day when personal data may be purged, unless the file says otherwise.
pub const PURGE_AFTER_DAYS: i64 = 60;

/// The default purge date: [`PURGE_AFTER_DAYS`] after election day.
pub fn default_purge_after(election_day: NaiveDate) -> NaiveDate {
    election_day + Duration::days(PURGE_AFTER_DAYS)
}

impl Election {
    /// Parses the election file (TOML, keys in docs/election-file.md): [`ElectionFile`], then checked.
    pub fn from_toml(text: &str) -> Result<Election, ElectionError> {
        Election::try_from(ElectionFile::parse(text)?)
    }

    /// A cutoff instant shown in the election's time zone, e.g. `2022-06-04 08:00 CST`.
    pub fn local(&self, t: DateTime<Utc>) -> String {
        t.with_timezone(&self.timezone)
            .format("%Y-%m-%d %H:%M %Z")
            .to_string()
    }

    /// The receipt cutoff in local time, in the election file's own notation.
    pub fn cutoff_local_notation(&self) -> String {
        self.receipt_cutoff
            .with_timezone(&self.timezone)
            .format("%Y-%m-%dT%H:%M")
            .to_string()
    }
}

/// Polls open minus one day at the same local time (the rule of the law: 08:00 the day before).
pub fn default_cutoff_local(day: NaiveDate, polls_open: NaiveTime) -> NaiveDateTime {
    (day - Duration::days(1)).and_time(polls_open)
}

/// Resolves a local wall-clock time in `tz`; refuses times skipped by a DST change.
pub fn local_to_utc(tz: Tz, local: NaiveDateTime) -> Result<DateTime<Utc>, String> {
    match tz.from_local_datetime(&local) {
        LocalResult::Single(t) => Ok(t.with_timezone(&Utc)),
        LocalResult::Ambiguous(first, _) => Ok(first.with_timezone(&Utc)),
        LocalResult::None => Err(format!(
            "{local} no existe en {} (cambio de horario)",
            tz.name()
        )),
    }
}

#[cfg(test)]
mod tests;
