//! `sync --once [--all]` and `carrier-sim`: courier polling and the local carrier simulator.

use std::net::SocketAddr;
use std::path::Path;
use std::process::ExitCode;
use std::sync::Arc;

use chrono::Utc;
use clap::Args;

use crate::carriers::sim::{self, SimConfig};
use crate::ops::sync::{self, PollerConfig, SyncOptions};
use crate::ops::Actor;
use crate::storage::Db;

#[derive(Debug, Args)]
pub struct SyncArgs {
    /// One pass over the shipments that are due, then exit (without it: keep polling)
    #[arg(long)]
    once: bool,
    /// Every shipment not yet in a final state, whatever its schedule
    #[arg(long)]
    all: bool,
}

#[derive(Debug, Args)]
pub struct SimArgs {
    /// Address to listen on, e.g. 127.0.0.1:8900 (port 0: any free port)
    #[arg(long)]
    listen: SocketAddr,
    /// Seed of the simulated timelines
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Share of track calls that fail or misbehave (0.0–1.0)
    #[arg(long, default_value_t = 0.0)]
    fault_rate: f64,
    /// Simulated seconds per real second
    #[arg(long, default_value_t = 1.0)]
    speed: f64,
}

fn runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    Ok(tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?)
}

pub fn sync(db_path: &Path, a: SyncArgs) -> anyhow::Result<ExitCode> {
    let db = Arc::new(super::open_existing(db_path)?);
    let cfg = PollerConfig::from_env().map_err(anyhow::Error::msg)?;
    if cfg.carriers.configured().is_empty() {
        anyhow::bail!(
            "ninguna paquetería configurada: defina PEP_FEDEX_BASE_URL, PEP_UPS_BASE_URL o PEP_DHL_BASE_URL y sus credenciales"
        );
    }
    let rt = runtime()?;
    if !a.once {
        eprintln!(
            "sincronizando cada {} s; Ctrl-C para salir",
            cfg.every.as_secs()
        );
        rt.block_on(sync::spawn_poller(db, cfg, std::future::pending()))?;
        return Ok(ExitCode::SUCCESS);
    }
    let now = Utc::now();
    let carriers = sync::carriers_for(&db, &cfg.carriers, cfg.retry, now)?;
    let opts = SyncOptions {
        all: a.all,
        ..SyncOptions::default()
    };
    let r = rt.block_on(sync::run_pass(db, &carriers, opts, &Actor::cli(), now))?;
    println!(
        "legs={} requests={} new_events={} status_changes={} not_visible={} failed={} malformed={} skipped={}",
        r.legs, r.requests, r.new_events, r.status_changes, r.not_visible, r.failed, r.malformed, r.skipped
    );
    for p in &r.problems {
        eprintln!("aviso: {p}");
    }
    eprintln!(
        "{} envíos consultados con {} solicitudes: {} eventos nuevos, {} cambios de estado, {} aún sin información, {} con error (se reintentarán)",
        r.legs, r.requests, r.new_events, r.status_changes, r.not_visible, r.failed
    );
    Ok(ExitCode::SUCCESS)
}

pub fn carrier_sim(db_path: &Path, a: SimArgs) -> anyhow::Result<ExitCode> {
    if !(0.0..=1.0).contains(&a.fault_rate) {
        anyhow::bail!("--fault-rate: entre 0 y 1, no {}", a.fault_rate);
    }
    if !(a.speed > 0.0 && a.speed.is_finite()) {
        anyhow::bail!("--speed: un número positivo, no {}", a.speed);
    }
    let directory = if db_path.exists() {
        eprintln!("simulador: envíos descritos por {}", db_path.display());
        Some(sync::sim_directory(Arc::new(Db::open(db_path)?)))
    } else {
        None
    };
    let cfg = SimConfig {
        seed: a.seed,
        fault_rate: a.fault_rate,
        speed: a.speed,
        directory,
        // Rocket logs to stdout, which is for the address alone.
        quiet: true,
        own_signals: true,
        ..SimConfig::default()
    };
    let rt = runtime()?;
    rt.block_on(async move {
        let handle = sim::serve(a.listen, cfg).await?;
        println!("{}", handle.base_url());
        eprintln!(
            "simulador FedEx/UPS/DHL en {} (semilla {}, fallas {}, velocidad ×{}); Ctrl-C para salir",
            handle.base_url(),
            a.seed,
            a.fault_rate,
            a.speed
        );
        handle.wait().await;
        eprintln!("simulador detenido");
        Ok::<_, anyhow::Error>(())
    })?;
    Ok(ExitCode::SUCCESS)
}
