//! One page of due legs polled: the legs asked about a chunk per call (those with fetches left
//! today), each reply stored in one transaction on a blocking thread while the next call is
//! out.

use std::sync::Arc;

use chrono::{DateTime, Utc};

use super::{record, PassReport};
use crate::carriers::poller::{CallOutcome, Polite};
use crate::domain::tracking::schedule::{fetches_today, MAX_FETCHES_PER_DAY};
use crate::domain::tracking::Carrier;
use crate::ops::errors::TaskError;
use crate::ops::{Actor, Result};
use crate::storage::tracking::DueLeg;
use crate::storage::Db;

/// Polls one page of due legs, a chunk per call; `false` when the carrier cannot be asked any
/// more in this pass. A chunk's reply is stored while the next chunk's call is out (the
/// carrier's answer and the database's work overlap); the page ends when its last reply is
/// stored.
pub(super) async fn poll_page(
    db: &Arc<Db>,
    polite: &Polite,
    page: &[DueLeg],
    actor: &Actor,
    now: DateTime<Utc>,
    report: &mut PassReport,
) -> Result<bool> {
    let mut storing: Option<Storing> = None;
    for chunk in page.chunks(polite.max_batch()) {
        let fetched = fetch_chunk(polite, chunk, now, report).await;
        stored(storing.take(), report).await?;
        match fetched {
            Fetched::Stop => {
                report.skipped += page.len() - report_position(page, chunk);
                return Ok(false);
            }
            Fetched::Nothing => {}
            Fetched::Reply(legs, outcome) => {
                storing = Some(store_chunk(db, polite.carrier(), legs, outcome, actor, now));
            }
        }
    }
    stored(storing, report).await?;
    Ok(true)
}

/// Waits for a chunk's reply to be stored (if one is being stored) and counts what it did.
async fn stored(storing: Option<Storing>, report: &mut PassReport) -> Result<()> {
    if let Some(s) = storing {
        let r = s
            .await
            .map_err(|e| TaskError::Interrupted(e.to_string()))??;
        report.add(r);
    }
    Ok(())
}

/// A chunk's reply being stored on a blocking thread.
type Storing = tokio::task::JoinHandle<Result<PassReport>>;

/// What asking a carrier about a chunk came to.
enum Fetched {
    /// The carrier cannot be asked any more in this pass.
    Stop,
    /// Every leg of the chunk has used its fetches for today.
    Nothing,
    /// The legs asked about and the call's outcome, to be stored.
    Reply(Vec<DueLeg>, CallOutcome),
}

/// How many legs of `page` come before `chunk` (those already handled).
fn report_position(page: &[DueLeg], chunk: &[DueLeg]) -> usize {
    page.iter().position(|l| l.id == chunk[0].id).unwrap_or(0)
}

/// Asks the carrier about one chunk (the legs with fetches left today).
async fn fetch_chunk(
    polite: &Polite,
    chunk: &[DueLeg],
    now: DateTime<Utc>,
    report: &mut PassReport,
) -> Fetched {
    let (ready, capped): (Vec<&DueLeg>, Vec<&DueLeg>) = chunk
        .iter()
        .partition(|l| fetches_today(l.poll_day, l.polls_today, now) < MAX_FETCHES_PER_DAY);
    report.skipped += capped.len();
    if ready.is_empty() {
        return Fetched::Nothing;
    }
    let budget = ready
        .iter()
        .map(|l| MAX_FETCHES_PER_DAY - fetches_today(l.poll_day, l.polls_today, now))
        .min()
        .unwrap_or(1);
    let numbers: Vec<String> = ready.iter().map(|l| l.tracking.clone()).collect();
    let outcome = polite.call(&numbers, budget).await;
    let carrier = polite.carrier();
    if outcome.attempts == 0 {
        if let Err(e) = &outcome.result {
            report.problem(format!("{}: {e}", carrier.label()));
            return Fetched::Stop;
        }
    }
    report.legs += ready.len();
    report.requests += outcome.attempts as usize;
    if let Err(e) = &outcome.result {
        if e.is_malformed() {
            report.malformed += 1;
            log::warn!(
                "{}: respuesta mal formada, nada cambia: {e}",
                carrier.label()
            );
        } else {
            log::warn!("{}: consulta fallida: {e}", carrier.label());
        }
        report.problem(format!("{}: {e}", carrier.label()));
    }
    Fetched::Reply(ready.into_iter().cloned().collect(), outcome)
}

/// Stores a chunk's reply in one transaction, on a blocking thread.
fn store_chunk(
    db: &Arc<Db>,
    carrier: Carrier,
    legs: Vec<DueLeg>,
    outcome: CallOutcome,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Storing {
    let (d, a) = (db.clone(), actor.clone());
    tokio::task::spawn_blocking(move || {
        d.write(|tx| {
            record::store_reply(
                tx,
                carrier,
                &legs,
                outcome.result,
                outcome.attempts,
                &a,
                now,
            )
        })
    })
}
