//! The campaign's run: phases in calendar order on the one clock, each use case given the
//! clock's `now`, then the reception documents, the checks and the report.

use std::sync::Arc;
use std::time::Instant;

use chrono::{DateTime, Duration, Utc};

use super::phases::{Progress, Summary};
use super::stations::{self, Expect, Job, Reception};
use super::{
    carriers, lookups, notices, push, report, shipping, CampaignConfig, Result, Timekeeper,
};
use crate::carriers::poller::Carriers;
use crate::carriers::push::HooksConfig;
use crate::carriers::sim::Sim;
use crate::clock::SharedClock;
use crate::domain::code::{CodeId, EnvelopeCode};
use crate::ops::keys::Secrets;
use crate::ops::sync::{run_pass, SyncOptions};
use crate::ops::{self, Actor};
use crate::storage::{campaign as store, reception, Db};

/// Runs `f` where blocking is allowed: off the async workers when the runtime has several.
fn blocking<T>(f: impl FnOnce() -> T) -> T {
    match tokio::runtime::Handle::try_current().map(|h| h.runtime_flavor()) {
        Ok(tokio::runtime::RuntimeFlavor::MultiThread) => tokio::task::block_in_place(f),
        _ => f(),
    }
}

/// A campaign under way.
struct Run<'a> {
    db: Arc<Db>,
    key: [u8; 32],
    cfg: &'a CampaignConfig,
    time: Timekeeper,
    cutoff: DateTime<Utc>,
    summary: Summary,
    /// The app's push receivers, when the carriers push.
    hooks: Option<HooksConfig>,
    sim: Arc<Sim>,
    /// Next synthetic tracking serial.
    serial: u64,
    /// Return envelopes scanned so far (double scans every so often).
    scanned: u64,
    forged: u64,
    voided_scanned: i64,
    rounds: usize,
    notices: Option<notices::CampaignNotices>,
}

/// Runs a whole campaign in the empty database `db`, writing documents and the report to
/// `cfg.out_dir`; `progress` hears where it stands after each turn.
pub async fn run(
    db: Arc<Db>,
    secrets: &Secrets,
    cfg: &CampaignConfig,
    time: Timekeeper,
    progress: &mut (dyn FnMut(&Progress) + Send),
) -> Result<Summary> {
    let start = time.now();
    let mut summary = Summary {
        electors: cfg.electors,
        start: Some(start),
        ..Summary::default()
    };
    summary.phases.time("lista", || {
        blocking(|| shipping::election_and_list(&db, cfg, start))
    })?;
    let cutoff = ops::election::current(&db)?.receipt_cutoff;
    summary.cutoff = Some(cutoff);
    let hooks = cfg.push.map(push::Hooks::new);
    let settings = hooks.as_ref().and_then(push::Hooks::sim_settings);
    let sim =
        carriers::start_simulator(db.clone(), time.clock(), cfg.seed, cfg.fault_rate, settings)
            .await?;
    let clock: SharedClock = time.clock();
    let figment = hooks.as_ref().map(push::Hooks::figment_value);
    let desk = stations::open(db.clone(), secrets, clock, cfg.stations, figment).await?;
    let clients = carriers::clients(&db, &sim.base_url(), time.now())?;
    let notices = notices::CampaignNotices::for_drill(&db, &time, &cfg.out_dir)?;
    let mut run = Run {
        db,
        key: secrets.code_key,
        cfg,
        time,
        cutoff,
        summary,
        hooks: hooks.map(|h| h.at(desk.base_url())),
        sim: sim.sim(),
        serial: 1_000,
        scanned: 0,
        forged: 0,
        voided_scanned: 0,
        rounds: 0,
        notices,
    };
    let mut result = run.campaign(&clients, &desk, start, progress).await;
    if result.is_ok() {
        let t = Instant::now();
        match lookups::check(&run.db, desk.base_url()).await {
            Ok(counts) => run.summary.lookups = counts,
            Err(e) => result = Err(e),
        }
        run.summary.phases.add("consultas", t.elapsed());
    }
    desk.close().await;
    sim.shutdown().await;
    result?;
    run.close().await?;
    Ok(run.summary)
}

impl Run<'_> {
    /// Ships, then turns the calendar until reception closes.
    async fn campaign(
        &mut self,
        clients: &Carriers,
        desk: &Reception,
        start: DateTime<Utc>,
        progress: &mut (dyn FnMut(&Progress) + Send),
    ) -> Result<()> {
        self.time.until(start + Duration::hours(1)).await;
        self.ship("Envío").await?;
        let end = self.cutoff + self.cfg.calendar.after_cutoff;
        self.summary.end = Some(end);
        let mut t = self.time.now();
        while t < end {
            t = (t + self.cfg.calendar.step).min(end);
            self.time.until(t).await;
            self.turn(clients, desk).await?;
            let now = self.time.now();
            progress(&Progress {
                fraction: ((now - start).num_seconds() as f64
                    / (end - start).num_seconds().max(1) as f64)
                    .min(1.0),
                sim_now: now,
                message: format!(
                    "{} recibidos, {} reexpedidos",
                    self.summary.scans.accepted + self.summary.scans.late,
                    self.summary.reissued
                ),
            });
        }
        Ok(())
    }

    /// Batches per entity of whatever is not batched, guías, printing: each an hour apart on
    /// a clock moved by hand, as the running clock allows otherwise.
    async fn ship(&mut self, round: &str) -> Result<()> {
        let (db, cfg) = (self.db.clone(), self.cfg);
        let now = self.time.now();
        let ids = self.summary.phases.time("lotes", || {
            blocking(|| shipping::batches_per_entity(&db, &cfg.entities, round, now))
        })?;
        if ids.is_empty() {
            return Ok(());
        }
        self.summary.batches += ids.len();
        let now = self.time.now();
        let serial = self.serial;
        self.serial = self.summary.phases.time("guías", || {
            blocking(|| shipping::assign_guias(&db, &cfg.carriers, serial, now))
        })?;
        let now = self.time.now();
        let key = self.key;
        let files = self.summary.phases.time("impresión", || {
            blocking(|| shipping::print(&db, &key, &ids, &cfg.out_dir, now))
        })?;
        self.summary.documents += files;
        Ok(())
    }

    /// One turn of the calendar: pushes (subscriptions, the carrier's pushes, the inbox), a
    /// polling pass (the safety net when pushing), reissues, a reception round.
    async fn turn(&mut self, clients: &Carriers, desk: &Reception) -> Result<()> {
        if let Some(hooks) = &self.hooks {
            let now = self.time.now();
            let (s, phases) = (&mut self.summary.push, &mut self.summary.phases);
            push::turn(&self.db, clients, hooks, &self.sim, now, s, phases).await?;
        }
        let t = Instant::now();
        let pass = run_pass(
            self.db.clone(),
            clients,
            SyncOptions::default(),
            &Actor::system(),
            self.time.now(),
        )
        .await?;
        self.summary.phases.add("seguimiento", t.elapsed());
        self.summary.passes += 1;
        self.summary.carrier_requests += pass.requests;
        self.summary.carrier_failures += pass.failed;
        self.summary.new_events += pass.new_events;
        let (db, now) = (self.db.clone(), self.time.now());
        let old = self.summary.phases.time("reexpedición", || {
            blocking(|| shipping::reissue_returned(&db, now))
        })?;
        if !old.is_empty() {
            self.summary.reissued += old.len();
            self.rounds += 1;
            let round = format!("Reexpedición {}", self.rounds);
            self.ship(&round).await?;
        }
        let t = Instant::now();
        let jobs = self.jobs()?;
        desk.scan(jobs, &mut self.summary.scans).await?;
        self.summary.phases.add("recepción", t.elapsed());
        notices::pass(&mut self.notices, &mut self.summary).await
    }

    /// What the stations scan this turn: every envelope the carrier delivered since the last
    /// turn (a few scanned twice by two stations), now and then a forged code, and the voided
    /// code of each reissued PEP once.
    fn jobs(&mut self) -> Result<Vec<Job>> {
        let now = self.time.now();
        // On a running clock the app stamps a scan a little after `now`: near the cutoff
        // either verdict is right.
        let margin = if self.time.is_running() {
            Duration::days(1)
        } else {
            Duration::zero()
        };
        let expect = if now + margin < self.cutoff {
            Expect::OnTime
        } else if now > self.cutoff + margin {
            Expect::Late
        } else {
            Expect::OnTimeOrLate
        };
        let codes = self
            .db
            .read(|c| reception::returned_unscanned(c, 1_000_000))?;
        let mut jobs = Vec::with_capacity(codes.len() + 4);
        for id in codes {
            let code = EnvelopeCode::issue(&self.key, id).as_str().to_string();
            self.scanned += 1;
            let pair = self
                .scanned
                .is_multiple_of(40)
                .then_some(self.scanned as usize);
            if pair.is_some() {
                jobs.push(Job {
                    code: code.clone(),
                    expect,
                    pair,
                });
            }
            jobs.push(Job { code, expect, pair });
        }
        if !jobs.is_empty() && self.forged <= self.scanned / 500 {
            self.forged += 1;
            jobs.push(Job {
                code: forged_code(self.cfg.seed, self.forged),
                expect: Expect::Invalid,
                pair: None,
            });
        }
        if self.summary.reissued as i64 > self.voided_scanned {
            let voided = self
                .db
                .read(|c| store::voided_codes(c, self.voided_scanned + 1_000))?;
            for id in voided.into_iter().skip(self.voided_scanned as usize) {
                self.voided_scanned += 1;
                jobs.push(Job {
                    code: EnvelopeCode::issue(&self.key, id).as_str().to_string(),
                    expect: Expect::Voided,
                    pair: None,
                });
            }
        }
        Ok(jobs)
    }

    /// The reception's closing documents, the checks, and the report.
    async fn close(&mut self) -> Result<()> {
        let (db, now, dir) = (self.db.clone(), self.time.now(), self.cfg.out_dir.clone());
        let mecs = self.summary.phases.time("cierre", || {
            blocking(|| report::reception_documents(&db, &dir, now))
        })?;
        self.summary.mec_lists = mecs;
        notices::finish(self.notices.take(), &db, &mut self.summary)?;
        let summary = &mut self.summary;
        let t = Instant::now();
        blocking(|| report::finish(&db, &dir, summary))?;
        self.summary.phases.add("informe", t.elapsed());
        // A checked copy of the campaign's database, as `serve` takes them (restorable with
        // `restore DIR/copia/…`).
        let policy = ops::backups::BackupPolicy {
            dir: dir.join("copia"),
            every: std::time::Duration::ZERO,
            keep: 1,
        };
        self.summary.phases.time("copia revisada", || {
            blocking(|| ops::backups::take_scheduled(&db, &policy, &Actor::system(), now))
        })?;
        report::write_summary(&dir, &self.summary)
    }
}

/// A code made without this installation's key: well formed, signed wrong.
fn forged_code(seed: u64, n: u64) -> String {
    let mut key = [0x5au8; 32];
    key[..8].copy_from_slice(&seed.to_le_bytes());
    let id = CodeId::new(1_000 + n).unwrap_or_else(|| CodeId::new(1).expect("1 fits"));
    EnvelopeCode::issue(&key, id).as_str().to_string()
}
