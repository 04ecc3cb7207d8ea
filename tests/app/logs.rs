//! Logs at the most verbose level carry no personal data and no secret: a real `serve`
//! process with `PEP_LOG=trace` and JSON lines goes through the staff's and the public's
//! flows, and its whole output is searched for the fixture's names, keys, addresses,
//! passwords and tokens. The same run checks `/metrics` and the request ids.

use std::io::Read;
use std::process::{Child, Command, Stdio};

use crate::support::{binary, csrf_from, stderr, stdout, TestApp};

const PASSWORD: &str = "una contraseña larga de prueba";

struct Server {
    child: Child,
    base: String,
    /// The separate listener of PEP_METRICS_ADDRESS.
    metrics: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn serve(app: &TestApp) -> Server {
    let port = free_port();
    let metrics_port = free_port();
    let child = Command::new(binary())
        .args(["--db", app.db_path.to_str().unwrap(), "serve"])
        .env("PEP_LOG", "trace")
        .env("PEP_LOG_FORMAT", "json")
        .env("ROCKET_PORT", port.to_string())
        .env("ROCKET_ADDRESS", "127.0.0.1")
        .env("PEP_BACKUP_EVERY_MINUTES", "0")
        .env("PEP_METRICS_ADDRESS", format!("127.0.0.1:{metrics_port}"))
        .env_remove("PEP_KEY_FILE")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let base = format!("http://127.0.0.1:{port}");
    let metrics = format!("http://127.0.0.1:{metrics_port}");
    for _ in 0..200 {
        if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return Server {
                child,
                base,
                metrics,
            };
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    let mut child = child;
    let _ = child.kill();
    let _ = child.wait();
    panic!("serve did not start");
}

/// The fixture's first electors: given name, surname, key, street.
fn fixture(app: &TestApp) -> Vec<[String; 4]> {
    let conn = app.raw_sql();
    let mut stmt = conn
        .prepare(
            "SELECT given_names, paternal_surname, elector_key, address_line1 FROM electors
             ORDER BY id LIMIT 5",
        )
        .unwrap();
    let rows = stmt
        .query_map([], |r| Ok([r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?]))
        .unwrap();
    rows.map(Result::unwrap).collect()
}

fn percent(v: &str) -> String {
    v.bytes()
        .map(|b| match b {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

fn cookies(resp: &reqwest::Response) -> String {
    resp.headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok()?.split(';').next().map(str::to_string))
        .collect::<Vec<_>>()
        .join("; ")
}

/// Runs the staff's flows; the request id of the batch creation.
async fn staff_flows(base: &str, people: &[[String; 4]], pep: &str) -> String {
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let page = http.get(format!("{base}/login")).send().await.unwrap();
    let jar = cookies(&page);
    let csrf = csrf_from(&page.text().await.unwrap());
    let form = [
        ("name", "ana"),
        ("password", PASSWORD),
        ("csrf", &csrf),
        ("next", "/"),
    ];
    let body: Vec<String> = form
        .iter()
        .map(|(k, v)| format!("{k}={}", percent(v)))
        .collect();
    let resp = http
        .post(format!("{base}/login"))
        .header("cookie", &jar)
        .header("content-type", "application/x-www-form-urlencoded")
        .body(body.join("&"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 303, "signed in");
    let session = format!("{jar}; {}", cookies(&resp));
    for person in people {
        for path in [
            format!("/search?q={}", person[1]),
            format!("/search?q={}", person[2]),
        ] {
            let r = http.get(format!("{base}{path}")).header("cookie", &session);
            assert_eq!(r.send().await.unwrap().status(), 200, "{path}");
        }
    }
    let r = http
        .get(format!("{base}/peps/{pep}"))
        .header("cookie", &session);
    assert_eq!(r.send().await.unwrap().status(), 200);
    let r = http.get(format!("{base}/nada?nombre={}", people[0][0]));
    assert_eq!(r.send().await.unwrap().status(), 404);
    let r = http
        .post(format!("{base}/batches"))
        .header("cookie", &session)
        .header("content-type", "application/x-www-form-urlencoded")
        .body(format!(
            "csrf={}&name=Lote+1&entity=&country=",
            percent(&csrf)
        ))
        .send()
        .await
        .unwrap();
    let id = r.headers()["x-request-id"].to_str().unwrap().to_string();
    assert!(
        r.text().await.unwrap().contains("Lote 1 creado"),
        "batch created"
    );
    id
}

async fn api_flows(base: &str, tokens: &[String; 2], people: &[[String; 4]], pep: &str) {
    let http = reqwest::Client::new();
    let get = |path: &str, token: &str| http.get(format!("{base}{path}")).bearer_auth(token).send();
    assert_eq!(
        get("/api/v1/stats", &tokens[0]).await.unwrap().status(),
        200
    );
    let r = get(&format!("/api/v1/peps/{pep}"), &tokens[0])
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let metrics = get("/metrics", &tokens[1]).await.unwrap();
    assert_eq!(metrics.status(), 200);
    assert!(metrics.headers().contains_key("x-request-id"));
    let text = metrics.text().await.unwrap();
    assert!(
        text.contains("pep_http_request_duration_seconds_count"),
        "{text}"
    );
    assert!(text.contains("pep_database_size_bytes"), "{text}");
    assert_eq!(get("/metrics", &tokens[0]).await.unwrap().status(), 403);
    let r = http.get(format!("{base}/metrics")).send().await.unwrap();
    assert_eq!(r.status(), 401, "no token, no metrics");
    let body = format!("{{\"code\":\"{}\",\"station\":\"mesa-1\"}}", people[0][2]);
    let r = http
        .post(format!("{base}/api/v1/checkins"))
        .bearer_auth(&tokens[0])
        .header("content-type", "application/json")
        .body(body)
        .send()
        .await
        .unwrap();
    assert!(r.status().is_client_error() || r.status().is_success());
}

#[test]
fn the_most_verbose_logs_hold_no_personal_data_or_secret() {
    let app = TestApp::upcoming();
    app.import_demo(40, 9);
    let out = app.cli_with_stdin(
        &["user", "add", "--name", "ana", "--role", "admin"],
        PASSWORD,
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let reception = stdout(&app.cli(&["token", "create", "--name", "t1", "--role", "reception"]));
    let sync = stdout(&app.cli(&["token", "create", "--name", "t2", "--role", "sync"]));
    let tokens = [reception.trim().to_string(), sync.trim().to_string()];
    let people = fixture(&app);
    let pep = app.pep_ids(1).remove(0);
    let mut server = serve(&app);
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let batch_request = runtime.block_on(async {
        let id = staff_flows(&server.base, &people, &pep).await;
        api_flows(&server.base, &tokens, &people, &pep).await;
        let open = reqwest::get(format!("{}/metrics", server.metrics))
            .await
            .unwrap();
        assert_eq!(open.status(), 200, "no token on the metrics address");
        let text = open.text().await.unwrap();
        assert!(text.contains("pep_checkin"), "{text}");
        let other = reqwest::get(format!("{}/api/v1/stats", server.metrics)).await;
        assert_eq!(other.unwrap().status(), 404, "nothing else there");
        id
    });
    server.child.kill().unwrap();
    let mut output = String::new();
    for pipe in [
        server
            .child
            .stdout
            .take()
            .map(|p| Box::new(p) as Box<dyn Read>),
        server
            .child
            .stderr
            .take()
            .map(|p| Box::new(p) as Box<dyn Read>),
    ]
    .into_iter()
    .flatten()
    {
        let mut p = pipe;
        p.read_to_string(&mut output).unwrap();
    }
    let requests = output
        .lines()
        .filter(|l| l.contains("\"request_id\""))
        .count();
    // The request id reaches the use case: the batch's own log line carries it.
    let tagged = format!("\"request_id\":\"{batch_request}\"");
    let use_case = output
        .lines()
        .find(|l| l.contains("pep_tracker::use_case") && l.contains(&tagged));
    assert!(
        use_case.is_some_and(|l| l.contains("lote 1 creado")),
        "{output}"
    );
    assert!(
        requests >= 15,
        "one JSON line per request: {requests}\n{output}"
    );
    let mut secrets: Vec<&str> = vec![PASSWORD, &tokens[0], &tokens[1]];
    for person in &people {
        secrets.extend(person.iter().map(String::as_str));
    }
    for s in secrets {
        assert!(!output.contains(s), "«{s}» found in the logs:\n{output}");
    }
}

/// The living demo's own flows (shipping, carriers, polling, reissues, stations, notices) at
/// the most verbose level: none of its electors' names, keys or streets reach the logs.
#[test]
fn the_living_demo_logs_nothing_personal_at_the_most_verbose_level() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("demo.sqlite3");
    let log = dir.path().join("demo.log");
    let port = free_port();
    let out = std::fs::File::create(&log).unwrap();
    let mut child = Command::new(binary())
        .args(["--db", db.to_str().unwrap(), "serve", "--demo"])
        .env("PEP_LOG", "trace")
        .env("PEP_LOG_FORMAT", "json")
        .env("ROCKET_PORT", port.to_string())
        .env("ROCKET_ADDRESS", "127.0.0.1")
        .env("PEP_BACKUP_EVERY_MINUTES", "0")
        .env_remove("PEP_KEY_FILE")
        .stdout(Stdio::from(out.try_clone().unwrap()))
        .stderr(Stdio::from(out))
        .spawn()
        .unwrap();
    let started = std::time::Instant::now();
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        if started.elapsed() > std::time::Duration::from_secs(120) {
            let _ = child.kill();
            let _ = child.wait();
            panic!("the demo did not start");
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    // Half a minute of campaign at ×7,200: about three simulated days.
    std::thread::sleep(std::time::Duration::from_secs(30));
    let people: Vec<[String; 4]> = {
        let conn = rusqlite::Connection::open(&db).unwrap();
        let mut stmt = conn
            .prepare(
                "SELECT given_names, paternal_surname, elector_key, address_line1
                 FROM electors ORDER BY id LIMIT 40",
            )
            .unwrap();
        let rows = stmt
            .query_map([], |r| Ok([r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?]))
            .unwrap();
        rows.map(Result::unwrap).collect()
    };
    let _ = child.kill();
    let _ = child.wait();
    let output = std::fs::read_to_string(&log).unwrap();
    assert!(people.len() == 40, "the demo seeded its list");
    assert!(
        output.lines().filter(|l| l.contains("pep_tracker")).count() > 0,
        "the demo logged: {output}"
    );
    for person in &people {
        for s in person.iter().filter(|s| s.chars().count() >= 4) {
            assert!(
                !output.contains(s.as_str()),
                "«{s}» found in the demo's logs"
            );
        }
    }
}
