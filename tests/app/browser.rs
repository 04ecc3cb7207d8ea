//! In a real browser: headless Chromium, driven over WebDriver (chromedriver), signs in,
//! scans an envelope at the station page and sees the verdict; an admin opens the dashboard.
//! Screenshots are kept in `test-artifacts/`.

use std::net::TcpListener;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use pep_tracker::domain::role::Role;
use serde_json::{json, Value};

use crate::support::{TestApp, PASSWORD};

pub(crate) fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

pub(crate) fn wait_for_port(port: u16, what: &str) {
    let deadline = Instant::now() + Duration::from_secs(30);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(Instant::now() < deadline, "{what} did not start");
        std::thread::sleep(Duration::from_millis(50));
    }
}

pub(crate) struct Killed(pub(crate) Child);
impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// The W3C WebDriver key of an element reference.
pub(crate) const ELEMENT: &str = "element-6066-11e4-a52e-4f735466cecf";

/// A minimal W3C WebDriver client over blocking HTTP.
pub(crate) struct Browser {
    pub(crate) http: reqwest::Client,
    pub(crate) rt: tokio::runtime::Runtime,
    pub(crate) base: String,
}

impl Browser {
    pub(crate) fn call(&self, method: reqwest::Method, path: &str, body: Value) -> Value {
        let url = format!("{}{path}", self.base);
        self.rt.block_on(async {
            let v: Value = self
                .http
                .request(method, &url)
                .json(&body)
                .send()
                .await
                .expect("webdriver")
                .json()
                .await
                .expect("json");
            v["value"].clone()
        })
    }
    pub(crate) fn post(&self, path: &str, body: Value) -> Value {
        self.call(reqwest::Method::POST, path, body)
    }
    pub(crate) fn get(&self, path: &str) -> Value {
        self.rt.block_on(async {
            let v: Value = self
                .http
                .get(format!("{}{path}", self.base))
                .send()
                .await
                .unwrap()
                .json()
                .await
                .unwrap();
            v["value"].clone()
        })
    }
    /// The element's id, retried while the page is still loading (up to 10 s).
    pub(crate) fn find(&self, s: &str, css: &str) -> String {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let v = self.post(
                &format!("/session/{s}/element"),
                json!({"using": "css selector", "value": css}),
            );
            if let Some(e) = v.get(ELEMENT).and_then(Value::as_str) {
                return e.to_string();
            }
            assert!(Instant::now() < deadline, "no element {css}: {v}");
            std::thread::sleep(Duration::from_millis(100));
        }
    }
    pub(crate) fn type_into(&self, s: &str, css: &str, text: &str) {
        let e = self.find(s, css);
        self.post(&format!("/session/{s}/element/{e}/clear"), json!({}));
        self.post(
            &format!("/session/{s}/element/{e}/value"),
            json!({"text": text}),
        );
    }
    pub(crate) fn screenshot(&self, s: &str, name: &str) {
        use base64::Engine;
        let png = self.get(&format!("/session/{s}/screenshot"));
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(png.as_str().unwrap())
            .unwrap();
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("test-artifacts");
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join(name), bytes).unwrap();
    }
    pub(crate) fn login(&self, s: &str, site: &str, user: &str) {
        self.post(
            &format!("/session/{s}/url"),
            json!({"url": format!("{site}/login")}),
        );
        self.type_into(s, "input[name=name]", user);
        self.type_into(s, "input[name=password]", PASSWORD);
        let b = self.find(s, "button[type=submit]");
        self.post(&format!("/session/{s}/element/{b}/click"), json!({}));
        let deadline = Instant::now() + Duration::from_secs(10);
        while self
            .get(&format!("/session/{s}/url"))
            .as_str()
            .is_none_or(|u| u.contains("/login"))
        {
            assert!(
                Instant::now() < deadline,
                "login as {user} did not leave the login page"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

pub(crate) fn tools() -> Option<(String, String)> {
    let chromium = ["/usr/bin/chromium", "/usr/bin/chromium-browser"]
        .into_iter()
        .find(|p| std::path::Path::new(p).exists());
    let driver = ["/usr/bin/chromedriver"]
        .into_iter()
        .find(|p| std::path::Path::new(p).exists());
    match (chromium, driver) {
        (Some(c), Some(d)) => Some((c.to_string(), d.to_string())),
        _ if std::env::var_os("CI").is_some() => {
            panic!("chromium and chromium-driver are required in CI")
        }
        _ => None,
    }
}

#[test]
fn a_receptionist_scans_an_envelope_in_chromium_and_an_admin_sees_the_dashboard() {
    let Some((chromium, chromedriver)) = tools() else {
        eprintln!("skipped: chromium/chromedriver not installed");
        return;
    };
    let app = TestApp::upcoming();
    app.import_demo(60, 51);
    app.add_user("recepcion", Role::Reception);
    app.add_user("admin", Role::Admin);
    let code = app.code_of(&app.pep_ids(1)[0]);
    let port = free_port();
    let _server = Killed(
        Command::new(crate::support::binary())
            .args(["--db", app.db_path.to_str().unwrap(), "serve"])
            .env("ROCKET_PORT", port.to_string())
            .env("ROCKET_LOG_LEVEL", "off")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    );
    let dport = free_port();
    let _driver = Killed(
        Command::new(chromedriver)
            .arg(format!("--port={dport}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    );
    wait_for_port(port, "pep-tracker");
    wait_for_port(dport, "chromedriver");
    let b = Browser {
        http: reqwest::Client::new(),
        rt: tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap(),
        base: format!("http://127.0.0.1:{dport}"),
    };
    let args = [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--window-size=1280,900",
    ];
    let caps = json!({"capabilities": {"alwaysMatch": {"browserName": "chrome", "goog:chromeOptions": {"binary": chromium, "args": args}}}});
    let s = b.post("/session", caps)["sessionId"]
        .as_str()
        .expect("webdriver session")
        .to_string();
    let site = format!("http://127.0.0.1:{port}");

    b.login(&s, &site, "recepcion");
    b.post(
        &format!("/session/{s}/url"),
        json!({"url": format!("{site}/station")}),
    );
    b.type_into(&s, "#station", "mesa-navegador");
    b.type_into(&s, "#code", &format!("{code}\u{E007}"));
    let deadline = Instant::now() + Duration::from_secs(15);
    let verdict = loop {
        let e = b.find(&s, "#verdict");
        let class = b.get(&format!("/session/{s}/element/{e}/attribute/class"));
        let text = b.get(&format!("/session/{s}/element/{e}/text"));
        // A stale element (the page changed under us) answers an error object: look again.
        if let (Some(c), Some(t)) = (class.as_str(), text.as_str()) {
            if c.contains("v-accepted") {
                break t.to_string();
            }
        }
        assert!(Instant::now() < deadline, "no verdict painted: {class}");
        std::thread::sleep(Duration::from_millis(100));
    };
    b.screenshot(&s, "station-accepted.png");
    assert!(
        verdict.contains("ACEPTADO") && verdict.contains("MEC"),
        "{verdict}"
    );
    let active = b.get(&format!("/session/{s}/element/active"));
    let code_input = b.find(&s, "#code");
    assert_eq!(
        active.get(ELEMENT).and_then(Value::as_str),
        Some(code_input.as_str()),
        "focus back on the code input"
    );
    b.call(reqwest::Method::DELETE, &format!("/session/{s}"), json!({}));

    let caps = json!({"capabilities": {"alwaysMatch": {"browserName": "chrome", "goog:chromeOptions": {"binary": "/usr/bin/chromium", "args": args}}}});
    let s = b.post("/session", caps)["sessionId"]
        .as_str()
        .unwrap()
        .to_string();
    b.login(&s, &site, "admin");
    b.post(
        &format!("/session/{s}/url"),
        json!({"url": format!("{site}/")}),
    );
    let h1 = b.find(&s, "h1");
    let title = b.get(&format!("/session/{s}/element/{h1}/text"));
    b.screenshot(&s, "dashboard.png");
    assert!(title.as_str().unwrap().contains("PEL 2021-2022"), "{title}");
    b.call(reqwest::Method::DELETE, &format!("/session/{s}"), json!({}));
}
