//! The peps and batches tables: creating PEPs for an import, batching, reissue, lookups.

use chrono::{DateTime, Utc};
use rusqlite::{params, Connection, OptionalExtension, Transaction};

use super::{ts, Result};
use crate::domain::code::CodeId;
use crate::domain::elector::{Address, Elector, ElectorKey, ElectorKeyError};
use crate::domain::pep::PepId;

/// Largest code id (40 bits), exclusive.
const CODE_SPACE: i64 = 1 << 40;

/// Creates generation 1 of a PEP for every elector of an import, each with a random code id.
pub fn create_for_import(tx: &Transaction, import_id: i64, now: DateTime<Utc>) -> Result<i64> {
    let sql = "INSERT OR IGNORE INTO peps (pep_id, elector_id, generation, code_id, created_at,
                   stage, entity, country)
               SELECT printf('PEP-%07d-1', e.id), e.id, 1, abs(random() % ?2), ?3, ?4,
                      e.entity, e.country
               FROM electors e
               WHERE e.import_id = ?1 AND NOT EXISTS (SELECT 1 FROM peps p WHERE p.elector_id = e.id)";
    // A new PEP has no facts yet: its stage is the rule's answer for none.
    let fresh = super::stage::initial();
    let args = params![import_id, CODE_SPACE, ts(now), fresh];
    let mut created = tx.execute(sql, args)? as i64;
    // A random code id may collide with one already issued: draw again for those electors.
    for _ in 0..20 {
        let n = tx.execute(sql, args)? as i64;
        created += n;
        if n == 0 {
            break;
        }
    }
    Ok(created)
}

/// A PEP with the data needed to act on it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PepRow {
    pub id: i64,
    pub pep_id: PepId,
    pub elector_id: i64,
    pub code_id: CodeId,
    pub voided_at: Option<DateTime<Utc>>,
    pub batch_id: Option<i64>,
}

const PEP_COLUMNS: &str = "p.id, p.elector_id, p.generation, p.code_id, p.voided_at, p.batch_id";

fn pep_row(r: &rusqlite::Row) -> rusqlite::Result<PepRow> {
    let elector_id: i64 = r.get(1)?;
    Ok(PepRow {
        id: r.get(0)?,
        pep_id: PepId::new(elector_id, r.get(2)?),
        elector_id,
        code_id: r.get(3)?,
        voided_at: r.get(4)?,
        batch_id: r.get(5)?,
    })
}

pub fn find(conn: &Connection, pep_id: &PepId) -> Result<Option<PepRow>> {
    Ok(conn
        .query_row(
            &format!("SELECT {PEP_COLUMNS} FROM peps p WHERE p.pep_id = ?1"),
            [pep_id],
            pep_row,
        )
        .optional()?)
}

/// Voids `old` and creates the next generation for the same elector, outside any batch; both
/// PEPs' stages are recomputed. The new PEP takes its entity and country from the elector as
/// it stands now (an address corrected in the same transaction may have moved the country).
pub fn reissue(tx: &Transaction, old: &PepRow, reason: &str, now: DateTime<Utc>) -> Result<PepRow> {
    tx.execute(
        "UPDATE peps SET voided_at = ?1, void_reason = ?2 WHERE id = ?3 AND voided_at IS NULL",
        params![ts(now), reason, old.id],
    )?;
    super::stage::refresh_stage(tx, &[old.id])?;
    let next_gen: u32 = tx.query_row(
        "SELECT max(generation) + 1 FROM peps WHERE elector_id = ?1",
        [old.elector_id],
        |r| r.get(0),
    )?;
    let pep_id = PepId::new(old.elector_id, next_gen);
    for _ in 0..20 {
        let code_id = rand::random_range(0..CODE_SPACE);
        let inserted = tx.execute(
            "INSERT OR IGNORE INTO peps (pep_id, elector_id, generation, code_id, created_at,
                 stage, entity, country)
             SELECT ?1, ?2, ?3, ?4, ?5, ?6, entity, country FROM electors WHERE id = ?2",
            params![
                pep_id,
                old.elector_id,
                next_gen,
                code_id,
                ts(now),
                super::stage::initial()
            ],
        )?;
        if inserted == 1 {
            let new = find(tx, &pep_id)?.expect("just inserted");
            super::stage::refresh_stage(tx, &[new.id])?;
            return Ok(new);
        }
    }
    Err(super::StorageError::Corrupt(
        "no se pudo generar un código único".into(),
    ))
}

/// Creates a batch holding every active PEP not yet in a batch that matches the filters.
pub fn create_batch(
    tx: &Transaction,
    name: &str,
    entity: Option<&str>,
    country: Option<&str>,
    actor: &str,
    now: DateTime<Utc>,
) -> Result<(i64, i64)> {
    tx.execute(
        "INSERT INTO batches (name, entity, country, created_at, created_by) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![name, entity, country, ts(now), actor],
    )?;
    let batch_id = tx.last_insert_rowid();
    // The PEPs waiting for a batch, found through `peps_batch`; a PEP's entity and country
    // are its elector's (copied when it is created, and a corrected address comes with a new
    // PEP), so the electors' table is not read.
    let n = tx
        .prepare_cached(
            "UPDATE peps SET batch_id = ?1
              WHERE batch_id IS NULL AND voided_at IS NULL
                AND (?2 IS NULL OR entity = ?2) AND (?3 IS NULL OR country = ?3)",
        )?
        .execute(params![batch_id, entity, country])? as i64;
    let ids: Vec<i64> = tx
        .prepare_cached("SELECT id FROM peps WHERE batch_id = ?1")?
        .query_map([batch_id], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    super::stage::refresh_stage(tx, &ids)?;
    Ok((batch_id, n))
}

pub fn batch_name_exists(conn: &Connection, name: &str) -> Result<bool> {
    Ok(conn
        .query_row("SELECT 1 FROM batches WHERE name = ?1", [name], |_| Ok(()))
        .optional()?
        .is_some())
}

/// A batch with its counts.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct BatchRow {
    pub id: i64,
    pub name: String,
    pub entity: Option<String>,
    pub country: Option<String>,
    pub created_at: String,
    pub created_by: String,
    pub peps: i64,
    pub voided: i64,
}

const BATCH_SQL: &str = "SELECT b.id, b.name, b.entity, b.country, b.created_at, b.created_by,
        count(p.id), count(p.voided_at)
     FROM batches b LEFT JOIN peps p ON p.batch_id = b.id";

fn batch_row(r: &rusqlite::Row) -> rusqlite::Result<BatchRow> {
    Ok(BatchRow {
        id: r.get(0)?,
        name: r.get(1)?,
        entity: r.get(2)?,
        country: r.get(3)?,
        created_at: r.get(4)?,
        created_by: r.get(5)?,
        peps: r.get(6)?,
        voided: r.get(7)?,
    })
}

pub fn batch(conn: &Connection, id: i64) -> Result<Option<BatchRow>> {
    Ok(conn
        .query_row(
            &format!("{BATCH_SQL} WHERE b.id = ?1 GROUP BY b.id"),
            [id],
            batch_row,
        )
        .optional()?)
}

/// Every batch, newest first; inside a scope, the batches holding PEPs of its entities, each
/// counting only those.
pub fn batches(conn: &Connection, scope: &crate::domain::scope::Scope) -> Result<Vec<BatchRow>> {
    let mut stmt = conn.prepare(&format!(
        "SELECT b.id, b.name, b.entity, b.country, b.created_at, b.created_by,
                count(p.id), count(p.voided_at)
         FROM batches b LEFT JOIN peps p ON p.batch_id = b.id AND {}
         GROUP BY b.id HAVING ?1 IS NULL OR count(p.id) > 0 ORDER BY b.id DESC",
        super::scope_clause("p.entity", "?1")
    ))?;
    let rows = stmt.query_map([scope], batch_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// A stored elector key that no longer passes the rules (a row edited since the import):
/// a problem the batch validation reports, not a failure of the database.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("clave {key}: {reason}")]
pub struct BadStoredKey {
    pub key: String,
    pub reason: ElectorKeyError,
}

/// A PEP of a batch with its elector and outbound guía, in manifest order.
#[derive(Debug, Clone)]
pub struct BatchPep {
    pub pep: PepRow,
    /// The elector, unless its stored key no longer parses (reported by validation).
    pub elector: Result<Elector, BadStoredKey>,
    pub guia: Option<String>,
}

/// Every PEP of a batch (voided ones included), ordered by country, postal code and id.
pub fn batch_peps(conn: &Connection, batch_id: i64) -> Result<Vec<BatchPep>> {
    let mut stmt = conn.prepare(&format!(
        "SELECT {PEP_COLUMNS}, e.elector_key, e.given_names, e.paternal_surname, e.maternal_surname,
                e.entity, e.address_line1, e.address_line2, e.city, e.region, e.postal_code,
                e.country, e.email, e.phone, l.tracking
         FROM peps p JOIN electors e ON e.id = p.elector_id
         LEFT JOIN legs l ON l.pep = p.id AND l.direction = 'outbound'
         WHERE p.batch_id = ?1
         ORDER BY e.country, e.postal_code, p.id"
    ))?;
    let rows = stmt.query_map([batch_id], |r| {
        let key: String = r.get(6)?;
        let elector = |key| -> rusqlite::Result<Elector> {
            Ok(Elector {
                key,
                given_names: r.get(7)?,
                paternal_surname: r.get(8)?,
                maternal_surname: r.get(9)?,
                entity: r.get(10)?,
                address: Address {
                    line1: r.get(11)?,
                    line2: r.get(12)?,
                    city: r.get(13)?,
                    region: r.get(14)?,
                    postal_code: r.get(15)?,
                    country: r.get(16)?,
                },
                email: r.get(17)?,
                phone: r.get(18)?,
            })
        };
        let elector = match ElectorKey::parse(&key) {
            Ok(k) => Ok(elector(k)?),
            Err(reason) => Err(BadStoredKey { key, reason }),
        };
        Ok(BatchPep {
            pep: pep_row(r)?,
            elector,
            guia: r.get(19)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Active PEPs not yet in a batch, per entity and country.
pub fn unbatched_counts(
    conn: &Connection,
    scope: &crate::domain::scope::Scope,
) -> Result<Vec<super::electors::CountRow>> {
    let mut stmt = conn.prepare(&format!(
        "SELECT e.entity, e.country, count(*) FROM peps p JOIN electors e ON e.id = p.elector_id
         WHERE p.batch_id IS NULL AND p.voided_at IS NULL AND {}
         GROUP BY e.entity, e.country ORDER BY e.entity, count(*) DESC",
        super::scope_clause("e.entity", "?1")
    ))?;
    let rows = stmt.query_map([scope], |r| {
        Ok(super::electors::CountRow {
            entity: r.get(0)?,
            country: r.get(1)?,
            n: r.get(2)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The public ids of every PEP in force, in creation order.
pub fn active_pep_ids(conn: &Connection) -> Result<Vec<PepId>> {
    let mut stmt = conn.prepare("SELECT pep_id FROM peps WHERE voided_at IS NULL ORDER BY id")?;
    let rows = stmt.query_map([], |r| r.get(0))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}
