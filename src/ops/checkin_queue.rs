//! Group commit for check-ins: one writer thread takes every check-in waiting in the queue,
//! decides them in order inside one transaction, commits once (one fsync), then answers each.
//! Under load many check-ins share one commit; alone, a check-in commits at once.
//! Every answer is sent only after its commit: an acknowledged check-in is durable.

use std::sync::mpsc::{self, Receiver, Sender};
use std::sync::Arc;

use chrono::Utc;
use tokio::sync::oneshot;

use super::checkin::{check_in_tx, CheckinResult, Station};
use super::{OpsError, Result};
use crate::storage::{election, Db};

/// Most check-ins sharing one commit.
const MAX_GROUP: usize = 256;

struct Job {
    input: String,
    who: Station,
    reply: oneshot::Sender<Result<CheckinResult>>,
}

/// The handle web handlers submit check-ins to. Dropping every handle stops the thread.
#[derive(Clone)]
pub struct CheckinQueue {
    jobs: Sender<Job>,
}

impl CheckinQueue {
    /// Starts the writer thread over `db` with the code-signing key.
    pub fn start(db: Arc<Db>, key: [u8; 32]) -> CheckinQueue {
        let (jobs, rx) = mpsc::channel();
        std::thread::Builder::new()
            .name("checkin-writer".into())
            .spawn(move || writer(db, key, rx))
            .expect("spawn check-in writer");
        CheckinQueue { jobs }
    }

    /// Queues one scan and waits for its durable verdict.
    pub async fn submit(&self, input: String, who: Station) -> Result<CheckinResult> {
        let (reply, answer) = oneshot::channel();
        self.jobs
            .send(Job { input, who, reply })
            .map_err(|_| OpsError::Unavailable("la recepción se está cerrando".into()))?;
        answer
            .await
            .map_err(|_| OpsError::Unavailable("la recepción se detuvo".into()))?
    }
}

fn writer(db: Arc<Db>, key: [u8; 32], rx: Receiver<Job>) {
    while let Ok(first) = rx.recv() {
        let mut group = vec![first];
        while group.len() < MAX_GROUP {
            match rx.try_recv() {
                Ok(job) => group.push(job),
                Err(_) => break,
            }
        }
        let outcome = db.write(|tx| {
            let e = election::load(tx)?.ok_or(OpsError::NoElection)?;
            group
                .iter()
                .map(|j| check_in_tx(tx, &key, &j.input, &j.who, &e, Utc::now()))
                .collect::<Result<Vec<_>>>()
        });
        match outcome {
            Ok(results) => {
                for (job, r) in group.into_iter().zip(results) {
                    let _ = job.reply.send(Ok(r));
                }
            }
            Err(e) => {
                let msg = e.to_string();
                for job in group {
                    let _ = job.reply.send(Err(OpsError::Unavailable(msg.clone())));
                }
            }
        }
    }
}
