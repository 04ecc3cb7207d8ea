//! A sender's group of notices: the one commit that records the previous group's answers and
//! claims the next group, every notice of it marked handed to its provider
//! ([`Sender::next_group`]), on the way settling the due notices that must not be sent now
//! (stale, no address, quiet hours); sending a group with bounded concurrency
//! ([`Sender::send_group`]); and the commit of the last answers ([`Sender::record`]).

use std::sync::Mutex;
use std::time::Instant;

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use futures_util::stream::{self, StreamExt};
use rusqlite::Transaction;

use super::answer::{apply, count, Outcome};
use super::sender::{PassReport, Sender};
use super::Result;
use crate::channels::SendError;
use crate::domain::election::Election;
use crate::domain::notice::{zone, Channel, NoticeState, QuietHours};
use crate::storage::outbox::{self, Due};
use crate::storage::StorageError;

/// What a claim commit settled without sending.
#[derive(Debug, Default, Clone, Copy)]
struct Settled {
    cancelled: usize,
    deferred: usize,
    failed: usize,
    unconfirmed: usize,
}

impl Settled {
    fn total(&self) -> usize {
        self.cancelled + self.deferred + self.failed + self.unconfirmed
    }

    fn add_to(&self, report: &mut PassReport) {
        report.cancelled += self.cancelled;
        report.deferred += self.deferred;
        report.failed += self.failed;
        report.unconfirmed += self.unconfirmed;
    }
}

/// Settles a due notice that must not be sent now: stale (cancelled), without an address
/// (failed), or in its elector's quiet hours (pushed to the local morning). False: send it.
fn settle(
    tx: &Transaction,
    due: &Due,
    quiet: Option<QuietHours>,
    zone: Tz,
    now: DateTime<Utc>,
    s: &mut Settled,
) -> std::result::Result<bool, StorageError> {
    if due.stale {
        outbox::close(tx, due.id, NoticeState::Cancelled, None)?;
        s.cancelled += 1;
    } else if due.address.is_none() {
        let why = Some("sin dirección de contacto");
        outbox::close(tx, due.id, NoticeState::Failed, why)?;
        s.failed += 1;
    } else if let Some(at) = quiet.and_then(|q| q.release(now, zone)) {
        outbox::postpone(tx, due.id, at, None, false)?;
        s.deferred += 1;
    } else {
        return Ok(false);
    }
    Ok(true)
}

impl Sender {
    /// One commit: `answers` (the previous group's) recorded, expired hand-offs marked
    /// `unconfirmed`, and the next group claimed and handed: up to [`Sender::group_size`]
    /// due notices per channel. Returns the group and how many due notices were settled.
    pub(super) async fn next_group(
        &self,
        channels: &[Channel],
        e: &Election,
        answers: Vec<(i64, Outcome)>,
        report: &mut PassReport,
    ) -> Result<(Vec<Due>, usize)> {
        answers.iter().for_each(|a| count(Some(a), report));
        let now = self.clock.now();
        let lease_until = now + chrono::Duration::from_std(self.cfg.lease).unwrap_or_default();
        let (quiet, tz, claimer) = (self.cfg.quiet_hours, e.timezone, self.claimer.clone());
        let sizes: Vec<(Channel, usize)> =
            channels.iter().map(|c| (*c, self.group_size(*c))).collect();
        let (claimed, settled) = self
            .db(move |db| {
                Ok(db.write(|tx| {
                    for (id, outcome) in answers {
                        apply(tx, id, outcome, &claimer, now)?;
                    }
                    let mut s = Settled {
                        unconfirmed: outbox::unconfirm_expired(tx, now)?,
                        ..Settled::default()
                    };
                    let mut claimed = Vec::new();
                    for (channel, size) in sizes {
                        for due in outbox::due(tx, channel, now, size)? {
                            let zone = zone::of(&due.country, due.region.as_deref()).unwrap_or(tz);
                            if !settle(tx, &due, quiet, zone, now, &mut s)? {
                                outbox::claim_handed(tx, due.id, &claimer, lease_until, now)?;
                                claimed.push(due);
                            }
                        }
                    }
                    Ok::<_, StorageError>((claimed, s))
                })?)
            })
            .await?;
        settled.add_to(report);
        Ok((claimed, settled.total()))
    }

    /// Sends a handed group, all of it at once (a group holds at most a channel's concurrency
    /// of each channel). A notice not tried (the lease is nearly over, or its channel got a
    /// 429 in this group) is released untried. A channel that got a 429 leaves `channels`.
    pub(super) async fn send_group(
        &self,
        group: Vec<Due>,
        e: &Election,
        channels: &mut Vec<Channel>,
    ) -> Vec<(i64, Outcome)> {
        let deadline = Instant::now() + self.cfg.lease.mul_f64(0.8);
        let stopped: Mutex<Vec<Channel>> = Mutex::new(Vec::new());
        let halted = |c: Channel| {
            let s = stopped.lock().unwrap_or_else(|p| p.into_inner());
            s.contains(&c)
        };
        let in_flight = group.len().max(1);
        let answers = stream::iter(group)
            .map(|due| {
                let (stopped, halted) = (&stopped, &halted);
                async move {
                    if Instant::now() > deadline || halted(due.channel) {
                        return (due.id, Outcome::Release);
                    }
                    let result = self.send(&due, e).await;
                    if matches!(result, Err(SendError::RateLimited { .. })) {
                        // The provider asked to wait: nothing more on this channel this pass.
                        let mut s = stopped.lock().unwrap_or_else(|p| p.into_inner());
                        s.push(due.channel);
                    }
                    let attempt = due.attempts + 1;
                    (due.id, Outcome::of(result, attempt, self.clock.now()))
                }
            })
            .buffer_unordered(in_flight)
            .collect::<Vec<_>>()
            .await;
        channels.retain(|c| !halted(*c));
        answers
    }

    /// One commit: the last group's answers.
    pub(super) async fn record(
        &self,
        answers: Vec<(i64, Outcome)>,
        report: &mut PassReport,
    ) -> Result<()> {
        if answers.is_empty() {
            return Ok(());
        }
        answers.iter().for_each(|a| count(Some(a), report));
        let (claimer, now) = (self.claimer.clone(), self.clock.now());
        self.db(move |db| {
            Ok(db.write(|tx| {
                for (id, outcome) in answers {
                    apply(tx, id, outcome, &claimer, now)?;
                }
                Ok::<_, StorageError>(())
            })?)
        })
        .await
    }
}
