//! Politeness towards each carrier: a per-second rate limit and a daily quota (governor),
//! `Retry-After` honoured, exponential backoff with jitter on 5xx, 429 and timeouts (backon),
//! and a pause for the rest of the pass when a carrier asks for a long wait.

use std::num::NonZeroU32;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use backon::{ExponentialBuilder, Retryable};
use governor::{DefaultDirectRateLimiter, Quota, RateLimiter};

use super::config::{CarriersConfig, Limits};
use super::dhl::Dhl;
use super::fedex::Fedex;
use super::ups::Ups;
use super::{CallError, CarrierClient, Tracked};
use crate::domain::tracking::Carrier;

/// How a call is retried.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Attempts per call, the first one included.
    pub max_attempts: u32,
    pub min_delay: Duration,
    pub max_delay: Duration,
    /// A `Retry-After` longer than this pauses the carrier instead of waiting in the call.
    pub max_wait: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 4,
            min_delay: Duration::from_millis(500),
            max_delay: Duration::from_secs(20),
            max_wait: Duration::from_secs(60),
        }
    }
}

/// What a call gave, and how many requests it took.
#[derive(Debug)]
pub struct CallOutcome {
    pub result: Result<Vec<Tracked>, CallError>,
    pub attempts: u32,
}

/// A carrier client wrapped in its limits.
pub struct Polite {
    client: Box<dyn CarrierClient>,
    per_second: DefaultDirectRateLimiter,
    daily: DefaultDirectRateLimiter,
    paused_until: Mutex<Option<Instant>>,
    retry: RetryPolicy,
}

fn nz(n: u32) -> NonZeroU32 {
    NonZeroU32::new(n.max(1)).expect("at least one")
}

impl Polite {
    /// `used_today`: calls already made today (from the database), taken off the daily quota.
    pub fn new(
        client: Box<dyn CarrierClient>,
        limits: Limits,
        used_today: u32,
        retry: RetryPolicy,
    ) -> Polite {
        let per_second = RateLimiter::direct(Quota::per_second(nz(limits.per_second)));
        let period = Duration::from_secs(86_400) / limits.daily_quota.max(1);
        let daily = RateLimiter::direct(
            Quota::with_period(period)
                .expect("a positive period")
                .allow_burst(nz(limits.daily_quota)),
        );
        let used = used_today.min(limits.daily_quota);
        if used > 0 {
            let _ = daily.check_n(nz(used));
        }
        Polite {
            client,
            per_second,
            daily,
            paused_until: Mutex::new(None),
            retry,
        }
    }

    pub fn carrier(&self) -> Carrier {
        self.client.carrier()
    }

    pub fn max_batch(&self) -> usize {
        self.client.max_batch()
    }

    fn paused(&self) -> Option<Duration> {
        let until = (*self.paused_until.lock().unwrap_or_else(|p| p.into_inner()))?;
        until.checked_duration_since(Instant::now())
    }

    fn pause(&self, d: Duration) {
        *self.paused_until.lock().unwrap_or_else(|p| p.into_inner()) = Some(Instant::now() + d);
    }

    /// Tracks `numbers` in at most `max_attempts` requests (fewer when the retry policy says
    /// so); every request waits for the rate limit and takes one call off the daily quota.
    pub async fn call(&self, numbers: &[String], max_attempts: u32) -> CallOutcome {
        if let Some(left) = self.paused() {
            return CallOutcome {
                result: Err(CallError::RateLimited {
                    retry_after: Some(left),
                }),
                attempts: 0,
            };
        }
        let attempts = AtomicU32::new(0);
        let once = || async {
            if self.daily.check().is_err() {
                return Err(CallError::QuotaExhausted);
            }
            self.per_second.until_ready().await;
            attempts.fetch_add(1, Ordering::Relaxed);
            let answer = self.client.track(numbers).await;
            let result = answer.as_ref().map_or_else(CallError::kind, |_| "ok");
            crate::metrics::global().carrier_request(self.carrier().as_str(), result);
            answer
        };
        let max_wait = self.retry.max_wait;
        let backoff = ExponentialBuilder::default()
            .with_min_delay(self.retry.min_delay)
            .with_max_delay(self.retry.max_delay)
            .with_max_times(max_attempts.min(self.retry.max_attempts).saturating_sub(1) as usize)
            .with_jitter();
        let result = once
            .retry(backoff)
            .sleep(tokio::time::sleep)
            .when(|e| {
                e.is_transient()
                    && !matches!(e, CallError::RateLimited { retry_after: Some(d) } if *d > max_wait)
            })
            .adjust(|e, next| match (e, next) {
                // The carrier said how long: that, not our guess.
                (CallError::RateLimited { retry_after: Some(d) }, Some(_)) => Some(*d),
                (_, next) => next,
            })
            .await;
        if let Err(CallError::RateLimited {
            retry_after: Some(d),
        }) = &result
        {
            self.pause(*d);
        }
        CallOutcome {
            result,
            attempts: attempts.into_inner(),
        }
    }
}

impl Polite {
    /// How many numbers one subscription request may carry (0: none).
    pub fn max_subscribe(&self) -> usize {
        self.client.max_subscribe()
    }

    /// Waits for the limits, taking one call off the daily quota.
    async fn admit(&self) -> Result<(), CallError> {
        if let Some(left) = self.paused() {
            return Err(CallError::RateLimited {
                retry_after: Some(left),
            });
        }
        if self.daily.check().is_err() {
            return Err(CallError::QuotaExhausted);
        }
        self.per_second.until_ready().await;
        Ok(())
    }

    /// One push subscription request within the limits (no retry: the subscriber asks again
    /// on a later pass). The answer, and whether a request was sent.
    pub async fn subscribe(
        &self,
        numbers: &[String],
        hook: &super::push::subscribe::Hook,
    ) -> (Result<super::push::subscribe::Subscribed, CallError>, bool) {
        if let Err(e) = self.admit().await {
            return (Err(e), false);
        }
        (self.client.subscribe(numbers, hook).await, true)
    }

    /// Confirms a subscription's validation (DHL) within the limits; as [`Polite::subscribe`].
    pub async fn confirm(&self, id: &str, secret: &str) -> (Result<(), CallError>, bool) {
        if let Err(e) = self.admit().await {
            return (Err(e), false);
        }
        (self.client.confirm(id, secret).await, true)
    }
}

/// The carriers the poller can reach, each behind its limits.
pub struct Carriers {
    clients: Vec<Polite>,
}

impl Carriers {
    /// Builds the configured adapters; `used_today` tells the calls each carrier already had.
    pub fn from_config(
        cfg: &CarriersConfig,
        used_today: impl Fn(Carrier) -> u32,
        retry: RetryPolicy,
    ) -> Carriers {
        let mut clients: Vec<Polite> = Vec::new();
        let wrap = |c: Box<dyn CarrierClient>| {
            let carrier = c.carrier();
            Polite::new(c, cfg.limits(carrier), used_today(carrier), retry)
        };
        if let Some(f) = &cfg.fedex {
            clients.push(wrap(Box::new(Fedex::new(f.clone(), cfg.timeout))));
        }
        if let Some(u) = &cfg.ups {
            clients.push(wrap(Box::new(Ups::new(u.clone(), cfg.timeout))));
        }
        if let Some(d) = &cfg.dhl {
            clients.push(wrap(Box::new(Dhl::new(d.clone(), cfg.timeout))));
        }
        Carriers { clients }
    }

    /// Any clients (tests use stand-ins).
    pub fn new(clients: Vec<Polite>) -> Carriers {
        Carriers { clients }
    }

    pub fn get(&self, carrier: Carrier) -> Option<&Polite> {
        self.clients.iter().find(|c| c.carrier() == carrier)
    }
}

#[cfg(test)]
mod tests;
