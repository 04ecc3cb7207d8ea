//! One PEP as the API shows it: the PEP row, both legs with their carrier events, and the
//! receipt of its envelope. No personal data is read here (no name, address or elector key).

use chrono::{DateTime, Utc};
use rusqlite::{params, Connection, OptionalExtension};

use super::{tracking, Result, StorageError};
use crate::domain::pep::PepId;
use crate::domain::tracking::{Carrier, Direction, LegStatus, TrackingEvent};

/// A leg of the PEP with its events, oldest first.
#[derive(Debug, Clone, PartialEq)]
pub struct LegRecord {
    pub direction: Direction,
    pub carrier: Carrier,
    pub tracking: String,
    pub status: LegStatus,
    pub status_at: Option<DateTime<Utc>>,
    pub events: Vec<TrackingEvent>,
}

/// The receipt of the PEP's envelope at reception.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckinRecord {
    pub late: bool,
    pub received_at: DateTime<Utc>,
    pub station: String,
    pub sequence: i64,
    pub mec: Option<i64>,
}

/// Everything the API tells about one PEP.
#[derive(Debug, Clone, PartialEq)]
pub struct PepRecord {
    pub pep_id: PepId,
    pub voided: bool,
    pub batch: Option<i64>,
    pub legs: Vec<LegRecord>,
    pub checkin: Option<CheckinRecord>,
}

fn time(s: String, what: &str) -> Result<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(&s)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|_| StorageError::Corrupt(format!("{what}: «{s}»")))
}

fn parsed<T: std::str::FromStr<Err = String>>(s: String) -> Result<T> {
    s.parse().map_err(StorageError::Corrupt)
}

/// The PEP named `pep_id`, read in one snapshot; `None` when there is no such PEP.
pub fn pep_record(conn: &Connection, pep_id: &PepId) -> Result<Option<PepRecord>> {
    let tx = conn.unchecked_transaction()?;
    let head: Option<(i64, bool, Option<i64>)> = tx
        .query_row(
            "SELECT id, voided_at IS NOT NULL, batch_id FROM peps WHERE pep_id = ?1",
            [pep_id.to_string()],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .optional()?;
    let Some((pep, voided, batch)) = head else {
        return Ok(None);
    };
    let record = PepRecord {
        pep_id: pep_id.clone(),
        voided,
        batch,
        legs: legs(&tx, pep)?,
        checkin: checkin(&tx, pep)?,
    };
    tx.finish()?;
    Ok(Some(record))
}

type RawLeg = (i64, String, String, String, String, Option<String>);

fn legs(conn: &Connection, pep: i64) -> Result<Vec<LegRecord>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, direction, carrier, tracking, status, status_at FROM legs
          WHERE pep = ?1 ORDER BY direction",
    )?;
    let raw: Vec<RawLeg> = stmt
        .query_map(params![pep], |r| {
            Ok((
                r.get(0)?,
                r.get(1)?,
                r.get(2)?,
                r.get(3)?,
                r.get(4)?,
                r.get(5)?,
            ))
        })?
        .collect::<rusqlite::Result<_>>()?;
    raw.into_iter()
        .map(|(id, direction, carrier, tracking_no, status, status_at)| {
            let mut events: Vec<TrackingEvent> = tracking::events(conn, id)?
                .into_iter()
                .map(|e| e.event)
                .collect();
            events.reverse();
            Ok(LegRecord {
                direction: parsed(direction)?,
                carrier: parsed(carrier)?,
                tracking: tracking_no,
                status: parsed(status)?,
                status_at: status_at.map(|s| time(s, "legs.status_at")).transpose()?,
                events,
            })
        })
        .collect()
}

fn checkin(conn: &Connection, pep: i64) -> Result<Option<CheckinRecord>> {
    let raw: Option<(String, String, String, i64, Option<i64>)> = conn
        .query_row(
            "SELECT outcome, received_at, station, seq, mec FROM checkins WHERE pep = ?1",
            [pep],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)),
        )
        .optional()?;
    raw.map(|(outcome, received_at, station, sequence, mec)| {
        Ok(CheckinRecord {
            late: outcome == "late",
            received_at: time(received_at, "checkins.received_at")?,
            station,
            sequence,
            mec,
        })
    })
    .transpose()
}
