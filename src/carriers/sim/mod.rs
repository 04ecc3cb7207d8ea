//! A local server speaking the FedEx, UPS and DHL tracking wire formats (token endpoints
//! included) on one address, for demos and tests: `pep-tracker carrier-sim`, `serve --demo`,
//! and the integration tests start it in-process with [`serve`].
//!
//! Each shipment follows a deterministic [`timeline`] per seed and tracking number; the
//! simulator learns what a number is (direction, country, ship date) from [`Sim::register`] or
//! a [`Directory`], else assumes an outbound PEP shipped in the days before it started. Its
//! clock runs from the start at `speed` times real time, or is set by hand in tests. With a
//! fault rate, calls fail with 5xx, 429 (with and without `Retry-After`), slow replies,
//! malformed JSON, a spurious 404 / not-found, or events out of order and repeated.

mod push;
mod routes;
mod sub_routes;
pub mod timeline;
mod wire;

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};

use crate::clock::{Clock, SimClock};
use crate::domain::tracking::{Carrier, Direction, LegStatus};
pub use push::{PushCounts, PushFaults, PushSettings};
use timeline::Rng;
pub use timeline::{ShipmentSpec, Timeline};

/// Where the simulator looks up numbers it was not told about (e.g. the legs table).
pub type Directory = Arc<dyn Fn(Carrier, &str) -> Option<ShipmentSpec> + Send + Sync>;

/// How the simulator behaves.
#[derive(Clone)]
pub struct SimConfig {
    pub seed: u64,
    /// Share of track calls that fail or misbehave, 0.0–1.0.
    pub fault_rate: f64,
    /// Simulated seconds per real second.
    pub speed: f64,
    /// How long a "slow reply" fault waits.
    pub slow_reply: Duration,
    /// The seconds a 429 asks to wait in its `Retry-After` (real seconds: 0 on a campaign's
    /// fast clock, where a simulated second is no wait at all).
    pub retry_after: u64,
    /// Lifetime of the OAuth tokens it issues.
    pub token_ttl: Duration,
    /// Silence Rocket's log, which goes to stdout (the level is process-wide: the last Rocket
    /// ignited sets it, so start a quiet simulator before the web app, or not quiet).
    pub quiet: bool,
    /// Stop on Ctrl-C and SIGTERM (the `carrier-sim` command); off when embedded.
    pub own_signals: bool,
    pub directory: Option<Directory>,
    /// Push subscriptions accepted and scans pushed to them (off: `None`).
    pub push: Option<PushSettings>,
}

impl Default for SimConfig {
    fn default() -> Self {
        SimConfig {
            seed: 1,
            fault_rate: 0.0,
            speed: 1.0,
            slow_reply: Duration::from_secs(3),
            retry_after: 1,
            token_ttl: Duration::from_secs(3600),
            quiet: false,
            own_signals: false,
            directory: None,
            push: None,
        }
    }
}

impl std::fmt::Debug for SimConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SimConfig")
            .field("seed", &self.seed)
            .field("fault_rate", &self.fault_rate)
            .field("speed", &self.speed)
            .field("directory", &self.directory.is_some())
            .finish()
    }
}

/// A misbehaviour injected into one call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Fault {
    ServerError,
    TooManyWithRetryAfter,
    TooManyBare,
    Slow,
    Malformed,
    SpuriousNotFound,
    Scrambled,
}

/// The simulator's state: clock, known shipments, issued tokens, counters.
pub struct Sim {
    cfg: SimConfig,
    clock: Arc<SimClock>,
    /// The simulated time it started at (unknown numbers shipped in the days before).
    origin: DateTime<Utc>,
    known: RwLock<HashMap<(Carrier, String), ShipmentSpec>>,
    tokens: Mutex<HashMap<String, Instant>>,
    calls: AtomicU64,
    track_calls: [AtomicU64; 3],
    push: push::PushState,
}

impl Sim {
    /// A simulator on a clock of its own, running from now at `cfg.speed`.
    pub fn new(cfg: SimConfig) -> Sim {
        let clock = Arc::new(SimClock::running(Utc::now(), cfg.speed));
        Sim::on_clock(cfg, clock)
    }

    /// A simulator on a clock shared with the rest of the process (demo, drill); `cfg.speed`
    /// is then the clock's business.
    pub fn on_clock(cfg: SimConfig, clock: Arc<SimClock>) -> Sim {
        Sim {
            cfg,
            origin: clock.now(),
            clock,
            known: RwLock::new(HashMap::new()),
            tokens: Mutex::new(HashMap::new()),
            calls: AtomicU64::new(0),
            track_calls: Default::default(),
            push: push::PushState::default(),
        }
    }

    pub fn config(&self) -> &SimConfig {
        &self.cfg
    }

    /// The simulated time.
    pub fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }

    /// The clock it runs on.
    pub fn clock(&self) -> Arc<SimClock> {
        self.clock.clone()
    }

    /// Stops the clock at `t` (tests move it by hand from then on).
    pub fn set_now(&self, t: DateTime<Utc>) {
        self.clock.set(t);
    }

    /// Tells the simulator what a number is.
    pub fn register(&self, carrier: Carrier, tracking: &str, spec: ShipmentSpec) {
        self.known
            .write()
            .unwrap_or_else(|p| p.into_inner())
            .insert((carrier, tracking.to_string()), spec);
    }

    fn spec(&self, carrier: Carrier, tracking: &str) -> ShipmentSpec {
        let key = (carrier, tracking.to_string());
        if let Some(s) = self
            .known
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .get(&key)
        {
            return s.clone();
        }
        let found = self
            .cfg
            .directory
            .as_ref()
            .and_then(|d| d(carrier, tracking));
        let spec = found.unwrap_or_else(|| self.guess(carrier, tracking));
        self.register(carrier, tracking, spec.clone());
        spec
    }

    /// An unknown number: an outbound PEP to a likely country, shipped 0–5 days before start.
    fn guess(&self, carrier: Carrier, tracking: &str) -> ShipmentSpec {
        let mut rng = Rng::new(self.cfg.seed ^ 0x5eed, carrier, tracking);
        let origin = self.origin;
        ShipmentSpec {
            direction: Direction::Outbound,
            country: timeline::likely_country(&mut rng).to_string(),
            shipped_at: origin - rng.hours(0.0, 120.0),
            outbound: None,
        }
    }

    /// The whole life of a shipment, past and future.
    pub fn timeline(&self, carrier: Carrier, tracking: &str) -> Timeline {
        let spec = self.spec(carrier, tracking);
        let seed = self.cfg.seed;
        match spec.direction {
            Direction::Outbound => {
                timeline::outbound(seed, carrier, tracking, &spec.country, spec.shipped_at)
            }
            Direction::Return => {
                let received = spec
                    .outbound
                    .as_ref()
                    .and_then(|(c, n)| self.timeline(*c, n).delivered_at());
                timeline::return_leg(
                    seed,
                    carrier,
                    tracking,
                    &spec.country,
                    spec.shipped_at,
                    received,
                )
            }
        }
    }

    /// The true status of a shipment now (`unknown` while the carrier shows nothing).
    pub fn truth(&self, carrier: Carrier, tracking: &str) -> LegStatus {
        self.timeline(carrier, tracking).truth(self.now())
    }

    /// Track calls answered so far, per carrier.
    pub fn track_calls(&self, carrier: Carrier) -> u64 {
        self.track_calls[carrier as usize].load(Ordering::Relaxed)
    }

    pub(crate) fn count_track_call(&self, carrier: Carrier) {
        self.track_calls[carrier as usize].fetch_add(1, Ordering::Relaxed);
    }

    /// Decides whether this call misbehaves, and how.
    pub(crate) fn fault(&self) -> Option<Fault> {
        let n = self.calls.fetch_add(1, Ordering::Relaxed);
        let mut rng = Rng::from_u64(self.cfg.seed.wrapping_mul(31).wrapping_add(n));
        if !rng.chance(self.cfg.fault_rate) {
            return None;
        }
        Some(rng.pick(&[
            Fault::ServerError,
            Fault::TooManyWithRetryAfter,
            Fault::TooManyBare,
            Fault::Slow,
            Fault::Malformed,
            Fault::SpuriousNotFound,
            Fault::Scrambled,
        ]))
    }

    pub(crate) fn issue_token(&self) -> String {
        let mut bytes = [0u8; 18];
        rand::RngCore::fill_bytes(&mut rand::rng(), &mut bytes);
        let token = hex::encode(bytes);
        lock(&self.tokens).insert(token.clone(), Instant::now() + self.cfg.token_ttl);
        token
    }

    pub(crate) fn token_valid(&self, token: &str) -> bool {
        lock(&self.tokens)
            .get(token)
            .is_some_and(|until| Instant::now() < *until)
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

/// Why the simulator could not start.
#[derive(Debug, thiserror::Error)]
#[error("simulador de paqueterías: {0}")]
pub struct SimError(String);

/// A running simulator.
pub struct SimHandle {
    addr: SocketAddr,
    sim: Arc<Sim>,
    shutdown: rocket::Shutdown,
    task: tokio::task::JoinHandle<()>,
    pusher: Option<tokio::task::JoinHandle<()>>,
}

impl SimHandle {
    /// The address it listens on (the real port when asked for port 0).
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://ADDR`: the base URL for all three carriers.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn sim(&self) -> Arc<Sim> {
        self.sim.clone()
    }

    /// Stops the server and waits until it has.
    pub async fn shutdown(self) {
        if let Some(p) = &self.pusher {
            p.abort();
        }
        self.shutdown.notify();
        let _ = self.task.await;
    }

    /// Waits until the server stops (on a signal, with `own_signals`).
    pub async fn wait(self) {
        let _ = self.task.await;
    }
}

/// Starts the simulator on `addr` (port 0: any free port) in the current tokio runtime.
pub async fn serve(addr: SocketAddr, cfg: SimConfig) -> Result<SimHandle, SimError> {
    serve_sim(addr, Arc::new(Sim::new(cfg))).await
}

/// As [`serve`], over a simulator built beforehand (to set its clock or register numbers).
pub async fn serve_sim(addr: SocketAddr, sim: Arc<Sim>) -> Result<SimHandle, SimError> {
    let (tx, rx) = tokio::sync::oneshot::channel();
    let rocket = routes::build(addr, sim.clone()).attach(rocket::fairing::AdHoc::on_liftoff(
        "sim port",
        move |r| {
            let port = r.config().port;
            Box::pin(async move {
                let _ = tx.send(port);
            })
        },
    ));
    let ignited = rocket.ignite().await.map_err(|e| SimError(e.to_string()))?;
    let shutdown = ignited.shutdown();
    let task = tokio::spawn(async move {
        if let Err(e) = ignited.launch().await {
            log::error!("simulador de paqueterías detenido: {e}");
        }
    });
    let port = rx
        .await
        .map_err(|_| SimError(format!("no pudo escuchar en {addr}")))?;
    let pusher = sim
        .config()
        .push
        .as_ref()
        .and_then(|settings| settings.every)
        .map(|every| push::spawn(sim.clone(), every));
    Ok(SimHandle {
        addr: SocketAddr::new(addr.ip(), port),
        sim,
        shutdown,
        task,
        pusher,
    })
}

#[cfg(test)]
mod tests;
