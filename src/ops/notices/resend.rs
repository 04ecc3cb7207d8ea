//! Staff send again the notices a killed sender left `unconfirmed`: each may or may not have
//! reached its elector, so sending it again is a person's decision (from `notify
//! --resend-unconfirmed` or the PEP page), never the sender's. The notices go back to pending
//! (the next pass sends them, with the Message-ID they were first handed with), and one audit
//! entry in the same transaction names them.

use chrono::{DateTime, Utc};

use super::{NoticeOpsError, Result};
use crate::domain::pep::PepId;
use crate::domain::scope::Scope;
use crate::ops::Actor;
use crate::storage::audit::{self, AuditEntry};
use crate::storage::{outbox, Db};

/// What a resend touched.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Resend {
    /// These notices (outbox ids) are pending again.
    Queued(Vec<i64>),
    /// The PEP asked about does not exist (or is outside the scope).
    NoSuchPep,
}

/// Puts the `unconfirmed` notices inside `scope` back to pending: those of PEP `pep` only
/// when given. Audited as `notice.resend` (nothing written when there was none).
pub fn unconfirmed(
    db: &Db,
    pep: Option<&PepId>,
    scope: &Scope,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<Resend> {
    db.write(|tx| {
        let row = match pep {
            None => None,
            Some(p) => match outbox::pep_row(tx, p)? {
                Some(row) => Some(row),
                None => return Ok(Resend::NoSuchPep),
            },
        };
        let ids = outbox::resend_unconfirmed(tx, row, scope, now)?;
        if ids.is_empty() {
            return Ok(Resend::Queued(ids));
        }
        let list: Vec<String> = ids.iter().map(i64::to_string).collect();
        let detail = format!(
            "avisos sin confirmar puestos de nuevo en cola (pueden llegar por segunda vez): {}",
            list.join(", ")
        );
        let subject = pep.map_or_else(|| "outbox".to_string(), |p| format!("pep:{p}"));
        audit::append(
            tx,
            &AuditEntry {
                actor: actor.as_str(),
                action: "notice.resend",
                subject: &subject,
                before: Some(b"unconfirmed"),
                after: Some(b"pending"),
                detail: &detail,
            },
            now,
        )?;
        Ok::<_, NoticeOpsError>(Resend::Queued(ids))
    })
}
