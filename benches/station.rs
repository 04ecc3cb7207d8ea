//! Station benchmark: the check-in path as the station page drives it (form posts to
//! `/station/scan` with a session cookie, a CSRF token and a scan id per scan).
//!
//! Steady: 16 stations each post one scan every 1.5 s of SIMULATED reception for 10 minutes
//! (6,400 scans). The app runs on a `SimClock` running SPEED times real time, so the phase
//! takes 600/SPEED real seconds; the stations keep to the simulated schedule, which makes the
//! real request rate SPEED times the venue's (16/1.5 = 10.7 scans/s): latencies under it
//! are an upper bound for the real night.
//! Burst: 500 scans queued offline by one station replayed at once, in order, one after
//! another (as static/station-offline.js sends them), then replayed a second time (answers
//! lost on the way): every repeat must answer the first verdict and record nothing.
//!
//! Baseline, same run, same server: both phases again on other envelopes WITHOUT scan ids
//! (the keyboard-wedge post the station made before scans were named). The ratio named /
//! baseline is what deciding every scan exactly once costs. Reports verdict latency p50/p99
//! of each and checks that every scan was decided once.
//!
//! Run: `cargo bench --bench station` (optionally `-- MINUTES SPEED`, default `10 20`).

#![allow(clippy::unwrap_used)] // a benchmark: a failed unwrap is a failed run

use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::Utc;
use pep_tracker::clock::{Clock, SimClock};
use pep_tracker::domain::code::{CodeId, EnvelopeCode};
use pep_tracker::domain::role::Role;
use pep_tracker::ops::checkin_queue::{CheckinQueue, MAX_GROUP};
use pep_tracker::ops::demo_data::{write_demo_csv, DemoSpec};
use pep_tracker::ops::{self, Actor};
use pep_tracker::storage::Db;

#[path = "station_session.rs"]
mod session;
#[path = "support.rs"]
mod support;

use session::{sign_in, Session, PASSWORD};

const STATIONS: usize = 16;
const EVERY_SECS: f64 = 1.5;
const BURST: usize = 500;
const WARM_UP: usize = 200;

fn codes(path: &std::path::Path, key: &[u8; 32]) -> Vec<String> {
    let conn = rusqlite::Connection::open(path).unwrap();
    let mut stmt = conn
        .prepare("SELECT code_id FROM peps ORDER BY id")
        .unwrap();
    let ids: Vec<i64> = stmt
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    ids.into_iter()
        .map(|id| {
            EnvelopeCode::issue(key, CodeId::new(id as u64).unwrap())
                .as_str()
                .to_string()
        })
        .collect()
}

fn pct(lat: &mut [Duration], p: usize) -> f64 {
    lat.sort();
    lat[(lat.len() * p / 100).min(lat.len() - 1)].as_secs_f64() * 1e3
}

/// Latency figures of one phase, in ms.
struct Figures {
    p50: f64,
    p99: f64,
    max: f64,
}

fn figures(mut lat: Vec<Duration>) -> Figures {
    Figures {
        p50: pct(&mut lat, 50),
        p99: pct(&mut lat, 99),
        max: pct(&mut lat, 100),
    }
}

/// One station's share of the steady phase, on its simulated schedule.
async fn station_lane(
    session: Session,
    s: usize,
    mine: Vec<String>,
    named: bool,
    clock: Arc<SimClock>,
    start: chrono::DateTime<Utc>,
    speed: f64,
) -> Vec<Duration> {
    let mut lat = Vec::with_capacity(mine.len());
    let tag = if named { "st" } else { "base" };
    for (k, code) in mine.iter().enumerate() {
        // Stations start spread over the first interval, then keep to 1.5 s steps.
        let due = (k as f64 + s as f64 / STATIONS as f64) * EVERY_SECS * 1000.0;
        let due = start + chrono::Duration::milliseconds(due as i64);
        let wait = (due - clock.now()).num_milliseconds() as f64 / speed;
        if wait > 0.0 {
            tokio::time::sleep(Duration::from_micros((wait * 1000.0) as u64)).await;
        }
        let id = format!("{tag}{s:02}-{k:06}");
        let (a, d) = session
            .scan(&format!("mesa-{s}"), code, named.then_some(id.as_str()))
            .await;
        assert_eq!(a.outcome, "accepted");
        lat.push(d);
    }
    lat
}

/// Steady: every station on its simulated schedule; the latencies of all scans, and the
/// phase's real and simulated seconds.
async fn steady(
    base: &str,
    (clock, speed): (Arc<SimClock>, f64),
    codes: &[String],
    named: bool,
) -> (Vec<Duration>, f64, i64) {
    let per = codes.len() / STATIONS;
    let mut sessions = Vec::new();
    for s in 0..STATIONS {
        sessions.push(sign_in(base, &format!("mesa{s}")).await);
    }
    let (start, t) = (clock.now(), Instant::now());
    let mut tasks = Vec::new();
    for (s, session) in sessions.into_iter().enumerate() {
        let mine: Vec<String> = codes
            .iter()
            .skip(s)
            .step_by(STATIONS)
            .take(per)
            .cloned()
            .collect();
        let clock = clock.clone();
        tasks.push(tokio::spawn(station_lane(
            session, s, mine, named, clock, start, speed,
        )));
    }
    let mut lat = Vec::new();
    for task in tasks {
        lat.extend(task.await.unwrap());
    }
    let simulated = (clock.now() - start).num_seconds();
    (lat, t.elapsed().as_secs_f64(), simulated)
}

/// Burst: the offline queue replayed in order (with scan ids when `named`); its latencies,
/// the drain time in s, and the sequence numbers answered.
async fn burst(
    base: &str,
    codes: &[String],
    named: bool,
) -> (Vec<Duration>, f64, Vec<Option<i64>>) {
    let session = sign_in(base, "mesa0").await;
    let t = Instant::now();
    let mut lat = Vec::new();
    let mut seqs = Vec::new();
    for (k, code) in codes.iter().enumerate() {
        let id = format!("offline-{k:06}");
        let (a, d) = session
            .scan("mesa-apartados", code, named.then_some(id.as_str()))
            .await;
        assert_eq!(a.outcome, "accepted");
        assert!(!a.repeated);
        seqs.push(a.sequence);
        lat.push(d);
    }
    (lat, t.elapsed().as_secs_f64(), seqs)
}

/// The named burst sent again: every answer must be its first verdict, recorded nowhere.
async fn replay(base: &str, codes: &[String], seqs: &[Option<i64>]) -> Vec<Duration> {
    let session = sign_in(base, "mesa0").await;
    let mut again = Vec::new();
    for (k, code) in codes.iter().enumerate() {
        let id = format!("offline-{k:06}");
        let (a, d) = session.scan("mesa-apartados", code, Some(&id)).await;
        assert!(
            a.repeated,
            "a repeat of a scan id must answer its first verdict"
        );
        assert_eq!(a.outcome, "accepted");
        assert_eq!(a.sequence, seqs[k]);
        again.push(d);
    }
    again
}

fn count(db: &Db, sql: &str) -> i64 {
    db.read(|c| {
        c.query_row(sql, [], |r| r.get(0))
            .map_err(pep_tracker::storage::StorageError::from)
    })
    .unwrap()
}

/// A database of `n` electors and the station accounts; the envelope codes in PEP order.
fn setup(path: &std::path::Path, n: usize) -> (Db, pep_tracker::ops::keys::Secrets, Vec<String>) {
    let (db, secrets) = support::fresh_db(path);
    let mut csv = Vec::new();
    let spec = DemoSpec {
        electors: n,
        seed: 9,
        entities: vec![],
    };
    write_demo_csv(&spec, &mut csv).unwrap();
    support::import(&db, csv.as_slice(), "bench.csv");
    for s in 0..STATIONS {
        let name = format!("mesa{s}");
        let (role, system) = (Role::Reception, Actor::system());
        ops::users::add_user(&db, &name, role, PASSWORD, &system, Utc::now()).unwrap();
    }
    let all = codes(path, &secrets.code_key);
    (db, secrets, all)
}

/// Serves the app on `clock`; the base URL and the handle that stops it.
fn serve(
    db: Arc<Db>,
    secrets: &pep_tracker::ops::keys::Secrets,
    clock: Arc<SimClock>,
) -> (String, rocket::Shutdown, std::thread::JoinHandle<()>) {
    let (port, figment) = support::local_figment();
    let checkins = CheckinQueue::on_clock(db.clone(), MAX_GROUP, clock);
    let rocket = pep_tracker::web::build_with(db, secrets, figment, checkins);
    let (ready, shutdown) = std::sync::mpsc::channel();
    let server = std::thread::spawn(move || {
        rocket::execute(async move {
            let ignited = rocket.ignite().await.unwrap();
            ready.send(ignited.shutdown()).unwrap();
            let _ = ignited.launch().await;
        })
    });
    let shutdown = shutdown.recv().unwrap();
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        std::thread::sleep(Duration::from_millis(20));
    }
    (format!("http://127.0.0.1:{port}"), shutdown, server)
}

fn line(what: &str, f: &Figures, base: &Figures) {
    println!(
        "{what}: p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms; baseline (no scan ids) p50 {:.2} ms, \
         p99 {:.2} ms; ratio named/baseline p50 {:.2}, p99 {:.2}",
        f.p50,
        f.p99,
        f.max,
        base.p50,
        base.p99,
        f.p50 / base.p50,
        f.p99 / base.p99
    );
}

fn main() {
    let args: Vec<f64> = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse().ok())
        .collect();
    let minutes = args.first().copied().unwrap_or(10.0);
    let speed = args.get(1).copied().unwrap_or(20.0);
    let steady_n = STATIONS * (minutes * 60.0 / EVERY_SECS) as usize;
    let each = steady_n + BURST;
    let dir = tempfile::tempdir_in(".").unwrap();
    let path = dir.path().join("station.sqlite3");
    let (db, secrets, all) = setup(&path, 2 * each + WARM_UP);
    let (named, rest) = all.split_at(each);
    let (baseline, warm) = rest.split_at(each);
    let db = Arc::new(db);
    let clock = Arc::new(SimClock::running(Utc::now(), speed));
    let (base, shutdown, server) = serve(db.clone(), &secrets, clock.clone());
    let load = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    // Warm-up (discarded): the server's caches and connections, as after opening the venue.
    load.block_on(burst(&base, warm, false));
    let (b_steady, _, _) = load.block_on(steady(
        &base,
        (clock.clone(), speed),
        &baseline[..steady_n],
        false,
    ));
    let (steady_named, real, simulated) = load.block_on(steady(
        &base,
        (clock.clone(), speed),
        &named[..steady_n],
        true,
    ));
    println!(
        "steady: {STATIONS} stations x one scan every {EVERY_SECS} s for {minutes} min = {steady_n} scans \
         ({simulated} s simulated in {real:.1} s real, clock x{speed}: {:.1} scans/s real)",
        steady_n as f64 / real
    );
    line("steady", &figures(steady_named), &figures(b_steady));
    let (b_burst, b_drain, _) = load.block_on(burst(&base, &baseline[steady_n..], false));
    let (first, drain, seqs) = load.block_on(burst(&base, &named[steady_n..], true));
    println!(
        "burst: {BURST} offline scans replayed in order in {drain:.2} s (baseline {b_drain:.2} s)"
    );
    line("burst", &figures(first), &figures(b_burst));
    let again = load.block_on(replay(&base, &named[steady_n..], &seqs));
    let g = figures(again);
    println!(
        "burst replayed again: {BURST} repeats answered their first verdict, p50 {:.2} ms, p99 {:.2} ms",
        g.p50, g.p99
    );
    shutdown.notify();
    server.join().unwrap();
    decided_once(&db, each as i64, WARM_UP as i64);
}

/// Every scan decided once: one scans row and one accepted check-in per envelope (named and
/// baseline; the warm-up aside), one scan id per named scan, no envelope accepted twice.
fn decided_once(db: &Db, each: i64, warm_up: i64) {
    let scans = count(db, "SELECT count(*) FROM scans") - warm_up;
    let named = count(db, "SELECT count(*) FROM scan_ids");
    let distinct = count(db, "SELECT count(DISTINCT scan_id) FROM scan_ids");
    let accepted = count(
        db,
        "SELECT count(*) FROM checkins WHERE outcome = 'accepted'",
    ) - warm_up;
    println!(
        "decided once: {scans} scans recorded (expected {}), {named} scan ids ({distinct} distinct, \
         expected {each}), {accepted} check-ins accepted (one per PEP)",
        2 * each
    );
    assert!(
        scans == 2 * each && named == each && distinct == each && accepted == 2 * each,
        "a scan was lost or decided twice"
    );
}
