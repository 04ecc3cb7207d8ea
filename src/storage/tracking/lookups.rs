//! Reading what tracking stored: one leg with its polling state, a leg's events, and where a
//! leg's shipment comes from (for the carrier simulator).

use chrono::{DateTime, Utc};
use rusqlite::{params, Connection, OptionalExtension};

use super::{parsed, raw_due, time, to_due, DueLeg, DUE_SELECT};
use crate::domain::tracking::{Carrier, Direction, LegStatus, TrackingEvent};
use crate::storage::Result;

/// One leg by id (tests and screens).
pub fn leg(conn: &Connection, id: i64) -> Result<Option<DueLeg>> {
    let sql = format!("{DUE_SELECT} WHERE l.id = ?1");
    let raw = conn.query_row(&sql, params![id], raw_due).optional()?;
    raw.map(to_due).transpose()
}

/// A stored event.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct StoredEvent {
    #[serde(flatten)]
    pub event: TrackingEvent,
    pub recorded_at: DateTime<Utc>,
}

/// A leg's events, newest first.
pub fn events(conn: &Connection, leg: i64) -> Result<Vec<StoredEvent>> {
    let mut stmt = conn.prepare_cached(
        "SELECT at, status, raw_code, raw_text, location, recorded_at FROM leg_events
          WHERE leg = ?1 ORDER BY at DESC, id DESC",
    )?;
    let rows = stmt.query_map(params![leg], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, String>(1)?,
            r.get(2)?,
            r.get(3)?,
            r.get(4)?,
            r.get::<_, String>(5)?,
        ))
    })?;
    rows.map(|r| {
        let (at, status, raw_code, raw_text, location, recorded) = r?;
        Ok(StoredEvent {
            event: TrackingEvent {
                at: time(Some(at), "leg_events.at")?.expect("given"),
                status: parsed::<LegStatus>(status)?,
                raw_code,
                raw_text,
                location,
            },
            recorded_at: time(Some(recorded), "leg_events.recorded_at")?.expect("given"),
        })
    })
    .collect()
}

/// Where a leg's shipment comes from, for the carrier simulator's directory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LegOrigin {
    pub direction: Direction,
    /// The elector's country.
    pub country: String,
    /// When the PEP's batch was made (else the PEP).
    pub shipped_at: DateTime<Utc>,
    /// The PEP's outbound leg.
    pub outbound: Option<(Carrier, String)>,
}

/// The origin of the leg with this number, if there is one.
pub fn leg_origin(
    conn: &Connection,
    carrier: Carrier,
    tracking: &str,
) -> Result<Option<LegOrigin>> {
    let row = conn
        .query_row(
            "SELECT l.direction, e.country, COALESCE(b.created_at, p.created_at), o.carrier, o.tracking
               FROM legs l JOIN peps p ON p.id = l.pep JOIN electors e ON e.id = p.elector_id
               LEFT JOIN batches b ON b.id = p.batch_id
               LEFT JOIN legs o ON o.pep = l.pep AND o.direction = 'outbound'
              WHERE l.carrier = ?1 AND l.tracking = ?2",
            params![carrier.as_str(), tracking],
            |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, Option<String>>(3)?,
                    r.get::<_, Option<String>>(4)?,
                ))
            },
        )
        .optional()?;
    let Some((dir, country, shipped, oc, ot)) = row else {
        return Ok(None);
    };
    let outbound = match (oc, ot) {
        (Some(c), Some(t)) => Some((parsed::<Carrier>(c)?, t)),
        _ => None,
    };
    Ok(Some(LegOrigin {
        direction: parsed(dir)?,
        country,
        shipped_at: time(Some(shipped), "batches.created_at")?.expect("given"),
        outbound,
    }))
}
