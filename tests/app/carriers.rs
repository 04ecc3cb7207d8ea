//! Courier tracking end to end: the poller against the carrier simulator over real HTTP on
//! 127.0.0.1, with and without faults; the stored statuses must equal the simulator's ground
//! truth, every event stored once, every status change audited.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::Duration;

use chrono::{DateTime, Utc};
use pep_tracker::carriers::config::{CarriersConfig, Limits};
use pep_tracker::carriers::poller::{Carriers, RetryPolicy};
use pep_tracker::carriers::sim::{self, Sim, SimConfig, SimHandle};
use pep_tracker::domain::tracking::{synthetic_tracking, Carrier, LegStatus};
use pep_tracker::ops::sync::{self, PassReport, SyncOptions};
use pep_tracker::ops::Actor;

use crate::support::{binary, stderr, stdout, TestApp};

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap()
}

/// `n` demo electors with PEPs in one batch, each with both legs at FedEx, UPS or DHL in turn.
/// Returns when the batch was made.
pub fn ship(app: &TestApp, n: usize) -> DateTime<Utc> {
    app.import_demo(n, 21);
    let out = app.cli(&["batch", "create", "--name", "Lote 1"]);
    assert!(out.status.success(), "batch: {}", stderr(&out));
    let mut csv = String::from("pep_id,carrier,outbound_tracking,return_tracking\n");
    for (i, pep) in app.pep_ids(n).iter().enumerate() {
        let c = Carrier::ALL[i % 3];
        let (o, r) = (
            synthetic_tracking(c, 2 * i as u64 + 11),
            synthetic_tracking(c, 2 * i as u64 + 12),
        );
        csv.push_str(&format!("{pep},{c},{o},{r}\n"));
    }
    let file = app.write_file("guias.csv", &csv);
    let out = app.cli(&["import-guias", file.to_str().unwrap()]);
    assert!(out.status.success(), "import-guias: {}", stderr(&out));
    let made: String = app
        .raw_sql()
        .query_row("SELECT created_at FROM batches", [], |r| r.get(0))
        .unwrap();
    DateTime::parse_from_rfc3339(&made)
        .unwrap()
        .with_timezone(&Utc)
}

struct Leg {
    id: i64,
    carrier: Carrier,
    tracking: String,
    status: LegStatus,
}

fn legs(app: &TestApp) -> Vec<Leg> {
    let conn = app.raw_sql();
    let mut stmt = conn
        .prepare("SELECT id, carrier, tracking, status FROM legs ORDER BY id")
        .unwrap();
    let rows = stmt
        .query_map([], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
            ))
        })
        .unwrap();
    rows.map(|r| {
        let (id, c, tracking, s) = r.unwrap();
        Leg {
            id,
            carrier: c.parse().unwrap(),
            tracking,
            status: s.parse().unwrap(),
        }
    })
    .collect()
}

fn count(app: &TestApp, sql: &str) -> i64 {
    app.raw_sql().query_row(sql, [], |r| r.get(0)).unwrap()
}

/// The legs whose stored status differs from the simulator's truth now, or whose stored
/// events are not exactly the ones the simulator has shown (final legs stop being polled, so
/// they may lack the scans after the final one).
fn lagging(app: &TestApp, sim: &Sim) -> Vec<String> {
    legs(app)
        .into_iter()
        .filter_map(|l| {
            let truth = sim.truth(l.carrier, &l.tracking);
            let shown = sim
                .timeline(l.carrier, &l.tracking)
                .visible(sim.now())
                .len() as i64;
            let stored = count(
                app,
                &format!("SELECT count(*) FROM leg_events WHERE leg = {}", l.id),
            );
            let events_ok = if l.status.is_final() {
                stored > 0 && stored <= shown
            } else {
                stored == shown
            };
            (truth != l.status || !events_ok).then(|| {
                format!(
                    "{} {}: stored {} ({stored} events), truth {truth} ({shown})",
                    l.carrier, l.tracking, l.status
                )
            })
        })
        .collect()
}

fn assert_no_event_twice(app: &TestApp) {
    assert_eq!(
        count(app, "SELECT count(*) FROM (SELECT 1 FROM leg_events GROUP BY leg, at, raw_code HAVING count(*) > 1)"),
        0,
        "an event was stored twice"
    );
}

fn assert_chain_intact(app: &TestApp) {
    let verified = pep_tracker::ops::audit::verify(&app.db).unwrap();
    assert!(verified.is_ok(), "{verified:?}");
}

fn start_sim(app: &TestApp, rt: &tokio::runtime::Runtime, cfg: SimConfig) -> SimHandle {
    let cfg = SimConfig {
        quiet: true,
        directory: Some(sync::sim_directory(app.db.clone())),
        ..cfg
    };
    rt.block_on(sim::serve("127.0.0.1:0".parse().unwrap(), cfg))
        .expect("simulator starts")
}

fn carriers(app: &TestApp, base: &str, timeout: Duration, retry: RetryPolicy) -> Carriers {
    let mut cfg = CarriersConfig::simulator(base);
    cfg.timeout = timeout;
    for c in Carrier::ALL {
        cfg.set_limits(
            c,
            Limits {
                per_second: 500,
                daily_quota: 1_000_000,
            },
        );
    }
    sync::carriers_for(&app.db, &cfg, retry, Utc::now()).unwrap()
}

fn pass(
    app: &TestApp,
    rt: &tokio::runtime::Runtime,
    c: &Carriers,
    all: bool,
    now: DateTime<Utc>,
) -> PassReport {
    let opts = SyncOptions {
        all,
        ..SyncOptions::default()
    };
    rt.block_on(sync::run_pass(
        app.db.clone(),
        c,
        opts,
        &Actor::system(),
        now,
    ))
    .expect("pass")
}

#[test]
fn scheduled_passes_follow_every_shipment_to_the_simulators_ground_truth() {
    let app = TestApp::new();
    let made = ship(&app, 30);
    let rt = runtime();
    let handle = start_sim(
        &app,
        &rt,
        SimConfig {
            seed: 5,
            ..SimConfig::default()
        },
    );
    let sim = handle.sim();
    let c = carriers(
        &app,
        &handle.base_url(),
        Duration::from_secs(5),
        RetryPolicy::default(),
    );
    let mut changes = 0;
    let mut seen = std::collections::HashSet::new();
    let checkpoints = [2, 5, 9, 15, 30, 80];
    let mut hour = -12;
    for day in checkpoints {
        // Scheduled passes every 3 h of simulated time up to the checkpoint…
        while hour < day * 24 {
            let now = made + chrono::Duration::hours(hour);
            sim.set_now(now);
            changes += pass(&app, &rt, &c, false, now).status_changes;
            hour += 3;
        }
        let now = made + chrono::Duration::hours(hour);
        sim.set_now(now);
        // …and the schedule alone is never far behind: a full pass settles every leg.
        changes += pass(&app, &rt, &c, true, now).status_changes;
        let wrong = lagging(&app, &sim);
        assert!(wrong.is_empty(), "day {day}: {wrong:#?}");
        assert_no_event_twice(&app);
        seen.extend(legs(&app).iter().map(|l| l.status));
    }
    assert!(seen.len() >= 5, "statuses met: {seen:?}");
    let audited = count(
        &app,
        "SELECT count(*) FROM audit_log WHERE action = 'leg.status'",
    );
    assert_eq!(audited, changes as i64);
    assert_chain_intact(&app);
    rt.block_on(handle.shutdown());
}

#[test]
fn in_fault_mode_enough_passes_reach_the_ground_truth_without_duplicate_events() {
    let app = TestApp::new();
    let made = ship(&app, 30);
    let rt = runtime();
    let handle = start_sim(
        &app,
        &rt,
        SimConfig {
            seed: 9,
            fault_rate: 0.3,
            slow_reply: Duration::from_millis(1500),
            ..SimConfig::default()
        },
    );
    let sim = handle.sim();
    let retry = RetryPolicy {
        max_attempts: 3,
        min_delay: Duration::from_millis(20),
        max_delay: Duration::from_millis(200),
        max_wait: Duration::from_secs(3),
    };
    let c = carriers(&app, &handle.base_url(), Duration::from_secs(1), retry);
    let mut total = PassReport::default();
    for day in [1, 4, 9, 20, 70] {
        let now = made + chrono::Duration::days(day) + chrono::Duration::hours(5);
        sim.set_now(now);
        let mut passes = 0;
        while passes < 8 {
            let r = pass(&app, &rt, &c, true, now);
            total.failed += r.failed;
            total.malformed += r.malformed;
            passes += 1;
            if lagging(&app, &sim).is_empty() {
                break;
            }
        }
        let wrong = lagging(&app, &sim);
        assert!(
            wrong.is_empty(),
            "day {day} after {passes} passes: {wrong:#?}"
        );
        assert_no_event_twice(&app);
    }
    // The faults did happen, and changed nothing they should not have.
    assert!(total.failed > 0 && total.malformed > 0, "{total:?}");
    assert_chain_intact(&app);
    rt.block_on(handle.shutdown());
}

#[test]
fn sync_once_polls_the_carriers_named_in_the_environment_and_never_prints_secrets() {
    let app = TestApp::new();
    ship(&app, 6);
    let rt = runtime();
    let handle = start_sim(
        &app,
        &rt,
        SimConfig {
            seed: 3,
            ..SimConfig::default()
        },
    );
    let base = handle.base_url();
    let run = |args: &[&str]| {
        Command::new(binary())
            .arg("--db")
            .arg(&app.db_path)
            .args(args)
            .env("PEP_FEDEX_BASE_URL", &base)
            .env("PEP_FEDEX_CLIENT_ID", "fx-id")
            .env("PEP_FEDEX_CLIENT_SECRET", "fx-s3cr3t")
            .env("PEP_UPS_BASE_URL", &base)
            .env("PEP_UPS_CLIENT_ID", "ups-id")
            .env("PEP_UPS_CLIENT_SECRET", "ups-s3cr3t")
            .env("PEP_DHL_BASE_URL", &base)
            .env("PEP_DHL_API_KEY", "dhl-s3cr3t")
            .env("PEP_DHL_PER_SECOND", "50")
            .output()
            .unwrap()
    };
    let out = run(&["sync", "--once", "--all"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let line = stdout(&out);
    assert!(line.starts_with("legs=12 "), "{line}");
    assert!(!line.contains("s3cr3t") && !stderr(&out).contains("s3cr3t"));
    assert!(
        count(
            &app,
            "SELECT count(*) FROM leg_polls WHERE last_poll_at IS NOT NULL"
        ) == 12
    );
    // Right after, nothing is due.
    let out = run(&["sync", "--once"]);
    assert!(stdout(&out).starts_with("legs=0 "), "{}", stdout(&out));
    rt.block_on(handle.shutdown());
}

#[test]
fn sync_without_any_carrier_configured_fails_with_advice() {
    let app = TestApp::new();
    let out = Command::new(binary())
        .arg("--db")
        .arg(&app.db_path)
        .args(["sync", "--once"])
        .env_remove("PEP_FEDEX_BASE_URL")
        .env_remove("PEP_UPS_BASE_URL")
        .env_remove("PEP_DHL_BASE_URL")
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(
        stderr(&out).contains("PEP_FEDEX_BASE_URL"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn carrier_sim_prints_its_address_and_answers_the_three_wire_formats() {
    let app = TestApp::new();
    let mut child = Command::new(binary())
        .arg("--db")
        .arg(app.dir.path().join("none.sqlite3"))
        .args([
            "carrier-sim",
            "--listen",
            "127.0.0.1:0",
            "--seed",
            "4",
            "--speed",
            "3600",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut first = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    let base = first.trim().to_string();
    assert!(base.starts_with("http://127.0.0.1:"), "{base}");
    let rt = runtime();
    let c = carriers(&app, &base, Duration::from_secs(5), RetryPolicy::default());
    let numbers: Vec<String> = Carrier::ALL
        .iter()
        .map(|&k| synthetic_tracking(k, 77))
        .collect();
    let answered = rt.block_on(async {
        let mut n = 0;
        for (k, number) in Carrier::ALL.iter().zip(&numbers) {
            let out = c
                .get(*k)
                .unwrap()
                .call(std::slice::from_ref(number), 1)
                .await;
            n += out.result.expect("answered").len();
        }
        n
    });
    assert_eq!(answered, 3);
    child.kill().unwrap();
    child.wait().unwrap();
}
