//! Group commit for check-ins (see [`super::group_commit`]): the writer thread decides every
//! waiting check-in in order inside one transaction, commits once, then answers each. Every
//! answer is sent only after its commit: an acknowledged check-in is durable.

use std::sync::Arc;

use super::checkin::{record_all, CheckinResult, NamedScan, Recorded, Scan, Station};
use super::errors::CheckinError;
use super::group_commit::{GroupCommit, GroupError};
use super::Result;
use chrono::{DateTime, Utc};

use crate::clock::SharedClock;
use crate::domain::election::Election;
use crate::domain::scan_id::ScanId;
use crate::storage::Db;

/// Most check-ins sharing one commit.
pub const MAX_GROUP: usize = 256;

/// The handle web handlers submit check-ins to. Dropping every handle stops the thread.
#[derive(Clone)]
pub struct CheckinQueue {
    writer: GroupCommit<(Scan, Station), (Recorded, Arc<Election>)>,
    clock: SharedClock,
}

impl CheckinQueue {
    /// Starts the writer thread over `db` on the wall clock, grouping up to [`MAX_GROUP`]
    /// check-ins per commit.
    pub fn start(db: Arc<Db>) -> CheckinQueue {
        CheckinQueue::with_max_group(db, MAX_GROUP)
    }

    /// As [`start`](Self::start), grouping up to `max_group` check-ins per commit (at least
    /// one: `1` commits each check-in on its own).
    pub fn with_max_group(db: Arc<Db>, max_group: usize) -> CheckinQueue {
        CheckinQueue::on_clock(db, max_group, crate::clock::wall())
    }

    /// Starts the writer thread over `db`, stamping check-ins with `clock`'s time.
    pub fn on_clock(db: Arc<Db>, max_group: usize, clock: SharedClock) -> CheckinQueue {
        let writer_clock = clock.clone();
        let work = move |tx: &rusqlite::Transaction, jobs: &[(Scan, Station)]| {
            let scans = jobs.iter().map(|(scan, who)| (scan, who));
            let (recorded, e) = record_all(tx, scans, || writer_clock.now())?;
            let e = Arc::new(e);
            Ok(recorded.into_iter().map(|r| (r, e.clone())).collect())
        };
        let writer = GroupCommit::start("checkin-writer", db, max_group, Box::new(work));
        CheckinQueue { writer, clock }
    }

    /// The clock verdicts are stamped with (the web app shows the same time).
    pub fn clock(&self) -> SharedClock {
        self.clock.clone()
    }

    /// Reads the code here, queues the scan and waits for its durable verdict. Only the
    /// database work happens on the writer thread.
    pub async fn submit(&self, key: &[u8; 32], input: &str, who: Station) -> Result<CheckinResult> {
        self.decide(Scan::read(key, input), who).await
    }

    /// As [`submit`](Self::submit), for a scan the station named: seen now (the cutoff is
    /// judged on this time), decided once however often it is sent; a repeat answers the
    /// first verdict. `scanned_at` is the browser's claim, only recorded.
    pub async fn submit_named(
        &self,
        key: &[u8; 32],
        input: &str,
        who: Station,
        id: ScanId,
        scanned_at: Option<DateTime<Utc>>,
    ) -> Result<CheckinResult> {
        let named = NamedScan {
            id,
            scanned_at,
            seen_at: self.clock.now(),
        };
        self.decide(Scan::read(key, input).named(named), who).await
    }

    async fn decide(&self, scan: Scan, who: Station) -> Result<CheckinResult> {
        let arrived = std::time::Instant::now();
        let (recorded, election) =
            self.writer
                .submit((scan, who.clone()))
                .await
                .map_err(|e| match e {
                    GroupError::Stopped => CheckinError::Stopped("la recepción se detuvo"),
                    GroupError::Failed(msg) => CheckinError::Failed(msg),
                })?;
        let answer = recorded.answer(&election, &who);
        crate::metrics::global().checkin(answer.outcome.as_str(), arrived.elapsed().as_secs_f64());
        Ok(answer)
    }
}
