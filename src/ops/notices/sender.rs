//! The notice sender: one pass over what is due ([`Sender::pass`], also `notify --once`), and
//! the loop `serve` runs ([`spawn`]). A pass writes the reminders that fell due, then claims
//! due notices in small groups under a lease (one commit), sends each through its channel at
//! the provider's rate. Before each send one commit records that the notice is handed to
//! the provider, together with the previous notice's answer: a sender that dies leaves at most
//! one notice per channel handed and unanswered, which the next pass marks `unconfirmed`
//! instead of sending it twice (see `ops::notices`). Quiet hours in the elector's zone push a
//! notice to the local morning; 429s postpone it without using up a try; other temporary
//! failures back off; permanent ones fail it.

use std::num::NonZeroU32;
use std::sync::Arc;
use std::time::{Duration, Instant};

use governor::{DefaultDirectRateLimiter, Quota, RateLimiter};

use super::answer::{apply, count, Outcome};
use super::{NoticeOpsError, Result};
use crate::channels::capture::{CaptureChannel, Captured};
use crate::channels::compose::{self, Links};
use crate::channels::config::NoticeConfig;
use crate::channels::sms::SmsChannel;
use crate::channels::smtp::SmtpChannel;
use crate::channels::{Email, SendError, Sms};
use crate::clock::SharedClock;
use crate::domain::election::Election;
use crate::domain::notice::{optout, zone, Channel, NoticeFacts, NoticeState};
use crate::storage::outbox::{self, Due};
use crate::storage::{election, Db};

/// Notices claimed per commit.
const GROUP: usize = 32;

/// What one pass did.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct PassReport {
    pub reminders: usize,
    pub sent: usize,
    pub retried: usize,
    pub failed: usize,
    pub deferred: usize,
    pub cancelled: usize,
    /// Handed by a sender that died before the answer: not sent again.
    pub unconfirmed: usize,
}

/// The sender: channels, rate limiters, and who it is (its claims carry that name).
pub struct Sender {
    db: Arc<Db>,
    clock: SharedClock,
    cfg: NoticeConfig,
    smtp: Option<SmtpChannel>,
    sms: Option<SmsChannel>,
    /// Drills: every channel goes to this keeper instead of a provider.
    capture: Option<Arc<CaptureChannel>>,
    smtp_rate: DefaultDirectRateLimiter,
    sms_rate: DefaultDirectRateLimiter,
    claimer: String,
    optout_key: [u8; 32],
}

fn limiter(per_second: u32) -> DefaultDirectRateLimiter {
    let n = NonZeroU32::new(per_second.max(1)).unwrap_or(NonZeroU32::MIN);
    RateLimiter::direct(Quota::per_second(n))
}

/// The facts a notice may say, from its outbox row and the election.
pub fn facts(due: &Due, e: &Election) -> NoticeFacts {
    NoticeFacts {
        kind: due.kind,
        pep_id: due.pep_id.clone(),
        given_name: due.given_name.clone(),
        outbound: due.outbound.clone(),
        return_guia: due.return_guia.clone(),
        delivered_at: due.delivered_at,
        received_at: due.received_at,
        cutoff: e.receipt_cutoff,
        zone: zone::of(&due.country, due.region.as_deref()).unwrap_or(e.timezone),
    }
}

/// The links of a notice under `public_url`.
pub fn links(public_url: &str, key: &[u8; 32], due: &Due) -> Links {
    Links {
        lookup: format!("{public_url}/consulta"),
        optout: format!("{public_url}/baja/{}", optout::sign(key, &due.pep_id)),
    }
}

impl Sender {
    pub fn new(db: Arc<Db>, clock: SharedClock, cfg: NoticeConfig) -> Result<Sender> {
        let optout_key = super::optout_key(db.secrets()?);
        let smtp = cfg.smtp.as_ref().map(SmtpChannel::new).transpose()?;
        let sms = cfg.sms.as_ref().map(SmsChannel::new).transpose()?;
        Ok(Sender {
            smtp_rate: limiter(cfg.smtp_rate),
            sms_rate: limiter(cfg.sms_rate),
            claimer: format!("{}-{:08x}", std::process::id(), rand::random::<u32>()),
            db,
            clock,
            cfg,
            smtp,
            sms,
            capture: None,
            optout_key,
        })
    }

    /// A sender whose e-mails and SMS all go to `capture` (drills: nothing leaves the
    /// process); the outbox bookkeeping, quiet hours and reminders are the real ones.
    pub fn capturing(
        db: Arc<Db>,
        clock: SharedClock,
        mut cfg: NoticeConfig,
        capture: Arc<CaptureChannel>,
    ) -> Result<Sender> {
        cfg.smtp = None;
        cfg.sms = None;
        let mut sender = Sender::new(db, clock, cfg)?;
        sender.capture = Some(capture);
        Ok(sender)
    }

    fn channels(&self) -> Vec<Channel> {
        if self.capture.is_some() {
            return Channel::ALL.to_vec();
        }
        let mut c = Vec::new();
        if self.smtp.is_some() {
            c.push(Channel::Email);
        }
        if self.sms.is_some() {
            c.push(Channel::Sms);
        }
        c
    }

    async fn db<T: Send + 'static>(
        &self,
        f: impl FnOnce(&Db) -> Result<T> + Send + 'static,
    ) -> Result<T> {
        let db = self.db.clone();
        tokio::task::spawn_blocking(move || f(&db))
            .await
            .map_err(|e| NoticeOpsError::Task(e.to_string()))?
    }

    /// One pass over everything due now (nothing when no channel is configured).
    pub async fn pass(&self) -> Result<PassReport> {
        let mut report = PassReport::default();
        let now = self.clock.now();
        let rule = self.cfg.reminder;
        let e = self
            .db(|db| Ok(db.read(election::load)?))
            .await?
            .ok_or(NoticeOpsError::NoElection)?;
        if rule.window_open(now, e.receipt_cutoff) {
            let by = rule.delivered_by(now);
            report.reminders = self
                .db(move |db| Ok(db.write(|tx| outbox::enqueue_reminders(tx, by, now))?))
                .await?;
        }
        let mut channels = self.channels();
        while !channels.is_empty() {
            let (group, settled) = self.claim(&channels, &e, &mut report).await?;
            if group.is_empty() && settled == 0 {
                break;
            }
            let deadline = Instant::now() + self.cfg.lease.mul_f64(0.8);
            // The answer not yet recorded: it goes in the commit that hands the next notice.
            let mut answer: Option<(i64, Outcome)> = None;
            for due in group {
                if Instant::now() > deadline || !channels.contains(&due.channel) {
                    // Claimed but not tried: back to pending now rather than at lease expiry.
                    self.record(answer.take(), Some((due.id, Outcome::Release)), &mut report)
                        .await?;
                    continue;
                }
                if !self.hand(answer.take(), due.id, &mut report).await? {
                    continue; // the claim expired and is no longer ours: not sent
                }
                let result = self.send(&due, &e).await;
                if matches!(result, Err(SendError::RateLimited { .. })) {
                    // The provider asked to wait: nothing more on this channel in this pass.
                    channels.retain(|c| *c != due.channel);
                }
                answer = Some((
                    due.id,
                    Outcome::of(result, due.attempts + 1, self.clock.now()),
                ));
            }
            self.record(answer, None, &mut report).await?;
        }
        Ok(report)
    }

    /// Claims the next group of due notices; settles on the way those that are stale, have
    /// no address any more, or fall in the elector's quiet hours (how many: the second value).
    async fn claim(
        &self,
        channels: &[Channel],
        e: &Election,
        report: &mut PassReport,
    ) -> Result<(Vec<Due>, usize)> {
        let now = self.clock.now();
        let lease_until = now + chrono::Duration::from_std(self.cfg.lease).unwrap_or_default();
        let quiet = self.cfg.quiet_hours;
        let (claimer, channels, tz) = (self.claimer.clone(), channels.to_vec(), e.timezone);
        let (claimed, [cancelled, deferred, failed, unconfirmed]) = self
            .db(move |db| {
                Ok(db.write(|tx| {
                    let mut claimed = Vec::new();
                    let unconfirmed = outbox::unconfirm_expired(tx, now)?;
                    let [mut cancelled, mut deferred, mut failed] = [0usize; 3];
                    for due in outbox::due(tx, &channels, now, GROUP)? {
                        let zone = zone::of(&due.country, due.region.as_deref()).unwrap_or(tz);
                        if due.stale {
                            outbox::close(tx, due.id, NoticeState::Cancelled, None)?;
                            cancelled += 1;
                        } else if due.address.is_none() {
                            let why = Some("sin dirección de contacto");
                            outbox::close(tx, due.id, NoticeState::Failed, why)?;
                            failed += 1;
                        } else if let Some(at) = quiet.and_then(|q| q.release(now, zone)) {
                            outbox::postpone(tx, due.id, at, None, false)?;
                            deferred += 1;
                        } else {
                            outbox::claim(tx, due.id, &claimer, lease_until)?;
                            claimed.push(due);
                        }
                    }
                    let counts = [cancelled, deferred, failed, unconfirmed];
                    Ok::<_, crate::storage::StorageError>((claimed, counts))
                })?)
            })
            .await?;
        report.cancelled += cancelled;
        report.deferred += deferred;
        report.failed += failed;
        report.unconfirmed += unconfirmed;
        Ok((claimed, cancelled + deferred + failed + unconfirmed))
    }

    /// Words and sends one notice.
    async fn send(&self, due: &Due, e: &Election) -> std::result::Result<String, SendError> {
        let facts = facts(due, e);
        if let Some(capture) = &self.capture {
            return Ok(capture.send(self.captured(due, &facts)));
        }
        let to = due.address.clone().unwrap_or_default();
        match (due.channel, &self.smtp, &self.sms) {
            (Channel::Email, Some(smtp), _) => {
                let links = links(&self.cfg.public_url, &self.optout_key, due);
                let words = compose::email(&facts, &links);
                let email = Email {
                    to,
                    subject: words.subject,
                    text: words.text,
                    html: words.html,
                    message_id: message_id(due, smtp.domain()),
                    unsubscribe_url: links.optout,
                };
                self.smtp_rate.until_ready().await;
                smtp.send(&email).await
            }
            (Channel::Sms, _, Some(sms)) => {
                self.sms_rate.until_ready().await;
                sms.send(&Sms {
                    to,
                    body: compose::sms(&facts),
                })
                .await
            }
            _ => Err(SendError::Transient("canal no configurado".into())),
        }
    }

    /// What the capture keeps of a notice (no address, no body beyond the SMS's text).
    fn captured(&self, due: &Due, facts: &NoticeFacts) -> Captured {
        let words = match due.channel {
            Channel::Email => {
                let links = links(&self.cfg.public_url, &self.optout_key, due);
                compose::email(facts, &links).subject
            }
            Channel::Sms => compose::sms(facts),
        };
        Captured {
            notice: due.id,
            pep_id: due.pep_id.clone(),
            kind: due.kind,
            channel: due.channel,
            at: self.clock.now(),
            zone: facts.zone,
            words,
        }
    }

    /// One commit: the previous notice's answer, and notice `id` handed to its provider (the
    /// record that must exist before the provider can accept it). False: the claim is gone.
    async fn hand(
        &self,
        answer: Option<(i64, Outcome)>,
        id: i64,
        report: &mut PassReport,
    ) -> Result<bool> {
        count(answer.as_ref(), report);
        let (claimer, now) = (self.claimer.clone(), self.clock.now());
        self.db(move |db| {
            Ok(db.write(|tx| {
                if let Some((prev, outcome)) = answer {
                    apply(tx, prev, outcome, &claimer, now)?;
                }
                outbox::hand(tx, id, &claimer, now)
            })?)
        })
        .await
    }

    /// One commit: up to two answers (the last of a group, a release).
    async fn record(
        &self,
        a: Option<(i64, Outcome)>,
        b: Option<(i64, Outcome)>,
        report: &mut PassReport,
    ) -> Result<()> {
        if a.is_none() && b.is_none() {
            return Ok(());
        }
        count(a.as_ref(), report);
        count(b.as_ref(), report);
        let (claimer, now) = (self.claimer.clone(), self.clock.now());
        self.db(move |db| {
            Ok(db.write(|tx| {
                for (id, outcome) in a.into_iter().chain(b) {
                    apply(tx, id, outcome, &claimer, now)?;
                }
                Ok::<_, crate::storage::StorageError>(())
            })?)
        })
        .await
    }
}

/// The stable Message-ID of a notice: its outbox id, PEP and kind.
pub fn message_id(due: &Due, domain: &str) -> String {
    format!("<notice-{}.{}.{}@{domain}>", due.id, due.pep_id, due.kind)
}

/// Runs passes every `every` until the process ends (the loop `serve` starts).
pub fn spawn(sender: Arc<Sender>, every: Duration) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        loop {
            if let Err(e) = sender.pass().await {
                log::error!("avisos: {e}");
            }
            tokio::time::sleep(every).await;
        }
    })
}

/// Starts the notice sender of `serve`, `serve --demo` and `drill` inside the current tokio
/// runtime, configured from the environment (`PEP_SMTP_*`, `PEP_SMS_*`, …), on the process's
/// clock. With no channel configured it still writes the reminders that fall due: notices are
/// then kept and shown (`/avisos`), not sent.
pub fn start(
    db: Arc<Db>,
    clock: SharedClock,
    every: Duration,
) -> Result<tokio::task::JoinHandle<()>> {
    let cfg = NoticeConfig::from_env()?;
    Ok(spawn(Arc::new(Sender::new(db, clock, cfg)?), every))
}
