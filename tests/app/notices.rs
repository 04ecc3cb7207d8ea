//! Notices to electors: written in the check-in's transaction, sent once through a real SMTP
//! server (Python's aiosmtpd on loopback) even when the sender is killed mid-pass, through the
//! SMS provider simulator with faults, and stopped by an opt-out.

use std::collections::HashMap;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::Utc;
use pep_tracker::channels::config::{NoticeConfig, SmsConfig};
use pep_tracker::channels::sms_sim::{self, SmsSim};
use pep_tracker::clock::{SharedClock, SimClock};
use pep_tracker::ops::checkin::{check_in_all, Station};
use pep_tracker::ops::notices::{optout, sender::Sender};

use crate::support::{binary, stderr, TestApp};

/// A real SMTP server writing each message it accepts into a maildir.
pub struct Smtpd {
    child: Child,
    pub port: u16,
    pub maildir: PathBuf,
}

impl Drop for Smtpd {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The Python that has aiosmtpd: the one on PATH, else the system's (Debian's
/// python3-aiosmtpd, which `.ci/run` installs, goes to /usr/bin/python3 even where another
/// python3 comes first on PATH).
fn aiosmtpd_python() -> Option<&'static str> {
    ["python3", "/usr/bin/python3"].into_iter().find(|py| {
        Command::new(py)
            .args(["-c", "import aiosmtpd"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
    })
}

pub fn smtpd(dir: &Path) -> Option<Smtpd> {
    let Some(python) = aiosmtpd_python() else {
        assert!(
            std::env::var_os("CI").is_none(),
            "aiosmtpd is required in CI (.ci/run installs python3-aiosmtpd)"
        );
        eprintln!("skipped: python3 aiosmtpd is not installed (apt-get install python3-aiosmtpd)");
        return None;
    };
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let maildir = dir.join("maildir");
    let child = Command::new(python)
        .args(["-m", "aiosmtpd", "-n", "-l", &format!("127.0.0.1:{port}")])
        .args(["-c", "aiosmtpd.handlers.Mailbox", maildir.to_str().unwrap()])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start aiosmtpd");
    let started = Instant::now();
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "aiosmtpd did not start"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    Some(Smtpd {
        child,
        port,
        maildir,
    })
}

/// The Message-ID of every message the server stored, with how many times each came.
pub fn received(maildir: &Path) -> HashMap<String, usize> {
    let mut seen = HashMap::new();
    for sub in ["new", "cur"] {
        let Ok(entries) = std::fs::read_dir(maildir.join(sub)) else {
            continue;
        };
        for e in entries {
            let text = std::fs::read_to_string(e.unwrap().path()).unwrap_or_default();
            let id = text
                .lines()
                .find_map(|l| {
                    l.strip_prefix("Message-ID: ")
                        .or_else(|| l.strip_prefix("Message-Id: "))
                })
                .unwrap_or("none")
                .trim()
                .to_string();
            *seen.entry(id).or_default() += 1;
        }
    }
    seen
}

pub fn count(app: &TestApp, sql: &str) -> i64 {
    app.raw_sql().query_row(sql, [], |r| r.get(0)).unwrap()
}

/// `n` demo electors whose envelopes were all received: one "received in time" notice each,
/// per channel the elector can be reached on.
pub fn received_envelopes(n: usize) -> TestApp {
    let app = TestApp::upcoming();
    app.import_demo(n, 15);
    let codes: Vec<String> = app.pep_ids(n).iter().map(|p| app.code_of(p)).collect();
    let codes: Vec<&str> = codes.iter().map(String::as_str).collect();
    let who = Station::new("Mesa 1", "user:ana").unwrap();
    check_in_all(&app.db, &app.secrets().code_key, &codes, &who, Utc::now).unwrap();
    app
}

/// E-mails the sender keeps in flight at once in these tests: the most a killed sender can
/// leave handed without an answer.
const IN_FLIGHT: i64 = 8;

fn notify(app: &TestApp, port: u16) -> Command {
    let mut c = Command::new(binary());
    c.arg("--db")
        .arg(&app.db_path)
        .args(["notify", "--once"])
        .env_remove("PEP_KEY_FILE")
        .env_remove("PEP_SMS_BASE_URL")
        .env("PEP_SMTP_URL", format!("smtp://127.0.0.1:{port}"))
        .env("PEP_SMTP_FROM", "INE Avisos <avisos@ine.example>")
        .env("PEP_NOTIFY_QUIET_HOURS", "none")
        .env("PEP_NOTIFY_LEASE_SECS", "2")
        .env("PEP_SMTP_CONCURRENCY", IN_FLIGHT.to_string())
        .env("PEP_PUBLIC_URL", "https://pep.example");
    c
}

#[test]
fn a_check_in_writes_its_notices_once_and_a_repeated_scan_adds_none() {
    let app = received_envelopes(30);
    let with_email = count(
        &app,
        "SELECT count(*) FROM electors WHERE coalesce(email, '') != ''",
    );
    let with_phone = count(
        &app,
        "SELECT count(*) FROM electors WHERE coalesce(phone, '') != ''",
    );
    let kinds = "SELECT count(*) FROM outbox WHERE kind = 'received_in_time'";
    assert_eq!(count(&app, kinds), with_email + with_phone);
    assert!(with_email > 10, "{with_email}");
    // The same envelopes scanned again: duplicates, and not one more notice.
    let codes: Vec<String> = app.pep_ids(30).iter().map(|p| app.code_of(p)).collect();
    let codes: Vec<&str> = codes.iter().map(String::as_str).collect();
    let who = Station::new("Mesa 2", "user:ana").unwrap();
    check_in_all(&app.db, &app.secrets().code_key, &codes, &who, Utc::now).unwrap();
    assert_eq!(
        count(&app, "SELECT count(*) FROM outbox"),
        with_email + with_phone
    );
}

#[test]
fn a_sender_killed_mid_pass_sends_no_email_twice_and_leaves_at_most_the_group_in_flight_unconfirmed(
) {
    let app = received_envelopes(300);
    let Some(smtp) = smtpd(app.dir.path()) else {
        return;
    };
    let emails = count(&app, "SELECT count(*) FROM outbox WHERE channel = 'email'") as usize;
    assert!(emails > 150, "{emails}");

    let log = std::fs::File::create(app.dir.path().join("first.log")).unwrap();
    let mut first = notify(&app, smtp.port)
        .stdout(log.try_clone().unwrap())
        .stderr(log)
        .spawn()
        .unwrap();
    let started = Instant::now();
    loop {
        let got: usize = received(&smtp.maildir).values().sum();
        if got >= emails / 3 {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(120),
            "only {got} e-mails arrived"
        );
        if first.try_wait().unwrap().is_some() {
            let log = std::fs::read_to_string(app.dir.path().join("first.log")).unwrap();
            panic!("the sender finished before it was killed ({got} arrived): {log}");
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    first.kill().unwrap(); // SIGKILL
    first.wait().unwrap();
    let at_kill: usize = received(&smtp.maildir).values().sum();
    assert!(at_kill < emails, "killed too late to mean anything");

    // The dead sender's lease (2 s) expires; the next pass finishes the work.
    std::thread::sleep(Duration::from_millis(2500));
    let out = notify(&app, smtp.port).output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    std::thread::sleep(Duration::from_millis(300));

    let got = received(&smtp.maildir);
    let sent = count(
        &app,
        "SELECT count(*) FROM outbox WHERE channel = 'email' AND state = 'sent'",
    );
    let unconfirmed = count(
        &app,
        "SELECT count(*) FROM outbox WHERE channel = 'email' AND state = 'unconfirmed'",
    );
    // One sender killed, one group of e-mails in its hands at most (its concurrency): handed
    // to the server, no answer recorded. Every other notice is recorded as sent.
    assert!(unconfirmed <= IN_FLIGHT, "{unconfirmed} unconfirmed");
    assert_eq!(
        (sent + unconfirmed) as usize,
        emails,
        "every e-mail notice is sent or, the group in flight, unconfirmed"
    );
    let ids = |state: &str| -> Vec<String> {
        let conn = app.raw_sql();
        let mut stmt = conn
            .prepare(
                "SELECT o.id, p.pep_id, o.kind FROM outbox o JOIN peps p ON p.id = o.pep
                  WHERE o.channel = 'email' AND o.state = ?1",
            )
            .unwrap();
        let rows = stmt.query_map([state], |r| {
            Ok(format!(
                "<notice-{}.{}.{}@ine.example>",
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?
            ))
        });
        rows.unwrap().map(Result::unwrap).collect()
    };
    let (sent_ids, unconfirmed_ids) = (ids("sent"), ids("unconfirmed"));
    for id in &sent_ids {
        assert_eq!(
            got.get(id),
            Some(&1),
            "{id}: recorded as sent, arrived once"
        );
    }
    for (id, n) in &got {
        assert!(
            sent_ids.contains(id) || unconfirmed_ids.contains(id),
            "{id} ({n}×): a message the outbox does not know or did not hand"
        );
    }
    let copies: usize = got.values().sum();
    assert_eq!(copies, got.len(), "no e-mail arrived twice: {got:?}");
    eprintln!(
        "killed with {at_kill} of {emails} arrived; unconfirmed {unconfirmed} \
         (arrived: {})",
        unconfirmed_ids.iter().any(|id| got.contains_key(id))
    );
    let providers = count(
        &app,
        "SELECT count(*) FROM outbox WHERE channel = 'email' AND provider_id IS NOT NULL",
    );
    assert_eq!(providers, sent);
}

fn sms_config(base_url: String) -> NoticeConfig {
    NoticeConfig {
        sms: Some(SmsConfig {
            base_url,
            account: "AC123".into(),
            token: "secret-token".into(),
            from: "+15005550006".into(),
        }),
        quiet_hours: None,
        ..NoticeConfig::default()
    }
}

#[test]
fn sms_go_through_a_faulty_provider_once_each_and_baja_stops_the_rest() {
    let app = received_envelopes(60);
    let phones = count(&app, "SELECT count(*) FROM outbox WHERE channel = 'sms'") as usize;
    assert!(phones > 5, "{phones}");
    let rt = tokio::runtime::Runtime::new().unwrap();
    let sim = Arc::new(SmsSim::new("AC123", "secret-token", 0.3, 9));
    let handle = rt
        .block_on(sms_sim::serve("127.0.0.1:0".parse().unwrap(), sim.clone()))
        .unwrap();
    let clock = Arc::new(SimClock::manual(Utc::now()));
    let shared: SharedClock = clock.clone();
    let sender = Sender::new(app.db.clone(), shared, sms_config(handle.base_url())).unwrap();
    for _ in 0..40 {
        rt.block_on(sender.pass()).unwrap();
        clock.advance(chrono::Duration::minutes(5));
        if count(
            &app,
            "SELECT count(*) FROM outbox WHERE channel = 'sms' AND state != 'sent'",
        ) == 0
        {
            break;
        }
    }
    let accepted = sim.accepted();
    assert!(
        sim.calls() as usize > accepted.len(),
        "faults were injected"
    );
    assert_eq!(
        accepted.len(),
        phones,
        "one SMS per notice, faults notwithstanding"
    );
    let recorded = count(
        &app,
        "SELECT count(DISTINCT provider_id) FROM outbox WHERE channel = 'sms' AND state = 'sent'",
    );
    assert_eq!(
        recorded as usize, phones,
        "the provider's id is recorded for each"
    );
    assert!(accepted
        .iter()
        .all(|m| m.body.starts_with("INE: ") && m.body.contains("BAJA")));

    // The first elector answers BAJA: opted out, audited, and nothing more is queued for them.
    let to = accepted[0].to.clone();
    let stopped = optout::by_sms(&app.db, &to, " baja ", Utc::now()).unwrap();
    assert!(!stopped.is_empty());
    assert_eq!(
        count(
            &app,
            "SELECT count(*) FROM audit_log WHERE action = 'notice.optout'"
        ),
        stopped.len() as i64
    );
    assert_eq!(
        optout::by_sms(&app.db, &to, "BAJA", Utc::now()).unwrap(),
        vec![],
        "once"
    );
    handle.stop();
}
