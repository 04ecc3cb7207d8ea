//! Print-stall benchmark: check-in latency at a scan station while 8 clients download the
//! labels of a 2,000-PEP batch in a loop, beside the idle latency in the same run, against the
//! real app run as `serve` runs it (its own Rocket runtime, as many workers as cores).
//!
//! Run: `cargo bench --bench print_stall` (optionally `-- CHECKINS`, default 4,000, split
//! over the idle and loaded phases of every round). One station posts its check-ins one
//! after another (its own thread and connection); the downloaders run on another thread.
//! Idle and loaded phases alternate over ROUNDS rounds so that a slow moment of this shared
//! machine falls on both. Prints p50/p99 of each, the ratio of the p99s (target <= 2), the
//! download rate, and how many renders the store did (the first download renders; the rest
//! are served from the store).

#![allow(clippy::unwrap_used)] // a benchmark: a failed unwrap is a failed run

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::Utc;
use http_body_util::{BodyExt, Full};
use hyper::body::Bytes;
use hyper::header::{AUTHORIZATION, CONTENT_TYPE, COOKIE, HOST, SET_COOKIE};
use pep_tracker::domain::code::{CodeId, EnvelopeCode};
use pep_tracker::domain::role::Role;
use pep_tracker::ops::batches::NewBatch;
use pep_tracker::ops::demo_data::{write_demo_csv, DemoSpec};
use pep_tracker::ops::doc_store::DocStore;
use pep_tracker::ops::{self, Actor};
use pep_tracker::storage::Db;

#[path = "support.rs"]
mod support;

const BATCH: usize = 2_000;
const DOWNLOADERS: usize = 8;
const ROUNDS: usize = 4;
const PASSWORD: &str = "bench password 1";
const RETURN_ADDRESS: &str = r#"
[return_address]
name = "Instituto Nacional Electoral"
line1 = "Viaducto Tlalpan 100"
line2 = "Col. Arenal Tepepan, Alc. Tlalpan"
city = "Ciudad de México"
region = "CDMX"
postal_code = "14610"
country = "MX"
"#;

type Sender = hyper::client::conn::http1::SendRequest<Full<Bytes>>;

fn demo_csv(n: usize, seed: u64) -> Vec<u8> {
    let mut csv = Vec::new();
    let spec = DemoSpec {
        electors: n,
        seed,
        entities: vec![],
    };
    write_demo_csv(&spec, &mut csv).unwrap();
    csv
}

/// A batch of BATCH PEPs, then `checkins` more electors (not batched) for the station.
fn setup(path: &std::path::Path, checkins: usize) -> (Arc<Db>, ops::keys::Secrets, Vec<String>) {
    let db = Db::open(path).unwrap();
    let (secrets, _) = ops::keys::load_or_create(&ops::keys::key_path_for(path)).unwrap();
    let (actor, now) = (Actor::system(), Utc::now());
    let election = format!("{}{RETURN_ADDRESS}", support::ELECTION);
    ops::election::load(&db, &election, &actor, now).unwrap();
    support::import(&db, demo_csv(BATCH, 5).as_slice(), "batch.csv");
    let spec = NewBatch {
        name: "bench",
        ..Default::default()
    };
    let (_, n) = ops::batches::create(&db, &spec, &actor, now).unwrap();
    assert_eq!(n as usize, BATCH);
    support::import(&db, demo_csv(checkins, 6).as_slice(), "station.csv");
    ops::users::add_user(&db, "envios", Role::Shipping, PASSWORD, &actor, now).unwrap();
    let conn = rusqlite::Connection::open(path).unwrap();
    let mut stmt = conn
        .prepare("SELECT code_id FROM peps WHERE batch_id IS NULL ORDER BY id")
        .unwrap();
    let codes = stmt
        .query_map([], |r| r.get::<_, i64>(0))
        .unwrap()
        .map(|id| {
            let id = CodeId::new(id.unwrap() as u64).unwrap();
            EnvelopeCode::issue(&secrets.code_key, id)
                .as_str()
                .to_string()
        })
        .collect();
    (Arc::new(db), secrets, codes)
}

async fn connect(port: u16) -> Sender {
    let stream = loop {
        match tokio::net::TcpStream::connect(("127.0.0.1", port)).await {
            Ok(s) => break s,
            Err(_) => tokio::time::sleep(Duration::from_millis(20)).await,
        }
    };
    stream.set_nodelay(true).unwrap();
    let io = hyper_util::rt::TokioIo::new(stream);
    let (sender, conn) = hyper::client::conn::http1::handshake(io).await.unwrap();
    tokio::spawn(conn);
    sender
}

fn request(method: &str, path: &str, port: u16) -> hyper::http::request::Builder {
    hyper::Request::builder()
        .method(method)
        .uri(path)
        .header(HOST, format!("127.0.0.1:{port}"))
}

/// `name=value` of each Set-Cookie of the response.
fn cookies(res: &hyper::Response<hyper::body::Incoming>) -> Vec<String> {
    res.headers()
        .get_all(SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok()?.split(';').next().map(str::to_string))
        .collect()
}

/// Signs in through the login form; the Cookie header of the session.
async fn login(port: u16) -> String {
    let mut s = connect(port).await;
    let res = s
        .send_request(
            request("GET", "/login", port)
                .body(Full::default())
                .unwrap(),
        )
        .await
        .unwrap();
    let csrf_cookie = cookies(&res).join("; ");
    let page = res.into_body().collect().await.unwrap().to_bytes();
    let page = String::from_utf8_lossy(&page);
    let at = page.find("name=\"csrf\" value=\"").unwrap() + 19;
    let token = &page[at..at + page[at..].find('"').unwrap()];
    let form = format!(
        "name=envios&password={}&csrf={token}&next=/",
        PASSWORD.replace(' ', "+")
    );
    let res = s
        .send_request(
            request("POST", "/login", port)
                .header(COOKIE, &csrf_cookie)
                .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
                .body(Full::new(Bytes::from(form)))
                .unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(res.status(), 303, "login");
    cookies(&res)
        .into_iter()
        .find(|c| c.starts_with("pep_session="))
        .expect("session cookie")
}

/// One labels download; its size.
async fn download(s: &mut Sender, port: u16, cookie: &str) -> usize {
    s.ready().await.unwrap();
    let req = request("GET", "/batches/1/labels.pdf", port)
        .header(COOKIE, cookie)
        .body(Full::default())
        .unwrap();
    let res = s.send_request(req).await.unwrap();
    assert_eq!(res.status(), 200, "labels download");
    res.into_body().collect().await.unwrap().to_bytes().len()
}

/// DOWNLOADERS clients downloading in a loop while `on` is set; counts downloads and bytes.
async fn downloaders(port: u16, cookie: String, on: Arc<AtomicBool>, count: Arc<AtomicU64>) {
    let mut tasks = Vec::new();
    for _ in 0..DOWNLOADERS {
        let (cookie, on, count) = (cookie.clone(), on.clone(), count.clone());
        tasks.push(tokio::spawn(async move {
            let mut s = connect(port).await;
            while on.load(Ordering::Relaxed) {
                download(&mut s, port, &cookie).await;
                count.fetch_add(1, Ordering::Relaxed);
            }
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
}

/// One station posting `codes` one after another; the latency of each.
async fn station(port: u16, token: &str, codes: &[String]) -> Vec<Duration> {
    let mut s = connect(port).await;
    let mut lat = Vec::with_capacity(codes.len());
    for code in codes {
        let body =
            serde_json::to_vec(&serde_json::json!({ "code": code, "station": "bench" })).unwrap();
        let t = Instant::now();
        let req = request("POST", "/api/v1/checkins", port)
            .header(AUTHORIZATION, format!("Bearer {token}"))
            .header(CONTENT_TYPE, "application/json")
            .body(Full::new(Bytes::from(body)))
            .unwrap();
        s.ready().await.unwrap();
        let res = s.send_request(req).await.unwrap();
        assert_eq!(res.status(), 200);
        let bytes = res.into_body().collect().await.unwrap().to_bytes();
        lat.push(t.elapsed());
        assert!(bytes.windows(10).any(|w| w == b"\"accepted\""));
    }
    lat
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

fn percentile(lat: &mut [Duration], p: usize) -> f64 {
    lat.sort();
    lat[(lat.len() * p / 100).min(lat.len() - 1)].as_secs_f64() * 1e3
}

/// Runs the app as `serve` does on a thread of its own; its port, shutdown and store.
fn start_server(db: Arc<Db>, secrets: &ops::keys::Secrets) -> (u16, rocket::Shutdown, DocStore) {
    let (port, figment) = support::local_figment();
    let checkins = pep_tracker::ops::checkin_queue::CheckinQueue::start(db.clone());
    let rocket = pep_tracker::web::build_with(db, secrets, figment, checkins);
    let (ready, started) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        rocket::execute(async move {
            let ignited = rocket.ignite().await.unwrap();
            let store = ignited
                .state::<pep_tracker::web::App>()
                .unwrap()
                .documents
                .clone();
            ready.send((ignited.shutdown(), store)).unwrap();
            let _ = ignited.launch().await;
        })
    });
    let (shutdown, store) = started.recv().unwrap();
    (port, shutdown, store)
}

fn main() {
    let n: usize = std::env::args()
        .skip(1)
        .find_map(|a| a.parse().ok())
        .unwrap_or(4_000);
    let dir = tempfile::tempdir_in(".").unwrap();
    let t = Instant::now();
    let (db, secrets, codes) = setup(&dir.path().join("stall.sqlite3"), n);
    let token = ops::users::create_token(
        &db,
        "station",
        Role::Reception,
        &Actor::system(),
        Utc::now(),
    )
    .unwrap();
    eprintln!("setup: {:.1} s", t.elapsed().as_secs_f64());
    let (port, shutdown, store) = start_server(db.clone(), &secrets);
    let cookie = runtime().block_on(login(port));
    let t = Instant::now();
    let size = runtime().block_on(async {
        let mut s = connect(port).await;
        download(&mut s, port, &cookie).await
    });
    println!(
        "first download (renders the batch's letter set): {:.2} s, labels.pdf {:.1} MB",
        t.elapsed().as_secs_f64(),
        size as f64 / 1e6
    );

    let (mut idle, mut loaded) = (Vec::new(), Vec::new());
    let (mut load_secs, count) = (0.0, Arc::new(AtomicU64::new(0)));
    let slice = codes.len() / (2 * ROUNDS);
    for r in 0..ROUNDS {
        for phase_loaded in [r % 2 == 1, r % 2 == 0] {
            let part = (2 * r + usize::from(phase_loaded)) * slice;
            let codes = &codes[part..part + slice];
            let on = Arc::new(AtomicBool::new(phase_loaded));
            let load = phase_loaded.then(|| {
                let (cookie, on, count) = (cookie.clone(), on.clone(), count.clone());
                std::thread::spawn(move || runtime().block_on(downloaders(port, cookie, on, count)))
            });
            if phase_loaded {
                // Let every downloader be mid-transfer before the station starts.
                std::thread::sleep(Duration::from_millis(300));
            }
            let t = Instant::now();
            let lat = runtime().block_on(station(port, &token, codes));
            let secs = t.elapsed().as_secs_f64();
            on.store(false, Ordering::Relaxed);
            if let Some(h) = load {
                h.join().unwrap();
                load_secs += secs;
            }
            let mut sorted = lat.clone();
            println!(
                "round {} {:<6}: {} check-ins, p50 {:>6.2} ms, p99 {:>6.2} ms",
                r + 1,
                if phase_loaded { "loaded" } else { "idle" },
                lat.len(),
                percentile(&mut sorted, 50),
                percentile(&mut sorted, 99)
            );
            if phase_loaded {
                loaded.extend(lat);
            } else {
                idle.extend(lat);
            }
        }
    }
    shutdown.notify();
    let (i99, l99) = (percentile(&mut idle, 99), percentile(&mut loaded, 99));
    println!(
        "idle   check-in: p50 {:>6.2} ms, p99 {i99:>6.2} ms ({} check-ins)",
        percentile(&mut idle, 50),
        idle.len()
    );
    println!(
        "loaded check-in: p50 {:>6.2} ms, p99 {l99:>6.2} ms ({} check-ins) while {DOWNLOADERS} clients downloaded labels.pdf of a {BATCH}-PEP batch: {} downloads, {:.0}/s",
        percentile(&mut loaded, 50),
        loaded.len(),
        count.load(Ordering::Relaxed),
        count.load(Ordering::Relaxed) as f64 / load_secs
    );
    println!(
        "ratio loaded/idle p99: {:.2} (target <= 2); renders by the store: {}",
        l99 / i99,
        store.renders()
    );
}
