//! The station page as a browser holds it, for `benches/station.rs`: a signed-in session
//! (cookies, CSRF token) posting scans as static/station-offline.js does.

use std::time::{Duration, Instant};

use chrono::Utc;

pub const PASSWORD: &str = "banco de pruebas 2030";

/// `application/x-www-form-urlencoded`, as the browser's URLSearchParams sends it.
fn form(pairs: &[(&str, &str)]) -> String {
    let enc = |v: &str| {
        v.bytes()
            .map(|b| match b {
                b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'*' => {
                    (b as char).to_string()
                }
                b' ' => "+".to_string(),
                _ => format!("%{b:02X}"),
            })
            .collect::<String>()
    };
    pairs
        .iter()
        .map(|(k, v)| format!("{}={}", enc(k), enc(v)))
        .collect::<Vec<_>>()
        .join("&")
}

/// A signed-in station page: its cookies and CSRF token, as the browser holds them.
pub struct Session {
    http: reqwest::Client,
    base: String,
    cookies: String,
    csrf: String,
}

fn cookies_of(resp: &reqwest::Response, jar: &mut Vec<String>) {
    for v in resp.headers().get_all("set-cookie") {
        let pair = v.to_str().unwrap().split(';').next().unwrap().to_string();
        let name = pair.split('=').next().unwrap().to_string();
        jar.retain(|c| !c.starts_with(&format!("{name}=")));
        jar.push(pair);
    }
}

fn csrf_in(body: &str) -> String {
    let start = body.find("name=\"csrf\" value=\"").unwrap() + 19;
    body[start..start + body[start..].find('"').unwrap()].to_string()
}

pub async fn sign_in(base: &str, user: &str) -> Session {
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let mut jar = Vec::new();
    let page = http.get(format!("{base}/login")).send().await.unwrap();
    cookies_of(&page, &mut jar);
    let csrf = csrf_in(&page.text().await.unwrap());
    let body = [
        ("name", user),
        ("password", PASSWORD),
        ("csrf", &csrf),
        ("next", "/station"),
    ];
    let resp = http
        .post(format!("{base}/login"))
        .header("cookie", jar.join("; "))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(form(&body))
        .send()
        .await
        .unwrap();
    cookies_of(&resp, &mut jar);
    let page = http
        .get(format!("{base}/station"))
        .header("cookie", jar.join("; "))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 200, "station page after sign-in");
    cookies_of(&page, &mut jar);
    let csrf = csrf_in(&page.text().await.unwrap());
    Session {
        http,
        base: base.to_string(),
        cookies: jar.join("; "),
        csrf,
    }
}

#[derive(serde::Deserialize)]
pub struct Answer {
    pub outcome: String,
    pub repeated: bool,
    pub sequence: Option<i64>,
}

impl Session {
    /// One scan as station-offline.js sends it (`id`: its scan id; None: the baseline's post
    /// without one); the answer and its latency.
    pub async fn scan(&self, station: &str, code: &str, id: Option<&str>) -> (Answer, Duration) {
        let t = Instant::now();
        let scanned_at = Utc::now().to_rfc3339();
        let mut body = vec![
            ("csrf", self.csrf.as_str()),
            ("station", station),
            ("code", code),
        ];
        if let Some(id) = id {
            body.extend([("scan_id", id), ("scanned_at", scanned_at.as_str())]);
        }
        let resp = self
            .http
            .post(format!("{}/station/scan", self.base))
            .header("cookie", &self.cookies)
            .header("accept", "application/json")
            .header("content-type", "application/x-www-form-urlencoded")
            .body(form(&body))
            .send()
            .await
            .unwrap();
        let status = resp.status();
        let text = resp.text().await.unwrap();
        assert_eq!(status, 200, "{text}");
        let a: Answer = serde_json::from_str(&text).unwrap();
        (a, t.elapsed())
    }
}
