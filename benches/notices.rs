//! Notices drained through a real local SMTP server (Python's aiosmtpd on loopback, writing
//! nothing: its Sink handler), beside a bare SMTP client loop (lettre, a connection pool of the
//! same size, the same number of messages kept in flight at once, the same messages) in the
//! same run: the sender's rate with the outbox's exactly-once bookkeeping (one commit per group
//! that records the previous group's answers and claims and hands the next) against the bare
//! loop's. Target: at least 50% of the bare loop's rate. Concurrency: `PEP_SMTP_CONCURRENCY`
//! (default 16), for both.
//!
//! Size: `PEP_BENCH_NOTICE_PEPS` PEPs (default 181,256, the 2018 list), four notices each
//! (shipped, delivered, picked up, received in time) for every elector with an e-mail.
//! `cargo bench --bench notices` (release); a reduced run: `PEP_BENCH_NOTICE_PEPS=5000`.

#![allow(clippy::unwrap_used)] // a benchmark: a failed unwrap is a failed run

use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::Utc;
use futures_util::stream::{self, StreamExt};
use lettre::message::{Mailbox, MultiPart};
use lettre::transport::smtp::PoolConfig;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use pep_tracker::channels::config::{NoticeConfig, SmtpConfig};
use pep_tracker::domain::notice::NoticeKind;
use pep_tracker::ops::demo_data::{write_demo_csv, DemoSpec};
use pep_tracker::ops::notices::sender::Sender;
use pep_tracker::storage::outbox;

#[path = "support.rs"]
mod support;

const KINDS: [NoticeKind; 4] = [
    NoticeKind::Shipped,
    NoticeKind::Delivered,
    NoticeKind::PickedUp,
    NoticeKind::ReceivedInTime,
];

/// The Python that has aiosmtpd, looked up as the tests do: the one on PATH, else the
/// system's (Debian's python3-aiosmtpd goes to /usr/bin/python3).
fn aiosmtpd_python() -> &'static str {
    ["python3", "/usr/bin/python3"]
        .into_iter()
        .find(|py| {
            Command::new(py)
                .args(["-c", "import aiosmtpd"])
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status()
                .is_ok_and(|s| s.success())
        })
        .expect("aiosmtpd in python3 or /usr/bin/python3 (apt-get install python3-aiosmtpd)")
}

fn smtpd(port: u16) -> std::process::Child {
    let child = Command::new(aiosmtpd_python())
        .args(["-m", "aiosmtpd", "-n", "-l", &format!("127.0.0.1:{port}")])
        .args(["-c", "aiosmtpd.handlers.Sink"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("python3 -m aiosmtpd (apt-get install python3-aiosmtpd)");
    let started = Instant::now();
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "aiosmtpd did not start"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    child
}

fn main() {
    let peps: usize = std::env::var("PEP_BENCH_NOTICE_PEPS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(181_256);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("notices.sqlite3");
    let (db, _secrets) = support::fresh_db(&path);
    let mut csv = Vec::new();
    let spec = DemoSpec {
        electors: peps,
        seed: 3,
        entities: vec![],
    };
    write_demo_csv(&spec, &mut csv).unwrap();
    support::import(&db, csv.as_slice(), "bench.csv");
    let t = Instant::now();
    let rows: usize = db
        .write(|tx| {
            let now = Utc::now();
            let mut n = 0;
            for pep in 1..=peps as i64 {
                for kind in KINDS {
                    n += outbox::enqueue(tx, pep, kind, now)?;
                }
            }
            Ok::<_, pep_tracker::storage::StorageError>(n)
        })
        .unwrap();
    let emails: i64 = rusqlite::Connection::open(&path)
        .unwrap()
        .query_row(
            "SELECT count(*) FROM outbox WHERE channel = 'email'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    let emails = emails as usize;
    eprintln!(
        "{peps} PEPs: {rows} notices written in {:.2?}, {emails} of them e-mails",
        t.elapsed()
    );

    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut server = smtpd(port);
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    let _runtime = rt.enter(); // lettre's pools start (and stop) a task on the current runtime
    let url = format!("smtp://127.0.0.1:{port}");

    // The bare loop: the same number of two-part messages, `in_flight` at a time.
    let in_flight: usize = std::env::var("PEP_SMTP_CONCURRENCY")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(NoticeConfig::default().smtp_concurrency);
    let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(&url)
        .unwrap()
        .pool_config(PoolConfig::new().max_size(in_flight as u32))
        .build();
    let from: Mailbox = "INE Avisos <avisos@ine.example>".parse().unwrap();
    let message = |i: usize| {
        Message::builder()
            .from(from.clone())
            .to(format!("elector{i}@example.com").parse().unwrap())
            .subject("Tu Paquete Electoral Postal fue entregado")
            .message_id(Some(format!("<bare-{i}@ine.example>")))
            .multipart(MultiPart::alternative_plain_html(
                "Hola, Ana:\n\nTu PEP fue entregado.\n".to_string(),
                "<p>Hola, Ana:</p><p>Tu PEP fue entregado.</p>".to_string(),
            ))
            .unwrap()
    };
    let t = Instant::now();
    rt.block_on(async {
        stream::iter(0..emails)
            .map(|i| {
                let transport = &transport;
                let msg = message(i);
                async move { transport.send(msg).await.unwrap() }
            })
            .buffer_unordered(in_flight)
            .collect::<Vec<_>>()
            .await;
    });
    let bare = emails as f64 / t.elapsed().as_secs_f64();
    eprintln!(
        "bare SMTP loop: {emails} messages in {:.2?} = {bare:.0}/s",
        t.elapsed()
    );

    // The outbox sender, bookkeeping included.
    let cfg = NoticeConfig {
        smtp: Some(SmtpConfig {
            url,
            from: "INE Avisos <avisos@ine.example>".into(),
        }),
        quiet_hours: None,
        smtp_rate: 100_000,
        smtp_concurrency: in_flight,
        lease: Duration::from_secs(600),
        ..NoticeConfig::default()
    };
    let sender = Sender::new(Arc::new(db), pep_tracker::clock::wall(), cfg).unwrap();
    let t = Instant::now();
    let report = rt.block_on(sender.pass()).unwrap();
    let rate = report.sent as f64 / t.elapsed().as_secs_f64();
    eprintln!(
        "outbox sender: {} sent in {:.2?} = {rate:.0}/s",
        report.sent,
        t.elapsed()
    );
    assert_eq!(report.sent, emails, "{report:?}");
    let ratio = rate / bare;
    println!(
        "notices: {peps} PEPs, {emails} e-mails, {in_flight} in flight; bare loop {bare:.0}/s; outbox sender {rate:.0}/s = {:.0}% of the bare loop (target ≥ 50%)",
        ratio * 100.0
    );
    let _ = server.kill();
    let _ = server.wait();
}
