//! Changing the receipt cutoff: admin only (enforced by the callers' policy), with a reason,
//! audited, in the election's local time.

use chrono::{DateTime, NaiveDateTime, Utc};

use super::errors::CutoffError;
use super::{Actor, OpsError, Result};
use crate::domain::election::local_to_utc;
use crate::storage::{audit, election, Db};

/// Sets the cutoff to `local` (`YYYY-MM-DDTHH:MM` in the election's time zone).
pub fn change_cutoff(
    db: &Db,
    local: &str,
    reason: &str,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<DateTime<Utc>> {
    let reason = reason.trim();
    if reason.chars().count() < 5 || reason.chars().count() > 500 {
        return Err(CutoffError::BadReason.into());
    }
    crate::domain::text::check(reason).map_err(CutoffError::ReasonText)?;
    let naive = NaiveDateTime::parse_from_str(local.trim(), "%Y-%m-%dT%H:%M")
        .map_err(|_| CutoffError::BadFormat)?;
    db.write(|tx| {
        let mut e = election::load(tx)?.ok_or(OpsError::NoElection)?;
        let new = local_to_utc(e.timezone, naive).map_err(CutoffError::NotALocalTime)?;
        let opening = local_to_utc(e.timezone, e.election_day.and_time(e.polls_open))
            .map_err(CutoffError::PollsOpening)?;
        if new >= opening {
            return Err(CutoffError::AfterPollsOpen.into());
        }
        if new == e.receipt_cutoff {
            return Err(CutoffError::Unchanged.into());
        }
        let before = election::canonical(&e);
        let old_local = e.cutoff_local_notation();
        e.receipt_cutoff = new;
        election::save(tx, &e, now)?;
        let detail = format!(
            "corte {old_local} → {} ({}); motivo: {reason}",
            e.cutoff_local_notation(),
            e.timezone.name()
        );
        audit::append(
            tx,
            &audit::AuditEntry {
                actor: actor.as_str(),
                action: "election.cutoff",
                subject: "election",
                before: Some(&before),
                after: Some(&election::canonical(&e)),
                detail: &detail,
            },
            now,
        )?;
        Ok(new)
    })
    .inspect(|_| actor.log("corte de recepción cambiado"))
}

/// The changes to the election settings, cutoff included, newest first (from the audit trail).
pub fn cutoff_history(db: &Db) -> Result<Vec<crate::domain::audit::AuditRecord>> {
    Ok(db.read(|c| audit::for_subject(c, "election", 100))?)
}
