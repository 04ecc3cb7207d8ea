use std::collections::VecDeque;
use std::sync::Mutex;

use super::*;
use crate::carriers::{BoxFuture, NumberResult};

/// A carrier that answers from a script, then succeeds.
struct Scripted {
    script: Mutex<VecDeque<CallError>>,
    calls: AtomicU32,
}

impl Scripted {
    fn new(errors: Vec<CallError>) -> Box<Scripted> {
        Box::new(Scripted {
            script: Mutex::new(errors.into()),
            calls: AtomicU32::new(0),
        })
    }
}

impl CarrierClient for Scripted {
    fn carrier(&self) -> Carrier {
        Carrier::Dhl
    }
    fn max_batch(&self) -> usize {
        1
    }
    fn track<'a>(
        &'a self,
        numbers: &'a [String],
    ) -> BoxFuture<'a, Result<Vec<Tracked>, CallError>> {
        self.calls.fetch_add(1, Ordering::SeqCst);
        let next = self.script.lock().unwrap().pop_front();
        Box::pin(async move {
            match next {
                Some(e) => Err(e),
                None => Ok(numbers
                    .iter()
                    .map(|n| Tracked {
                        number: n.clone(),
                        result: NumberResult::NotYetVisible,
                    })
                    .collect()),
            }
        })
    }
}

fn fast() -> RetryPolicy {
    RetryPolicy {
        max_attempts: 4,
        min_delay: Duration::from_millis(1),
        max_delay: Duration::from_millis(5),
        max_wait: Duration::from_secs(2),
    }
}

fn roomy() -> Limits {
    Limits {
        per_second: 1000,
        daily_quota: 1000,
    }
}

fn run<T>(f: impl std::future::Future<Output = T>) -> T {
    tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
        .unwrap()
        .block_on(f)
}

fn one() -> Vec<String> {
    vec!["1234567891".to_string()]
}

#[test]
fn server_errors_timeouts_and_429s_are_retried_until_the_call_succeeds() {
    let client = Scripted::new(vec![
        CallError::Server(503),
        CallError::Timeout,
        CallError::RateLimited { retry_after: None },
    ]);
    let polite = Polite::new(client, roomy(), 0, fast());
    let out = run(polite.call(&one(), 10));
    assert!(out.result.is_ok());
    assert_eq!(out.attempts, 4);
}

#[test]
fn a_call_never_makes_more_requests_than_allowed() {
    let client = Scripted::new(vec![CallError::Server(500); 10]);
    let polite = Polite::new(client, roomy(), 0, fast());
    let out = run(polite.call(&one(), 2));
    assert_eq!(out.result.unwrap_err(), CallError::Server(500));
    assert_eq!(out.attempts, 2);
}

#[test]
fn a_malformed_reply_is_not_retried() {
    let client = Scripted::new(vec![CallError::Malformed("cut".into())]);
    let polite = Polite::new(client, roomy(), 0, fast());
    let out = run(polite.call(&one(), 4));
    assert!(out.result.unwrap_err().is_malformed());
    assert_eq!(out.attempts, 1);
}

#[test]
fn a_short_retry_after_is_waited_for_exactly() {
    let client = Scripted::new(vec![CallError::RateLimited {
        retry_after: Some(Duration::from_millis(300)),
    }]);
    let polite = Polite::new(client, roomy(), 0, fast());
    let started = Instant::now();
    let out = run(polite.call(&one(), 4));
    assert!(out.result.is_ok());
    assert!(started.elapsed() >= Duration::from_millis(300));
}

#[test]
fn a_long_retry_after_pauses_the_carrier_for_the_following_calls() {
    let client = Scripted::new(vec![CallError::RateLimited {
        retry_after: Some(Duration::from_secs(600)),
    }]);
    let polite = Polite::new(client, roomy(), 0, fast());
    let first = run(polite.call(&one(), 4));
    assert_eq!(first.attempts, 1);
    let second = run(polite.call(&one(), 4));
    assert_eq!(second.attempts, 0);
    assert!(matches!(
        second.result,
        Err(CallError::RateLimited { retry_after: Some(d) }) if d > Duration::from_secs(590)
    ));
}

#[test]
fn the_daily_quota_counts_the_calls_already_made_today() {
    let limits = Limits {
        per_second: 1000,
        daily_quota: 3,
    };
    let polite = Polite::new(Scripted::new(vec![]), limits, 2, fast());
    assert!(run(polite.call(&one(), 1)).result.is_ok());
    let out = run(polite.call(&one(), 1));
    assert_eq!(out.result.unwrap_err(), CallError::QuotaExhausted);
    assert_eq!(out.attempts, 0);
}
