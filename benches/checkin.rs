//! Check-in benchmark: 32 concurrent clients over HTTP on loopback against the real app,
//! group commit vs a naive one-commit-per-request baseline (both synchronous=FULL), same run.
//!
//! Run: `cargo bench --bench checkin` (optionally `-- ENVELOPES`, default 20,000 per mode).
//! Prints each round, then throughput, p50 and p99 latency per mode and the ratio; every
//! acknowledged check-in is then counted in the DB.

#![allow(clippy::unwrap_used)] // a benchmark: a failed unwrap is a failed run

use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::Utc;
use pep_tracker::domain::code::{CodeId, EnvelopeCode};
use pep_tracker::domain::role::Role;
use pep_tracker::ops::checkin_queue::{CheckinQueue, MAX_GROUP};
use pep_tracker::ops::demo_data::{write_demo_csv, DemoSpec};
use pep_tracker::ops::{self, Actor};
use pep_tracker::storage::Db;

#[path = "support.rs"]
mod support;

const CLIENTS: usize = 32;
const ROUNDS: usize = 4;

struct Setup {
    db: Arc<Db>,
    secrets: ops::keys::Secrets,
    token: String,
    codes: Vec<String>,
}

fn setup(dir: &std::path::Path, name: &str, n: usize) -> Setup {
    let path = dir.join(name);
    let (db, secrets) = support::fresh_db(&path);
    let now = Utc::now();
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
    support::import(&db, csv.as_slice(), "bench.csv");
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

#[derive(serde::Deserialize)]
struct Answer {
    outcome: String,
}

struct Round {
    lat: Vec<Duration>,
    secs: f64,
}

/// One mode over every round.
#[derive(Default)]
struct Mode {
    lat: Vec<Duration>,
    secs: f64,
}

impl Mode {
    fn add(&mut self, r: Round) -> f64 {
        let rate = r.lat.len() as f64 / r.secs;
        self.lat.extend(r.lat);
        self.secs += r.secs;
        rate
    }

    fn rate(&self) -> f64 {
        self.lat.len() as f64 / self.secs
    }

    fn percentile(&mut self, p: usize) -> f64 {
        self.lat.sort();
        self.lat[(self.lat.len() * p / 100).min(self.lat.len() - 1)].as_secs_f64() * 1e3
    }
}

/// One round: a fresh server over `s`'s database, run as `serve` runs it (its own Rocket
/// runtime, as many workers as cores), and CLIENTS stations posting `codes` from a load
/// generator on one thread of its own.
fn round(s: &Setup, group_commit: bool, codes: &[String]) -> Round {
    let (port, figment) = support::local_figment();
    let max_group = if group_commit { MAX_GROUP } else { 1 };
    let checkins = CheckinQueue::with_max_group(s.db.clone(), max_group);
    let rocket = pep_tracker::web::build_with(s.db.clone(), &s.secrets, figment, checkins);
    let (ready, shutdown) = std::sync::mpsc::channel();
    let server = std::thread::spawn(move || {
        rocket::execute(async move {
            let ignited = rocket.ignite().await.unwrap();
            ready.send(ignited.shutdown()).unwrap();
            let _ = ignited.launch().await;
        })
    });
    let shutdown = shutdown.recv().unwrap();
    let load = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let round = load.block_on(post_all(port, &s.token, codes));
    shutdown.notify();
    server.join().unwrap();
    round
}

async fn post_all(port: u16, token: &str, codes: &[String]) -> Round {
    while tokio::net::TcpStream::connect(("127.0.0.1", port))
        .await
        .is_err()
    {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    // The load generator keeps its own per-request work small (one HTTP/1.1 keep-alive
    // connection per client, bodies serialized before the clock starts) so that on a small
    // machine the CPU goes to the server under test rather than to the clients.
    let addr = std::net::SocketAddr::from(([127, 0, 0, 1], port));
    let auth = format!("Bearer {token}");
    let t = Instant::now();
    let mut tasks = Vec::new();
    for chunk in codes.chunks(codes.len().div_ceil(CLIENTS)) {
        let bodies: Vec<Vec<u8>> = chunk
            .iter()
            .map(|code| {
                serde_json::to_vec(&serde_json::json!({ "code": code, "station": "bench" }))
                    .unwrap()
            })
            .collect();
        let auth = auth.clone();
        tasks.push(tokio::spawn(
            async move { client(addr, &auth, bodies).await },
        ));
    }
    let mut lat = Vec::new();
    for t in tasks {
        lat.extend(t.await.unwrap());
    }
    let secs = t.elapsed().as_secs_f64();
    Round { lat, secs }
}

/// One station: posts its check-ins one after another on one connection; the latency of each.
async fn client(addr: std::net::SocketAddr, auth: &str, bodies: Vec<Vec<u8>>) -> Vec<Duration> {
    use http_body_util::{BodyExt, Full};
    use hyper::body::Bytes;
    use hyper::header::{AUTHORIZATION, CONTENT_TYPE, HOST};

    let stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    stream.set_nodelay(true).unwrap();
    let io = hyper_util::rt::TokioIo::new(stream);
    let (mut sender, conn) = hyper::client::conn::http1::handshake(io).await.unwrap();
    tokio::spawn(conn);
    let host = addr.to_string();
    let mut lat = Vec::with_capacity(bodies.len());
    for body in bodies {
        let t = Instant::now();
        let req = hyper::Request::post("/api/v1/checkins")
            .header(HOST, &host)
            .header(AUTHORIZATION, auth)
            .header(CONTENT_TYPE, "application/json")
            .body(Full::new(Bytes::from(body)))
            .unwrap();
        sender.ready().await.unwrap();
        let res = sender.send_request(req).await.unwrap();
        assert_eq!(res.status(), 200);
        let bytes = res.into_body().collect().await.unwrap().to_bytes();
        let answer: Answer = serde_json::from_slice(&bytes).unwrap();
        assert_eq!(answer.outcome, "accepted");
        lat.push(t.elapsed());
    }
    lat
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
        .unwrap_or(20_000);
    let dir = tempfile::tempdir_in(".").unwrap();
    let naive = setup(dir.path(), "naive.sqlite3", n);
    let group = setup(dir.path(), "group.sqlite3", n);
    // The modes alternate over ROUNDS rounds (N G, G N, N G, …), each on its own slice of
    // envelopes, so that a slow moment of this shared machine or its disk falls on both.
    let (mut a, mut b) = (Mode::default(), Mode::default());
    let slice = n.div_ceil(ROUNDS);
    for r in 0..ROUNDS {
        let range = r * slice..((r + 1) * slice).min(n);
        let mut rates = [0.0; 2];
        for first_group in [r % 2 == 1, r % 2 == 0] {
            if first_group {
                rates[1] = b.add(round(&group, true, &group.codes[range.clone()]));
            } else {
                rates[0] = a.add(round(&naive, false, &naive.codes[range.clone()]));
            }
        }
        println!(
            "round {}: naive {:>5.0}/s, group commit {:>5.0}/s, ratio {:.2}",
            r + 1,
            rates[0],
            rates[1],
            rates[1] / rates[0]
        );
    }
    for (name, m, s) in [
        ("naive (1 commit/request)", &mut a, &naive),
        ("group commit", &mut b, &group),
    ] {
        println!(
            "{name:<26} {} check-ins, {:>7.0}/s, p50 {:>6.2} ms, p99 {:>6.2} ms, durable in DB: {}",
            m.lat.len(),
            m.rate(),
            m.percentile(50),
            m.percentile(99),
            durable_count(&s.db)
        );
    }
    println!(
        "ratio group/naive: {:.2} (target >= 3), group p99 {:.2} ms (target <= 25 ms), {CLIENTS} clients",
        b.rate() / a.rate(),
        b.percentile(99)
    );
}
