//! The notice sender: one pass over what is due ([`Sender::pass`], also `notify --once`), and
//! the loop `serve` runs ([`spawn`]). A pass writes the reminders that fell due, then works in
//! groups ([`super::group`]): one commit records the previous group's answers and claims the
//! next group under a lease, every notice of it marked handed to its provider; the group is
//! then sent with bounded concurrency (per channel, `PEP_SMTP_CONCURRENCY` /
//! `PEP_SMS_CONCURRENCY` messages in flight at the provider's rate; the group is that size), and
//! its answers go into the next group's commit (the last group's into a commit of their own).
//! A sender that dies thus leaves at most one group per channel handed and unanswered (the
//! channel's concurrency; [`CAPTURE_GROUP`] for the drills' capture, where nothing leaves the
//! process), which the next pass marks `unconfirmed` instead of sending it twice (see
//! `ops::notices`). Quiet hours in the elector's zone push a notice to the local morning; a 429
//! stops its channel for the rest of the pass and postpones the notice without using up a try;
//! other temporary failures back off; permanent ones fail it.

use std::num::NonZeroU32;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::{DateTime, Utc};
use governor::{DefaultDirectRateLimiter, Quota, RateLimiter};

use super::{NoticeOpsError, Result};
use crate::channels::capture::{CaptureChannel, Captured};
use crate::channels::compose::{self, Links};
use crate::channels::config::NoticeConfig;
use crate::channels::sms::SmsChannel;
use crate::channels::smtp::SmtpChannel;
use crate::channels::{Email, SendError, Sms};
use crate::clock::SharedClock;
use crate::domain::election::Election;
use crate::domain::notice::{optout, zone, Channel, NoticeFacts};
use crate::storage::outbox::{self, Due};
use crate::storage::{election, Db};

/// Notices per channel claimed and handed in one commit by a sender into the drills' capture
/// (which sends nothing: a larger group only saves commits). A provider's group is its
/// channel's concurrency.
pub const CAPTURE_GROUP: usize = 512;

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
    pub(super) db: Arc<Db>,
    pub(super) clock: SharedClock,
    pub(super) cfg: NoticeConfig,
    smtp: Option<SmtpChannel>,
    sms: Option<SmsChannel>,
    /// Drills: every channel goes to this keeper instead of a provider.
    capture: Option<Arc<CaptureChannel>>,
    smtp_rate: DefaultDirectRateLimiter,
    sms_rate: DefaultDirectRateLimiter,
    pub(super) claimer: String,
    optout_key: [u8; 32],
    /// The last reminder scan: see [`Sender::reminders`].
    reminder_scan: Mutex<Option<ReminderScan>>,
}

/// Where the reminder scans are: delivered up to `by` has been looked at, all of it at `full`.
#[derive(Debug, Clone, Copy)]
struct ReminderScan {
    by: DateTime<Utc>,
    full: DateTime<Utc>,
}

/// A later scan looks again at deliveries this long before the last scan's limit: a delivery
/// recorded late (its event came after that scan) still gets its reminder.
fn reminder_overlap() -> chrono::Duration {
    chrono::Duration::days(1)
}

/// How often a scan looks at every delivered PEP, whatever the overlap missed.
fn full_reminder_scan() -> chrono::Duration {
    chrono::Duration::days(1)
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
        let smtp = (cfg.smtp.as_ref())
            .map(|c| SmtpChannel::new(c, cfg.smtp_concurrency))
            .transpose()?;
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
            reminder_scan: Mutex::new(None),
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

    /// How many notices of `channel` one commit claims and hands, and so how many are in
    /// flight at once (and the most a killed sender leaves `unconfirmed` on it).
    pub(super) fn group_size(&self, channel: Channel) -> usize {
        if self.capture.is_some() {
            return CAPTURE_GROUP;
        }
        match channel {
            Channel::Email => self.cfg.smtp_concurrency,
            Channel::Sms => self.cfg.sms_concurrency,
        }
        .max(1)
    }

    pub(super) async fn db<T: Send + 'static>(
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
        let e = self
            .db(|db| Ok(db.read(election::load)?))
            .await?
            .ok_or(NoticeOpsError::NoElection)?;
        report.reminders = self.reminders(&e).await?;
        let mut channels = self.channels();
        // The answers not yet recorded: they go in the commit that hands the next group.
        let mut answers = Vec::new();
        while !channels.is_empty() {
            let (group, settled) = self
                .next_group(&channels, &e, std::mem::take(&mut answers), &mut report)
                .await?;
            if group.is_empty() && settled == 0 {
                break;
            }
            answers = self.send_group(group, &e, &mut channels).await;
        }
        self.record(answers, &mut report).await?;
        Ok(report)
    }

    /// Writes the reminders that fell due, while the reminder window is open. The first scan
    /// (and one a day) reads every PEP delivered long enough ago; the others only those
    /// delivered since the last scan's limit, less [`reminder_overlap`]: a pass then costs what
    /// newly qualifies, not the whole list.
    async fn reminders(&self, e: &Election) -> Result<usize> {
        let (now, rule) = (self.clock.now(), self.cfg.reminder);
        if !rule.window_open(now, e.receipt_cutoff) {
            return Ok(0);
        }
        let by = rule.delivered_by(now);
        let last = *self.reminder_scan.lock().unwrap_or_else(|p| p.into_inner());
        let after = last
            .filter(|s| now >= s.full && now - s.full < full_reminder_scan() && s.by <= by)
            .map(|s| (s.by - reminder_overlap(), s.full));
        let n = self
            .db(move |db| {
                let since = after.map(|(a, _)| a);
                Ok(db.write(|tx| outbox::enqueue_reminders(tx, since, by, now))?)
            })
            .await?;
        let full = after.map_or(now, |(_, full)| full);
        *self.reminder_scan.lock().unwrap_or_else(|p| p.into_inner()) =
            Some(ReminderScan { by, full });
        Ok(n)
    }

    /// Words and sends one notice.
    pub(super) async fn send(
        &self,
        due: &Due,
        e: &Election,
    ) -> std::result::Result<String, SendError> {
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
