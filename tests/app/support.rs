//! TestApp: a temporary database with an election, the CLI binary, and a local web client.

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};
use std::sync::Arc;

use chrono::Utc;
use pep_tracker::domain::code::{CodeId, EnvelopeCode};
use pep_tracker::domain::role::Role;
use pep_tracker::ops::{self, Actor};
use pep_tracker::storage::Db;
use rocket::http::{ContentType, Status};
use rocket::local::blocking::Client;

pub const ELECTION: &str = r#"name = "PEL 2021-2022"
election_day = "2022-06-05"
polls_open = "08:00"
timezone = "America/Mexico_City"
max_electors_per_mec = 750
entities = ["01", "10", "20", "28"]
"#;

pub const PASSWORD: &str = "correct horse battery";

pub struct TestApp {
    pub dir: tempfile::TempDir,
    pub db_path: PathBuf,
    pub db: Arc<Db>,
}

impl TestApp {
    /// A database with the PEL 2021-2022 election loaded, through `init` as an operator would.
    pub fn new() -> TestApp {
        TestApp::with_election(ELECTION)
    }

    /// An election still to come (its cutoff in 2030), for reception.
    pub fn upcoming() -> TestApp {
        TestApp::with_election(&ELECTION.replace("2022-06-05", "2030-06-02"))
    }

    pub fn with_election(text: &str) -> TestApp {
        let app = TestApp::empty();
        let toml = app.write_file("election.toml", text);
        let out = app.cli(&["init", "--election", toml.to_str().unwrap()]);
        assert!(out.status.success(), "init: {}", stderr(&out));
        app
    }

    /// A temporary directory and a database path, nothing created yet.
    pub fn empty() -> TestApp {
        let dir = tempfile::tempdir().expect("temp dir");
        let db_path = dir.path().join("pep.sqlite3");
        let db = Arc::new(Db::open(&db_path).expect("open db"));
        TestApp { dir, db_path, db }
    }

    pub fn write_file(&self, name: &str, text: &str) -> PathBuf {
        let p = self.dir.path().join(name);
        std::fs::write(&p, text).expect("write file");
        p
    }

    /// Runs the CLI binary against this database.
    pub fn cli(&self, args: &[&str]) -> Output {
        self.cli_with_stdin(args, "")
    }

    pub fn cli_with_stdin(&self, args: &[&str], stdin: &str) -> Output {
        let mut child = Command::new(binary())
            .arg("--db")
            .arg(&self.db_path)
            .args(args)
            .env_remove("PEP_KEY_FILE")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("run pep-tracker");
        // A command that refuses its arguments exits before reading: a closed pipe is fine.
        let _ = child.stdin.take().unwrap().write_all(stdin.as_bytes());
        child.wait_with_output().expect("wait pep-tracker")
    }

    /// Imports `n` demo electors through the CLI.
    pub fn import_demo(&self, n: usize, seed: u64) {
        let csv = self.dir.path().join(format!("demo-{seed}.csv"));
        let out = self.cli(&[
            "demo-data",
            "--electors",
            &n.to_string(),
            "--seed",
            &seed.to_string(),
            "--out",
            csv.to_str().unwrap(),
        ]);
        assert!(out.status.success(), "demo-data: {}", stderr(&out));
        let out = self.cli(&["import-lnere", csv.to_str().unwrap()]);
        assert!(out.status.success(), "import: {}", stderr(&out));
    }

    pub fn add_user(&self, name: &str, role: Role) {
        ops::users::add_user(&self.db, name, role, PASSWORD, &Actor::system(), Utc::now())
            .expect("add user");
    }

    pub fn token(&self, name: &str, role: Role) -> String {
        ops::users::create_token(&self.db, name, role, &Actor::system(), Utc::now())
            .expect("create token")
    }

    pub fn secrets(&self) -> ops::keys::Secrets {
        ops::keys::load(&ops::keys::key_path_for(&self.db_path)).expect("key file")
    }

    pub fn client(&self) -> Client {
        Client::tracked(pep_tracker::web::build(self.db.clone(), &self.secrets())).expect("rocket")
    }

    /// The printed return-envelope code of a PEP, as the label carries it.
    pub fn code_of(&self, pep_id: &str) -> String {
        let code_id: i64 = self
            .raw_sql()
            .query_row(
                "SELECT code_id FROM peps WHERE pep_id = ?1",
                [pep_id],
                |r| r.get(0),
            )
            .expect("pep exists");
        let id = CodeId::new(code_id as u64).expect("40-bit id");
        EnvelopeCode::issue(&self.secrets().code_key, id)
            .as_str()
            .to_string()
    }

    /// The PEP ids of the first `n` active PEPs.
    pub fn pep_ids(&self, n: usize) -> Vec<String> {
        let conn = self.raw_sql();
        let mut stmt = conn
            .prepare("SELECT pep_id FROM peps WHERE voided_at IS NULL ORDER BY id LIMIT ?1")
            .unwrap();
        let rows = stmt.query_map([n as i64], |r| r.get(0)).unwrap();
        rows.map(Result::unwrap).collect()
    }

    /// Opens the raw SQLite file, as an intruder with shell access would.
    pub fn raw_sql(&self) -> rusqlite::Connection {
        rusqlite::Connection::open(&self.db_path).expect("raw open")
    }
}

/// The `pep-tracker` binary built beside this test binary (`target/<profile>/deps/app-*` →
/// `target/<profile>/pep-tracker`), found at run time so that a shared or moved target
/// directory never runs a stale copy.
pub fn binary() -> PathBuf {
    let exe = std::env::current_exe().expect("test binary path");
    let dir = exe
        .parent()
        .and_then(|d| d.parent())
        .expect("target/<profile>");
    let bin = dir.join("pep-tracker");
    assert!(
        bin.exists(),
        "{} missing: cargo builds it for integration tests",
        bin.display()
    );
    bin
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// The CSRF token the login page put in its form (and its cookie in the client's jar).
pub fn csrf_from(body: &str) -> String {
    let start = body.find("name=\"csrf\" value=\"").expect("csrf field") + 19;
    body[start..start + body[start..].find('"').unwrap()].to_string()
}

/// Signs in through the login form; returns the CSRF token for later forms.
pub fn login(client: &Client, name: &str, password: &str) -> (Status, String) {
    let (status, _, csrf) = login_to(client, name, password, "/");
    (status, csrf)
}

/// Signs in asking to go to `next`; returns the status, the redirect and the CSRF token.
pub fn login_to(
    client: &Client,
    name: &str,
    password: &str,
    next: &str,
) -> (Status, Option<String>, String) {
    let page = client.get("/login").dispatch().into_string().unwrap();
    let csrf = csrf_from(&page);
    let resp = client
        .post("/login")
        .header(ContentType::Form)
        .body(format!(
            "name={name}&password={}&csrf={csrf}&next={next}",
            password.replace(' ', "+")
        ))
        .dispatch();
    let location = resp.headers().get_one("Location").map(str::to_string);
    (resp.status(), location, csrf)
}
