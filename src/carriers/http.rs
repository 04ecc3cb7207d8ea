//! HTTP plumbing shared by the adapters: sending a request, turning statuses into
//! [`CallError`]s, reading `Retry-After`, decoding JSON, and carriers' timestamps.

use std::time::Duration;

use chrono::{DateTime, NaiveDateTime, Utc};
use serde::de::DeserializeOwned;

use super::CallError;

/// A reply read in full.
pub(crate) struct Reply {
    pub status: u16,
    pub retry_after: Option<Duration>,
    pub body: Vec<u8>,
}

/// Sends the request and reads the whole body; transport failures become [`CallError`]s.
pub(crate) async fn send(req: reqwest::RequestBuilder) -> Result<Reply, CallError> {
    let resp = req.send().await.map_err(transport)?;
    let status = resp.status().as_u16();
    let retry_after = resp
        .headers()
        .get(reqwest::header::RETRY_AFTER)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| retry_after(v, Utc::now()));
    let body = resp.bytes().await.map_err(transport)?.to_vec();
    Ok(Reply {
        status,
        retry_after,
        body,
    })
}

fn transport(e: reqwest::Error) -> CallError {
    if e.is_timeout() {
        CallError::Timeout
    } else {
        // Without the URL: nothing of the request is repeated in logs.
        CallError::Network(e.without_url().to_string())
    }
}

/// `Retry-After` as seconds or as an HTTP date.
pub(crate) fn retry_after(value: &str, now: DateTime<Utc>) -> Option<Duration> {
    let value = value.trim();
    if let Ok(secs) = value.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let at = DateTime::parse_from_rfc2822(value)
        .ok()?
        .with_timezone(&Utc);
    Some((at - now).to_std().unwrap_or(Duration::ZERO))
}

/// The errors every carrier shares: 429, 5xx, 401/403, and any other non-2xx.
pub(crate) fn check(reply: &Reply) -> Result<(), CallError> {
    match reply.status {
        200..=299 => Ok(()),
        429 => Err(CallError::RateLimited {
            retry_after: reply.retry_after,
        }),
        500..=599 => Err(CallError::Server(reply.status)),
        401 | 403 => Err(CallError::Auth(format!(
            "HTTP {}: {}",
            reply.status,
            snippet(&reply.body)
        ))),
        s => Err(CallError::Refused {
            status: s,
            message: snippet(&reply.body),
        }),
    }
}

/// The start of a body, for error messages (carriers' bodies never hold our secrets).
pub(crate) fn snippet(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(body);
    let mut s: String = text.chars().take(200).collect();
    if text.chars().count() > 200 {
        s.push('…');
    }
    s
}

/// Decodes a JSON body; anything else is a malformed reply.
pub(crate) fn parse<T: DeserializeOwned>(body: &[u8]) -> Result<T, CallError> {
    serde_json::from_slice(body).map_err(|e| CallError::Malformed(e.to_string()))
}

/// Percent-encodes one component (RFC 3986 unreserved characters kept).
pub(crate) fn encode(s: &str) -> String {
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
pub(crate) fn form(pairs: &[(&str, &str)]) -> String {
    pairs
        .iter()
        .map(|(k, v)| format!("{}={}", encode(k), encode(v)))
        .collect::<Vec<_>>()
        .join("&")
}

/// A carrier timestamp: RFC 3339 with an offset, or without one (read as UTC, as the carriers
/// that omit it do not say which zone they mean), with or without seconds.
pub(crate) fn parse_time(s: &str) -> Option<DateTime<Utc>> {
    let s = s.trim();
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        return Some(t.with_timezone(&Utc));
    }
    for fmt in [
        "%Y-%m-%dT%H:%M:%S%.f",
        "%Y-%m-%dT%H:%M",
        "%Y-%m-%d %H:%M:%S",
    ] {
        if let Ok(t) = NaiveDateTime::parse_from_str(s, fmt) {
            return Some(t.and_utc());
        }
    }
    for fmt in ["%Y-%m-%dT%H:%M:%S%z", "%Y-%m-%dT%H:%M%:z"] {
        if let Ok(t) = DateTime::parse_from_str(s, fmt) {
            return Some(t.with_timezone(&Utc));
        }
    }
    None
}

/// "City, region, country" from the parts present.
pub(crate) fn place(parts: &[Option<&str>]) -> String {
    parts
        .iter()
        .flatten()
        .map(|p| p.trim())
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    #[test]
    fn retry_after_is_read_as_seconds_or_as_an_http_date() {
        let now = at("2022-05-01T10:00:00Z");
        assert_eq!(retry_after("7", now), Some(Duration::from_secs(7)));
        assert_eq!(
            retry_after("Sun, 01 May 2022 10:00:30 GMT", now),
            Some(Duration::from_secs(30))
        );
        assert_eq!(retry_after("soon", now), None);
    }

    #[test]
    fn timestamps_with_and_without_offsets_are_read() {
        assert_eq!(
            parse_time("2022-05-01T07:50:00-05:00"),
            Some(at("2022-05-01T12:50:00Z"))
        );
        assert_eq!(
            parse_time("2022-05-01T07:50:00"),
            Some(at("2022-05-01T07:50:00Z"))
        );
        assert_eq!(
            parse_time("2022-05-01T07:50"),
            Some(at("2022-05-01T07:50:00Z"))
        );
        assert_eq!(parse_time("ayer"), None);
    }

    #[test]
    fn form_values_are_percent_encoded() {
        assert_eq!(
            form(&[
                ("grant_type", "client_credentials"),
                ("client_secret", "a b&c=")
            ]),
            "grant_type=client_credentials&client_secret=a%20b%26c%3D"
        );
    }

    #[test]
    fn statuses_map_to_call_errors() {
        let reply = |status| Reply {
            status,
            retry_after: None,
            body: b"{}".to_vec(),
        };
        assert!(check(&reply(200)).is_ok());
        assert_eq!(
            check(&reply(429)),
            Err(CallError::RateLimited { retry_after: None })
        );
        assert_eq!(check(&reply(503)), Err(CallError::Server(503)));
        assert!(matches!(check(&reply(401)), Err(CallError::Auth(_))));
        assert!(matches!(
            check(&reply(400)),
            Err(CallError::Refused { status: 400, .. })
        ));
    }
}
