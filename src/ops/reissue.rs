//! Reissue: void a PEP's return code and issue the next generation for the same elector.

use chrono::{DateTime, Utc};

use super::errors::PepError;
use super::{Actor, Result};
use crate::domain::pep::PepId;
use crate::storage::{audit, peps, reception, Db};

/// Voids `pep_id` (its code is rejected as `voided` from now on) and returns the new PEP id.
pub fn reissue(
    db: &Db,
    id: &PepId,
    reason: &str,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<PepId> {
    let reason = reason.trim();
    if reason.chars().count() < 5 || reason.chars().count() > 500 {
        return Err(PepError::BadReason.into());
    }
    crate::domain::text::check(reason).map_err(PepError::ReasonText)?;
    db.write(|tx| {
        let old = peps::find(tx, id)?.ok_or_else(|| PepError::Unknown(id.clone()))?;
        if old.voided_at.is_some() {
            return Err(PepError::AlreadyVoided(id.clone()).into());
        }
        if reception::accepted(tx, old.id)? {
            return Err(PepError::AlreadyReceived(id.clone()).into());
        }
        let new = peps::reissue(tx, &old, reason, now)?;
        crate::ops::notices::on_reissue(tx, old.id)?;
        let detail = format!("reemplazado por {}; motivo: {reason}", new.pep_id);
        audit::append(
            tx,
            &audit::AuditEntry {
                actor: actor.as_str(),
                action: "pep.reissue",
                subject: &format!("pep:{id}"),
                before: Some(id.to_string().as_bytes()),
                after: Some(new.pep_id.to_string().as_bytes()),
                detail: &detail,
            },
            now,
        )?;
        Ok(new.pep_id)
    })
}
