//! The command line: init, users, tokens, backup, demo data.

use pep_tracker::domain::role::Role;

use crate::support::{stderr, stdout, TestApp, ELECTION};

#[test]
fn init_refuses_a_wrong_election_file_naming_field_and_reason_and_creates_nothing() {
    let app = TestApp::empty();
    std::fs::remove_file(&app.db_path).unwrap();
    let bad = app.write_file(
        "bad.toml",
        &ELECTION.replace("America/Mexico_City", "Mars/Olympus"),
    );
    let out = app.cli(&["init", "--election", bad.to_str().unwrap()]);
    assert!(!out.status.success());
    assert!(stderr(&out).contains("timezone:"), "{}", stderr(&out));
    assert!(!app.dir.path().join("pep.sqlite3.key").exists());
}

#[test]
fn init_creates_a_private_key_file_and_reports_the_cutoff_in_local_time() {
    let app = TestApp::new();
    let key = app.dir.path().join("pep.sqlite3.key");
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(&key).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o600);
    let toml = app.write_file("again.toml", ELECTION);
    let out = app.cli(&["init", "--election", toml.to_str().unwrap()]);
    assert!(out.status.success());
    assert!(
        stderr(&out).contains("2022-06-04 08:00 CDT"),
        "{}",
        stderr(&out)
    );
    assert!(stderr(&out).contains("sin cambios"));
}

#[test]
fn init_refuses_to_turn_a_database_into_another_election() {
    let app = TestApp::new();
    let other = app.write_file("other.toml", &ELECTION.replace("PEL 2021-2022", "PEF 2024"));
    let out = app.cli(&["init", "--election", other.to_str().unwrap()]);
    assert!(!out.status.success());
    assert!(stderr(&out).contains("name:"), "{}", stderr(&out));
}

#[test]
fn a_cutoff_change_through_init_is_audited() {
    let app = TestApp::new();
    let later = app.write_file(
        "later.toml",
        &format!("{ELECTION}receipt_cutoff = \"2022-06-04T18:00\"\n"),
    );
    let out = app.cli(&["init", "--election", later.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    let n: i64 = app
        .raw_sql()
        .query_row(
            "SELECT count(*) FROM audit_log WHERE action = 'election.update' AND detail LIKE '%2022-06-04T18:00%'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(n, 1);
}

#[test]
fn user_add_reads_the_password_from_stdin_and_refuses_short_ones() {
    let app = TestApp::new();
    let out = app.cli_with_stdin(
        &["user", "add", "--name", "ana", "--role", "reception"],
        "short\n",
    );
    assert!(!out.status.success());
    assert!(stderr(&out).contains("password"));
    let out = app.cli_with_stdin(
        &["user", "add", "--name", "ana", "--role", "reception"],
        "a long enough password\n",
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let hash: String = app
        .raw_sql()
        .query_row(
            "SELECT password_hash FROM users WHERE name = 'ana'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert!(hash.starts_with("$argon2id$"), "{hash}");
    let out = app.cli_with_stdin(
        &["user", "add", "--name", "bob", "--role", "root"],
        "a long enough password\n",
    );
    assert!(!out.status.success());
}

#[test]
fn token_create_prints_the_token_alone_once_and_stores_only_its_hash() {
    let app = TestApp::new();
    let out = app.cli(&["token", "create", "--name", "poller", "--role", "sync"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let token = stdout(&out);
    let token = token.trim_end();
    assert!(token.starts_with("pep_") && !token.contains(char::is_whitespace));
    let stored: String = app
        .raw_sql()
        .query_row(
            "SELECT token_hash FROM tokens WHERE name = 'poller'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_ne!(stored, token);
    assert!(!stored.contains(&token[4..]));
    let again = app.cli(&["token", "create", "--name", "poller", "--role", "sync"]);
    assert!(!again.status.success());
}

#[test]
fn backup_writes_a_consistent_copy_that_verifies_and_never_overwrites() {
    let app = TestApp::new();
    app.import_demo(30, 5);
    let dest = app.dir.path().join("copy.sqlite3");
    let out = app.cli(&["backup", dest.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    let copy = rusqlite::Connection::open(&dest).unwrap();
    let n: i64 = copy
        .query_row("SELECT count(*) FROM electors", [], |r| r.get(0))
        .unwrap();
    assert_eq!(n, 30);
    let out = app.cli(&["backup", dest.to_str().unwrap()]);
    assert!(!out.status.success());
}

#[test]
fn commands_on_a_missing_database_say_how_to_create_it() {
    let app = TestApp::empty();
    let out = std::process::Command::new(crate::support::binary())
        .args([
            "--db",
            app.dir.path().join("none.sqlite3").to_str().unwrap(),
            "audit",
            "verify",
        ])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(stderr(&out).contains("init"), "{}", stderr(&out));
}

#[test]
fn demo_data_is_deterministic_per_seed() {
    let app = TestApp::empty();
    let run = |seed: &str| stdout(&app.cli(&["demo-data", "--electors", "200", "--seed", seed]));
    assert_eq!(run("4"), run("4"));
    assert_ne!(run("4"), run("5"));
    assert_eq!(run("4").lines().count(), 201);
}

#[test]
fn the_demo_seeds_an_upcoming_election_with_the_pel_list_one_account_per_role_and_an_opl_board() {
    use pep_tracker::ops::{demo, keys};
    let app = TestApp::empty();
    // As `serve --demo` does: the key file first (the audit chain is keyed by it).
    keys::load_or_create(&keys::key_path_for(&app.db_path)).unwrap();
    let now = chrono::Utc::now();
    assert!(demo::seed_if_empty(&app.db, now).unwrap());
    assert!(
        !demo::seed_if_empty(&app.db, now).unwrap(),
        "seeds only an empty database"
    );
    let e = pep_tracker::ops::election::current(&app.db).unwrap();
    assert!(e.receipt_cutoff > now, "reception is open in the demo");
    let n: i64 = app
        .raw_sql()
        .query_row("SELECT count(*) FROM electors", [], |r| r.get(0))
        .unwrap();
    assert_eq!(n as usize, demo::DEMO_ELECTORS);
    let creds = demo::reset_demo_users(&app.db, now).unwrap();
    assert_eq!(creds.len(), 6);
    for role in Role::ALL {
        assert!(creds.iter().any(|c| c.1 == role), "{role}");
    }
    let scopes: Vec<(String, Option<String>)> = {
        let conn = app.raw_sql();
        let mut stmt = conn
            .prepare("SELECT name, scope FROM users ORDER BY name")
            .unwrap();
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?))).unwrap();
        rows.map(Result::unwrap).collect()
    };
    assert!(scopes.contains(&("opl-oaxaca".into(), Some("20".into()))));
    assert_eq!(scopes.iter().filter(|s| s.1.is_some()).count(), 1);
    let again = demo::reset_demo_users(&app.db, now).unwrap();
    assert_ne!(creds[0].2, again[0].2, "fresh passwords on every start");
}

#[test]
fn the_examples_in_the_repository_are_accepted_by_init_and_import_lnere() {
    let examples = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples");
    let election = examples.join("election.toml");
    let list = examples.join("lnere-small.csv");
    let app = TestApp::empty();
    let out = app.cli(&["init", "--election", election.to_str().unwrap()]);
    assert!(out.status.success(), "init: {}", stderr(&out));
    assert!(stderr(&out).contains("cargada"), "{}", stderr(&out));
    let rows = std::fs::read_to_string(&list).unwrap().lines().count() - 1;
    assert!(rows >= 5, "a handful of electors: {rows}");
    let out = app.cli(&["import-lnere", list.to_str().unwrap()]);
    assert!(out.status.success(), "import-lnere: {}", stderr(&out));
    assert_eq!(stdout(&out).trim(), rows.to_string());
    let conn = app.raw_sql();
    let count =
        |sql: &str| -> usize { conn.query_row(sql, [], |r| r.get::<_, i64>(0)).unwrap() as usize };
    assert_eq!(count("SELECT count(*) FROM peps"), rows);
    assert_eq!(count("SELECT count(*) FROM mec_assignments"), rows);
}
