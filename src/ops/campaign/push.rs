//! Pushed tracking in a campaign: the receivers' secrets (fresh per run), the simulator's push
//! settings, and each turn's push round — the subscriber asks for subscriptions of new and
//! reissued legs (renewals, DHL confirmations), the simulator pushes what happened since the
//! last turn to the app's `/hooks/*` over HTTP (with faults: lost, duplicated, reordered,
//! delayed, forged), and the inbox worker applies what was stored. The poller stays the
//! safety net, so a lost push is caught up by a poll.

use std::sync::Arc;
use std::time::Instant;

use chrono::{DateTime, Utc};
use serde::Serialize;

use super::{CampaignError, Phases, Result};
use crate::carriers::config::Secret;
use crate::carriers::poller::Carriers;
use crate::carriers::push::HooksConfig;
use crate::carriers::sim::{PushCounts, PushFaults, PushSettings, Sim};
use crate::ops::{inbox, subscriptions, Actor};
use crate::storage::Db;

/// Pushes applied by the inbox worker in one transaction while pushes keep arriving (the
/// receivers' group commit waits for the writer at most one page; larger pages share more of
/// a commit's pages), and once they have all arrived.
const INBOX_PAGE_SENDING: usize = 128;
const INBOX_PAGE: usize = 500;
/// Legs the subscriber takes per carrier and turn (all of a national campaign's at once).
const SUBSCRIBE_PAGE: usize = 10_000_000;

/// What pushed tracking did over a campaign.
#[derive(Debug, Clone, Default, Serialize)]
pub struct PushSummary {
    /// Subscription requests (and DHL confirmations) sent to the carriers.
    pub subscription_requests: usize,
    /// Legs whose subscription the carrier accepted (renewals included).
    pub subscribed: usize,
    /// Push requests the app answered 2xx, and refused (forged ones get 401).
    pub pushes_accepted: u64,
    pub pushes_refused: u64,
    /// Scans the simulator lost on purpose (the poller catches them up).
    pub pushes_lost: u64,
    /// Stored pushes the inbox worker applied, the new events and the malformed ones.
    pub applied: usize,
    pub push_events: usize,
    pub malformed: usize,
}

/// The hooks of one campaign: random secrets, known to the app and to the simulator.
#[derive(Clone)]
pub struct Hooks {
    pub config: HooksConfig,
    pub faults: PushFaults,
}

fn random_secret() -> Secret {
    let mut bytes = [0u8; 24];
    rand::RngCore::fill_bytes(&mut rand::rng(), &mut bytes);
    Secret::new(hex::encode(bytes))
}

impl Hooks {
    /// Fresh secrets for a campaign whose pushes misbehave like `faults`.
    pub fn new(faults: PushFaults) -> Hooks {
        Hooks {
            config: HooksConfig {
                ups_credential: Some(random_secret()),
                fedex_secret: Some(random_secret()),
                dhl_token: Some(random_secret()),
                public_url: None,
            },
            faults,
        }
    }

    /// The simulator's push settings: pushes go when the campaign asks (each turn).
    pub fn sim_settings(&self) -> Option<PushSettings> {
        Some(PushSettings {
            faults: self.faults,
            fedex_secret: self.config.fedex_secret.clone()?,
            every: None,
        })
    }

    /// The receivers' secrets as the web app reads them from its figment.
    pub fn figment_value(&self) -> serde_json::Value {
        let s = |v: &Option<Secret>| v.as_ref().map(|s| s.expose().to_string());
        serde_json::json!({
            "ups_credential": s(&self.config.ups_credential),
            "fedex_secret": s(&self.config.fedex_secret),
            "dhl_token": s(&self.config.dhl_token),
        })
    }

    /// The same hooks, reachable at the app's `base` URL.
    pub fn at(&self, base: &str) -> HooksConfig {
        HooksConfig {
            public_url: Some(base.trim_end_matches('/').to_string()),
            ..self.config.clone()
        }
    }
}

/// One turn of pushed tracking at `now`, its steps timed in `phases`: the subscriber, then
/// the simulator's pushes with the inbox worker applying what was stored meanwhile (a
/// receiver stores and answers; the worker applies page after page), until both are done.
pub async fn turn(
    db: &Arc<Db>,
    clients: &Carriers,
    hooks: &HooksConfig,
    sim: &Arc<Sim>,
    now: DateTime<Utc>,
    summary: &mut PushSummary,
    phases: &mut Phases,
) -> Result<()> {
    let t = Instant::now();
    let sub = subscriptions::run_pass(db.clone(), clients, hooks, now, SUBSCRIBE_PAGE).await?;
    summary.subscription_requests += sub.requests;
    summary.subscribed += sub.active + sub.confirmed;
    phases.add("push: suscripciones", t.elapsed());
    let t = Instant::now();
    // The simulator pushes on a worker of its own while this task drains the inbox.
    let s = sim.clone();
    let sending = tokio::spawn(async move { s.push_due().await });
    let drained = drain(db, now, &sending, summary).await;
    let pushed = sending
        .await
        .map_err(|e| CampaignError::Simulator(e.to_string()))?;
    drained?;
    summary.pushes_accepted += pushed.sent;
    summary.pushes_refused += pushed.refused;
    summary.pushes_lost = sim.push_counts().2;
    let d = db.clone();
    tokio::task::spawn_blocking(move || inbox::forget_applied(&d, now))
        .await
        .map_err(|e| CampaignError::Simulator(e.to_string()))??;
    phases.add("push: envíos y buzón", t.elapsed());
    Ok(())
}

/// Applies stored pushes a page at a time until `sending` has finished and the inbox is empty:
/// a page read after it was seen finished holds every push of the turn (a receiver answers
/// only once its push is stored).
async fn drain(
    db: &Arc<Db>,
    now: DateTime<Utc>,
    sending: &tokio::task::JoinHandle<PushCounts>,
    summary: &mut PushSummary,
) -> Result<()> {
    loop {
        let finished = sending.is_finished();
        let page = if finished {
            INBOX_PAGE
        } else {
            INBOX_PAGE_SENDING
        };
        let d = db.clone();
        let r =
            tokio::task::spawn_blocking(move || inbox::process(&d, &Actor::system(), now, page))
                .await
                .map_err(|e| CampaignError::Simulator(e.to_string()))??;
        summary.applied += r.pushes;
        summary.push_events += r.new_events;
        summary.malformed += r.malformed;
        if r.pushes < page {
            if finished {
                return Ok(());
            }
            tokio::time::sleep(std::time::Duration::from_millis(2)).await;
        }
    }
}
