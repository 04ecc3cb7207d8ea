//! Group commit: one writer thread takes every job waiting in its queue (up to a bound), does
//! them in order inside one transaction, commits once (one fsync), then answers each. Under
//! load many jobs share one commit; alone, a job commits at once. An answer is sent only after
//! its commit: an acknowledged job is durable. Check-ins and carrier pushes are written so.

use std::sync::mpsc::{self, Receiver, Sender};
use std::sync::Arc;

use rusqlite::Transaction;
use tokio::sync::oneshot;

use super::OpsError;
use crate::storage::Db;

/// Why a job got no answer from its writer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GroupError {
    /// The writer has stopped (the process is shutting down).
    Stopped,
    /// The group's transaction failed; nothing of it was written.
    Failed(String),
}

type Reply<R> = oneshot::Sender<Result<R, GroupError>>;

/// What the writer does with a group, inside its transaction: one answer per job, in order.
pub type Work<J, R> = Box<dyn FnMut(&Transaction, &[J]) -> Result<Vec<R>, OpsError> + Send>;

/// The handle jobs are submitted to. Dropping every handle stops the thread.
pub struct GroupCommit<J, R> {
    jobs: Sender<(J, Reply<R>)>,
}

impl<J, R> Clone for GroupCommit<J, R> {
    fn clone(&self) -> Self {
        GroupCommit {
            jobs: self.jobs.clone(),
        }
    }
}

impl<J: Send + 'static, R: Send + 'static> GroupCommit<J, R> {
    /// Starts the writer thread `name` over `db`, at most `max_group` jobs (at least one) per
    /// commit.
    pub fn start(name: &str, db: Arc<Db>, max_group: usize, work: Work<J, R>) -> Self {
        let (jobs, rx) = mpsc::channel();
        let max_group = max_group.max(1);
        std::thread::Builder::new()
            .name(name.into())
            .spawn(move || writer(db, rx, max_group, work))
            .expect("spawn a group-commit writer");
        GroupCommit { jobs }
    }

    /// Queues `job` and waits for its answer, given after its group's commit.
    pub async fn submit(&self, job: J) -> Result<R, GroupError> {
        let (reply, answer) = oneshot::channel();
        self.jobs
            .send((job, reply))
            .map_err(|_| GroupError::Stopped)?;
        answer.await.map_err(|_| GroupError::Stopped)?
    }
}

fn writer<J, R>(db: Arc<Db>, rx: Receiver<(J, Reply<R>)>, max_group: usize, mut work: Work<J, R>) {
    while let Ok(first) = rx.recv() {
        let mut group = vec![first];
        while group.len() < max_group {
            match rx.try_recv() {
                Ok(job) => group.push(job),
                Err(_) => break,
            }
        }
        let (jobs, replies): (Vec<J>, Vec<Reply<R>>) = group.into_iter().unzip();
        match db.write(|tx| work(tx, &jobs)) {
            Ok(answers) => {
                for (reply, answer) in replies.into_iter().zip(answers) {
                    let _ = reply.send(Ok(answer));
                }
            }
            Err(e) => {
                let msg = e.to_string();
                for reply in replies {
                    let _ = reply.send(Err(GroupError::Failed(msg.clone())));
                }
            }
        }
    }
}
