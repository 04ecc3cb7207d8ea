//! `serve [--demo]`: the web application, with the courier poller beside it; in demo mode,
//! instead, a whole campaign (`ops::campaign`, the drill's engine) on a simulated clock running
//! at a watchable speed, shared by the app, the carrier simulator, the poller and the stations.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use chrono::{DurationRound, Utc};
use clap::Args;

use crate::clock::{Clock, SharedClock, SimClock};
use crate::ops::demo_live::DEMO_SPEED;
use crate::ops::{self, demo, demo_live, sync};
use crate::storage::Db;
use crate::web;

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
    let (db, demo_clock) = if a.demo {
        prepare_demo(&path)?
    } else {
        (super::open_existing(&path)?, None)
    };
    let secrets = ops::keys::load(&key_path)?;
    let db = Arc::new(db);
    rocket::execute(async move {
        // One clock for the whole process: the demo campaign's, else the wall clock.
        let clock: SharedClock = match &demo_clock {
            Some(c) => c.clone(),
            None => crate::clock::wall(),
        };
        let mut app = web::build_on(db.clone(), &secrets, clock.clone());
        if a.demo {
            // The public lookup offers visitors the first demo elector to try.
            app = app.manage(web::lookup_text::DemoMode);
        }
        let ignited = app.ignite().await?;
        let shutdown = ignited.shutdown();
        match demo_clock {
            Some(c) => {
                let cfg = demo_live::demo_config(path.with_extension("docs"));
                eprintln!(
                    "demo: campaña simulada a ×{DEMO_SPEED} (un día cada {:.0} s); \
                     documentos e informe en {}",
                    86_400.0 / DEMO_SPEED,
                    cfg.out_dir.display()
                );
                tokio::spawn(demo_live::live(
                    db.clone(),
                    secrets.clone(),
                    c,
                    cfg,
                    shutdown.clone(),
                ));
            }
            None => {
                start_poller(db.clone(), shutdown.clone())?;
                start_push(db.clone(), clock.clone(), shutdown.clone())?;
            }
        }
        // The demo's campaign lasts minutes: a checked copy every 2 of them shows the job.
        let every = if a.demo { 2 } else { 60 };
        start_backups(&db, &path, every, clock.clone(), shutdown.clone())?;
        start_metrics_listener(&db, clock.clone())?;
        // Notices to electors: sent when PEP_SMTP_*/PEP_SMS_* are set, else kept and shown.
        let every = std::time::Duration::from_secs(if a.demo { 2 } else { 30 });
        ops::notices::sender::start(db.clone(), clock.clone(), every)?;
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

/// Opens the demo database and prints fresh credentials. An empty database gets a campaign on
/// a running simulated clock (returned); one that already holds a campaign is served as it is,
/// on the wall clock.
fn prepare_demo(path: &Path) -> anyhow::Result<(Db, Option<Arc<SimClock>>)> {
    let db = Db::open(path)?;
    ops::keys::load_or_create(&ops::keys::key_path_for(path))?;
    let empty = db.read(crate::storage::campaign::is_empty)?;
    let clock = empty.then(|| {
        let start = Utc::now()
            .duration_trunc(chrono::Duration::minutes(1))
            .unwrap_or_else(|_| Utc::now());
        Arc::new(SimClock::running(start, DEMO_SPEED))
    });
    let now = clock.as_ref().map_or_else(Utc::now, |c| c.now());
    let creds = demo::reset_demo_users(&db, now)?;
    if empty {
        // A published head from the start, as INE hands one to the parties: /audit shows it.
        let cp = ops::audit::checkpoint(&db, now)?;
        eprintln!(
            "demo: campaña de {} electores desde el inicio; punto de control de la bitácora \
             firmado en el registro {}",
            demo::DEMO_ELECTORS,
            cp.seq
        );
    } else {
        eprintln!(
            "demo: la base ya tiene una campaña; se sirve tal cual con el reloj real \
             (borre {} para repetir la demostración)",
            path.display()
        );
    }
    eprintln!("credenciales de demostración (nuevas en cada arranque):");
    for (name, role, password) in &creds {
        eprintln!("  {role:<10} usuario {name:<10} contraseña {password}");
    }
    Ok((db, clock))
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

/// Pushed tracking: with a receiver's secret set (PEP_*_WEBHOOK_*), the inbox worker applies
/// what the carriers push; with PEP_PUBLIC_URL too, the subscriber asks them to push.
fn start_push(db: Arc<Db>, clock: SharedClock, shutdown: rocket::Shutdown) -> anyhow::Result<()> {
    let hooks = crate::carriers::push::HooksConfig::from_env();
    if !hooks.any_secret() {
        eprintln!(
            "sin secretos de webhooks (PEP_FEDEX_WEBHOOK_SECRET…): seguimiento por push apagado"
        );
        return Ok(());
    }
    let carriers = crate::carriers::config::CarriersConfig::from_env()
        .map_err(|e| anyhow::anyhow!("configuración de paqueterías: {e}"))?;
    match &hooks.public_url {
        Some(url) => eprintln!("seguimiento por push: suscripciones hacia {url}/hooks/…"),
        None => {
            eprintln!("seguimiento por push: se reciben pushes; sin PEP_PUBLIC_URL no se suscribe")
        }
    }
    let cfg = ops::subscriptions::PushConfig::new(hooks, carriers, clock);
    ops::subscriptions::spawn_push(db, cfg, shutdown);
    Ok(())
}

/// Scheduled, checked backups (PEP_BACKUP_*; on by default, every `minutes`, 24 kept).
fn start_backups(
    db: &Arc<Db>,
    path: &Path,
    minutes: u64,
    clock: SharedClock,
    shutdown: rocket::Shutdown,
) -> anyhow::Result<()> {
    match ops::backups::BackupPolicy::from_env(path, minutes).map_err(anyhow::Error::msg)? {
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

/// `GET /metrics` without a token on `PEP_METRICS_ADDRESS`, when set (a malformed address
/// refuses to start).
fn start_metrics_listener(db: &Arc<Db>, clock: SharedClock) -> anyhow::Result<()> {
    let Ok(text) = std::env::var("PEP_METRICS_ADDRESS") else {
        return Ok(());
    };
    let address: std::net::SocketAddr = text.trim().parse().map_err(|_| {
        anyhow::anyhow!(
            "PEP_METRICS_ADDRESS: se espera IP:PUERTO (p. ej. 127.0.0.1:9464), no «{text}»"
        )
    })?;
    let listener = web::observe::metrics_listener(address, db.clone(), clock);
    tokio::spawn(async move {
        if let Err(e) = listener.launch().await {
            tracing::error!("métricas en {address}: {e}");
        }
    });
    eprintln!("métricas sin token en http://{address}/metrics");
    Ok(())
}
