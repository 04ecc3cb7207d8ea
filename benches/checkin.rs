//! Check-in benchmark: 32 concurrent clients over HTTP on loopback against the real app,
//! group commit vs a naive one-commit-per-request baseline (both synchronous=FULL), same run.
//!
//! Run: `cargo bench --bench checkin` (optionally `-- ENVELOPES`). Prints throughput, p50 and
//! p99 latency per mode and the ratio; every acknowledged check-in is then counted in the DB.

use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::Utc;
use pep_tracker::domain::code::{CodeId, EnvelopeCode};
use pep_tracker::domain::role::Role;
use pep_tracker::ops::demo_data::{write_demo_csv, DemoSpec};
use pep_tracker::ops::import::{import_lnere, Observer};
use pep_tracker::ops::{self, Actor};
use pep_tracker::storage::Db;

const CLIENTS: usize = 32;
const ELECTION: &str = r#"name = "bench"
election_day = "2030-06-02"
polls_open = "08:00"
timezone = "America/Mexico_City"
max_electors_per_mec = 750
entities = ["01", "10", "20", "28"]
"#;

struct Setup {
    db: Arc<Db>,
    secrets: ops::keys::Secrets,
    token: String,
    codes: Vec<String>,
}

fn setup(dir: &std::path::Path, name: &str, n: usize) -> Setup {
    let path = dir.join(name);
    let db = Db::open(&path).unwrap();
    let (secrets, _) = ops::keys::load_or_create(&ops::keys::key_path_for(&path)).unwrap();
    let now = Utc::now();
    ops::election::load(&db, ELECTION, &Actor::system(), now).unwrap();
    let mut csv = Vec::new();
    write_demo_csv(
        &DemoSpec {
            electors: n,
            seed: 5,
            entities: vec![],
        },
        &mut csv,
    )
    .unwrap();
    let obs = Observer {
        progress: &mut |_| {},
        error: &mut |e| panic!("{e}"),
    };
    import_lnere(&db, csv.as_slice(), "bench.csv", &Actor::system(), now, obs).unwrap();
    let token =
        ops::users::create_token(&db, "bench", Role::Reception, &Actor::system(), now).unwrap();
    let ids: Vec<i64> = {
        let conn = rusqlite::Connection::open(&path).unwrap();
        let mut stmt = conn
            .prepare("SELECT code_id FROM peps ORDER BY id")
            .unwrap();
        stmt.query_map([], |r| r.get(0))
            .unwrap()
            .map(Result::unwrap)
            .collect()
    };
    let codes = ids
        .into_iter()
        .map(|id| {
            EnvelopeCode::issue(&secrets.code_key, CodeId::new(id as u64).unwrap())
                .as_str()
                .to_string()
        })
        .collect();
    Setup {
        db: Arc::new(db),
        secrets,
        token,
        codes,
    }
}

struct Figures {
    rate: f64,
    p50: Duration,
    p99: Duration,
    acked: usize,
}

async fn run(s: &Setup, group_commit: bool) -> Figures {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let figment = rocket::Config::figment()
        .merge(("port", port))
        .merge(("log_level", "off"))
        .merge(("workers", 2));
    let rocket = pep_tracker::web::build_with(s.db.clone(), &s.secrets, figment, group_commit);
    let ignited = rocket.ignite().await.unwrap();
    let shutdown = ignited.shutdown();
    let server = tokio::spawn(ignited.launch());
    while tokio::net::TcpStream::connect(("127.0.0.1", port))
        .await
        .is_err()
    {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let url = format!("http://127.0.0.1:{port}/api/v1/checkins");
    let http = reqwest::Client::builder()
        .pool_max_idle_per_host(CLIENTS)
        .build()
        .unwrap();
    let t = Instant::now();
    let mut tasks = Vec::new();
    for chunk in s.codes.chunks(s.codes.len().div_ceil(CLIENTS)) {
        let (http, url, token, chunk) =
            (http.clone(), url.clone(), s.token.clone(), chunk.to_vec());
        tasks.push(tokio::spawn(async move {
            let mut lat = Vec::with_capacity(chunk.len());
            for code in chunk {
                let t = Instant::now();
                let body = serde_json::json!({ "code": code, "station": "bench" });
                let r = http
                    .post(&url)
                    .bearer_auth(&token)
                    .json(&body)
                    .send()
                    .await
                    .unwrap();
                let v: serde_json::Value = r.json().await.unwrap();
                assert_eq!(v["outcome"], "accepted", "{v}");
                lat.push(t.elapsed());
            }
            lat
        }));
    }
    let mut lat = Vec::new();
    for t in tasks {
        lat.extend(t.await.unwrap());
    }
    let secs = t.elapsed().as_secs_f64();
    shutdown.notify();
    let _ = server.await;
    lat.sort();
    Figures {
        rate: lat.len() as f64 / secs,
        p50: lat[lat.len() / 2],
        p99: lat[lat.len() * 99 / 100],
        acked: lat.len(),
    }
}

fn durable_count(db: &Db) -> i64 {
    db.read(|c| {
        c.query_row(
            "SELECT count(*) FROM checkins WHERE outcome = 'accepted'",
            [],
            |r| r.get(0),
        )
        .map_err(pep_tracker::storage::StorageError::from)
    })
    .unwrap()
}

fn main() {
    let n: usize = std::env::args()
        .skip(1)
        .find_map(|a| a.parse().ok())
        .unwrap_or(6400);
    let dir = tempfile::tempdir_in(".").unwrap();
    let naive = setup(dir.path(), "naive.sqlite3", n);
    let group = setup(dir.path(), "group.sqlite3", n);
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    let a = rt.block_on(run(&naive, false));
    let b = rt.block_on(run(&group, true));
    for (name, f, s) in [
        ("naive (1 commit/request)", &a, &naive),
        ("group commit", &b, &group),
    ] {
        println!(
            "{name:<26} {} check-ins, {:>7.0}/s, p50 {:>6.2} ms, p99 {:>6.2} ms, durable in DB: {}",
            f.acked,
            f.rate,
            f.p50.as_secs_f64() * 1e3,
            f.p99.as_secs_f64() * 1e3,
            durable_count(&s.db)
        );
    }
    println!(
        "ratio group/naive: {:.2} (target >= 3), group p99 {:.2} ms (target <= 25 ms), {CLIENTS} clients",
        b.rate / a.rate,
        b.p99.as_secs_f64() * 1e3
    );
}
