//! Opt-outs: the signed link of an e-mail, or an SMS answered "BAJA". Each stops every further
//! notice to the elector (pending ones close as `opted_out`) and is written to the audit trail
//! in the same transaction.

use chrono::{DateTime, Utc};

use super::{NoticeOpsError, Result};
use crate::domain::notice::optout;
use crate::domain::pep::PepId;
use crate::storage::audit::{self, AuditEntry};
use crate::storage::outbox::{self, OptOutVia};
use crate::storage::Db;

/// What an opt-out did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OptOut {
    /// Recorded now.
    Done(PepId),
    /// The elector had already opted out.
    Already(PepId),
}

fn record(db: &Db, pep: &PepId, via: OptOutVia, now: DateTime<Utc>) -> Result<OptOut> {
    db.write(|tx| {
        let row = outbox::pep_row(tx, pep)?.ok_or(NoticeOpsError::BadToken)?;
        let Some(_) = outbox::opt_out(tx, row, via, now)? else {
            return Ok(OptOut::Already(pep.clone()));
        };
        let detail = format!(
            "el elector pidió no recibir más avisos (vía {})",
            via.as_str()
        );
        audit::append(
            tx,
            &AuditEntry {
                actor: "elector",
                action: "notice.optout",
                subject: &format!("pep:{pep}"),
                before: None,
                after: Some(via.as_str().as_bytes()),
                detail: &detail,
            },
            now,
        )?;
        Ok(OptOut::Done(pep.clone()))
    })
}

/// The PEP a signed opt-out token names (nothing recorded yet: the page asks to confirm).
pub fn check_token(key: &[u8; 32], token: &str) -> Result<PepId> {
    optout::verify(key, token).ok_or(NoticeOpsError::BadToken)
}

/// The one-click opt-out of an e-mail link.
pub fn by_link(db: &Db, key: &[u8; 32], token: &str, now: DateTime<Utc>) -> Result<OptOut> {
    let pep = check_token(key, token)?;
    record(db, &pep, OptOutVia::Link, now)
}

/// The digits of a phone number, the last ten (country codes written or not).
fn digits(phone: &str) -> String {
    let d: String = phone.chars().filter(char::is_ascii_digit).collect();
    d[d.len().saturating_sub(10)..].to_string()
}

/// Whether an SMS answer asks to stop ("BAJA", also "ALTO" and "STOP").
pub fn is_stop(body: &str) -> bool {
    let w = body.trim().to_uppercase();
    matches!(
        w.trim_matches(|c: char| !c.is_alphanumeric()),
        "BAJA" | "ALTO" | "STOP"
    )
}

/// An SMS from `from` saying `body`: a stop word opts out every elector texted at that
/// number. Returns the PEPs whose electors were opted out now.
pub fn by_sms(db: &Db, from: &str, body: &str, now: DateTime<Utc>) -> Result<Vec<PepId>> {
    if !is_stop(body) || digits(from).len() < 7 {
        return Ok(Vec::new());
    }
    let want = digits(from);
    let texted = db.read(outbox::texted)?;
    let mut done = Vec::new();
    for (_, pep, _) in texted.into_iter().filter(|(_, _, p)| digits(p) == want) {
        if let OptOut::Done(p) = record(db, &pep, OptOutVia::Sms, now)? {
            done.push(p);
        }
    }
    Ok(done)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stop_words_are_read_loosely_and_nothing_else_stops() {
        assert!(is_stop("baja"));
        assert!(is_stop("  BAJA. "));
        assert!(is_stop("Stop"));
        assert!(!is_stop("no quiero baja"));
        assert!(!is_stop("hola"));
    }

    #[test]
    fn phones_compare_by_their_last_ten_digits() {
        assert_eq!(digits("+1 415 555 0123"), "4155550123");
        assert_eq!(digits("+14155550123"), "4155550123");
    }
}
