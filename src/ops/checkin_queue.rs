//! Group commit for check-ins: one writer thread takes every check-in waiting in the queue,
//! decides them in order inside one transaction, commits once (one fsync), then answers each.
//! Under load many check-ins share one commit; alone, a check-in commits at once.
//! Every answer is sent only after its commit: an acknowledged check-in is durable.

use std::sync::mpsc::{self, Receiver, Sender};
use std::sync::Arc;

use tokio::sync::oneshot;

use super::checkin::{record_all, CheckinResult, NamedScan, Recorded, Scan, Station};
use super::errors::CheckinError;
use super::Result;
use chrono::{DateTime, Utc};

use crate::clock::SharedClock;
use crate::domain::election::Election;
use crate::domain::scan_id::ScanId;
use crate::storage::Db;

/// Most check-ins sharing one commit.
pub const MAX_GROUP: usize = 256;

struct Job {
    scan: Scan,
    who: Station,
    reply: oneshot::Sender<Result<(Recorded, Arc<Election>)>>,
}

/// The handle web handlers submit check-ins to. Dropping every handle stops the thread.
#[derive(Clone)]
pub struct CheckinQueue {
    jobs: Sender<Job>,
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
        let max_group = max_group.max(1);
        let (jobs, rx) = mpsc::channel();
        let writer_clock = clock.clone();
        std::thread::Builder::new()
            .name("checkin-writer".into())
            .spawn(move || writer(db, rx, max_group, writer_clock))
            .expect("spawn check-in writer");
        CheckinQueue { jobs, clock }
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
        let (reply, answer) = oneshot::channel();
        self.jobs
            .send(Job {
                scan,
                who: who.clone(),
                reply,
            })
            .map_err(|_| CheckinError::Stopped("la recepción se está cerrando"))?;
        let (recorded, election) = answer
            .await
            .map_err(|_| CheckinError::Stopped("la recepción se detuvo"))??;
        let answer = recorded.answer(&election, &who);
        crate::metrics::global().checkin(answer.outcome.as_str(), arrived.elapsed().as_secs_f64());
        Ok(answer)
    }
}

fn writer(db: Arc<Db>, rx: Receiver<Job>, max_group: usize, clock: SharedClock) {
    while let Ok(first) = rx.recv() {
        let mut group = vec![first];
        while group.len() < max_group {
            match rx.try_recv() {
                Ok(job) => group.push(job),
                Err(_) => break,
            }
        }
        let scans = group.iter().map(|j| (&j.scan, &j.who));
        let outcome = db.write(|tx| record_all(tx, scans, || clock.now()));
        match outcome {
            Ok((results, e)) => {
                let e = Arc::new(e);
                for (job, r) in group.into_iter().zip(results) {
                    let _ = job.reply.send(Ok((r, e.clone())));
                }
            }
            Err(e) => {
                let msg = e.to_string();
                for job in group {
                    let _ = job
                        .reply
                        .send(Err(CheckinError::Failed(msg.clone()).into()));
                }
            }
        }
    }
}
