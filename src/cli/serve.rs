//! `serve [--demo]`: the web application, with the courier poller beside it; in demo mode
//! also the carrier simulator on an accelerated clock and a reception desk that scans what
//! comes back.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use chrono::Utc;
use clap::Args;

use crate::carriers::config::CarriersConfig;
use crate::carriers::sim::{self, Sim, SimConfig};
use crate::clock::SharedClock;
use crate::ops::{self, demo, demo_live, sync};
use crate::storage::Db;
use crate::web;

/// Simulated seconds per real second in the demo: a day of courier life every 24 s.
const DEMO_SPEED: f64 = 3600.0;

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Fill the database (default db/demo.sqlite3) with a demo election when empty, and run
    /// the carrier simulator beside the app
    #[arg(long)]
    demo: bool,
}

pub fn run(db_arg: Option<PathBuf>, a: ServeArgs) -> anyhow::Result<ExitCode> {
    let path = match (&db_arg, a.demo) {
        (Some(p), _) => p.clone(),
        (None, true) => PathBuf::from("db/demo.sqlite3"),
        (None, false) => PathBuf::from(super::DEFAULT_DB),
    };
    let key_path = ops::keys::key_path_for(&path);
    let db = if a.demo {
        prepare_demo(&path)?
    } else {
        super::open_existing(&path)?
    };
    let secrets = ops::keys::load(&key_path)?;
    let db = Arc::new(db);
    rocket::execute(async move {
        let demo_sim = if a.demo {
            Some(start_simulator(db.clone()).await?)
        } else {
            None
        };
        // One clock for the whole process: the simulator's in a demo, else the wall clock.
        let clock: SharedClock = match &demo_sim {
            Some((_, sim)) => sim.clock(),
            None => crate::clock::wall(),
        };
        let ignited = web::build_on(db.clone(), &secrets, clock.clone())
            .ignite()
            .await?;
        let shutdown = ignited.shutdown();
        match &demo_sim {
            Some((handle, sim)) => {
                let carriers = sync::carriers_for(
                    &db,
                    &CarriersConfig::simulator(&handle.base_url()),
                    Default::default(),
                    clock.now(),
                )?;
                tokio::spawn(demo_live::live(
                    db.clone(),
                    carriers,
                    sim.clone(),
                    secrets.code_key,
                    Duration::from_secs(3),
                    shutdown.clone(),
                ));
                eprintln!(
                    "demo: simulador de paqueterías en {} (×{DEMO_SPEED} tiempo real)",
                    handle.base_url()
                );
            }
            None => start_poller(db.clone(), shutdown.clone())?,
        }
        start_backups(&db, &path, clock.clone(), shutdown.clone())?;
        let cfg = ignited.config();
        eprintln!(
            "pep-tracker en http://{}:{}/ (base de datos {})",
            cfg.address,
            cfg.port,
            path.display()
        );
        ignited.launch().await?;
        Ok::<_, anyhow::Error>(())
    })?;
    Ok(ExitCode::SUCCESS)
}

/// Seeds an empty demo database and prints fresh credentials.
fn prepare_demo(path: &Path) -> anyhow::Result<Db> {
    let db = Db::open(path)?;
    let (secrets, _) = ops::keys::load_or_create(&ops::keys::key_path_for(path))?;
    let now = Utc::now();
    if demo::seed_if_empty(&db, now)? {
        let docs = path.with_extension("docs");
        demo_live::seed_shipping(&db, &secrets.code_key, &docs, now)?;
        // A published head from the start, as INE hands one to the parties: /audit shows it.
        let cp = ops::audit::checkpoint(&db, now)?;
        eprintln!(
            "demo: elección, {} electores, lotes impresos en {} y guías asignadas; \
             punto de control de la bitácora firmado en el registro {}",
            demo::DEMO_ELECTORS,
            docs.display(),
            cp.seq
        );
    }
    let creds = demo::reset_demo_users(&db, now)?;
    eprintln!("credenciales de demostración (nuevas en cada arranque):");
    for (name, role, password) in &creds {
        eprintln!("  {role:<10} usuario {name:<10} contraseña {password}");
    }
    Ok(db)
}

async fn start_simulator(db: Arc<Db>) -> anyhow::Result<(sim::SimHandle, Arc<Sim>)> {
    let cfg = SimConfig {
        seed: 2022,
        speed: DEMO_SPEED,
        quiet: true,
        directory: Some(sync::sim_directory(db)),
        ..SimConfig::default()
    };
    let sim = Arc::new(Sim::new(cfg));
    let handle = sim::serve_sim("127.0.0.1:0".parse()?, sim.clone()).await?;
    Ok((handle, sim))
}

/// Starts the courier poller when carriers are configured in the environment.
/// A malformed configuration refuses to start (nothing runs half-configured).
fn start_poller(db: Arc<Db>, shutdown: rocket::Shutdown) -> anyhow::Result<()> {
    let cfg = sync::PollerConfig::from_env()
        .map_err(|e| anyhow::anyhow!("configuración de paqueterías: {e}"))?;
    if cfg.carriers.configured().is_empty() {
        eprintln!("sin paqueterías configuradas (PEP_FEDEX_BASE_URL…): la sincronización no corre");
        return Ok(());
    }
    eprintln!(
        "sincronización de paqueterías cada {:?}: {:?}",
        cfg.every,
        cfg.carriers.configured()
    );
    sync::spawn_poller(db, cfg, shutdown);
    Ok(())
}

/// Scheduled, checked backups (PEP_BACKUP_*; on by default, every 60 minutes, 24 kept).
fn start_backups(
    db: &Arc<Db>,
    path: &Path,
    clock: SharedClock,
    shutdown: rocket::Shutdown,
) -> anyhow::Result<()> {
    match ops::backups::BackupPolicy::from_env(path).map_err(anyhow::Error::msg)? {
        None => eprintln!("copias de respaldo programadas: desactivadas"),
        Some(policy) => {
            eprintln!(
                "copias de respaldo cada {} min en {} (se conservan {})",
                policy.every.as_secs() / 60,
                policy.dir.display(),
                policy.keep
            );
            ops::backups::spawn_scheduled(db.clone(), policy, clock, shutdown);
        }
    }
    Ok(())
}
