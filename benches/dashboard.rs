//! Dashboard benchmark: 2,000,000 demo electors imported through `import-lnere`'s code path,
//! some PEPs batched and some envelopes received, then the dashboard (`GET /`) requested N
//! times through Rocket's local client, beside a plain GROUP BY over the PEPs, same run.
//!
//! Run: `cargo bench --bench dashboard` (optionally `-- ELECTORS REQUESTS`). Prints the setup
//! times, p50/p95 of the dashboard and of one CSV download, and the GROUP BY's time. The
//! database (about 3 GB at 2,000,000 electors) goes in a temporary directory under
//! `PEP_BENCH_DIR` (default: the current directory).

#![allow(clippy::unwrap_used)] // a benchmark: a failed unwrap is a failed run

use std::fs::File;
use std::io::{BufReader, BufWriter};
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::Utc;
use pep_tracker::domain::code::{CodeId, EnvelopeCode};
use pep_tracker::domain::role::Role;
use pep_tracker::ops::batches::{self, NewBatch};
use pep_tracker::ops::checkin::{check_in_all, Station};
use pep_tracker::ops::checkin_queue::CheckinQueue;
use pep_tracker::ops::demo_data::{write_demo_csv, DemoSpec};
use pep_tracker::ops::{self, Actor};
use pep_tracker::storage::{stage, Db, StorageError};
use rocket::http::{ContentType, Status};
use rocket::local::blocking::Client;

#[path = "support.rs"]
mod support;

const PASSWORD: &str = "correct horse battery";
const RECEIVED: usize = 20_000;

fn timed<T>(what: &str, f: impl FnOnce() -> T) -> T {
    let t = Instant::now();
    let out = f();
    println!("{what:<44} {:>8.2} s", t.elapsed().as_secs_f64());
    out
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

/// p50 and p95 of `n` runs of `f`.
fn percentiles(n: usize, mut f: impl FnMut()) -> (f64, f64) {
    let mut lat: Vec<Duration> = (0..n)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed()
        })
        .collect();
    lat.sort();
    (ms(lat[n / 2]), ms(lat[(n * 95 / 100).min(n - 1)]))
}

fn setup(dir: &std::path::Path, n: usize) -> (Arc<Db>, ops::keys::Secrets) {
    let path = dir.join("bench.sqlite3");
    let (db, secrets) = support::fresh_db(&path);
    let now = Utc::now();
    let csv = dir.join("lnere.csv");
    timed(&format!("demo CSV, {n} electors"), || {
        let spec = DemoSpec {
            electors: n,
            seed: 11,
            entities: vec![],
        };
        write_demo_csv(&spec, BufWriter::new(File::create(&csv).unwrap())).unwrap();
    });
    timed("import (PEPs, stage counts, name index)", || {
        support::import(&db, BufReader::new(File::open(&csv).unwrap()), "lnere.csv");
    });
    for (name, entity) in [("Aguascalientes", "01"), ("Tamaulipas", "28")] {
        let spec = NewBatch::parse(name, Some(entity), None).unwrap();
        let (_, peps) = timed(&format!("batch {name}"), || {
            batches::create(&db, &spec, &Actor::system(), Utc::now()).unwrap()
        });
        println!("  {peps} PEPs in the batch");
    }
    let received = timed("check-ins of batched PEPs (one transaction)", || {
        check_in_some(&db, &secrets.code_key, &path)
    });
    println!("  {received} envelopes received");
    ops::users::add_user(&db, "bench", Role::Admin, PASSWORD, &Actor::system(), now).unwrap();
    (Arc::new(db), secrets)
}

fn check_in_some(db: &Db, key: &[u8; 32], path: &std::path::Path) -> usize {
    let conn = rusqlite::Connection::open(path).unwrap();
    let ids: Vec<i64> = conn
        .prepare("SELECT code_id FROM peps WHERE batch_id IS NOT NULL ORDER BY id LIMIT ?1")
        .unwrap()
        .query_map([RECEIVED as i64], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    let who = Station::new("bench", "user:bench").unwrap();
    let n = ids.len();
    let codes: Vec<EnvelopeCode> = ids
        .into_iter()
        .map(|id| EnvelopeCode::issue(key, CodeId::new(id as u64).unwrap()))
        .collect();
    let inputs: Vec<&str> = codes.iter().map(EnvelopeCode::as_str).collect();
    check_in_all(db, key, &inputs, &who, Utc::now).unwrap();
    n
}

fn signed_in(db: Arc<Db>, secrets: &ops::keys::Secrets) -> Client {
    let figment = rocket::Config::figment().merge(("log_level", "off"));
    let checkins = CheckinQueue::start(db.clone());
    let client =
        Client::tracked(pep_tracker::web::build_with(db, secrets, figment, checkins)).unwrap();
    let page = client.get("/login").dispatch().into_string().unwrap();
    let start = page.find("name=\"csrf\" value=\"").unwrap() + 19;
    let csrf = &page[start..start + page[start..].find('"').unwrap()];
    let status = client
        .post("/login")
        .header(ContentType::Form)
        .body(format!(
            "name=bench&password={}&csrf={csrf}&next=/",
            PASSWORD.replace(' ', "+")
        ))
        .dispatch()
        .status();
    assert_eq!(status, Status::SeeOther);
    client
}

fn main() {
    let mut args = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse::<usize>().ok());
    let n = args.next().unwrap_or(2_000_000);
    let requests = args.next().unwrap_or(200).max(1);
    let base = std::env::var("PEP_BENCH_DIR").unwrap_or_else(|_| ".".into());
    let dir = tempfile::tempdir_in(&base).unwrap();
    println!("database under {base}");
    let (db, secrets) = setup(dir.path(), n);
    let bytes: u64 = std::fs::read_dir(dir.path())
        .unwrap()
        .filter_map(|e| e.ok()?.metadata().ok())
        .map(|m| m.len())
        .sum();
    println!("files on disk: {} MB", bytes / 1_000_000);
    let client = signed_in(db.clone(), &secrets);
    let get = |uri: &str| {
        let resp = client.get(uri.to_string()).dispatch();
        assert_eq!(resp.status(), Status::Ok, "{uri}");
        resp.into_bytes().unwrap().len()
    };
    let size = get("/");
    for _ in 0..5 {
        get("/");
    }
    let (p50, p95) = percentiles(requests, || {
        get("/");
    });
    println!(
        "GET /  ({requests} requests, {size} bytes)         p50 {p50:>7.2} ms, p95 {p95:>7.2} ms"
    );
    let (c50, c95) = percentiles(requests, || {
        get("/dashboard/entidades.csv");
    });
    println!("GET /dashboard/entidades.csv               p50 {c50:>7.2} ms, p95 {c95:>7.2} ms");
    // A PEP from the middle of the list, whatever its size.
    let pep: String = db
        .read(|c| {
            c.query_row(
                "SELECT pep_id FROM peps WHERE id >= (SELECT max(id) / 2 FROM peps) LIMIT 1",
                [],
                |r| r.get(0),
            )
            .map_err(StorageError::from)
        })
        .unwrap();
    for (what, q) in [
        ("search by name", "/search?q=garcia+lopez".to_string()),
        ("search by PEP id", format!("/search?q={pep}")),
        ("PEP page", format!("/peps/{pep}")),
    ] {
        let q = q.as_str();
        let size = get(q);
        let (s50, s95) = percentiles(requests.min(50), || {
            get(q);
        });
        println!("GET {q:<37} p50 {s50:>7.2} ms, p95 {s95:>7.2} ms ({what}, {size} bytes)");
    }
    let (g50, _) = percentiles(5, || {
        db.read(|c| stage::stage_counts_by_scan(c).map(|_| ()))
            .map_err(|e: StorageError| e)
            .unwrap();
    });
    println!("plain GROUP BY stage, entity, country over peps  {g50:>9.2} ms (median of 5)");
    let counts = db
        .read(|c| stage::stage_counts(c, &pep_tracker::domain::scope::Scope::National))
        .unwrap();
    let scanned = db.read(stage::stage_counts_by_scan).unwrap();
    assert_eq!(counts, scanned, "maintained counts equal the scan");
    println!(
        "target p50 <= 50 ms: {}; dashboard vs GROUP BY: {:.1}x faster",
        if p50 <= 50.0 { "met" } else { "MISSED" },
        g50 / p50
    );
}
