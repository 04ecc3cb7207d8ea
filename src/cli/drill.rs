//! `drill --electors N [--seed S] [--fault-rate F] [--out DIR] [--carriers MIX]`: a whole
//! campaign on a simulated clock in an empty database (see `ops::campaign`); the summary on
//! stdout, a progress bar on a terminal, exit 0 only when nothing is unexplained and every PEP
//! keeps its time order.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use chrono::{DurationRound, Utc};
use clap::Args;

use crate::clock::SimClock;
use crate::ops::campaign::{self, CampaignConfig, CarrierMix, Summary, Timekeeper};
use crate::ops::keys;
use crate::storage::Db;

#[derive(Debug, Args)]
pub struct DrillArgs {
    /// Electors in the synthetic list
    #[arg(long)]
    electors: usize,
    /// Seed of the list and of the simulated carriers
    #[arg(long, default_value_t = 2018)]
    seed: u64,
    /// Share of carrier calls that fail or misbehave (0.0–1.0)
    #[arg(long, default_value_t = 0.05)]
    fault_rate: f64,
    /// Where documents and the report are written
    #[arg(long, default_value = "simulacro")]
    out: PathBuf,
    /// Couriers: `fedex` (one for the whole campaign), `fedex,ups,dhl` or `fedex=80,ups=20`
    #[arg(long, default_value = "fedex")]
    carriers: String,
    /// Track by polling only (no push subscriptions), as before pushes existed
    #[arg(long)]
    poll_only: bool,
}

pub fn run(db_path: &Path, a: DrillArgs) -> anyhow::Result<ExitCode> {
    if a.electors == 0 {
        anyhow::bail!("--electors: se espera al menos un elector");
    }
    if !(0.0..=1.0).contains(&a.fault_rate) {
        anyhow::bail!("--fault-rate: se espera un número entre 0 y 1");
    }
    let mix = CarrierMix::parse(&a.carriers).map_err(|e| anyhow::anyhow!("--carriers: {e}"))?;
    let db = Arc::new(Db::open_rehearsal(db_path)?);
    let (secrets, _) = keys::load_or_create(&keys::key_path_for(db_path))?;
    let mut cfg = CampaignConfig::drill(a.electors, a.seed, a.fault_rate, a.out.clone());
    cfg.carriers = mix;
    if a.poll_only {
        cfg.push = None;
    }
    // The drill starts now, on a clock that only the drill moves from then on.
    let start = Utc::now()
        .duration_trunc(chrono::Duration::minutes(1))
        .unwrap_or_else(|_| Utc::now());
    let time = Timekeeper::manual(Arc::new(SimClock::manual(start)));
    let bar = progress_bar();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    let began = std::time::Instant::now();
    let summary = rt.block_on(async {
        let mut on = |p: &campaign::Progress| {
            bar.set_position((p.fraction * 1000.0) as u64);
            bar.set_message(format!(
                "{} · {}",
                p.sim_now.format("%Y-%m-%d %H:%M"),
                p.message
            ));
        };
        campaign::run(db, &secrets, &cfg, time, &mut on).await
    });
    bar.finish_and_clear();
    let summary = summary?;
    let wall = began.elapsed().as_secs_f64();
    print!("{}", summary_text(&summary, &a.out, wall));
    if summary.ok() {
        Ok(ExitCode::SUCCESS)
    } else {
        for p in summary
            .order
            .examples
            .iter()
            .chain(&summary.scans.problems)
            .chain(&summary.lookups.problems)
        {
            eprintln!("problema: {p}");
        }
        eprintln!("el simulacro terminó con partidas sin explicar o PEP fuera de orden");
        Ok(ExitCode::FAILURE)
    }
}

/// A bar on stderr when it is a terminal (hidden otherwise).
fn progress_bar() -> indicatif::ProgressBar {
    let bar = indicatif::ProgressBar::with_draw_target(
        Some(1000),
        indicatif::ProgressDrawTarget::stderr(),
    );
    if let Ok(style) =
        indicatif::ProgressStyle::with_template("{elapsed_precise} [{bar:30}] {percent:>3}% {msg}")
    {
        bar.set_style(style.progress_chars("=> "));
    }
    bar
}

/// The summary a script reads on stdout: `key: value` lines, then wall time per phase.
pub fn summary_text(s: &Summary, out: &Path, wall_secs: f64) -> String {
    let f = &s.funnel;
    let sc = &s.scans;
    let mut lines = vec![
        format!("electores: {}", f.electors),
        format!("pep: {}", f.peps),
        format!("lotes: {}", s.batches),
        format!("documentos: {}", s.documents),
        format!("reexpedidos: {}", s.reissued),
        format!("pasadas de seguimiento: {}", s.passes),
        format!("solicitudes a paqueterías: {}", s.carrier_requests),
        format!("eventos nuevos: {}", s.new_events),
        format!(
            "solicitudes de suscripción push: {}",
            s.push.subscription_requests
        ),
        format!("pushes aceptados: {}", s.push.pushes_accepted),
        format!("pushes rechazados: {}", s.push.pushes_refused),
        format!("pushes perdidos: {}", s.push.pushes_lost),
        format!("pushes aplicados: {}", s.push.applied),
        format!("eventos por push: {}", s.push.push_events),
        format!("consultas de electores: {}", s.lookups.asked),
        format!("consultas respondidas: {}", s.lookups.answered),
        format!("consultas rechazadas: {}", s.lookups.refused),
        format!("entregados al elector: {}", f.outbound_delivered),
        format!("sobres entregados al INE: {}", f.return_delivered),
        format!("escaneos: {}", sc.total()),
        format!("aceptados: {}", sc.accepted),
        format!("extemporaneos: {}", sc.late),
        format!("duplicados: {}", sc.duplicate),
        format!("anulados: {}", sc.voided),
        format!("invalidos: {}", sc.invalid),
        format!("apartados sin conexion: {}", sc.set_aside),
        format!("reenviados: {}", sc.resent),
        format!("mec: {}", s.mec_lists),
        format!("pep revisados en orden temporal: {}", s.order.peps),
        format!("fuera de orden: {}", s.order.violations),
        format!("no explicados: {}", s.unexplained()),
        format!("avisos enviados (captura): {}", s.notices.sent),
        format!(
            "avisos retenidos por horario de silencio: {}",
            s.notices.held_for_quiet_hours
        ),
        format!(
            "avisos enviados en horario de silencio: {}",
            s.notices.sent_in_quiet_hours
        ),
        format!("avisos: {}", out.join("avisos.csv").display()),
        format!("informe: {}", out.join("informe.html").display()),
    ];
    for (kind, states) in &s.notices.by_kind {
        let states: Vec<String> = states.iter().map(|(s, n)| format!("{s} {n}")).collect();
        lines.push(format!("avisos {kind}: {}", states.join(", ")));
    }
    for (phase, secs) in &s.phases.items {
        lines.push(format!("fase {phase}: {secs:.1} s"));
    }
    lines.push(format!("total: {wall_secs:.1} s"));
    lines.join("\n") + "\n"
}
