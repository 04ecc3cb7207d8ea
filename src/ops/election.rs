//! Loading the election settings (init) and reading them back.

use chrono::{DateTime, Utc};

use super::errors::ElectionFileError;
use super::{Actor, OpsError, Result};
use crate::documents;
use crate::domain::election::Election;
use crate::storage::{audit, election, electors, Db};

/// What `load` did.
#[derive(Debug, PartialEq, Eq)]
pub enum Loaded {
    Created,
    Updated,
    Unchanged,
}

/// Parses the election file and stores it, audited. A return address that does not fit the
/// labels (even wrapped) is refused with its key, before anything is stored. The same election may be reloaded with
/// changed settings; another election (another name) is refused: one database, one process.
pub fn load(db: &Db, toml_text: &str, actor: &Actor, now: DateTime<Utc>) -> Result<Loaded> {
    let new = Election::from_toml(toml_text).map_err(ElectionFileError::Invalid)?;
    // Election-wide: a return address the labels cannot print is refused here, once.
    if let Some(r) = &new.return_address {
        documents::check_return_address(r).map_err(ElectionFileError::ReturnAddress)?;
    }
    db.write(|tx| {
        let old = election::load(tx)?;
        if let Some(old) = &old {
            if old.name != new.name {
                return Err(ElectionFileError::OtherElection {
                    stored: old.name.clone(),
                    given: new.name.clone(),
                }
                .into());
            }
            for gone in old.entities.iter().filter(|e| !new.entities.contains(e)) {
                if electors::count_in_entity(tx, gone)? > 0 {
                    return Err(ElectionFileError::EntityInUse(gone.clone()).into());
                }
            }
        }
        let before = old.as_ref().map(election::canonical);
        let after = election::canonical(&new);
        if before.as_deref() == Some(after.as_slice()) {
            return Ok(Loaded::Unchanged);
        }
        election::save(tx, &new, now)?;
        let detail = format!("corte de recepción {}", new.cutoff_local_notation());
        audit::append(
            tx,
            &audit::AuditEntry {
                actor: actor.as_str(),
                action: if old.is_some() {
                    "election.update"
                } else {
                    "election.create"
                },
                subject: "election",
                before: before.as_deref(),
                after: Some(&after),
                detail: &detail,
            },
            now,
        )?;
        Ok(if old.is_some() {
            Loaded::Updated
        } else {
            Loaded::Created
        })
    })
}

/// The election, or [`OpsError::NoElection`].
pub fn current(db: &Db) -> Result<Election> {
    db.read(|c| election::load(c).map_err(OpsError::from))?
        .ok_or(OpsError::NoElection)
}
