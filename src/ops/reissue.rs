//! Reissue: void a PEP's return code and issue the next generation for the same elector.

use chrono::{DateTime, Utc};

use super::{Actor, OpsError, Result};
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
        return Err(OpsError::Invalid(
            "reason: explique el motivo de la reposición (5 a 500 caracteres)".into(),
        ));
    }
    crate::domain::text::check(reason).map_err(|e| OpsError::Invalid(format!("reason: {e}")))?;
    db.write(|tx| {
        let old =
            peps::find(tx, id)?.ok_or_else(|| OpsError::NotFound(format!("no existe el {id}")))?;
        if old.voided_at.is_some() {
            return Err(OpsError::Conflict(format!(
                "{id} ya fue anulado por una reposición"
            )));
        }
        if reception::accepted(tx, old.id)? {
            return Err(OpsError::Conflict(format!(
                "el sobre de {id} ya se recibió: no se repone un PEP cuyo voto llegó"
            )));
        }
        let new = peps::reissue(tx, &old, reason, now)?;
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
