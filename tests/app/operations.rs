//! Running it for real: checked backups taken while stations scan, restore that refuses a
//! copy failing its checks, and the purge of personal data that leaves no trace in the files.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use chrono::Utc;
use pep_tracker::ops::backups::{self, BackupPolicy};
use pep_tracker::ops::checkin::{check_in_all, Station};
use pep_tracker::ops::{self, Actor};

use crate::support::{stderr, stdout, TestApp};

fn restore(app: &TestApp, copy: &Path, extra: &[&str]) -> std::process::Output {
    let mut args = vec!["restore", copy.to_str().unwrap()];
    args.extend_from_slice(extra);
    app.cli(&args)
}

fn checked_in(path: &Path) -> BTreeSet<String> {
    let conn = rusqlite::Connection::open(path).unwrap();
    let mut stmt = conn
        .prepare("SELECT p.pep_id FROM checkins c JOIN peps p ON p.id = c.pep")
        .unwrap();
    let rows = stmt.query_map([], |r| r.get(0)).unwrap();
    rows.map(Result::unwrap).collect()
}

/// What the stations did: scans begun (before the call) and acknowledged (after it).
#[derive(Default)]
struct Log {
    begun: Mutex<Vec<String>>,
    acked: Mutex<Vec<String>>,
}

fn set_of(list: &Mutex<Vec<String>>) -> BTreeSet<String> {
    list.lock().unwrap().iter().cloned().collect()
}

/// 16 stations scan distinct envelopes, one at a time, noting each scan begun and acknowledged.
fn scan_in_background(
    app: &TestApp,
    stop: Arc<AtomicBool>,
    log: Arc<Log>,
) -> Vec<std::thread::JoinHandle<()>> {
    let peps = app.pep_ids(1600);
    let key = app.secrets().code_key;
    (0..16)
        .map(|s| {
            let mine: Vec<(String, String)> = peps
                .iter()
                .skip(s)
                .step_by(16)
                .map(|p| (p.clone(), app.code_of(p)))
                .collect();
            let (db, stop, log) = (app.db.clone(), stop.clone(), log.clone());
            std::thread::spawn(move || {
                let who = Station::new(&format!("mesa-{s}"), "user:ana").unwrap();
                for (pep, code) in mine {
                    if stop.load(Ordering::Relaxed) {
                        break;
                    }
                    log.begun.lock().unwrap().push(pep.clone());
                    check_in_all(&db, &key, &[code.as_str()], &who, Utc::now).unwrap();
                    log.acked.lock().unwrap().push(pep);
                }
            })
        })
        .collect()
}

#[test]
fn a_backup_taken_while_sixteen_stations_scan_restores_what_was_acknowledged() {
    let app = TestApp::upcoming();
    app.import_demo(1600, 21);
    let stop = Arc::new(AtomicBool::new(false));
    let log = Arc::new(Log::default());
    let stations = scan_in_background(&app, stop.clone(), log.clone());
    while log.acked.lock().unwrap().len() < 200 {
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    let before = set_of(&log.acked);
    let copy = app.dir.path().join("during-scans.sqlite3");
    ops::audit::backup(&app.db, &copy, &Actor::system(), Utc::now()).unwrap();
    let after = set_of(&log.begun);
    std::thread::sleep(std::time::Duration::from_millis(100));
    stop.store(true, Ordering::Relaxed);
    stations.into_iter().for_each(|t| t.join().unwrap());
    let everything = checked_in(&app.db_path);
    assert!(
        everything.len() > after.len(),
        "scans went on after the copy"
    );

    let out = restore(&app, &copy, &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    let restored = checked_in(&app.db_path);
    assert!(
        restored.is_superset(&before),
        "every check-in acknowledged before the copy"
    );
    assert!(
        restored.is_subset(&after),
        "nothing begun after the copy ended"
    );
    let out = app.cli(&["audit", "verify"]);
    assert!(out.status.success(), "{}{}", stdout(&out), stderr(&out));
    let kept = PathBuf::from(format!("{}.replaced-", app.db_path.display()));
    let aside = std::fs::read_dir(app.dir.path()).unwrap().any(|e| {
        let p = e.unwrap().path();
        p.to_str().unwrap().starts_with(kept.to_str().unwrap())
    });
    assert!(aside, "the replaced database is kept aside");
}

#[test]
fn restore_refuses_a_copy_with_a_broken_chain_or_without_the_published_checkpoint() {
    let app = crate::audit_chain::app_with_checkins();
    let old = app.dir.path().join("old.sqlite3");
    ops::audit::backup(&app.db, &old, &Actor::system(), Utc::now()).unwrap();
    // A copy an intruder edited: refused, and the database is left as it was.
    let edited = app.dir.path().join("edited.sqlite3");
    std::fs::copy(&old, &edited).unwrap();
    let conn = rusqlite::Connection::open(&edited).unwrap();
    conn.execute(
        "UPDATE audit_log SET detail = detail || ' ' WHERE seq = 2",
        [],
    )
    .unwrap();
    drop(conn);
    let head_before = checked_in(&app.db_path);
    let out = restore(&app, &edited, &[]);
    assert!(!out.status.success());
    assert!(
        stderr(&out).contains("bitácora alterada"),
        "{}",
        stderr(&out)
    );
    assert_eq!(checked_in(&app.db_path), head_before);

    // A checkpoint published after the copy: the copy does not hold it.
    crate::audit_chain::check_in_first(&app, 6, "mesa-2");
    let out = app.cli(&["audit", "checkpoint"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let cp = app.write_file("cp.toml", &stdout(&out));
    let out = restore(&app, &old, &[]);
    assert!(!out.status.success(), "recorded checkpoint enforced");
    assert!(
        stderr(&out).contains("punto de control"),
        "{}",
        stderr(&out)
    );
    let out = restore(&app, &old, &["--checkpoint", cp.to_str().unwrap()]);
    assert!(!out.status.success(), "given checkpoint enforced");
    // A copy taken after the checkpoint holds it and is restored.
    let fresh = app.dir.path().join("fresh.sqlite3");
    ops::audit::backup(&app.db, &fresh, &Actor::system(), Utc::now()).unwrap();
    let out = restore(&app, &fresh, &["--checkpoint", cp.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(checked_in(&app.db_path).len(), 6);
}

#[test]
fn scheduled_backups_are_checked_and_only_the_newest_are_kept() {
    let app = crate::audit_chain::app_with_checkins();
    let policy = BackupPolicy {
        dir: app.dir.path().join("copias"),
        every: std::time::Duration::from_secs(60),
        keep: 2,
    };
    let t0 = Utc::now();
    let mut taken = Vec::new();
    for i in 0..3 {
        let now = t0 + chrono::Duration::minutes(i);
        let t = backups::take_scheduled(&app.db, &policy, &Actor::system(), now).unwrap();
        assert!(t.records > 0);
        taken.push(t.path);
    }
    let left: BTreeSet<PathBuf> = std::fs::read_dir(&policy.dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(left, taken[1..].iter().cloned().collect());
    let key = app.secrets();
    let n = backups::check_copy(&taken[2], &key.audit_key, None).unwrap();
    assert!(n >= 3);
}

/// Surnames and streets of the fixture's list, as stored and as the name index folds them.
fn personal_words(csv: &Path) -> Vec<String> {
    let mut reader = csv::Reader::from_path(csv).unwrap();
    let mut words = BTreeSet::new();
    for row in reader.records() {
        let row = row.unwrap();
        for field in [2, 5] {
            for w in row[field]
                .split_whitespace()
                .filter(|w| w.chars().count() >= 6)
            {
                words.insert(w.to_string());
                words.insert(fold(w));
            }
        }
    }
    words.into_iter().collect()
}

fn fold(w: &str) -> String {
    w.to_lowercase()
        .chars()
        .map(|c| match c {
            'á' | 'à' | 'ä' => 'a',
            'é' | 'è' | 'ë' => 'e',
            'í' | 'ï' => 'i',
            'ó' | 'ö' => 'o',
            'ú' | 'ü' => 'u',
            'ñ' => 'n',
            other => other,
        })
        .collect()
}

fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.extend(files_under(&p));
        } else {
            out.push(p);
        }
    }
    out
}

fn found(words: &[String], files: &[PathBuf]) -> Vec<String> {
    let mut hits = Vec::new();
    for f in files {
        let bytes = std::fs::read(f).unwrap();
        for w in words {
            if bytes.windows(w.len()).any(|win| win == w.as_bytes()) {
                hits.push(format!("{}: {w}", f.display()));
            }
        }
    }
    hits
}

#[test]
fn purging_personal_data_leaves_no_surname_or_street_in_any_file_of_the_database() {
    let election = format!(
        "{}{}",
        crate::support::ELECTION,
        crate::documents::RETURN_ADDRESS
    );
    let app = TestApp::with_election(&election);
    app.import_demo(300, 17);
    let out = app.cli(&["batch", "create", "--name", "Lote 1"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let docs = app.db_path.with_extension("docs").join("lote-1");
    let out = app.cli(&["batch", "documents", "1", "--out", docs.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    let words = personal_words(&app.dir.path().join("demo-17.csv"));
    assert!(words.len() > 100, "{} words", words.len());
    let db_files = |app: &TestApp| -> Vec<PathBuf> {
        std::fs::read_dir(app.dir.path())
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.to_str().unwrap().contains("pep.sqlite3"))
            .flat_map(|p| if p.is_dir() { files_under(&p) } else { vec![p] })
            .collect()
    };
    assert!(
        !found(&words, &db_files(&app)).is_empty(),
        "the fixture is there first"
    );

    let out = app.cli(&["purge", "--personal-data"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stdout(&out).starts_with("purged 300 electors"),
        "{}",
        stdout(&out)
    );
    let hits = found(&words, &db_files(&app));
    assert!(
        hits.is_empty(),
        "{} traces, e.g. {:?}",
        hits.len(),
        &hits[..hits.len().min(5)]
    );
    let out = app.cli(&["audit", "verify"]);
    assert!(
        out.status.success(),
        "chain still verifies: {}",
        stderr(&out)
    );
    let counts: i64 = app
        .raw_sql()
        .query_row(
            "SELECT count(*) FROM electors WHERE entity <> ''",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(
        counts, 300,
        "the electors and their entities stay for the reports"
    );
}

#[test]
fn purge_is_refused_before_the_purge_date_and_changes_nothing() {
    let app = TestApp::upcoming();
    app.import_demo(20, 5);
    let out = app.cli(&["purge", "--personal-data"]);
    assert!(!out.status.success());
    assert!(stderr(&out).contains("2030-08-01"), "{}", stderr(&out));
    let named: i64 = app
        .raw_sql()
        .query_row(
            "SELECT count(*) FROM electors WHERE given_names <> ''",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(named, 20);
}
