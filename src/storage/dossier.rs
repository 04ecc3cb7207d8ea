//! Everything stored about one PEP, for its page: the PEP and its elector, its batch, both
//! legs, the receipt of its envelope, and the other generations of the same elector (reissues).
//! Leg events come from `tracking::events`, audit records from `audit::for_subject`.

use rusqlite::{Connection, OptionalExtension, Row};

use super::{Result, StorageError};
use crate::domain::pep::PepId;
use crate::domain::stage::Stage;
use crate::domain::tracking::{Carrier, Direction, LegStatus};

/// The elector of a PEP, personal data included.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ElectorRow {
    pub elector_key: String,
    pub name: String,
    pub address_line1: String,
    pub address_line2: Option<String>,
    pub city: String,
    pub region: Option<String>,
    pub postal_code: String,
    pub country: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub voted_at: Option<String>,
    pub mec: Option<i64>,
}

/// A PEP with its elector and batch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PepRecord {
    pub id: i64,
    pub elector_id: i64,
    pub pep_id: String,
    pub generation: u32,
    pub stage: Stage,
    pub entity: String,
    pub country: String,
    pub created_at: String,
    pub voided_at: Option<String>,
    pub void_reason: Option<String>,
    /// Id, name and creation time of its batch.
    pub batch: Option<(i64, String, String)>,
    pub elector: ElectorRow,
}

const PEP: &str = "SELECT p.id, p.elector_id, p.pep_id, p.generation, p.stage, p.entity, p.country,
        p.created_at, p.voided_at, p.void_reason, b.id, b.name, b.created_at,
        e.elector_key,
        e.given_names || ' ' || e.paternal_surname || coalesce(' ' || e.maternal_surname, ''),
        e.address_line1, e.address_line2, e.city, e.region, e.postal_code, e.country, e.email,
        e.phone, e.voted_at, m.mec
     FROM peps p JOIN electors e ON e.id = p.elector_id
     LEFT JOIN batches b ON b.id = p.batch_id
     LEFT JOIN mec_assignments m ON m.elector_id = p.elector_id
     WHERE p.pep_id = ?1";

fn pep_record(r: &Row) -> rusqlite::Result<(PepRecord, String)> {
    let batch = match r.get::<_, Option<i64>>(10)? {
        Some(id) => Some((id, r.get(11)?, r.get(12)?)),
        None => None,
    };
    let rec = PepRecord {
        id: r.get(0)?,
        elector_id: r.get(1)?,
        pep_id: r.get(2)?,
        generation: r.get(3)?,
        stage: Stage::Generated,
        entity: r.get(5)?,
        country: r.get(6)?,
        created_at: r.get(7)?,
        voided_at: r.get(8)?,
        void_reason: r.get(9)?,
        batch,
        elector: ElectorRow {
            elector_key: r.get(13)?,
            name: r.get(14)?,
            address_line1: r.get(15)?,
            address_line2: r.get(16)?,
            city: r.get(17)?,
            region: r.get(18)?,
            postal_code: r.get(19)?,
            country: r.get(20)?,
            email: r.get(21)?,
            phone: r.get(22)?,
            voted_at: r.get(23)?,
            mec: r.get(24)?,
        },
    };
    Ok((rec, r.get(4)?))
}

pub fn pep(conn: &Connection, id: &PepId) -> Result<Option<PepRecord>> {
    let found = conn
        .prepare_cached(PEP)?
        .query_row([id.to_string()], pep_record)
        .optional()?;
    found
        .map(|(mut rec, stage)| {
            rec.stage = stage.parse().map_err(StorageError::Corrupt)?;
            Ok(rec)
        })
        .transpose()
}

/// One courier leg of a PEP.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LegRow {
    pub id: i64,
    pub direction: Direction,
    pub carrier: Carrier,
    pub tracking: String,
    pub status: LegStatus,
    pub status_at: Option<String>,
    pub last_event_at: Option<String>,
}

/// The PEP's legs, outbound first.
pub fn legs(conn: &Connection, pep: i64) -> Result<Vec<LegRow>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, direction, carrier, tracking, status, status_at, last_event_at FROM legs
          WHERE pep = ?1 ORDER BY direction = 'return', id",
    )?;
    let rows = stmt.query_map([pep], |r| {
        Ok((
            r.get::<_, i64>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, String>(2)?,
            r.get::<_, String>(3)?,
            r.get::<_, String>(4)?,
            r.get::<_, Option<String>>(5)?,
            r.get::<_, Option<String>>(6)?,
        ))
    })?;
    rows.map(|r| {
        let (id, dir, carrier, tracking, status, status_at, last_event_at) = r?;
        Ok(LegRow {
            id,
            direction: dir.parse().map_err(StorageError::Corrupt)?,
            carrier: carrier.parse().map_err(StorageError::Corrupt)?,
            tracking,
            status: status.parse().map_err(StorageError::Corrupt)?,
            status_at,
            last_event_at,
        })
    })
    .collect()
}

/// The receipt of the PEP's envelope.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckinRow {
    pub late: bool,
    pub seq: i64,
    pub received_at: String,
    pub station: String,
    pub operator: String,
    pub mec: Option<i64>,
}

pub fn checkin(conn: &Connection, pep: i64) -> Result<Option<CheckinRow>> {
    Ok(conn
        .prepare_cached(
            "SELECT outcome, seq, received_at, station, operator, mec FROM checkins WHERE pep = ?1",
        )?
        .query_row([pep], |r| {
            Ok(CheckinRow {
                late: r.get::<_, String>(0)? == "late",
                seq: r.get(1)?,
                received_at: r.get(2)?,
                station: r.get(3)?,
                operator: r.get(4)?,
                mec: r.get(5)?,
            })
        })
        .optional()?)
}

/// Every PEP of one elector: id, generation, when voided and why (oldest first).
pub fn generations(
    conn: &Connection,
    elector_id: i64,
) -> Result<Vec<(String, u32, Option<String>)>> {
    let mut stmt = conn.prepare_cached(
        "SELECT pep_id, generation, voided_at FROM peps WHERE elector_id = ?1 ORDER BY generation",
    )?;
    let rows = stmt.query_map([elector_id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}
