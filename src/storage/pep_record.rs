//! The one read model of a PEP: the PEP row, its batch, both legs with their carrier events and
//! the receipt of its envelope, read in one snapshot as domain values. The API's view, the PEP
//! page and the public lookup are projections of it (in `ops/`).
//!
//! No personal data is in the record: the elector's name, address and key are read apart,
//! by [`elector`] or [`elector_key`], only by the callers that may use them.

use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, Row};

use super::{tracking, Result};
use crate::domain::code::CodeId;
use crate::domain::elector::ElectorKey;
use crate::domain::pep::PepId;
use crate::domain::stage::{Receipt, Stage};
use crate::domain::tracking::{Carrier, Direction, LegStatus, TrackingEvent};

/// The batch a PEP was shipped in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BatchRef {
    pub id: i64,
    pub name: String,
    pub created_at: DateTime<Utc>,
}

/// A courier leg of the PEP with its events, oldest first.
#[derive(Debug, Clone, PartialEq)]
pub struct LegRecord {
    pub id: i64,
    pub direction: Direction,
    pub carrier: Carrier,
    pub tracking: String,
    pub status: LegStatus,
    /// When the event that set `status` happened.
    pub status_at: Option<DateTime<Utc>>,
    pub last_event_at: Option<DateTime<Utc>>,
    pub events: Vec<TrackingEvent>,
}

/// The receipt of the PEP's envelope at reception.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckinRecord {
    pub receipt: Receipt,
    /// The endorsement number written on the envelope.
    pub seq: i64,
    pub received_at: DateTime<Utc>,
    pub station: String,
    pub operator: String,
    pub mec: Option<i64>,
}

/// One PEP and everything that happened to it.
#[derive(Debug, Clone, PartialEq)]
pub struct PepRecord {
    /// The row id (internal).
    pub id: i64,
    pub pep_id: PepId,
    pub elector_id: i64,
    pub code_id: CodeId,
    /// The stored stage (kept by `storage::stage`).
    pub stage: Stage,
    pub entity: String,
    pub country: String,
    pub created_at: DateTime<Utc>,
    pub voided_at: Option<DateTime<Utc>>,
    pub void_reason: Option<String>,
    pub batch: Option<BatchRef>,
    /// Outbound first.
    pub legs: Vec<LegRecord>,
    pub checkin: Option<CheckinRecord>,
}

impl PepRecord {
    /// The leg going this way, if it has a guía.
    pub fn leg(&self, direction: Direction) -> Option<&LegRecord> {
        self.legs.iter().find(|l| l.direction == direction)
    }
}

const PEP: &str = "SELECT p.id, p.pep_id, p.elector_id, p.code_id, p.stage, p.entity, p.country,
        p.created_at, p.voided_at, p.void_reason, b.id, b.name, b.created_at
     FROM peps p LEFT JOIN batches b ON b.id = p.batch_id";

fn head(r: &Row) -> rusqlite::Result<PepRecord> {
    let batch = match r.get::<_, Option<i64>>(10)? {
        Some(id) => Some(BatchRef {
            id,
            name: r.get(11)?,
            created_at: r.get(12)?,
        }),
        None => None,
    };
    Ok(PepRecord {
        id: r.get(0)?,
        pep_id: r.get(1)?,
        elector_id: r.get(2)?,
        code_id: r.get(3)?,
        stage: r.get(4)?,
        entity: r.get(5)?,
        country: r.get(6)?,
        created_at: r.get(7)?,
        voided_at: r.get(8)?,
        void_reason: r.get(9)?,
        batch,
        legs: Vec::new(),
        checkin: None,
    })
}

/// The PEP named `pep_id`, read in one snapshot; `None` when there is no such PEP.
pub fn by_pep_id(conn: &Connection, pep_id: &PepId) -> Result<Option<PepRecord>> {
    read(conn, &format!("{PEP} WHERE p.pep_id = ?1"), &[pep_id])
}

/// The PEP `pep_id` when its entity lies inside `scope`; `None` otherwise, as if it did not
/// exist (a scoped account learns nothing of other entities' PEPs).
pub fn by_pep_id_in(
    conn: &Connection,
    pep_id: &PepId,
    scope: &crate::domain::scope::Scope,
) -> Result<Option<PepRecord>> {
    let sql = format!(
        "{PEP} WHERE p.pep_id = ?1 AND {}",
        super::scope_clause("p.entity", "?2")
    );
    read(conn, &sql, &[pep_id, scope])
}

/// The PEP whose return envelope carries `code_id`, read in one snapshot.
pub fn by_code(conn: &Connection, code_id: CodeId) -> Result<Option<PepRecord>> {
    read(conn, &format!("{PEP} WHERE p.code_id = ?1"), &[&code_id])
}

/// Reads inside the caller's transaction, or in one of its own (one snapshot either way).
fn read(conn: &Connection, sql: &str, args: &[&dyn rusqlite::ToSql]) -> Result<Option<PepRecord>> {
    let own = match conn.is_autocommit() {
        true => Some(conn.unchecked_transaction()?),
        false => None,
    };
    let found = conn.prepare_cached(sql)?.query_row(args, head).optional()?;
    let Some(mut record) = found else {
        return Ok(None);
    };
    record.legs = legs(conn, record.id)?;
    record.checkin = checkin(conn, record.id)?;
    if let Some(tx) = own {
        tx.finish()?;
    }
    Ok(Some(record))
}

fn legs(conn: &Connection, pep: i64) -> Result<Vec<LegRecord>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, direction, carrier, tracking, status, status_at, last_event_at FROM legs
          WHERE pep = ?1 ORDER BY direction = 'return', id",
    )?;
    let rows: Vec<LegRecord> = stmt
        .query_map([pep], |r| {
            Ok(LegRecord {
                id: r.get(0)?,
                direction: r.get(1)?,
                carrier: r.get(2)?,
                tracking: r.get(3)?,
                status: r.get(4)?,
                status_at: r.get(5)?,
                last_event_at: r.get(6)?,
                events: Vec::new(),
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    rows.into_iter()
        .map(|mut leg| {
            // Stored newest first; the record keeps them oldest first.
            let mut events: Vec<TrackingEvent> = tracking::events(conn, leg.id)?
                .into_iter()
                .map(|e| e.event)
                .collect();
            events.reverse();
            leg.events = events;
            Ok(leg)
        })
        .collect()
}

fn checkin(conn: &Connection, pep: i64) -> Result<Option<CheckinRecord>> {
    Ok(conn
        .prepare_cached(
            "SELECT outcome, seq, received_at, station, operator, mec FROM checkins WHERE pep = ?1",
        )?
        .query_row([pep], |r| {
            Ok(CheckinRecord {
                receipt: r.get(0)?,
                seq: r.get(1)?,
                received_at: r.get(2)?,
                station: r.get(3)?,
                operator: r.get(4)?,
                mec: r.get(5)?,
            })
        })
        .optional()?)
}

/// The elector of a PEP, personal data included.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ElectorRecord {
    pub elector_key: ElectorKey,
    /// Given names, paternal and maternal surnames.
    pub name: String,
    pub address_line1: String,
    pub address_line2: Option<String>,
    pub city: String,
    pub region: Option<String>,
    pub postal_code: String,
    pub country: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    /// When an envelope of theirs was accepted ("votó").
    pub voted_at: Option<DateTime<Utc>>,
    pub mec: Option<i64>,
}

/// The elector with this row id and their MEC.
pub fn elector(conn: &Connection, elector_id: i64) -> Result<Option<ElectorRecord>> {
    Ok(conn
        .prepare_cached(
            "SELECT e.elector_key,
                    e.given_names || ' ' || e.paternal_surname
                        || coalesce(' ' || e.maternal_surname, ''),
                    e.address_line1, e.address_line2, e.city, e.region, e.postal_code, e.country,
                    e.email, e.phone, e.voted_at, m.mec
               FROM electors e LEFT JOIN mec_assignments m ON m.elector_id = e.id
              WHERE e.id = ?1",
        )?
        .query_row([elector_id], |r| {
            Ok(ElectorRecord {
                elector_key: r.get(0)?,
                name: r.get(1)?,
                address_line1: r.get(2)?,
                address_line2: r.get(3)?,
                city: r.get(4)?,
                region: r.get(5)?,
                postal_code: r.get(6)?,
                country: r.get(7)?,
                email: r.get(8)?,
                phone: r.get(9)?,
                voted_at: r.get(10)?,
                mec: r.get(11)?,
            })
        })
        .optional()?)
}

/// Only the elector key of this elector (what the public lookup compares, nothing more).
pub fn elector_key(conn: &Connection, elector_id: i64) -> Result<Option<ElectorKey>> {
    Ok(conn
        .prepare_cached("SELECT elector_key FROM electors WHERE id = ?1")?
        .query_row([elector_id], |r| r.get(0))
        .optional()?)
}

/// One PEP of an elector, among its reissues.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Generation {
    pub pep_id: PepId,
    pub voided_at: Option<DateTime<Utc>>,
}

/// Every PEP of one elector, oldest first.
pub fn generations(conn: &Connection, elector_id: i64) -> Result<Vec<Generation>> {
    let mut stmt = conn.prepare_cached(
        "SELECT pep_id, voided_at FROM peps WHERE elector_id = ?1 ORDER BY generation",
    )?;
    let rows = stmt.query_map([elector_id], |r| {
        Ok(Generation {
            pep_id: r.get(0)?,
            voided_at: r.get(1)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}
