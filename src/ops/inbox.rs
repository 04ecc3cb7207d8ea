//! Pushed tracking, after the receiver stored it: storing a push (the only work a request
//! does), and the inbox worker that applies stored pushes oldest first, a page of them per
//! transaction, through the same recording path as polling (`sync::record::apply_events`):
//! an event seen twice is stored once, an older one never moves a leg back, a final status
//! never changes. A push that cannot be read is kept as malformed and the inbox moves on.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use rusqlite::Transaction;

use super::errors::TaskError;
use super::group_commit::{GroupCommit, GroupError};
use super::sync::record::apply_events;
use super::sync::PassReport;
use super::{Actor, Result};
use crate::carriers::push::{self, Push};
use crate::carriers::{CallError, NumberResult};
use crate::domain::tracking::schedule::{self, spread, PollContext};
use crate::domain::tracking::{Carrier, LegState};
use crate::storage::audit::{self, Chain};
use crate::storage::tracking::DueLeg;
use crate::storage::{inbox, subscriptions, Db};

/// A push to store: its carrier, body (deflated), and when it arrived.
pub type ToStore = (Carrier, inbox::Packed, DateTime<Utc>);

/// The receivers' writer: pushes that arrive together share one commit (a carrier's burst of
/// webhooks is one transaction, not one fsync each), and each is answered after it.
#[derive(Clone)]
pub struct InboxWriter(GroupCommit<ToStore, i64>);

/// Most pushes sharing one commit.
pub const MAX_STORE_GROUP: usize = 256;

impl InboxWriter {
    /// Starts the writer thread over `db`.
    pub fn start(db: Arc<Db>) -> InboxWriter {
        let work = |tx: &Transaction, jobs: &[ToStore]| {
            jobs.iter()
                .map(|(carrier, body, at)| Ok(inbox::insert(tx, *carrier, body, *at)?))
                .collect()
        };
        InboxWriter(GroupCommit::start(
            "inbox-writer",
            db,
            MAX_STORE_GROUP,
            Box::new(work),
        ))
    }

    /// Stores a push that passed its authenticity check; its inbox id, once committed.
    pub async fn store(&self, carrier: Carrier, body: Vec<u8>, now: DateTime<Utc>) -> Result<i64> {
        // Deflated here, on the receiver's task: the writer only stores it.
        let packed = inbox::Packed::new(&body);
        drop(body);
        let id = self.0.submit((carrier, packed, now)).await.map_err(|e| {
            TaskError::Interrupted(match e {
                GroupError::Stopped => "el buzón de pushes se detuvo".into(),
                GroupError::Failed(msg) => msg,
            })
        })?;
        crate::metrics::global().push_received(now);
        Ok(id)
    }
}

/// What one run of the worker did.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct InboxReport {
    pub pushes: usize,
    pub new_events: usize,
    pub status_changes: usize,
    /// Numbers pushed that are no leg of ours (ignored).
    pub unknown_numbers: usize,
    pub malformed: usize,
    /// DHL validation secrets kept for the subscriber to confirm.
    pub validations: usize,
}

/// Applies up to `limit` pending pushes, oldest first, in one transaction (a reader's page
/// cache survives a page of pushes, not one write per push). The bodies are read before the
/// transaction begins: the hooks' receivers store while a page is parsed.
pub fn process(db: &Db, actor: &Actor, now: DateTime<Utc>, limit: usize) -> Result<InboxReport> {
    let items = db.read(|c| inbox::pending(c, limit))?;
    let mut report = InboxReport::default();
    if items.is_empty() {
        return Ok(report);
    }
    let parsed: Vec<_> = items
        .into_iter()
        .map(|item| {
            let push = match &item.body {
                Ok(body) => push::parse(item.carrier, body),
                Err(why) => Err(CallError::Malformed(why.clone())),
            };
            (item.id, item.carrier, push)
        })
        .collect();
    db.write(|tx| {
        audit::with_chain(tx, |chain| {
            for (id, carrier, push) in parsed {
                report.pushes += 1;
                apply_item(chain, (id, carrier), push, actor, now, &mut report)?;
            }
            Ok::<_, super::OpsError>(())
        })
    })?;
    Ok(report)
}

/// How long an applied push keeps its raw body (for inspection) before it is emptied.
pub fn keep_applied() -> chrono::Duration {
    chrono::Duration::days(3)
}

/// Empties the raw bodies of pushes applied more than [`keep_applied`] before `now`.
pub fn forget_applied(db: &Db, now: DateTime<Utc>) -> Result<usize> {
    Ok(db.write(|tx| inbox::forget_applied(tx, now - keep_applied()))?)
}

/// One stored push: kept as malformed, a DHL validation secret noted, or its events applied.
fn apply_item(
    chain: &mut Chain,
    (id, carrier): (i64, Carrier),
    parsed: std::result::Result<Push, CallError>,
    actor: &Actor,
    now: DateTime<Utc>,
    report: &mut InboxReport,
) -> Result<()> {
    let tx = chain.tx();
    match parsed {
        Err(e) => {
            log::warn!("push {id} de {carrier} mal formado, se guarda: {e}");
            report.malformed += 1;
            inbox::mark_malformed(tx, id, &e.to_string(), now)?;
        }
        Ok(Push::DhlValidation {
            subscription_id,
            secret,
        }) => {
            if !subscriptions::set_challenge(tx, &subscription_id, &secret, now)? {
                log::warn!("validación de DHL para una suscripción desconocida");
            }
            inbox::mark_done(tx, id, 0, now)?;
            report.validations += 1;
        }
        Ok(Push::Events(tracked)) => {
            apply_push(chain, id, carrier, tracked, actor, now, report)?;
        }
    }
    Ok(())
}

fn apply_push(
    chain: &mut Chain,
    id: i64,
    carrier: Carrier,
    tracked: Vec<crate::carriers::Tracked>,
    actor: &Actor,
    now: DateTime<Utc>,
    report: &mut InboxReport,
) -> Result<()> {
    let tx = chain.tx();
    let mut events = 0;
    for t in tracked {
        let NumberResult::Events(evs) = t.result else {
            continue;
        };
        let Some(leg) = inbox::leg_by_number(tx, carrier, &t.number)? else {
            report.unknown_numbers += 1;
            continue;
        };
        let mut pass = PassReport::default();
        let state = apply_events(chain, &leg, &evs, actor, now, &mut pass)?;
        inbox::pushed(tx, leg.id, now, safety_net(&leg, state, now))?;
        report.new_events += pass.new_events;
        report.status_changes += pass.status_changes;
        events += evs.len();
    }
    inbox::mark_done(tx, id, events, now)?;
    Ok(())
}

/// A push arrived: a pushed leg's safety-net poll moves on from now (a gap in pushes is what
/// brings it): its next poll and since when its status holds. A leg not (or no longer)
/// pushed keeps its polling schedule (`None`).
fn safety_net(
    leg: &DueLeg,
    state: LegState,
    now: DateTime<Utc>,
) -> Option<(Option<DateTime<Utc>>, DateTime<Utc>)> {
    if !leg.pushed(now) {
        return None;
    }
    let since = if state.status != leg.state.status {
        now
    } else {
        leg.since
    };
    let ctx = PollContext {
        direction: leg.direction,
        status: state.status,
        unchanged_for: now - since,
        partner_delivered: leg.partner_delivered,
    };
    let polled_today = schedule::fetches_today(leg.poll_day, leg.polls_today, now);
    let next = schedule::next_poll_pushed(&ctx, now, polled_today, spread(leg.id));
    Some((next, since))
}

/// Pushes the worker applies at a time.
const WORKER_PAGE: usize = 200;

/// Runs the worker until `shutdown` completes: the inbox is drained every `every`, and the
/// bodies of pushes applied long ago are emptied every hour of the clock.
pub fn spawn_worker<S>(
    db: Arc<Db>,
    clock: crate::clock::SharedClock,
    every: std::time::Duration,
    shutdown: S,
) -> tokio::task::JoinHandle<()>
where
    S: std::future::Future<Output = ()> + Send + 'static,
{
    tokio::spawn(async move {
        let mut shutdown = std::pin::pin!(shutdown);
        let actor = Actor::system();
        let mut forgot: Option<DateTime<Utc>> = None;
        loop {
            let (d, a, now) = (db.clone(), actor.clone(), clock.now());
            let hourly = forgot.is_none_or(|t| now - t >= chrono::Duration::hours(1));
            let run = tokio::task::spawn_blocking(move || {
                let r = process(&d, &a, now, WORKER_PAGE)?;
                if hourly {
                    forget_applied(&d, now)?;
                }
                Ok::<_, super::OpsError>(r)
            });
            let done = run.await.map_err(|e| e.to_string());
            let full = match done.and_then(|r| r.map_err(|e| e.to_string())) {
                Ok(r) => {
                    if r.pushes > 0 {
                        log::info!(
                            "pushes: {} aplicados, {} eventos nuevos, {} cambios de estado, {} mal formados",
                            r.pushes, r.new_events, r.status_changes, r.malformed
                        );
                    }
                    if hourly {
                        forgot = Some(now);
                    }
                    r.pushes == WORKER_PAGE
                }
                Err(e) => {
                    log::error!("buzón de pushes: {e}");
                    false
                }
            };
            if full {
                continue;
            }
            tokio::select! {
                _ = &mut shutdown => break,
                _ = tokio::time::sleep(every) => {}
            }
        }
    })
}
