//! Push subscriptions: the subscriber asks each carrier to push the events of every leg not
//! yet final (so legs get one soon after their guías are imported or reissued), renews them
//! before they run out (UPS: 14 days), confirms DHL's validation handshakes, and clamps the
//! safety-net polls of pushed return envelopes to the sweep before the receipt cutoff.
//! Subscription requests count against the carriers' quotas like polls.

use std::sync::Arc;
use std::time::Duration as StdDuration;

use chrono::{DateTime, Duration, Utc};

use super::errors::TaskError;
use super::sync::carriers_for;
use super::Result;
use crate::carriers::config::CarriersConfig;
use crate::carriers::poller::{Carriers, Polite, RetryPolicy};
use crate::carriers::push::subscribe::{open_lifetime, Hook, Subscribed};
use crate::carriers::push::HooksConfig;
use crate::carriers::CallError;
use crate::clock::SharedClock;
use crate::domain::tracking::schedule::sweep_before_cutoff;
use crate::domain::tracking::Carrier;
use crate::storage::subscriptions::{self as subs, SubRecord, SubState, Wanted};
use crate::storage::tracking as store;
use crate::storage::Db;

/// Renewed this long before a subscription runs out.
pub fn renew_before() -> Duration {
    Duration::days(2)
}

/// A failed subscription is asked for again after this long.
pub fn retry_after() -> Duration {
    Duration::hours(1)
}

/// What one pass of the subscriber did.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct SubReport {
    /// Requests sent to carriers (subscriptions and confirmations).
    pub requests: usize,
    pub active: usize,
    pub validating: usize,
    pub refused: usize,
    pub failed: usize,
    pub confirmed: usize,
    /// Pushed return legs whose poll was moved to the sweep before the cutoff.
    pub swept: usize,
}

async fn blocking<T: Send + 'static>(f: impl FnOnce() -> Result<T> + Send + 'static) -> Result<T> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| TaskError::Interrupted(e.to_string()))?
}

/// The hook a carrier pushes to, when its receiver can authenticate what it sends.
pub fn hook_for(hooks: &HooksConfig, carrier: Carrier) -> Option<Hook> {
    let url = hooks.hook_url(carrier)?;
    let credential = match carrier {
        Carrier::Ups => Some(hooks.ups_credential.clone()?),
        Carrier::Dhl => Some(hooks.dhl_token.clone()?),
        Carrier::Fedex => {
            hooks.fedex_secret.as_ref()?;
            None
        }
    };
    Some(Hook { url, credential })
}

/// One pass: every carrier with a hook subscribes (at most `limit` legs each), DHL's
/// validations are confirmed, and the cutoff sweep is applied.
pub async fn run_pass(
    db: Arc<Db>,
    carriers: &Carriers,
    hooks: &HooksConfig,
    now: DateTime<Utc>,
    limit: usize,
) -> Result<SubReport> {
    let mut report = SubReport::default();
    for carrier in Carrier::ALL {
        let (Some(polite), Some(hook)) = (carriers.get(carrier), hook_for(hooks, carrier)) else {
            continue;
        };
        if polite.max_subscribe() == 0 {
            continue;
        }
        subscribe_carrier(&db, polite, &hook, now, limit, &mut report).await?;
        confirm_carrier(&db, polite, now, &mut report).await?;
    }
    let d = db.clone();
    report.swept = blocking(move || sweep(&d, now)).await?;
    Ok(report)
}

async fn subscribe_carrier(
    db: &Arc<Db>,
    polite: &Polite,
    hook: &Hook,
    now: DateTime<Utc>,
    limit: usize,
    report: &mut SubReport,
) -> Result<()> {
    let (d, carrier) = (db.clone(), polite.carrier());
    let wanted = blocking(move || {
        Ok(d.read(|c| subs::wanted(c, carrier, now, renew_before(), retry_after(), limit))?)
    })
    .await?;
    for chunk in wanted.chunks(polite.max_subscribe()) {
        let numbers: Vec<String> = chunk.iter().map(|w| w.tracking.clone()).collect();
        let (answer, sent) = polite.subscribe(&numbers, hook).await;
        if !sent {
            if let Err(e) = answer {
                log::warn!("{}: suscripciones pospuestas: {e}", carrier.label());
            }
            return Ok(());
        }
        report.requests += 1;
        let (d, legs) = (db.clone(), chunk.to_vec());
        let counts = blocking(move || {
            d.write(|tx| {
                store::add_carrier_calls(tx, carrier, now.date_naive(), 1)?;
                record_answer(tx, &legs, &answer, now)
            })
        })
        .await?;
        report.active += counts[0];
        report.validating += counts[1];
        report.refused += counts[2];
        report.failed += counts[3];
    }
    Ok(())
}

/// Stores a subscription answer per leg: [active, validating, refused, failed] counts.
fn record_answer(
    tx: &rusqlite::Transaction,
    legs: &[Wanted],
    answer: &std::result::Result<Subscribed, CallError>,
    now: DateTime<Utc>,
) -> Result<[usize; 4]> {
    let mut counts = [0; 4];
    for leg in legs {
        let (state, error) = match answer {
            Ok(s) if s.valid.contains(&leg.tracking) && s.validating => {
                (SubState::Validating, None)
            }
            Ok(s) if s.valid.contains(&leg.tracking) => (SubState::Active, None),
            Ok(s) if s.invalid.contains(&leg.tracking) => (
                SubState::Refused,
                Some("la paquetería no acepta este número para avisos".to_string()),
            ),
            Ok(_) => (
                SubState::Failed,
                Some("la paquetería no respondió por este número".to_string()),
            ),
            Err(e) => (SubState::Failed, Some(e.to_string())),
        };
        let lasts = answer.as_ref().map_or(retry_after(), |s| s.lasts);
        let external_id = answer.as_ref().ok().and_then(|s| s.external_id.as_deref());
        let rec = SubRecord {
            state,
            external_id,
            expires_at: now + lasts,
            error: error.as_deref(),
        };
        subs::record(tx, leg.leg, &rec, now)?;
        counts[match state {
            SubState::Active => 0,
            SubState::Validating => 1,
            SubState::Refused => 2,
            SubState::Failed => 3,
        }] += 1;
    }
    Ok(counts)
}

async fn confirm_carrier(
    db: &Arc<Db>,
    polite: &Polite,
    now: DateTime<Utc>,
    report: &mut SubReport,
) -> Result<()> {
    let (d, carrier) = (db.clone(), polite.carrier());
    let pending = blocking(move || Ok(d.read(|c| subs::to_confirm(c, carrier, 200))?)).await?;
    for (id, secret) in pending {
        let (answer, sent) = polite.confirm(&id, &secret).await;
        if !sent {
            return Ok(());
        }
        report.requests += 1;
        let d = db.clone();
        let n = blocking(move || {
            d.write(|tx| {
                store::add_carrier_calls(tx, carrier, now.date_naive(), 1)?;
                let error = answer.as_ref().err().map(ToString::to_string);
                let outcome = match &error {
                    None => Ok(now + open_lifetime()),
                    Some(e) => Err(e.as_str()),
                };
                Ok(subs::confirmed(tx, &id, outcome, now)?)
            })
        })
        .await?;
        report.confirmed += n;
    }
    Ok(())
}

/// Before the sweep time (the cutoff less [`sweep_before_cutoff`]), pushed return legs are due
/// by then at the latest.
fn sweep(db: &Db, now: DateTime<Utc>) -> Result<usize> {
    let Some(election) = db.read(crate::storage::election::load)? else {
        return Ok(0);
    };
    let sweep_at = election.receipt_cutoff - sweep_before_cutoff();
    if now >= sweep_at {
        return Ok(0);
    }
    Ok(db.write(|tx| subs::clamp_pushed_returns(tx, sweep_at))?)
}

/// Pushed tracking in a running process: the receivers' settings, the carriers to subscribe
/// with, the clock, and how often the workers look.
#[derive(Clone)]
pub struct PushConfig {
    pub hooks: HooksConfig,
    pub carriers: CarriersConfig,
    pub clock: SharedClock,
    /// Pause between subscriber passes (default 30 s).
    pub subscribe_every: StdDuration,
    /// Pause between inbox drains (default 250 ms).
    pub inbox_every: StdDuration,
}

impl PushConfig {
    pub fn new(hooks: HooksConfig, carriers: CarriersConfig, clock: SharedClock) -> PushConfig {
        PushConfig {
            hooks,
            carriers,
            clock,
            subscribe_every: StdDuration::from_secs(30),
            inbox_every: StdDuration::from_millis(250),
        }
    }
}

/// Starts the inbox worker and the subscriber (tokio tasks) until `shutdown` completes.
pub fn spawn_push<S>(db: Arc<Db>, cfg: PushConfig, shutdown: S) -> tokio::task::JoinHandle<()>
where
    S: std::future::Future<Output = ()> + Send + 'static,
{
    let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
    let inbox = super::inbox::spawn_worker(db.clone(), cfg.clock.clone(), cfg.inbox_every, {
        let mut rx = stop_rx.clone();
        async move {
            let _ = rx.wait_for(|s| *s).await;
        }
    });
    tokio::spawn(async move {
        let mut shutdown = std::pin::pin!(shutdown);
        let carriers =
            match carriers_for(&db, &cfg.carriers, RetryPolicy::default(), cfg.clock.now()) {
                Ok(c) => c,
                Err(e) => {
                    log::error!("suscripciones de avisos detenidas: {e}");
                    let _ = stop_tx.send(true);
                    return;
                }
            };
        loop {
            let pass = run_pass(db.clone(), &carriers, &cfg.hooks, cfg.clock.now(), 1000);
            tokio::select! {
                _ = &mut shutdown => break,
                r = pass => match r {
                    Ok(r) if r.requests > 0 => log::info!(
                        "suscripciones: {} solicitudes, {} activas, {} en validación, {} rechazadas, {} fallidas",
                        r.requests, r.active, r.validating, r.refused, r.failed
                    ),
                    Ok(_) => {}
                    Err(e) => log::error!("suscripciones: {e}"),
                },
            }
            tokio::select! {
                _ = &mut shutdown => break,
                _ = tokio::time::sleep(cfg.subscribe_every) => {}
            }
        }
        let _ = stop_tx.send(true);
        let _ = inbox.await;
        drop(stop_rx);
    })
}
