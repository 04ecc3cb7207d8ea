//! OAuth2 client-credentials tokens (FedEx, UPS): fetched once, cached until shortly before
//! they expire, dropped when the carrier answers 401.

use std::future::Future;
use std::time::{Duration, Instant};

use serde::Deserialize;

use super::config::Secret;
use super::http::{check, parse, Reply};
use super::CallError;

/// Refresh this long before the carrier's expiry, so no request carries a dying token.
const MARGIN: Duration = Duration::from_secs(60);

/// The cached token of one carrier.
#[derive(Default)]
pub(crate) struct TokenCache {
    slot: tokio::sync::Mutex<Option<(Secret, Instant)>>,
}

impl TokenCache {
    /// The cached token, or a new one from `fetch` (one fetch at a time).
    pub async fn get<F, Fut>(&self, fetch: F) -> Result<Secret, CallError>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<(Secret, Duration), CallError>>,
    {
        let mut slot = self.slot.lock().await;
        if let Some((token, until)) = slot.as_ref() {
            if Instant::now() + MARGIN < *until {
                return Ok(token.clone());
            }
        }
        let (token, lifetime) = fetch().await?;
        *slot = Some((token.clone(), Instant::now() + lifetime));
        Ok(token)
    }

    pub async fn invalidate(&self) {
        *self.slot.lock().await = None;
    }

    /// Runs `call`; when the carrier refuses the token (expired or revoked), drops it and runs
    /// `call` once more, with a fresh token.
    pub async fn retry_on_auth<T, F, Fut>(&self, call: F) -> Result<T, CallError>
    where
        F: Fn() -> Fut,
        Fut: Future<Output = Result<T, CallError>>,
    {
        match call().await {
            Err(CallError::Auth(_)) => {
                self.invalidate().await;
                call().await
            }
            other => other,
        }
    }
}

/// `expires_in` comes as a number (FedEx) or as a string of digits (UPS).
#[derive(Deserialize)]
#[serde(untagged)]
enum Seconds {
    Number(u64),
    Text(String),
}

#[derive(Deserialize)]
struct TokenReply {
    access_token: String,
    expires_in: Option<Seconds>,
}

/// Reads a token endpoint's reply: the token and its lifetime (one hour when unstated).
pub(crate) fn read_token(reply: &Reply) -> Result<(Secret, Duration), CallError> {
    if reply.status == 400 || reply.status == 401 || reply.status == 403 {
        return Err(CallError::Auth(format!(
            "el servicio de tokens respondió HTTP {}",
            reply.status
        )));
    }
    check(reply)?;
    let t: TokenReply = parse(&reply.body)?;
    if t.access_token.is_empty() {
        return Err(CallError::Malformed("token vacío".into()));
    }
    let secs = match t.expires_in {
        Some(Seconds::Number(n)) => n,
        Some(Seconds::Text(s)) => s
            .trim()
            .parse()
            .map_err(|_| CallError::Malformed(format!("expires_in «{s}»")))?,
        None => 3600,
    };
    Ok((Secret::new(t.access_token), Duration::from_secs(secs)))
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicU32, Ordering};

    use super::*;

    fn reply(status: u16, body: &str) -> Reply {
        Reply {
            status,
            retry_after: None,
            body: body.as_bytes().to_vec(),
        }
    }

    #[test]
    fn a_token_lifetime_is_read_as_number_or_string() {
        let (t, d) =
            read_token(&reply(200, r#"{"access_token":"abc","expires_in":3599}"#)).unwrap();
        assert_eq!((t.expose(), d), ("abc", Duration::from_secs(3599)));
        let (_, d) = read_token(&reply(
            200,
            r#"{"access_token":"abc","expires_in":"14399"}"#,
        ))
        .unwrap();
        assert_eq!(d, Duration::from_secs(14399));
        assert!(matches!(
            read_token(&reply(401, "{}")),
            Err(CallError::Auth(_))
        ));
        assert!(read_token(&reply(200, "{\"access_tok"))
            .unwrap_err()
            .is_malformed());
    }

    #[test]
    fn a_cached_token_is_reused_until_it_nears_expiry() {
        let rt = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        let fetches = AtomicU32::new(0);
        let cache = TokenCache::default();
        let fetch = |secs| {
            let n = fetches.fetch_add(1, Ordering::SeqCst);
            async move { Ok((Secret::new(format!("t{n}")), Duration::from_secs(secs))) }
        };
        rt.block_on(async {
            assert_eq!(cache.get(|| fetch(3600)).await.unwrap().expose(), "t0");
            assert_eq!(cache.get(|| fetch(3600)).await.unwrap().expose(), "t0");
            cache.invalidate().await;
            // A token about to expire is not kept.
            assert_eq!(cache.get(|| fetch(30)).await.unwrap().expose(), "t1");
            assert_eq!(cache.get(|| fetch(3600)).await.unwrap().expose(), "t2");
        });
        assert_eq!(fetches.load(Ordering::SeqCst), 3);
    }

    #[test]
    fn a_refused_token_is_dropped_and_the_call_made_once_more_with_a_fresh_one() {
        let rt = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        let (fetches, calls) = (AtomicU32::new(0), AtomicU32::new(0));
        let cache = TokenCache::default();
        let fetch = || {
            let n = fetches.fetch_add(1, Ordering::SeqCst);
            async move { Ok((Secret::new(format!("t{n}")), Duration::from_secs(3600))) }
        };
        // The carrier refuses t0 (revoked before its time) and takes t1.
        let call = || async {
            calls.fetch_add(1, Ordering::SeqCst);
            let token = cache.get(fetch).await?;
            match token.expose() {
                "t0" => Err(CallError::Auth("token revocado".into())),
                t => Ok(t.to_string()),
            }
        };
        rt.block_on(async {
            assert_eq!(cache.retry_on_auth(call).await.unwrap(), "t1");
            assert_eq!(calls.load(Ordering::SeqCst), 2);
            // Any other failure is not retried here (the poller's backoff owns retries).
            let busy = || async {
                calls.fetch_add(1, Ordering::SeqCst);
                Err::<(), _>(CallError::Server(503))
            };
            assert!(cache.retry_on_auth(busy).await.is_err());
            assert_eq!(calls.load(Ordering::SeqCst), 3);
        });
        assert_eq!(fetches.load(Ordering::SeqCst), 2);
    }
}
