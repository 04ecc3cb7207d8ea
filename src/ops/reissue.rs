//! Reissue: void a PEP's return code and issue the next generation for the same elector,
//! optionally to a corrected address (when the PEP came back because the address was wrong).
//!
//! A corrected address is checked again here with the list's rules
//! (`domain::lnere::parse_address`), whoever built it: the CLI's correction file, the web form
//! or the drill engine. The elector then holds the corrected address, which the replacement PEP
//! is printed with; the old one is kept in `address_history`, and the audit trail records the
//! correction without personal data: the history row's id in the detail, the SHA-256 of the old
//! and new addresses as the record's before/after digests (see
//! db/migrations/0004_address_history.sql).

use chrono::{DateTime, Utc};
use rusqlite::Transaction;

use super::errors::PepError;
use super::{Actor, OpsError, Result};
use crate::domain::elector::Address;
use crate::domain::lnere::{parse_address, RawAddress};
use crate::domain::pep::PepId;
use crate::storage::peps::PepRow;
use crate::storage::{addresses, audit, peps, reception, Db};

/// Voids `id` (its code is rejected as `voided` from now on) and returns the new PEP id. With
/// `corrected`, the elector's address is replaced first and the new PEP goes there; a
/// corrected address the list's rules refuse, or equal to the current one, changes nothing.
pub fn reissue(
    db: &Db,
    id: &PepId,
    reason: &str,
    corrected: Option<&Address>,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<PepId> {
    let reason = reason.trim();
    if reason.chars().count() < 5 || reason.chars().count() > 500 {
        return Err(PepError::BadReason.into());
    }
    crate::domain::text::check(reason).map_err(PepError::ReasonText)?;
    let corrected = corrected
        .map(|a| parse_address(&RawAddress::of(a)).map_err(PepError::BadAddress))
        .transpose()?;
    db.write(|tx| {
        let old = peps::find(tx, id)?.ok_or_else(|| PepError::Unknown(id.clone()))?;
        if old.voided_at.is_some() {
            return Err(PepError::AlreadyVoided(id.clone()).into());
        }
        if reception::accepted(tx, old.id)? {
            return Err(PepError::AlreadyReceived(id.clone()).into());
        }
        let moved = match &corrected {
            Some(new) => Some(correct_address(tx, &old, new, actor, now)?),
            None => None,
        };
        let new = peps::reissue(tx, &old, reason, now)?;
        crate::ops::notices::on_reissue(tx, old.id)?;
        let mut detail = format!("reemplazado por {}; motivo: {reason}", new.pep_id);
        if let Some(history) = moved {
            detail.push_str(&format!(
                "; enviado al domicilio corregido (anterior: historial de domicilios #{history})"
            ));
        }
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
    .inspect(|new| actor.log(&format!("{id} reemplazado por {new}")))
}

/// Replaces the elector's address with `new`, keeping the old one in the history, and audits
/// it (digests and the history row's id only); returns the history row's id.
fn correct_address(
    tx: &Transaction,
    old: &PepRow,
    new: &Address,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<i64> {
    let current = addresses::current(tx, old.elector_id)?
        .ok_or_else(|| PepError::Unknown(old.pep_id.clone()))?;
    if current == *new {
        return Err(PepError::AddressUnchanged(old.pep_id.clone()).into());
    }
    let history = addresses::replace(
        tx,
        old.elector_id,
        old.id,
        &current,
        new,
        actor.as_str(),
        now,
    )?;
    audit::append(
        tx,
        &audit::AuditEntry {
            actor: actor.as_str(),
            action: "pep.address_corrected",
            subject: &format!("pep:{}", old.pep_id),
            before: Some(&addresses::canonical(&current)),
            after: Some(&addresses::canonical(new)),
            detail: &format!(
                "domicilio corregido; el anterior queda en el historial de domicilios #{history}"
            ),
        },
        now,
    )?;
    Ok::<_, OpsError>(history)
}
