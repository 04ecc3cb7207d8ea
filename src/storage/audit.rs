//! The audit_log, audit_head and audit_checkpoints tables: appending a chained record,
//! reading the chain back, keeping the checkpoints issued.
//!
//! Records are hashed under the audit key by `audit_mac(message)`, a SQL function that only
//! the writer connection has ([`register_mac`]): it reads the key file the first time it is
//! called, so the key never enters the database and every writer path chains with it.

use std::ops::ControlFlow;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use rusqlite::functions::FunctionFlags;
use rusqlite::{params, Connection, OptionalExtension, Transaction};

use super::keys::LazySecrets;
use super::{ts, Result, StorageError};
use crate::domain::audit::{digest, AuditRecord};
use crate::domain::checkpoint::Checkpoint;

/// Gives `conn` the SQL function `audit_mac(blob) -> text`: the hex HMAC of its argument
/// under the installation's audit key.
pub(super) fn register_mac(conn: &Connection, secrets: Arc<LazySecrets>) -> Result<()> {
    conn.create_scalar_function(
        "audit_mac",
        1,
        FunctionFlags::SQLITE_UTF8 | FunctionFlags::SQLITE_DETERMINISTIC,
        move |ctx| {
            let message = ctx.get_raw(0).as_blob()?;
            let s = secrets
                .get()
                .map_err(|e| rusqlite::Error::UserFunctionError(Box::new(e)))?;
            Ok(s.audit_key.mac(message))
        },
    )?;
    Ok(())
}

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

impl<'t> Chain<'t> {
    /// The transaction the chain is appended in.
    pub fn tx(&self) -> &'t Transaction<'t> {
        self.tx
    }

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
        rec.hash = self
            .tx
            .prepare_cached(
                "INSERT INTO audit_log (seq, at, actor, action, subject, before_digest, after_digest, detail, prev_hash, hash)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, audit_mac(?10))
                 RETURNING hash",
            )?
            .query_row(
                params![
                    rec.seq,
                    rec.at,
                    rec.actor,
                    rec.action,
                    rec.subject,
                    rec.before_digest,
                    rec.after_digest,
                    rec.detail,
                    rec.prev_hash,
                    rec.message()
                ],
                |r| r.get(0),
            )?;
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

/// The stored head: the last record's sequence number and hash.
pub fn head(conn: &Connection) -> Result<(i64, String)> {
    conn.prepare_cached("SELECT seq, hash FROM audit_head WHERE id = 1")?
        .query_row([], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?
        .ok_or_else(|| StorageError::Corrupt("falta la cabeza de la bitácora".into()))
}

/// Reads the head, then streams the records through `f` in physical order (rowid, not a
/// sort: a reordered table must not be silently re-sorted) until `f` breaks; one snapshot.
pub fn stream(
    conn: &Connection,
    mut f: impl FnMut(&AuditRecord) -> ControlFlow<()>,
) -> Result<(i64, String)> {
    let tx = conn.unchecked_transaction()?;
    let head = head(&tx)?;
    let mut stmt = tx.prepare(&format!("SELECT {COLUMNS} FROM audit_log ORDER BY rowid"))?;
    let mut rows = stmt.query([])?;
    while let Some(row) = rows.next()? {
        if f(&row_to_record(row)?).is_break() {
            break;
        }
    }
    Ok(head)
}

/// Keeps a checkpoint that was issued.
pub fn insert_checkpoint(tx: &Transaction, c: &Checkpoint) -> Result<()> {
    tx.execute(
        "INSERT INTO audit_checkpoints (seq, head, log, at, signature) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![c.seq, c.head, c.log, ts(c.at), &c.signature[..]],
    )?;
    Ok(())
}

/// The checkpoint issued last, if any.
pub fn latest_checkpoint(conn: &Connection) -> Result<Option<Checkpoint>> {
    let row: Option<(i64, String, String, String, Vec<u8>)> = conn
        .query_row(
            "SELECT seq, head, log, at, signature FROM audit_checkpoints ORDER BY id DESC LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)),
        )
        .optional()?;
    let Some((seq, head, log, at, signature)) = row else {
        return Ok(None);
    };
    let bad = |what: &str| StorageError::Corrupt(format!("audit_checkpoints: {what}"));
    Ok(Some(Checkpoint {
        seq,
        head,
        log,
        at: DateTime::parse_from_rfc3339(&at)
            .map_err(|_| bad("at"))?
            .with_timezone(&Utc),
        signature: signature.try_into().map_err(|_| bad("signature"))?,
    }))
}

/// Answers when the database does (health checks).
pub fn ping(conn: &Connection) -> Result<()> {
    conn.query_row("SELECT 1", [], |r| r.get::<_, i64>(0))?;
    Ok(())
}

/// The most recent records about one subject (newest first).
pub fn for_subject(conn: &Connection, subject: &str, limit: i64) -> Result<Vec<AuditRecord>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM audit_log WHERE subject = ?1 ORDER BY seq DESC LIMIT ?2"
    ))?;
    let rows = stmt.query_map(params![subject, limit], row_to_record)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Up to `limit` records numbered `seq` or lower, newest first (one page of the trail).
pub fn page(conn: &Connection, seq: i64, limit: i64) -> Result<Vec<AuditRecord>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM audit_log WHERE seq <= ?1 ORDER BY seq DESC LIMIT ?2"
    ))?;
    let rows = stmt.query_map(params![seq, limit], row_to_record)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}
