//! The elector's mailing address and the address_history table: reading the address a PEP
//! went to, and replacing it with a corrected one while keeping the old one (see
//! db/migrations/0004_address_history.sql for why the history lives apart from the audit log).

use chrono::{DateTime, Utc};
use rusqlite::{params, Connection, OptionalExtension, Transaction};

use super::{ts, Result};
use crate::domain::audit::digest;
use crate::domain::elector::Address;

/// The canonical bytes of an address (JSON, keys in a fixed order): what the audit record's
/// digests and `address_history.digest` are taken over.
pub fn canonical(a: &Address) -> Vec<u8> {
    serde_json::json!({
        "address_line1": a.line1,
        "address_line2": a.line2,
        "city": a.city,
        "region": a.region,
        "postal_code": a.postal_code,
        "country": a.country,
    })
    .to_string()
    .into_bytes()
}

/// The elector's current address, if the elector exists.
pub fn current(conn: &Connection, elector_id: i64) -> Result<Option<Address>> {
    Ok(conn
        .prepare_cached(
            "SELECT address_line1, address_line2, city, region, postal_code, country
             FROM electors WHERE id = ?1",
        )?
        .query_row([elector_id], |r| {
            Ok(Address {
                line1: r.get(0)?,
                line2: r.get(1)?,
                city: r.get(2)?,
                region: r.get(3)?,
                postal_code: r.get(4)?,
                country: r.get(5)?,
            })
        })
        .optional()?)
}

/// An address replaced by a correction, as kept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Replaced {
    /// `address_history.id`.
    pub id: i64,
    pub address: Address,
    /// SHA-256 hex of [`canonical`] of the old address.
    pub digest: String,
}

/// Gives the elector `new` as its address and keeps `old` (the address `pep` went to) in the
/// history; the list counts by country move with the elector. The caller checked `new`.
pub fn replace(
    tx: &Transaction,
    elector_id: i64,
    pep: i64,
    old: &Address,
    new: &Address,
    actor: &str,
    now: DateTime<Utc>,
) -> Result<i64> {
    tx.execute(
        "INSERT INTO address_history (elector_id, pep, address_line1, address_line2, city, region,
             postal_code, country, digest, replaced_at, replaced_by)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
        params![
            elector_id,
            pep,
            old.line1,
            old.line2,
            old.city,
            old.region,
            old.postal_code,
            old.country,
            digest(&canonical(old)),
            ts(now),
            actor
        ],
    )?;
    let id = tx.last_insert_rowid();
    tx.execute(
        "UPDATE electors SET address_line1 = ?2, address_line2 = ?3, city = ?4, region = ?5,
             postal_code = ?6, country = ?7
         WHERE id = ?1",
        params![
            elector_id,
            new.line1,
            new.line2,
            new.city,
            new.region,
            new.postal_code,
            new.country
        ],
    )?;
    if old.country != new.country {
        move_count(tx, elector_id, &old.country, &new.country)?;
    }
    Ok(id)
}

/// Moves one elector of the list counts from one country to another.
fn move_count(tx: &Transaction, elector_id: i64, from: &str, to: &str) -> Result<()> {
    let entity: String = tx.query_row(
        "SELECT entity FROM electors WHERE id = ?1",
        [elector_id],
        |r| r.get(0),
    )?;
    tx.execute(
        "UPDATE elector_counts SET n = n - 1 WHERE entity = ?1 AND country = ?2",
        params![entity, from],
    )?;
    tx.execute(
        "INSERT INTO elector_counts (entity, country, n) VALUES (?1, ?2, 1)
         ON CONFLICT (entity, country) DO UPDATE SET n = n + 1",
        params![entity, to],
    )?;
    Ok(())
}

/// The addresses an elector had before, newest first.
pub fn history(conn: &Connection, elector_id: i64) -> Result<Vec<Replaced>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, address_line1, address_line2, city, region, postal_code, country, digest
         FROM address_history WHERE elector_id = ?1 ORDER BY id DESC",
    )?;
    let rows = stmt.query_map([elector_id], |r| {
        Ok(Replaced {
            id: r.get(0)?,
            address: Address {
                line1: r.get(1)?,
                line2: r.get(2)?,
                city: r.get(3)?,
                region: r.get(4)?,
                postal_code: r.get(5)?,
                country: r.get(6)?,
            },
            digest: r.get(7)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}
