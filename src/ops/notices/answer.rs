//! What a sender records after trying a notice: the outcome of a try ([`Outcome`], from the
//! provider's answer), how a pass counts it, and how it is written inside a transaction.

use std::time::Duration;

use chrono::{DateTime, Utc};

use super::sender::PassReport;
use crate::channels::SendError;
use crate::domain::notice::{self, NoticeState};
use crate::storage::outbox;

/// What to record after a try.
pub enum Outcome {
    Sent(String),
    Retry {
        at: DateTime<Utc>,
        error: Option<String>,
        /// A rate limit: the try does not count.
        refund: bool,
    },
    Failed(String),
    /// Claimed, not tried.
    Release,
}

impl Outcome {
    pub fn of(
        r: std::result::Result<String, SendError>,
        attempt: u32,
        now: DateTime<Utc>,
    ) -> Outcome {
        match r {
            Ok(id) => Outcome::Sent(id),
            Err(SendError::RateLimited { retry_after }) => Outcome::Retry {
                at: now
                    + chrono::Duration::from_std(retry_after.unwrap_or(Duration::from_secs(30)))
                        .unwrap_or_default(),
                error: Some("el proveedor pidió esperar (429)".into()),
                refund: true,
            },
            Err(e @ SendError::Transient(_)) if attempt < notice::MAX_ATTEMPTS => Outcome::Retry {
                at: now + notice::retry_delay(attempt),
                error: Some(e.to_string()),
                refund: false,
            },
            Err(e) => Outcome::Failed(e.to_string()),
        }
    }
}

pub fn count(answer: Option<&(i64, Outcome)>, report: &mut PassReport) {
    match answer.map(|(_, o)| o) {
        Some(Outcome::Sent(_)) => report.sent += 1,
        Some(Outcome::Retry { .. }) => report.retried += 1,
        Some(Outcome::Failed(_)) => report.failed += 1,
        Some(Outcome::Release) | None => {}
    }
}

/// Records one answer inside the caller's transaction.
pub fn apply(
    tx: &rusqlite::Transaction,
    id: i64,
    outcome: Outcome,
    claimer: &str,
    now: DateTime<Utc>,
) -> std::result::Result<(), crate::storage::StorageError> {
    match outcome {
        Outcome::Sent(provider_id) => {
            outbox::mark_sent(tx, id, claimer, &provider_id, now).map(|_| ())
        }
        Outcome::Retry { at, error, refund } => {
            outbox::postpone(tx, id, at, error.as_deref(), refund)
        }
        Outcome::Failed(error) => outbox::close(tx, id, NoticeState::Failed, Some(&error)),
        Outcome::Release => outbox::postpone(tx, id, now, None, true),
    }
}
