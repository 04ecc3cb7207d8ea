//! Reading what tracking stored: one leg with its polling state, a leg's events, and where a
//! leg's shipment comes from (for the carrier simulator).

use chrono::{DateTime, Utc};
use rusqlite::{params, Connection, OptionalExtension, Params};

use super::{due_select, raw_due, to_due, DueLeg};
use crate::domain::tracking::{Carrier, Direction, TrackingEvent};
use crate::storage::Result;

/// One leg by id, as it stands: screens, tests, and the transaction that stores a poll's reply
/// (not the copy read before the carrier was asked: a push may have moved the leg meanwhile).
pub fn leg(conn: &Connection, id: i64) -> Result<Option<DueLeg>> {
    one_due(conn, concat!(due_select!(), " WHERE l.id = ?1"), [id])
}

/// The one leg `sql` (the [`DueLeg`] columns, then a condition) finds with `params`.
pub fn one_due(conn: &Connection, sql: &str, params: impl Params) -> Result<Option<DueLeg>> {
    let raw = conn
        .prepare_cached(sql)?
        .query_row(params, raw_due)
        .optional()?;
    Ok(raw.map(to_due))
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
        Ok(StoredEvent {
            event: TrackingEvent {
                at: r.get(0)?,
                status: r.get(1)?,
                raw_code: r.get(2)?,
                raw_text: r.get(3)?,
                location: r.get(4)?,
            },
            recorded_at: r.get(5)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Where a leg's shipment comes from, for the carrier simulator's directory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LegOrigin {
    pub direction: Direction,
    /// The elector's country.
    pub country: String,
    /// When the PEP's batch was first printed (else made; else the PEP was made): its
    /// shipments start then on the process's one clock.
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
        .prepare_cached(
            "SELECT l.direction, e.country,
                    COALESCE((SELECT MIN(a.at) FROM audit_log a
                               WHERE a.subject = 'batch:' || b.id AND a.action = 'batch.documents'),
                             b.created_at, p.created_at),
                    o.carrier, o.tracking
               FROM legs l JOIN peps p ON p.id = l.pep JOIN electors e ON e.id = p.elector_id
               LEFT JOIN batches b ON b.id = p.batch_id
               LEFT JOIN legs o ON o.pep = l.pep AND o.direction = 'outbound'
              WHERE l.carrier = ?1 AND l.tracking = ?2",
        )?
        .query_row(params![carrier, tracking], |r| {
            let oc: Option<Carrier> = r.get(3)?;
            let ot: Option<String> = r.get(4)?;
            Ok(LegOrigin {
                direction: r.get(0)?,
                country: r.get(1)?,
                shipped_at: r.get(2)?,
                outbound: oc.zip(ot),
            })
        })
        .optional()?;
    Ok(row)
}
