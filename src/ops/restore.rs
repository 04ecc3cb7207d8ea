//! `restore FILE`: put a checked copy in place of the database. The copy must be a sound file
//! of this build's schema whose keyed audit chain is intact and holds the latest published
//! checkpoint (the one given, else the newest the current database recorded). The database
//! it replaces is kept beside it as `<db>.replaced-<time>`, never destroyed.

use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};

use super::errors::MaintenanceError;
use super::{Actor, Result};
use crate::domain::checkpoint::Checkpoint;
use crate::storage::{audit, files, Db};

/// What a restore did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Restored {
    /// Audit records in the restored copy (before the restore's own record).
    pub records: i64,
    /// The checkpoint the copy was found to hold, if any had been published.
    pub checkpoint_seq: Option<i64>,
    /// Where the replaced database went.
    pub replaced: Option<PathBuf>,
}

/// Restores `copy` over the database at `db_path` (stop `serve` first).
pub fn restore(
    db_path: &Path,
    copy: &Path,
    published: Option<Checkpoint>,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<Restored> {
    let secrets = super::keys::load(&super::keys::key_path_for(db_path))?;
    let checkpoint = match published {
        Some(cp) => Some(cp),
        None => recorded_checkpoint(db_path)?,
    };
    let records = super::backups::check_copy(copy, &secrets.audit_key, checkpoint.as_ref())?;
    let replaced = put_in_place(db_path, copy, now)?;
    let db = Db::open(db_path)?;
    let detail = format!(
        "restaurada desde {} ({records} registros de bitácora)",
        copy.display()
    );
    db.write(|tx| {
        audit::append(
            tx,
            &audit::AuditEntry {
                actor: actor.as_str(),
                action: "db.restore",
                subject: "database",
                detail: &detail,
                ..Default::default()
            },
            now,
        )
    })?;
    Ok(Restored {
        records,
        checkpoint_seq: checkpoint.map(|c| c.seq),
        replaced,
    })
}

/// The newest checkpoint the current database recorded; none when there is no database. A
/// database that cannot be read needs the published checkpoint given by hand.
fn recorded_checkpoint(db_path: &Path) -> Result<Option<Checkpoint>> {
    if !db_path.exists() {
        return Ok(None);
    }
    let db = Db::open(db_path).map_err(|e| MaintenanceError::File {
        path: db_path.to_path_buf(),
        reason: format!(
            "no se puede leer ({e}); indique el último punto de control publicado con \
             --checkpoint ARCHIVO"
        ),
    })?;
    Ok(db.read(audit::latest_checkpoint)?)
}

/// Copies `copy` beside the database, then swaps it in: the old database (its WAL folded in
/// first) moves aside, its -wal and -shm go, the new file takes its name.
fn put_in_place(db_path: &Path, copy: &Path, now: DateTime<Utc>) -> Result<Option<PathBuf>> {
    let io = |path: &Path| {
        let path = path.to_path_buf();
        move |e: std::io::Error| MaintenanceError::File {
            path,
            reason: e.to_string(),
        }
    };
    let staged = db_path.with_extension("restoring");
    let bytes = std::fs::read(copy).map_err(io(copy))?;
    files::write(&staged, &bytes).map_err(io(&staged))?;
    let mut replaced = None;
    if db_path.exists() {
        if let Ok(old) = Db::open(db_path) {
            // Fold the WAL into the old file so the kept copy is whole.
            let _ = old.compact_wal();
        }
        let aside = PathBuf::from(format!(
            "{}.replaced-{}",
            db_path.display(),
            now.format("%Y%m%dT%H%M%SZ")
        ));
        std::fs::rename(db_path, &aside).map_err(io(db_path))?;
        replaced = Some(aside);
    }
    for suffix in ["-wal", "-shm"] {
        let side = PathBuf::from(format!("{}{suffix}", db_path.display()));
        match std::fs::remove_file(&side) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(io(&side)(e).into()),
            _ => {}
        }
    }
    std::fs::rename(&staged, db_path).map_err(io(db_path))?;
    Ok(replaced)
}
