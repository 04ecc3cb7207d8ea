//! What a campaign reports as it goes and at the end: wall time per phase, progress on the
//! simulated calendar, and the summary counts.

use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use serde::Serialize;

use super::notices::NoticeTally;
use super::order::OrderReport;
use crate::storage::campaign::Funnel;

/// Wall time spent per phase, in the order phases first ran.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Phases {
    pub items: Vec<(String, f64)>,
}

impl Phases {
    /// Adds `d` to phase `name`.
    pub fn add(&mut self, name: &str, d: Duration) {
        match self.items.iter_mut().find(|(n, _)| n == name) {
            Some((_, s)) => *s += d.as_secs_f64(),
            None => self.items.push((name.to_string(), d.as_secs_f64())),
        }
    }

    /// Runs `f`, timing it as `name`.
    pub fn time<T>(&mut self, name: &str, f: impl FnOnce() -> T) -> T {
        let t = Instant::now();
        let out = f();
        self.add(name, t.elapsed());
        out
    }

    pub fn total(&self) -> f64 {
        self.items.iter().map(|(_, s)| s).sum()
    }
}

/// Where a campaign stands, for a progress bar.
#[derive(Debug, Clone)]
pub struct Progress {
    /// 0.0 at the start, 1.0 at the end of the calendar.
    pub fraction: f64,
    pub sim_now: DateTime<Utc>,
    pub message: String,
}

/// Scans answered by the stations, per outcome, and the answers that were not what the
/// envelope called for.
#[derive(Debug, Clone, Default, Serialize)]
pub struct ScanCounts {
    pub accepted: u64,
    pub late: u64,
    pub duplicate: u64,
    pub voided: u64,
    pub invalid: u64,
    pub unknown: u64,
    /// Scans a station took while it was offline, set aside and sent later with their ids.
    pub set_aside: u64,
    /// Scans sent again under the same scan id (an answer lost on the way): each must answer
    /// its first verdict and record nothing.
    pub resent: u64,
    /// Answers that contradict what the scanned envelope was (each listed in `problems`).
    pub unexpected: u64,
    pub problems: Vec<String>,
}

impl ScanCounts {
    pub fn total(&self) -> u64 {
        self.accepted + self.late + self.duplicate + self.voided + self.invalid + self.unknown
    }

    pub fn count(&mut self, outcome: &str) {
        match outcome {
            "accepted" => self.accepted += 1,
            "late" => self.late += 1,
            "duplicate" => self.duplicate += 1,
            "voided" => self.voided += 1,
            "invalid" => self.invalid += 1,
            _ => self.unknown += 1,
        }
    }

    pub fn problem(&mut self, text: String) {
        self.unexpected += 1;
        if self.problems.len() < 20 {
            self.problems.push(text);
        }
    }
}

/// What a campaign did, and whether it holds together.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Summary {
    pub electors: usize,
    pub start: Option<DateTime<Utc>>,
    pub cutoff: Option<DateTime<Utc>>,
    pub end: Option<DateTime<Utc>>,
    pub batches: usize,
    pub documents: usize,
    pub reissued: usize,
    pub passes: usize,
    pub carrier_requests: usize,
    pub carrier_failures: usize,
    pub new_events: usize,
    pub push: super::push::PushSummary,
    /// Electors who looked their package up through the public API.
    pub lookups: super::lookups::LookupCounts,
    pub scans: ScanCounts,
    pub mec_lists: usize,
    pub funnel: Funnel,
    /// Reconciliation checks that failed, summed as absolute differences.
    pub reconciliation_differences: i64,
    /// Delivered return envelopes never scanned.
    pub unscanned: i64,
    pub order: OrderReport,
    /// Notices to electors (drills: through the real sender into a capture).
    pub notices: NoticeTally,
    pub phases: Phases,
}

impl Summary {
    /// Items nobody can explain: reconciliation differences, unexpected station answers,
    /// envelopes the carrier delivered that reception never scanned, lookups that did not
    /// answer what the elector's PEP is.
    pub fn unexplained(&self) -> i64 {
        self.reconciliation_differences
            + self.scans.unexpected as i64
            + self.unscanned
            + self.lookups.unexpected as i64
    }

    /// The campaign holds together: nothing unexplained, every PEP's times in order, no
    /// notice sent in its elector's quiet hours.
    pub fn ok(&self) -> bool {
        self.unexplained() == 0
            && self.order.violations == 0
            && self.notices.sent_in_quiet_hours == 0
    }
}
