//! The audit_log and audit_head tables: appending a chained record, reading the chain back.

use chrono::{DateTime, Utc};
use rusqlite::{params, Connection, OptionalExtension, Transaction};

use super::{ts, Result, StorageError};
use crate::domain::audit::{digest, AuditRecord, ChainBreak, ChainVerifier};

/// What a state change says about itself.
#[derive(Debug, Clone, Default)]
pub struct AuditEntry<'a> {
    pub actor: &'a str,
    pub action: &'a str,
    pub subject: &'a str,
    /// Canonical bytes (e.g. JSON) of the state before and after; only their digests are kept.
    pub before: Option<&'a [u8]>,
    pub after: Option<&'a [u8]>,
    pub detail: &'a str,
}

/// Appends one record to the chain inside the caller's transaction.
pub fn append(tx: &Transaction, entry: &AuditEntry, now: DateTime<Utc>) -> Result<i64> {
    with_chain(tx, |chain| chain.append(entry, now))
}

/// Runs `f` with the chain's head read once; every record `f` appends links to the one
/// before, and the head is stored once at the end (many records, two statements fewer each).
/// Returns `f`'s result; on error the caller's transaction must roll back, as usual.
pub fn with_chain<T, E: From<StorageError>>(
    tx: &Transaction,
    f: impl FnOnce(&mut Chain) -> std::result::Result<T, E>,
) -> std::result::Result<T, E> {
    let (seq, hash) = tx
        .prepare_cached("SELECT seq, hash FROM audit_head WHERE id = 1")
        .and_then(|mut s| s.query_row([], |r| Ok((r.get(0)?, r.get(1)?))))
        .map_err(StorageError::from)?;
    let mut chain = Chain {
        tx,
        seq,
        hash,
        appended: false,
    };
    let out = f(&mut chain)?;
    if chain.appended {
        tx.prepare_cached("UPDATE audit_head SET seq = ?1, hash = ?2 WHERE id = 1")
            .and_then(|mut s| s.execute(params![chain.seq, chain.hash]))
            .map_err(StorageError::from)?;
    }
    Ok(out)
}

/// The end of the chain inside one transaction (see [`with_chain`]).
pub struct Chain<'t> {
    tx: &'t Transaction<'t>,
    seq: i64,
    hash: String,
    appended: bool,
}

impl Chain<'_> {
    /// Appends one record after the last one; returns its sequence number.
    pub fn append(&mut self, entry: &AuditEntry, now: DateTime<Utc>) -> Result<i64> {
        let mut rec = AuditRecord {
            seq: self.seq + 1,
            at: ts(now),
            actor: entry.actor.to_string(),
            action: entry.action.to_string(),
            subject: entry.subject.to_string(),
            before_digest: entry.before.map(digest),
            after_digest: entry.after.map(digest),
            detail: entry.detail.to_string(),
            prev_hash: self.hash.clone(),
            hash: String::new(),
        };
        rec.hash = rec.compute_hash();
        self.tx
            .prepare_cached(
                "INSERT INTO audit_log (seq, at, actor, action, subject, before_digest, after_digest, detail, prev_hash, hash)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
            )?
            .execute(params![
                rec.seq,
                rec.at,
                rec.actor,
                rec.action,
                rec.subject,
                rec.before_digest,
                rec.after_digest,
                rec.detail,
                rec.prev_hash,
                rec.hash
            ])?;
        self.seq = rec.seq;
        self.hash = rec.hash;
        self.appended = true;
        Ok(self.seq)
    }
}

fn row_to_record(r: &rusqlite::Row) -> rusqlite::Result<AuditRecord> {
    Ok(AuditRecord {
        seq: r.get(0)?,
        at: r.get(1)?,
        actor: r.get(2)?,
        action: r.get(3)?,
        subject: r.get(4)?,
        before_digest: r.get(5)?,
        after_digest: r.get(6)?,
        detail: r.get(7)?,
        prev_hash: r.get(8)?,
        hash: r.get(9)?,
    })
}

const COLUMNS: &str =
    "seq, at, actor, action, subject, before_digest, after_digest, detail, prev_hash, hash";

/// Outcome of verifying the whole chain.
pub type Verification = std::result::Result<i64, ChainBreak>;

/// Streams the chain in storage order through the verifier; `Ok(Ok(n))` when intact.
pub fn verify(conn: &Connection) -> Result<Verification> {
    let tx = conn.unchecked_transaction()?;
    let head: Option<(i64, String)> = tx
        .query_row("SELECT seq, hash FROM audit_head WHERE id = 1", [], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .optional()?;
    let Some((head_seq, head_hash)) = head else {
        return Err(StorageError::Corrupt(
            "falta la cabeza de la bitácora".into(),
        ));
    };
    let mut verifier = ChainVerifier::default();
    // Physical order (rowid), not a sort: a reordered table must not be silently re-sorted.
    let mut stmt = tx.prepare(&format!("SELECT {COLUMNS} FROM audit_log ORDER BY rowid"))?;
    let mut rows = stmt.query([])?;
    while let Some(row) = rows.next()? {
        if let Err(e) = verifier.push(&row_to_record(row)?) {
            return Ok(Err(e));
        }
    }
    Ok(verifier.finish(head_seq, &head_hash))
}

/// The most recent records about one subject (newest first).
pub fn for_subject(conn: &Connection, subject: &str, limit: i64) -> Result<Vec<AuditRecord>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM audit_log WHERE subject = ?1 ORDER BY seq DESC LIMIT ?2"
    ))?;
    let rows = stmt.query_map(params![subject, limit], row_to_record)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The most recent records overall (newest first).
pub fn recent(conn: &Connection, limit: i64) -> Result<Vec<AuditRecord>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM audit_log ORDER BY seq DESC LIMIT ?1"
    ))?;
    let rows = stmt.query_map(params![limit], row_to_record)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}
