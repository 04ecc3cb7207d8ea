//! Import benchmark: 2,000,000 demo LNERE rows through `import-lnere`'s code path, beside a
//! bare rusqlite insert loop of the same rows into the same schema, in the same run.
//!
//! Run: `cargo bench --bench import` (optionally `-- ROWS`). Prints rows/s, the ratio to the
//! bare loop, and the peak RSS of each phase (VmHWM, reset between phases).

#![allow(clippy::unwrap_used)] // a benchmark: a failed unwrap is a failed run

#[path = "support.rs"]
mod support;
use support::{peak_rss_mb, reset_peak_rss};

use std::fs::File;
use std::io::{BufReader, BufWriter, Write};
use std::path::Path;
use std::time::Instant;

use chrono::Utc;
use pep_tracker::ops::demo_data::{write_demo_csv, DemoSpec};
use pep_tracker::ops::import::{import_lnere, Observer};
use pep_tracker::ops::Actor;
use pep_tracker::storage::Db;

/// A new database with its key file (the audit chain needs its key) and the bench election.
fn fresh_db(dir: &Path, name: &str) -> Db {
    support::fresh_db(&dir.join(name)).0
}

/// The baseline: read the same CSV and insert every field as text, one transaction, no checks.
fn bare_loop(csv: &Path, db_path: &Path) -> u64 {
    let mut conn = rusqlite::Connection::open(db_path).expect("open");
    conn.pragma_update(None, "journal_mode", "WAL").unwrap();
    conn.pragma_update(None, "synchronous", "FULL").unwrap();
    let tx = conn.transaction().unwrap();
    tx.execute(
        "INSERT INTO imports (file_name, file_sha256, rows, imported_at, actor) VALUES ('b', '', 0, '', '')",
        [],
    )
    .unwrap();
    let mut rows = 0u64;
    {
        let mut stmt = tx
            .prepare(
                "INSERT INTO electors (elector_key, given_names, paternal_surname, maternal_surname,
                   entity, address_line1, address_line2, city, region, postal_code, country,
                   email, phone, import_id, source_line)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, 1, ?14)",
            )
            .unwrap();
        let mut rdr = csv::Reader::from_reader(BufReader::new(File::open(csv).unwrap()));
        let mut rec = csv::StringRecord::new();
        while rdr.read_record(&mut rec).unwrap() {
            rows += 1;
            let f: Vec<&str> = rec.iter().collect();
            stmt.execute(rusqlite::params![
                f[0],
                f[1],
                f[2],
                f[3],
                f[4],
                f[5],
                f[6],
                f[7],
                f[8],
                f[9],
                f[10],
                f[11],
                f[12],
                rows as i64
            ])
            .unwrap();
        }
    }
    tx.commit().unwrap();
    rows
}

fn main() {
    let n: usize = std::env::args()
        .skip(1)
        .find_map(|a| a.parse().ok())
        .unwrap_or(2_000_000);
    let dir = tempfile::tempdir_in(".").expect("temp dir");
    let csv = dir.path().join("lnere.csv");
    let t = Instant::now();
    {
        let mut out = BufWriter::with_capacity(1 << 16, File::create(&csv).unwrap());
        let spec = DemoSpec {
            electors: n,
            seed: 2018,
            entities: Vec::new(),
        };
        write_demo_csv(&spec, &mut out).unwrap();
        out.flush().unwrap();
    }
    let size = std::fs::metadata(&csv).unwrap().len();
    println!(
        "demo-data: {n} rows, {:.0} MB in {:.2} s",
        size as f64 / 1e6,
        t.elapsed().as_secs_f64()
    );

    // Baseline first, on its own fresh database with the same schema.
    drop(fresh_db(dir.path(), "bare.sqlite3"));
    reset_peak_rss();
    let t = Instant::now();
    let bare_rows = bare_loop(&csv, &dir.path().join("bare.sqlite3"));
    let bare_s = t.elapsed().as_secs_f64();
    let bare_rss = peak_rss_mb();
    std::fs::remove_file(dir.path().join("bare.sqlite3")).ok();

    let db = fresh_db(dir.path(), "import.sqlite3");
    reset_peak_rss();
    let t = Instant::now();
    let report = import_lnere(
        &db,
        File::open(&csv).unwrap(),
        "lnere.csv",
        &Actor::system(),
        Utc::now(),
        Observer {
            progress: &mut |_| {},
            error: &mut |e| panic!("{e}"),
        },
    )
    .expect("import");
    let imp_s = t.elapsed().as_secs_f64();
    let imp_rss = peak_rss_mb();
    assert_eq!(report.rows as u64, bare_rows);

    let bare_rate = bare_rows as f64 / bare_s;
    let imp_rate = report.rows as f64 / imp_s;
    println!("bare rusqlite loop: {bare_rows} rows in {bare_s:.2} s = {bare_rate:.0} rows/s, peak RSS {bare_rss:.0} MB");
    println!("import-lnere:       {} rows in {imp_s:.2} s = {imp_rate:.0} rows/s, peak RSS {imp_rss:.0} MB", report.rows);
    println!(
        "ratio import/bare: {:.2} (target >= 0.50); import peak RSS {imp_rss:.0} MB (target <= 300 MB)",
        imp_rate / bare_rate
    );
}
