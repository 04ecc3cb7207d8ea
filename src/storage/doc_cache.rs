//! The document_versions and document_files tables: what a batch's printed documents were
//! rendered from (a stamp the triggers of migration 0009 renew on every change to it) and the
//! digest of each file kept on disk.

use chrono::{DateTime, Utc};
use rusqlite::{params, Connection, OptionalExtension, Transaction};

use super::{ts, Result};

/// A batch as its documents depend on it right now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BatchStamp {
    pub name: String,
    /// Random bytes, renewed in the same transaction as any change the documents print.
    pub stamp: Vec<u8>,
}

/// The batch's name and current stamp; `None` when there is no such batch.
pub fn stamp(conn: &Connection, batch_id: i64) -> Result<Option<BatchStamp>> {
    Ok(conn
        .prepare_cached(
            "SELECT b.name, v.stamp FROM batches b JOIN document_versions v ON v.batch_id = b.id
             WHERE b.id = ?1",
        )?
        .query_row([batch_id], |r| {
            Ok(BatchStamp {
                name: r.get(0)?,
                stamp: r.get(1)?,
            })
        })
        .optional()?)
}

/// One file of a batch as it was written to disk.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredFile {
    pub file: String,
    /// Hex SHA-256 of the inputs it was rendered from (see `ops::doc_store`).
    pub fingerprint: String,
    /// Hex SHA-256 of its bytes.
    pub sha256: String,
    pub size: u64,
    pub peps: usize,
}

/// The stored record of `file` of the batch, if any.
pub fn stored_file(conn: &Connection, batch_id: i64, file: &str) -> Result<Option<StoredFile>> {
    Ok(conn
        .prepare_cached(
            "SELECT file, fingerprint, sha256, size, peps FROM document_files
             WHERE batch_id = ?1 AND file = ?2",
        )?
        .query_row(params![batch_id, file], |r| {
            Ok(StoredFile {
                file: r.get(0)?,
                fingerprint: r.get(1)?,
                sha256: r.get(2)?,
                size: r.get::<_, i64>(3)?.max(0) as u64,
                peps: r.get::<_, i64>(4)?.max(0) as usize,
            })
        })
        .optional()?)
}

/// Records (or replaces) the files just written for the batch, rendered at `now`.
pub fn record_files(
    tx: &Transaction,
    batch_id: i64,
    files: &[StoredFile],
    now: DateTime<Utc>,
) -> Result<()> {
    let mut stmt = tx.prepare_cached(
        "INSERT OR REPLACE INTO document_files
             (batch_id, file, fingerprint, sha256, size, peps, rendered_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?;
    for f in files {
        stmt.execute(params![
            batch_id,
            f.file,
            f.fingerprint,
            f.sha256,
            f.size as i64,
            f.peps as i64,
            ts(now)
        ])?;
    }
    Ok(())
}
