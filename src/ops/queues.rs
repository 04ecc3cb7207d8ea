//! The exception queues of courier tracking, with their thresholds:
//!
//! - **to reissue**: an outbound leg returned to sender, or in exception for
//!   `PEP_QUEUE_EXCEPTION_DAYS` days (default 3) — the PEP did not reach the elector;
//! - **at risk**: from `PEP_QUEUE_AT_RISK_DAYS` days (default 10) before the receipt cutoff, a
//!   return envelope not yet moving (not posted, or only its label seen) and not received;
//! - **stuck**: a leg on its way with no carrier event for `PEP_QUEUE_STUCK_DAYS` days
//!   (default 4).
//!
//! The reissue itself is `reissue PEP_ID` (shipping desk).

use chrono::{DateTime, Duration, Utc};

use super::{OpsError, Result};
use crate::storage::queues;
pub use crate::storage::queues::{Queue, QueueRow};
use crate::storage::{self, Db};

/// The thresholds, in days.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QueueSettings {
    pub exception_days: i64,
    pub at_risk_days: i64,
    pub stuck_days: i64,
}

impl Default for QueueSettings {
    fn default() -> Self {
        QueueSettings {
            exception_days: 3,
            at_risk_days: 10,
            stuck_days: 4,
        }
    }
}

impl QueueSettings {
    /// Reads `PEP_QUEUE_EXCEPTION_DAYS`, `PEP_QUEUE_AT_RISK_DAYS`, `PEP_QUEUE_STUCK_DAYS`.
    pub fn from_env() -> std::result::Result<QueueSettings, String> {
        let mut s = QueueSettings::default();
        for (name, slot) in [
            ("PEP_QUEUE_EXCEPTION_DAYS", &mut s.exception_days),
            ("PEP_QUEUE_AT_RISK_DAYS", &mut s.at_risk_days),
            ("PEP_QUEUE_STUCK_DAYS", &mut s.stuck_days),
        ] {
            if let Ok(v) = std::env::var(name) {
                *slot = v
                    .trim()
                    .parse::<i64>()
                    .ok()
                    .filter(|d| (1..=365).contains(d))
                    .ok_or_else(|| {
                        format!("{name}: se espera un número de días entre 1 y 365, no «{v}»")
                    })?;
            }
        }
        Ok(s)
    }
}

/// The three queues at `now`.
#[derive(Debug, Clone, PartialEq)]
pub struct Queues {
    pub settings: QueueSettings,
    pub to_reissue: Queue,
    pub at_risk: Queue,
    /// When the "at risk" queue starts filling: the cutoff minus its days.
    pub at_risk_from: DateTime<Utc>,
    pub stuck: Queue,
}

/// Reads the queues, at most `limit` rows each (totals are exact).
pub fn queues(
    db: &Db,
    settings: QueueSettings,
    now: DateTime<Utc>,
    scope: &crate::domain::scope::Scope,
    limit: usize,
) -> Result<Queues> {
    db.read(|conn| {
        let election = storage::election::load(conn)?.ok_or(OpsError::NoElection)?;
        let at_risk_from = election.receipt_cutoff - Duration::days(settings.at_risk_days);
        let at_risk = if now >= at_risk_from {
            queues::not_moving_returns(conn, scope, limit)?
        } else {
            Queue::default()
        };
        Ok(Queues {
            settings,
            to_reissue: queues::to_reissue(
                conn,
                now - Duration::days(settings.exception_days),
                scope,
                limit,
            )?,
            at_risk,
            at_risk_from,
            stuck: queues::stuck(
                conn,
                now - Duration::days(settings.stuck_days),
                scope,
                limit,
            )?,
        })
    })
}
