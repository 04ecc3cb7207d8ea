//! Drill benchmark: a whole campaign of 181,256 electors (2018's national postal list) with 5%
//! carrier faults, on a simulated clock moved as fast as the machine allows — the engine of
//! `pep-tracker drill`. Prints wall time per phase and the peak RSS against the targets
//! (whole drill ≤ 10 minutes, peak RSS ≤ 500 MB).
//!
//! Run: `cargo bench --bench drill`; a smaller drill with `PEP_BENCH_ELECTORS=20000`.

#![allow(clippy::unwrap_used)] // a benchmark: a failed unwrap is a failed run

use std::sync::Arc;
use std::time::Instant;

use chrono::{DurationRound, Utc};
use pep_tracker::clock::SimClock;
use pep_tracker::ops::campaign::{self, CampaignConfig, Timekeeper};
use pep_tracker::ops::keys;
use pep_tracker::storage::Db;

#[path = "support.rs"]
mod support;

const ELECTORS_2018: usize = 181_256;
const TARGET_SECS: f64 = 600.0;
const TARGET_RSS_MB: f64 = 500.0;

fn main() {
    let electors = std::env::var("PEP_BENCH_ELECTORS")
        .ok()
        .and_then(|v| v.trim().replace('_', "").parse().ok())
        .unwrap_or(ELECTORS_2018);
    pep_tracker::cli::memory::one_arena(); // as `pep-tracker drill` does first thing
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("drill.sqlite3");
    let db = Arc::new(Db::open_rehearsal(&path).unwrap());
    let (secrets, _) = keys::load_or_create(&keys::key_path_for(&path)).unwrap();
    let cfg = CampaignConfig::drill(electors, 2018, 0.05, dir.path().join("simulacro"));
    let start = Utc::now()
        .duration_trunc(chrono::Duration::minutes(1))
        .unwrap();
    let time = Timekeeper::manual(Arc::new(SimClock::manual(start)));
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    eprintln!("drill: {electors} electores, 5 % de fallas de paquetería");
    let began = Instant::now();
    let mut last = 0u64;
    let summary = rt
        .block_on(async {
            let mut on = |p: &campaign::Progress| {
                let pct = (p.fraction * 100.0) as u64;
                if pct >= last + 10 {
                    last = pct;
                    eprintln!(
                        "  {pct:>3} % {} · {:.0} s · {}",
                        p.sim_now.format("%Y-%m-%d"),
                        began.elapsed().as_secs_f64(),
                        p.message
                    );
                }
            };
            campaign::run(db, &secrets, &cfg, time, &mut on).await
        })
        .unwrap();
    let wall = began.elapsed().as_secs_f64();
    let rss = support::peak_rss_mb();
    println!("drill of {electors} electors, 5% carrier faults");
    for (phase, secs) in &summary.phases.items {
        println!("  {phase:<14} {secs:>8.1} s");
    }
    println!(
        "  passes {}, carrier requests {}, events {}, reissued {}, scans {} (accepted {}, late {})",
        summary.passes,
        summary.carrier_requests,
        summary.new_events,
        summary.reissued,
        summary.scans.total(),
        summary.scans.accepted,
        summary.scans.late
    );
    println!(
        "  unexplained {}, out of order {}",
        summary.unexplained(),
        summary.order.violations
    );
    let verdict = |ok: bool| if ok { "ok" } else { "OVER TARGET" };
    println!(
        "whole drill {wall:.1} s (target ≤ {TARGET_SECS:.0} s at {ELECTORS_2018}): {}",
        verdict(wall <= TARGET_SECS)
    );
    println!(
        "peak RSS {rss:.0} MB (target ≤ {TARGET_RSS_MB:.0} MB): {}",
        verdict(rss <= TARGET_RSS_MB)
    );
    assert!(summary.ok(), "the drill did not hold together");
}
