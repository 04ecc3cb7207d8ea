//! Verifying the audit chain and taking online backups.

use std::path::Path;

use chrono::{DateTime, Utc};

use super::{Actor, OpsError, Result};
use crate::domain::audit::ChainBreak;
use crate::storage::{audit, Db};

/// `Ok(Ok(n))`: the chain of `n` records is intact; `Ok(Err(break))`: where it breaks.
pub fn verify(db: &Db) -> Result<Result<i64, ChainBreak>> {
    Ok(db.read(audit::verify)?)
}

/// Copies the live database to `dest` through SQLite's online backup; refuses to overwrite.
pub fn backup(db: &Db, dest: &Path, actor: &Actor, now: DateTime<Utc>) -> Result<()> {
    if dest.exists() {
        return Err(OpsError::Invalid(format!(
            "{}: ya existe; elija otro nombre",
            dest.display()
        )));
    }
    db.write(|tx| {
        audit::append(
            tx,
            &audit::AuditEntry {
                actor: actor.as_str(),
                action: "db.backup",
                subject: "database",
                detail: &dest.display().to_string(),
                ..Default::default()
            },
            now,
        )?;
        Ok::<_, OpsError>(())
    })?;
    db.backup_to(dest)?;
    Ok(())
}

/// The most recent audit records, newest first.
pub fn recent(db: &Db, limit: i64) -> Result<Vec<crate::domain::audit::AuditRecord>> {
    Ok(db.read(|c| audit::recent(c, limit))?)
}

/// Answers when the database does (health checks).
pub fn ping(db: &Db) -> Result<()> {
    db.read(|c| {
        c.query_row("SELECT 1", [], |r| r.get::<_, i64>(0))
            .map_err(crate::storage::StorageError::from)
    })?;
    Ok(())
}
