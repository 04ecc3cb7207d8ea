//! SMS through an HTTP provider API shaped like the common ones (Twilio's):
//! `POST {base}/2010-04-01/Accounts/{account}/Messages.json` with the form fields `To`, `From`
//! and `Body`, basic authentication (account, token), and the message id as `sid` in the JSON
//! answer. 429 (with or without `Retry-After`) asks us to wait; 5xx and network failures are
//! temporary; any other refusal is final.

use std::time::Duration;

use super::config::SmsConfig;
use super::{ChannelError, SendError, Sms};

/// The path of the messages resource under the base URL.
pub fn messages_path(account: &str) -> String {
    format!("/2010-04-01/Accounts/{account}/Messages.json")
}

#[derive(serde::Deserialize)]
struct Answer {
    sid: String,
}

/// An SMS provider account.
#[derive(Clone)]
pub struct SmsChannel {
    client: reqwest::Client,
    cfg: SmsConfig,
}

impl std::fmt::Debug for SmsChannel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SmsChannel")
            .field("cfg", &self.cfg)
            .finish()
    }
}

/// `Retry-After` in seconds (what SMS providers send).
fn retry_after(resp: &reqwest::Response) -> Option<Duration> {
    let v = resp.headers().get(reqwest::header::RETRY_AFTER)?;
    v.to_str()
        .ok()?
        .trim()
        .parse()
        .ok()
        .map(Duration::from_secs)
}

fn snippet(body: &str) -> String {
    body.chars().take(200).collect()
}

/// Percent-encodes one form component (RFC 3986 unreserved characters kept).
fn encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                out.push(b as char)
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// An `application/x-www-form-urlencoded` body.
pub fn form_body(pairs: &[(&str, &str)]) -> String {
    pairs
        .iter()
        .map(|(k, v)| format!("{}={}", encode(k), encode(v)))
        .collect::<Vec<_>>()
        .join("&")
}

impl SmsChannel {
    pub fn new(cfg: &SmsConfig) -> Result<SmsChannel, ChannelError> {
        let client = reqwest::Client::builder()
            .timeout(Duration::from_secs(20))
            .build()
            .map_err(|e| ChannelError::Config {
                var: "PEP_SMS_BASE_URL",
                reason: e.to_string(),
            })?;
        Ok(SmsChannel {
            client,
            cfg: cfg.clone(),
        })
    }

    /// Sends one SMS; returns the provider's message id.
    pub async fn send(&self, sms: &Sms) -> Result<String, SendError> {
        let url = format!("{}{}", self.cfg.base_url, messages_path(&self.cfg.account));
        let form = [
            ("To", sms.to.as_str()),
            ("From", self.cfg.from.as_str()),
            ("Body", sms.body.as_str()),
        ];
        let resp = self
            .client
            .post(url)
            .basic_auth(&self.cfg.account, Some(&self.cfg.token))
            .header(
                reqwest::header::CONTENT_TYPE,
                "application/x-www-form-urlencoded",
            )
            .body(form_body(&form))
            .send()
            .await
            .map_err(|e| SendError::Transient(e.without_url().to_string()))?;
        let status = resp.status().as_u16();
        let wait = retry_after(&resp);
        let body = resp
            .text()
            .await
            .map_err(|e| SendError::Transient(e.without_url().to_string()))?;
        match status {
            200..=299 => serde_json::from_str::<Answer>(&body)
                .map(|a| a.sid)
                .map_err(|e| SendError::Transient(format!("respuesta ilegible: {e}"))),
            429 => Err(SendError::RateLimited { retry_after: wait }),
            500..=599 => Err(SendError::Transient(format!("HTTP {status}"))),
            _ => Err(SendError::Permanent(format!(
                "HTTP {status}: {}",
                snippet(&body)
            ))),
        }
    }
}
