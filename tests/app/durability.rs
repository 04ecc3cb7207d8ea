//! Nothing lost: check-ins acknowledged by a server killed with SIGKILL are all there after
//! a restart.

use std::net::TcpListener;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use pep_tracker::domain::role::Role;
use serde_json::{json, Value};

use crate::support::TestApp;

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn start_server(app: &TestApp, port: u16) -> Child {
    let child = Command::new(crate::support::binary())
        .args(["--db", app.db_path.to_str().unwrap(), "serve"])
        .env("ROCKET_PORT", port.to_string())
        .env("ROCKET_ADDRESS", "127.0.0.1")
        .env("ROCKET_LOG_LEVEL", "off")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start server");
    let deadline = Instant::now() + Duration::from_secs(30);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(Instant::now() < deadline, "server did not start");
        std::thread::sleep(Duration::from_millis(50));
    }
    child
}

#[test]
fn every_acknowledged_checkin_survives_a_sigkill_mid_stream() {
    let app = TestApp::upcoming();
    app.import_demo(400, 31);
    let token = app.token("station", Role::Reception);
    let codes: Vec<(String, String)> = app
        .pep_ids(400)
        .into_iter()
        .map(|p| (app.code_of(&p), p))
        .collect();
    let port = free_port();
    let mut server = start_server(&app, port);
    let url = format!("http://127.0.0.1:{port}/api/v1/checkins");
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let acked: Vec<String> = rt.block_on(async {
        let http = reqwest::Client::new();
        let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<String>();
        // Eight stations stream their envelopes; the server dies under them.
        let mut tasks = Vec::new();
        for chunk in codes.chunks(50) {
            let (http, url, token, tx) = (http.clone(), url.clone(), token.clone(), tx.clone());
            let chunk = chunk.to_vec();
            tasks.push(tokio::spawn(async move {
                for (code, pep) in chunk {
                    let resp = http
                        .post(&url)
                        .bearer_auth(&token)
                        .json(&json!({ "code": code, "station": "mesa-k" }))
                        .timeout(Duration::from_secs(5))
                        .send()
                        .await;
                    let Ok(resp) = resp else { return };
                    let Ok(v) = resp.json::<Value>().await else {
                        return;
                    };
                    if v["outcome"] == "accepted" {
                        assert_eq!(v["pep_id"], pep.as_str());
                        let _ = tx.send(pep);
                    }
                }
            }));
        }
        drop(tx);
        let mut acked = Vec::new();
        while let Some(p) = rx.recv().await {
            acked.push(p);
            if acked.len() == 120 {
                server.kill().expect("SIGKILL");
            }
        }
        for t in tasks {
            let _ = t.await;
        }
        acked
    });
    let _ = server.wait();
    assert!(
        acked.len() >= 120,
        "only {} acknowledged before the kill",
        acked.len()
    );
    assert!(
        acked.len() < codes.len(),
        "the kill came after the stream ended"
    );
    // Restart on the same database: every acknowledged check-in is there, exactly once.
    let mut server = start_server(&app, port);
    let conn = app.raw_sql();
    for pep in &acked {
        let n: i64 = conn
            .query_row(
                "SELECT count(*) FROM checkins c JOIN peps p ON p.id = c.pep WHERE p.pep_id = ?1 AND c.outcome = 'accepted'",
                [pep],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(n, 1, "{pep} was acknowledged but is missing");
    }
    let out = app.cli(&["audit", "verify"]);
    assert!(out.status.success(), "audit chain after the crash");
    server.kill().unwrap();
    let _ = server.wait();
}
