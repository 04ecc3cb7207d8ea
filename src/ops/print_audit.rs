//! Group commit for the audit records of document downloads served from the store: one writer
//! thread takes every record waiting, appends them to the chain in one transaction, commits
//! once (one fsync), then answers each. A download is answered only after its record is
//! durable, as when every download rendered and audited on its own. Commits are at least
//! [`PACE`] apart: under load many records share one, so printing takes the database's write
//! lock from the scan station at most a few times a second.

use std::sync::mpsc::{self, Receiver, Sender};
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use tokio::sync::oneshot;

use super::errors::DocumentsError;
use super::{Actor, Result};
use crate::storage::{audit, Db};

/// Most records sharing one commit.
const MAX_GROUP: usize = 256;

/// Least time between two commits: a download waits at most this long for its record, and
/// printing takes the write lock at most 1 s / PACE times a second, however many print.
pub const PACE: Duration = Duration::from_millis(250);

/// A download to audit as `batch.documents` by its actor.
#[derive(Debug, Clone)]
pub struct PrintRecord {
    pub actor: Actor,
    pub batch_id: i64,
    pub detail: String,
    pub at: DateTime<Utc>,
}

struct Job {
    record: PrintRecord,
    reply: oneshot::Sender<std::result::Result<(), String>>,
}

/// The handle the store submits records to. Dropping every handle stops the thread.
#[derive(Clone)]
pub struct PrintAudit {
    jobs: Sender<Job>,
}

impl PrintAudit {
    /// Starts the writer thread over `db`.
    pub fn start(db: Arc<Db>) -> PrintAudit {
        let (jobs, rx) = mpsc::channel();
        std::thread::Builder::new()
            .name("print-audit".into())
            .spawn(move || writer(db, rx))
            .expect("spawn print-audit writer");
        PrintAudit { jobs }
    }

    /// Queues the record and waits, without holding a thread, until it is committed.
    pub async fn record(&self, record: PrintRecord) -> Result<()> {
        let (reply, answer) = oneshot::channel();
        self.jobs
            .send(Job { record, reply })
            .map_err(|_| DocumentsError::Unavailable("la auditoría de impresiones se detuvo"))?;
        answer
            .await
            .map_err(|_| DocumentsError::Unavailable("la auditoría de impresiones se detuvo"))?
            .map_err(|e| DocumentsError::AuditFailed(e).into())
    }
}

fn writer(db: Arc<Db>, rx: Receiver<Job>) {
    let mut last: Option<Instant> = None;
    while let Ok(first) = rx.recv() {
        // Records arriving meanwhile join this commit.
        if let Some(at) = last {
            std::thread::sleep(PACE.saturating_sub(at.elapsed()));
        }
        last = Some(Instant::now());
        let mut group = vec![first];
        while group.len() < MAX_GROUP {
            match rx.try_recv() {
                Ok(job) => group.push(job),
                Err(_) => break,
            }
        }
        let outcome = db.write(|tx| {
            audit::with_chain(tx, |chain| {
                for job in &group {
                    let r = &job.record;
                    chain.append(
                        &audit::AuditEntry {
                            actor: r.actor.as_str(),
                            action: "batch.documents",
                            subject: &format!("batch:{}", r.batch_id),
                            detail: &r.detail,
                            ..Default::default()
                        },
                        r.at,
                    )?;
                }
                Ok::<_, crate::storage::StorageError>(())
            })
        });
        let answer = outcome.map_err(|e| format!("auditoría de la descarga: {e}"));
        for job in group {
            let _ = job.reply.send(answer.clone());
        }
    }
}
