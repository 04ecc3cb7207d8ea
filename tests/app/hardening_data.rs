//! Issue 11 hardening of stored data: owner-only files whatever the umask, free text without
//! invisible or bidi characters, and names in Spanish order.

use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::Command;

use chrono::Utc;
use pep_tracker::domain::role::Role;
use pep_tracker::ops::{self, Actor};
use rocket::http::{ContentType, Header};

use crate::support::{binary, stderr, stdout, TestApp, ELECTION};

const RETURN_ADDRESS: &str = r#"
[return_address]
name = "Instituto Nacional Electoral (VMRE)"
line1 = "Viaducto Tlalpan 100"
city = "Tlalpan, Ciudad de México"
region = "CDMX"
postal_code = "14610"
country = "MX"
"#;

fn mode(p: &Path) -> u32 {
    std::fs::metadata(p)
        .unwrap_or_else(|e| panic!("{}: {e}", p.display()))
        .permissions()
        .mode()
        & 0o777
}

/// Runs the CLI under `umask 000` (every file it creates would be world-writable by default).
fn cli_umask_000(db: &Path, args: &[&str]) -> std::process::Output {
    let mut script = String::from("umask 000 && exec \"$0\" --db \"$1\"");
    for i in 0..args.len() {
        script.push_str(&format!(" \"${}\"", i + 2));
    }
    Command::new("sh")
        .arg("-c")
        .arg(script)
        .arg(binary())
        .arg(db)
        .args(args)
        .env_remove("PEP_KEY_FILE")
        .output()
        .expect("run pep-tracker under sh")
}

#[test]
fn database_wal_backups_key_and_documents_are_owner_only_whatever_the_umask() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("datos/pep.sqlite3");
    let election = dir.path().join("election.toml");
    std::fs::write(&election, format!("{ELECTION}{RETURN_ADDRESS}")).unwrap();
    let run = |args: &[&str]| {
        let out = cli_umask_000(&db, args);
        assert!(out.status.success(), "{args:?}: {}", stderr(&out));
        stdout(&out)
    };
    run(&["init", "--election", election.to_str().unwrap()]);
    let csv = dir.path().join("demo.csv");
    run(&[
        "demo-data",
        "--electors",
        "6",
        "--seed",
        "5",
        "--out",
        csv.to_str().unwrap(),
    ]);
    run(&["import-lnere", csv.to_str().unwrap()]);
    let batch = run(&["batch", "create", "--name", "Lote 1"]);
    let docs = dir.path().join("impresos/lote-1");
    run(&[
        "batch",
        "documents",
        batch.trim(),
        "--out",
        docs.to_str().unwrap(),
    ]);
    let backup = dir.path().join("respaldo.sqlite3");
    run(&["backup", backup.to_str().unwrap()]);

    assert_eq!(mode(db.parent().unwrap()), 0o700, "database directory");
    assert_eq!(mode(&db), 0o600, "database");
    assert_eq!(
        mode(&dir.path().join("datos/pep.sqlite3.key")),
        0o600,
        "key file"
    );
    assert_eq!(mode(&backup), 0o600, "backup");
    assert_eq!(mode(&docs), 0o700, "documents directory");
    assert_eq!(mode(docs.parent().unwrap()), 0o700, "its parent");
    for f in ["manifest.pdf", "labels.pdf", "courier.csv"] {
        assert_eq!(mode(&docs.join(f)), 0o600, "{f}");
    }
    // The write-ahead log and shared memory take the database's mode.
    let conn = rusqlite::Connection::open(&db).unwrap();
    conn.pragma_update(None, "journal_mode", "WAL").unwrap();
    conn.execute("CREATE TABLE IF NOT EXISTS t_probe (x)", [])
        .unwrap();
    for f in ["pep.sqlite3-wal", "pep.sqlite3-shm"] {
        assert_eq!(mode(&dir.path().join("datos").join(f)), 0o600, "{f}");
    }
}

#[test]
fn station_and_batch_names_and_reasons_refuse_bidi_and_invisible_characters() {
    let app = TestApp::new();
    app.import_demo(5, 6);
    let now = Utc::now();
    for evil in [
        "Mesa\u{202E}1",
        "Mesa\u{2066}1",
        "Mesa\u{200B}1",
        "Mesa\u{7}1",
    ] {
        let err = ops::checkin::Station::new(evil, "ana").unwrap_err();
        assert!(err.to_string().contains("station"), "{err}");
        let spec = ops::batches::NewBatch {
            name: evil,
            ..Default::default()
        };
        assert!(ops::batches::create(&app.db, &spec, &Actor::system(), now).is_err());
        let pep = pep_tracker::domain::pep::PepId::parse(&app.pep_ids(1)[0]).unwrap();
        let reason = format!("motivo {evil} largo");
        assert!(
            ops::reissue::reissue(&app.db, &pep, &reason, None, &Actor::system(), now).is_err()
        );
        assert!(ops::election_cutoff::change_cutoff(
            &app.db,
            "2022-06-05T08:00",
            &reason,
            &Actor::system(),
            now
        )
        .is_err());
    }
    assert!(ops::checkin::Station::new("Mesa 1 — Recepción", "ana").is_ok());
    // Nothing was stored.
    let voided: i64 = app
        .raw_sql()
        .query_row(
            "SELECT count(*) FROM peps WHERE voided_at IS NOT NULL",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(voided, 0);
}

#[test]
fn the_scan_station_refuses_a_station_name_with_a_right_to_left_override() {
    let app = TestApp::upcoming();
    app.import_demo(3, 9);
    let token = app.token("estacion", Role::Reception);
    let client = app.client();
    let code = app.code_of(&app.pep_ids(1)[0]);
    let resp = client
        .post("/api/v1/checkins")
        .header(ContentType::JSON)
        .header(Header::new("Authorization", format!("Bearer {token}")))
        .body(format!(r#"{{"code":"{code}","station":"Mesa\u202e1"}}"#))
        .dispatch();
    assert!(resp.status().class().is_client_error(), "{}", resp.status());
    let scans: i64 = app
        .raw_sql()
        .query_row("SELECT count(*) FROM checkins", [], |r| r.get(0))
        .unwrap();
    assert_eq!(scans, 0);
}

#[test]
fn the_lnere_import_refuses_a_name_with_a_bidi_override() {
    let app = TestApp::new();
    let csv = app.dir.path().join("demo.csv");
    let out = app.cli(&[
        "demo-data",
        "--electors",
        "3",
        "--seed",
        "2",
        "--out",
        csv.to_str().unwrap(),
    ]);
    assert!(out.status.success());
    let text = std::fs::read_to_string(&csv).unwrap();
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    let mut fields: Vec<String> = lines[1].split(',').map(str::to_string).collect();
    fields[2] = "GARC\u{202E}IA".to_string();
    lines[1] = fields.join(",");
    std::fs::write(&csv, lines.join("\n") + "\n").unwrap();
    let out = app.cli(&["import-lnere", csv.to_str().unwrap()]);
    assert!(!out.status.success());
    assert!(stderr(&out).contains("U+202E"), "{}", stderr(&out));
}

#[test]
fn mec_lists_order_names_in_spanish_not_by_bytes() {
    let app = TestApp::new();
    app.import_demo(8, 12);
    let names = [
        "Zamora",
        "AGUILAR",
        "Díaz",
        "Acosta",
        "Diaz",
        "Ávila",
        "DIAZ",
        "Dominguez",
    ];
    let conn = app.raw_sql();
    let ids: Vec<i64> = {
        let mut stmt = conn.prepare("SELECT id FROM electors ORDER BY id").unwrap();
        let rows = stmt.query_map([], |r| r.get(0)).unwrap();
        rows.map(Result::unwrap).collect()
    };
    for (id, name) in ids.iter().zip(names) {
        conn.execute(
            "UPDATE electors SET paternal_surname = ?1, maternal_surname = 'Pérez', given_names = 'Ana' WHERE id = ?2",
            rusqlite::params![name, id],
        )
        .unwrap();
        conn.execute(
            "INSERT OR REPLACE INTO mec_assignments (elector_id, entity, mec) VALUES (?1, '20', 1)",
            [id],
        )
        .unwrap();
    }
    let list = app
        .db
        .read(|c| {
            pep_tracker::storage::tallies::mec_electors(
                c,
                "20",
                1,
                &pep_tracker::domain::scope::Scope::National,
            )
        })
        .unwrap();
    let surnames: Vec<&str> = list
        .iter()
        .map(|e| e.name.split(' ').next().unwrap())
        .collect();
    assert_eq!(
        surnames,
        [
            "Acosta",
            "AGUILAR",
            "Ávila",
            "Diaz",
            "DIAZ",
            "Díaz",
            "Dominguez",
            "Zamora"
        ]
    );
}
