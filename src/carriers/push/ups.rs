//! A UPS Track Alert push: one activity of one package per request, read into the same event
//! the Tracking API's activity gives (same status mapping, raw code, text and place), so a
//! scan seen by push and by poll is stored once.

use chrono::{Duration, NaiveDateTime, Utc};
use serde::Deserialize;

use crate::carriers::http::{self, place};
use crate::carriers::{ups, CallError, NumberResult, Tracked};
use crate::domain::tracking::TrackingEvent;

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Alert {
    tracking_number: String,
    local_activity_date: Option<String>,
    local_activity_time: Option<String>,
    gmt_activity_date: Option<String>,
    gmt_activity_time: Option<String>,
    gmt_offset: Option<String>,
    activity_location: Option<Location>,
    activity_status: Option<Status>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Location {
    city: Option<String>,
    state_province: Option<String>,
    country: Option<String>,
}

#[derive(Deserialize)]
struct Status {
    #[serde(rename = "type")]
    kind: Option<String>,
    code: Option<String>,
    description: Option<String>,
}

pub(super) fn parse(body: &[u8]) -> Result<Tracked, CallError> {
    let a: Alert = http::parse(body)?;
    let number = a.tracking_number.trim().to_string();
    if number.is_empty() {
        return Err(CallError::Malformed("«trackingNumber» vacío".into()));
    }
    let at = time(&a).ok_or_else(|| {
        CallError::Malformed(format!(
            "fecha de actividad «{} {}»",
            a.gmt_activity_date.as_deref().unwrap_or(""),
            a.gmt_activity_time.as_deref().unwrap_or("")
        ))
    })?;
    let (kind, code, text) = a.activity_status.as_ref().map_or(("", "", ""), |s| {
        (
            s.kind.as_deref().unwrap_or(""),
            s.code.as_deref().unwrap_or(""),
            s.description.as_deref().unwrap_or(""),
        )
    });
    let location = a.activity_location.as_ref().map_or(String::new(), |l| {
        place(&[
            l.city.as_deref(),
            l.state_province.as_deref(),
            l.country.as_deref(),
        ])
    });
    let event = TrackingEvent {
        at,
        status: ups::status(kind, code, text),
        raw_code: format!("{kind}:{code}"),
        raw_text: text.trim().to_string(),
        location,
    };
    Ok(Tracked {
        number,
        result: NumberResult::Events(vec![event]),
    })
}

fn stamp(d: &str, t: &str) -> Option<NaiveDateTime> {
    NaiveDateTime::parse_from_str(&format!("{d}{}", t.replace(':', "")), "%Y%m%d%H%M%S").ok()
}

/// UTC from the GMT date and time; else the local ones less `gmtOffset` (`"-04.00"`).
fn time(a: &Alert) -> Option<chrono::DateTime<Utc>> {
    if let (Some(d), Some(t)) = (&a.gmt_activity_date, &a.gmt_activity_time) {
        return stamp(d, t).map(|x| x.and_utc());
    }
    let local = stamp(
        a.local_activity_date.as_deref()?,
        a.local_activity_time.as_deref()?,
    )?;
    let off = a.gmt_offset.as_deref()?.trim();
    let (sign, rest) = match off.strip_prefix('-') {
        Some(r) => (-1, r),
        None => (1, off.trim_start_matches('+')),
    };
    let (h, m) = rest.split_once(['.', ':']).unwrap_or((rest, "0"));
    let minutes = sign * (h.parse::<i64>().ok()? * 60 + m.parse::<i64>().ok()?);
    Some((local - Duration::minutes(minutes)).and_utc())
}
