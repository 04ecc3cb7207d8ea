//! A headless Chromium session over WebDriver beside a `pep-tracker serve` process that a
//! test can stop and start again on the same port and database: the harness of the station
//! and accessibility tests in a real browser.

use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

use crate::browser::{free_port, tools, wait_for_port, Browser, Killed};
use crate::support::TestApp;

const ARGS: [&str; 10] = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--window-size=1280,900",
    "--autoplay-policy=no-user-gesture-required",
];

/// The server binary: `PEP_TEST_SERVER_BIN` when set (a copy kept apart from a target
/// directory shared with other checkouts), else the one built beside the tests.
fn server_binary() -> PathBuf {
    std::env::var_os("PEP_TEST_SERVER_BIN").map_or_else(crate::support::binary, PathBuf::from)
}

pub(crate) struct Kit {
    pub(crate) b: Browser,
    pub(crate) s: String,
    pub(crate) site: String,
    chromium: String,
    extra: Vec<String>,
    port: u16,
    db: PathBuf,
    server: Option<Killed>,
    _driver: Killed,
}

impl Kit {
    /// The server over `app`'s database and a browser session, or None when chromium is not
    /// installed outside CI. `extra`: more Chromium flags (a fake camera).
    pub(crate) fn start(app: &TestApp, extra: &[String]) -> Option<Kit> {
        let Some((chromium, chromedriver)) = tools() else {
            eprintln!("skipped: chromium/chromedriver not installed");
            return None;
        };
        let dport = free_port();
        let driver = Killed(
            Command::new(chromedriver)
                .arg(format!("--port={dport}"))
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .unwrap(),
        );
        let port = free_port();
        let mut kit = Kit {
            b: Browser {
                http: reqwest::Client::new(),
                rt: tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .unwrap(),
                base: format!("http://127.0.0.1:{dport}"),
            },
            s: String::new(),
            site: format!("http://127.0.0.1:{port}"),
            chromium,
            extra: extra.to_vec(),
            port,
            db: app.db_path.clone(),
            server: None,
            _driver: driver,
        };
        kit.start_server();
        wait_for_port(dport, "chromedriver");
        kit.new_session();
        Some(kit)
    }

    /// A fresh browser session (no cookies), replacing the current one.
    pub(crate) fn new_session(&mut self) {
        if !self.s.is_empty() {
            self.b.call(
                reqwest::Method::DELETE,
                &format!("/session/{}", self.s),
                json!({}),
            );
        }
        let mut args: Vec<String> = ARGS.iter().map(|a| a.to_string()).collect();
        args.extend(self.extra.iter().cloned());
        let caps = json!({"capabilities": {"alwaysMatch": {"browserName": "chrome",
            "goog:chromeOptions": {"binary": self.chromium, "args": args}}}});
        self.s = self.b.post("/session", caps)["sessionId"]
            .as_str()
            .expect("webdriver session")
            .to_string();
        self.b.post(
            &format!("/session/{}/timeouts", self.s),
            json!({"script": 120_000}),
        );
    }

    pub(crate) fn start_server(&mut self) {
        assert!(self.server.is_none(), "server already running");
        self.server = Some(Killed(
            Command::new(server_binary())
                .args(["--db", self.db.to_str().unwrap(), "serve"])
                .env("ROCKET_PORT", self.port.to_string())
                .env("ROCKET_LOG_LEVEL", "off")
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .unwrap(),
        ));
        wait_for_port(self.port, "pep-tracker");
    }

    /// Kills the server (as a network cut looks to the browser) and waits until the port is
    /// closed.
    pub(crate) fn stop_server(&mut self) {
        drop(self.server.take());
        let deadline = Instant::now() + Duration::from_secs(10);
        while std::net::TcpStream::connect(("127.0.0.1", self.port)).is_ok() {
            assert!(Instant::now() < deadline, "server did not stop");
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    pub(crate) fn go(&self, path: &str) {
        self.b.post(
            &format!("/session/{}/url", self.s),
            json!({"url": format!("{}{path}", self.site)}),
        );
    }

    pub(crate) fn login(&self, user: &str) {
        self.b.login(&self.s, &self.site, user);
    }

    /// Runs `script` (a function body; `arguments` are `args`) in the page.
    pub(crate) fn exec(&self, script: &str, args: Value) -> Value {
        self.b.post(
            &format!("/session/{}/execute/sync", self.s),
            json!({"script": script, "args": args}),
        )
    }

    /// Runs `script` that calls `arguments[arguments.length - 1](result)` when done.
    pub(crate) fn exec_async(&self, script: &str, args: Value) -> Value {
        self.b.post(
            &format!("/session/{}/execute/async", self.s),
            json!({"script": script, "args": args}),
        )
    }

    /// Polls `script` until it returns something other than null or false (up to `secs`).
    pub(crate) fn wait_for(&self, what: &str, secs: u64, script: &str) -> Value {
        let deadline = Instant::now() + Duration::from_secs(secs);
        loop {
            let v = self.exec(script, json!([]));
            if !(v.is_null() || v == Value::Bool(false) || v.get("error").is_some()) {
                return v;
            }
            assert!(Instant::now() < deadline, "{what}: last {v}");
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// Types a code into the station and presses Enter, as a keyboard-wedge scanner does.
    pub(crate) fn scan(&self, code: &str) {
        self.b
            .type_into(&self.s, "#code", &format!("{code}\u{E007}"));
    }

    pub(crate) fn screenshot(&self, name: &str) {
        self.b.screenshot(&self.s, name);
    }
}

impl Drop for Kit {
    fn drop(&mut self) {
        if !self.s.is_empty() {
            self.b.call(
                reqwest::Method::DELETE,
                &format!("/session/{}", self.s),
                json!({}),
            );
        }
    }
}
