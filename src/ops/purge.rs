//! `purge --personal-data`: once the election file's `purge_after` day has come (in the
//! election's time zone), erase every elector's personal data for good and leave no trace of
//! it in the database's files: rows overwritten with `secure_delete`, the WAL checkpointed and
//! truncated, the file rebuilt by `VACUUM`, and the printed documents kept beside the database
//! (`<db>.docs/`) overwritten and removed. Counts, report tables and the audit chain remain.

use chrono::{DateTime, Utc};

use super::errors::MaintenanceError;
use super::{Actor, Result};
use crate::storage::purge::{self, Erased};
use crate::storage::{audit, files, Db};

/// What a purge did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Purged {
    pub erased: Erased,
    /// Printed documents removed from `<db>.docs/`.
    pub document_files_removed: usize,
    /// The database file's size before and after.
    pub bytes_before: u64,
    pub bytes_after: u64,
}

/// Purges the personal data of `db` (refused before `purge_after`).
pub fn purge_personal_data(db: &Db, actor: &Actor, now: DateTime<Utc>) -> Result<Purged> {
    let e = super::election::current(db)?;
    let today = now.with_timezone(&e.timezone).date_naive();
    if today < e.purge_after {
        return Err(MaintenanceError::TooEarly {
            purge_after: e.purge_after,
            today,
        }
        .into());
    }
    let bytes_before = file_size(db)?;
    let erased = db.write(|tx| {
        let erased = purge::erase_personal_data(tx)?;
        let detail = format!(
            "datos personales borrados: {} electores, {} lugares de eventos, {} documentos",
            erased.electors, erased.event_places, erased.document_files
        );
        audit::append(
            tx,
            &audit::AuditEntry {
                actor: actor.as_str(),
                action: "personal_data.purge",
                subject: "database",
                detail: &detail,
                ..Default::default()
            },
            now,
        )?;
        Ok::<_, super::OpsError>(erased)
    })?;
    db.compact_securely()?;
    let docs = db.path().with_extension("docs");
    let document_files_removed = files::shred_dir(&docs).map_err(|err| MaintenanceError::File {
        path: docs.clone(),
        reason: err.to_string(),
    })?;
    Ok(Purged {
        erased,
        document_files_removed,
        bytes_before,
        bytes_after: file_size(db)?,
    })
}

fn file_size(db: &Db) -> Result<u64> {
    std::fs::metadata(db.path())
        .map(|m| m.len())
        .map_err(|err| {
            MaintenanceError::File {
                path: db.path().to_path_buf(),
                reason: err.to_string(),
            }
            .into()
        })
}
