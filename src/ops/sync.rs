//! Courier sync: one polling pass over the legs that are due (or all not yet final), batched
//! per carrier, each reply stored in one transaction — new events once, the leg's status moved
//! only forward, every status change audited — and the background poller that runs passes
//! inside `serve` until shutdown. The CLI's `sync --once` and the poller share [`run_pass`].

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};

use super::errors::TaskError;
use super::{Actor, Result};
use crate::carriers::config::CarriersConfig;
use crate::carriers::poller::{Carriers, Polite, RetryPolicy};
use crate::carriers::{CallError, NumberResult, Tracked};
use crate::clock::SharedClock;
use crate::domain::tracking::Carrier;
use crate::storage::tracking::{self as store, Cursor};
use crate::storage::Db;

mod page;
pub(super) mod record;

use page::poll_page;

/// What a pass covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SyncOptions {
    /// Every leg not yet final, whatever its schedule (`sync --once --all`).
    pub all: bool,
    /// Legs read from the database at a time.
    pub page: usize,
}

impl Default for SyncOptions {
    fn default() -> Self {
        SyncOptions {
            all: false,
            page: 300,
        }
    }
}

/// What a pass did.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct PassReport {
    /// Legs asked about.
    pub legs: usize,
    /// Requests sent to carriers (retries included).
    pub requests: usize,
    pub new_events: usize,
    pub status_changes: usize,
    pub not_visible: usize,
    /// Legs whose poll failed (the call or the number); they are retried with backoff.
    pub failed: usize,
    /// Replies that could not be read; nothing was changed by them.
    pub malformed: usize,
    /// Legs left for later: carrier not configured, daily quota used up, carrier paused.
    pub skipped: usize,
    /// The first problems met, in Spanish.
    pub problems: Vec<String>,
}

impl PassReport {
    fn add(&mut self, o: PassReport) {
        self.legs += o.legs;
        self.requests += o.requests;
        self.new_events += o.new_events;
        self.status_changes += o.status_changes;
        self.not_visible += o.not_visible;
        self.failed += o.failed;
        self.malformed += o.malformed;
        self.skipped += o.skipped;
        for p in o.problems {
            self.problem(p);
        }
    }

    fn problem(&mut self, p: String) {
        if self.problems.len() < 20 && !self.problems.contains(&p) {
            self.problems.push(p);
        }
    }
}

async fn blocking<T: Send + 'static>(f: impl FnOnce() -> Result<T> + Send + 'static) -> Result<T> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| TaskError::Interrupted(e.to_string()))?
}

/// One pass: every carrier's due legs, the carriers in parallel.
pub async fn run_pass(
    db: Arc<Db>,
    carriers: &Carriers,
    opts: SyncOptions,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<PassReport> {
    let one = |c: Carrier| poll_carrier(db.clone(), carriers.get(c), c, opts, actor.clone(), now);
    let (f, u, d) = tokio::join!(one(Carrier::Fedex), one(Carrier::Ups), one(Carrier::Dhl));
    let mut report = PassReport::default();
    for r in [f, u, d] {
        report.add(r?);
    }
    crate::metrics::global().poll_succeeded(now);
    Ok(report)
}

async fn poll_carrier(
    db: Arc<Db>,
    polite: Option<&Polite>,
    carrier: Carrier,
    opts: SyncOptions,
    actor: Actor,
    now: DateTime<Utc>,
) -> Result<PassReport> {
    let mut report = PassReport::default();
    let Some(polite) = polite else {
        let d = db.clone();
        let n =
            blocking(move || Ok(d.read(|c| store::count_due(c, carrier, now, opts.all))?)).await?;
        if n > 0 {
            report.skipped += n as usize;
            report.problem(format!(
                "{}: sin configuración; {n} envíos sin consultar",
                carrier.label()
            ));
        }
        return Ok(report);
    };
    let d = db.clone();
    if !blocking(move || Ok(d.read(|c| store::carries_any_leg(c, carrier))?)).await? {
        return Ok(report);
    }
    let mut cursor = Cursor::default();
    loop {
        let (d, c) = (db.clone(), cursor.clone());
        let page = blocking(move || {
            Ok(d.read(|conn| store::due_legs(conn, carrier, now, opts.all, &c, opts.page))?)
        })
        .await?;
        let Some(last) = page.last() else { break };
        cursor = Cursor::after(last);
        if !poll_page(&db, polite, &page, &actor, now, &mut report).await? {
            return Ok(report);
        }
    }
    Ok(report)
}

/// The carriers of `cfg`, with today's calls (from the database) taken off their quotas.
pub fn carriers_for(
    db: &Db,
    cfg: &CarriersConfig,
    retry: RetryPolicy,
    now: DateTime<Utc>,
) -> Result<Carriers> {
    let day = now.date_naive();
    let mut used = [0u32; 3];
    for (i, c) in Carrier::ALL.iter().enumerate() {
        used[i] = db.read(|conn| store::carrier_calls(conn, *c, day))?;
    }
    Ok(Carriers::from_config(cfg, |c| used[c as usize], retry))
}

/// The background poller's settings.
#[derive(Clone)]
pub struct PollerConfig {
    pub carriers: CarriersConfig,
    /// Pause between passes (env `PEP_POLL_EVERY_SECS`, default 60).
    pub every: Duration,
    pub retry: RetryPolicy,
    /// The process's clock: the wall clock but in demos and drills.
    pub clock: SharedClock,
}

impl std::fmt::Debug for PollerConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PollerConfig")
            .field("carriers", &self.carriers)
            .field("every", &self.every)
            .field("retry", &self.retry)
            .finish()
    }
}

impl PollerConfig {
    pub fn from_env() -> std::result::Result<PollerConfig, String> {
        let every = match std::env::var("PEP_POLL_EVERY_SECS") {
            Ok(v) => v
                .trim()
                .parse::<u64>()
                .ok()
                .filter(|s| *s > 0)
                .ok_or_else(|| {
                    format!("PEP_POLL_EVERY_SECS: se espera un entero positivo, no «{v}»")
                })?,
            Err(_) => 60,
        };
        Ok(PollerConfig {
            carriers: CarriersConfig::from_env()?,
            every: Duration::from_secs(every),
            retry: RetryPolicy::default(),
            clock: crate::clock::wall(),
        })
    }
}

/// Runs passes every `cfg.every` until `shutdown` completes (e.g. Rocket's `Shutdown`); a pass
/// in flight is dropped between two transactions, so nothing is half-written.
pub fn spawn_poller<S>(db: Arc<Db>, cfg: PollerConfig, shutdown: S) -> tokio::task::JoinHandle<()>
where
    S: Future<Output = ()> + Send + 'static,
{
    tokio::spawn(async move {
        let mut shutdown = std::pin::pin!(shutdown);
        let actor = Actor::system();
        let carriers = match carriers_for(&db, &cfg.carriers, cfg.retry, cfg.clock.now()) {
            Ok(c) => c,
            Err(e) => {
                log::error!("sincronización de paqueterías detenida: {e}");
                return;
            }
        };
        loop {
            let pass = run_pass(
                db.clone(),
                &carriers,
                SyncOptions::default(),
                &actor,
                cfg.clock.now(),
            );
            tokio::select! {
                _ = &mut shutdown => break,
                r = pass => match r {
                    Ok(rep) if rep.legs > 0 => log::info!(
                        "sincronización: {} envíos, {} solicitudes, {} eventos nuevos, {} cambios de estado",
                        rep.legs, rep.requests, rep.new_events, rep.status_changes
                    ),
                    Ok(_) => {}
                    Err(e) => log::error!("sincronización: {e}"),
                },
            }
            tokio::select! {
                _ = &mut shutdown => break,
                _ = tokio::time::sleep(cfg.every) => {}
            }
        }
    })
}

/// `Tracked` results by number, for the recorder.
fn by_number(results: Vec<Tracked>) -> std::collections::HashMap<String, NumberResult> {
    results.into_iter().map(|t| (t.number, t.result)).collect()
}

/// Turns a failed call into the message stored on each of its legs.
fn failure_text(e: &CallError) -> String {
    e.to_string()
}

/// The simulator's directory over this database's legs: direction, the elector's country, the
/// batch date, and the outbound leg of each return leg.
pub fn sim_directory(db: Arc<Db>) -> crate::carriers::sim::Directory {
    Arc::new(move |carrier, tracking| {
        let origin = db
            .read(|c| store::leg_origin(c, carrier, tracking))
            .map_err(|e| log::warn!("simulador: {e}"))
            .ok()??;
        Some(crate::carriers::sim::ShipmentSpec {
            direction: origin.direction,
            country: origin.country,
            shipped_at: origin.shipped_at,
            outbound: origin.outbound,
        })
    })
}
