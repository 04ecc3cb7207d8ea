//! Login throttling: a keyed rate limit per client address and per account name (governor).

use std::num::NonZeroU32;
use std::time::Duration;

use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};

/// Attempts per minute allowed for one account name, and for one client address.
pub const PER_NAME_PER_MINUTE: u32 = 5;
pub const PER_ADDRESS_PER_MINUTE: u32 = 20;

pub struct LoginThrottle {
    by_name: DefaultKeyedRateLimiter<String>,
    by_address: DefaultKeyedRateLimiter<String>,
    clock: DefaultClock,
}

impl Default for LoginThrottle {
    fn default() -> Self {
        Self::new()
    }
}

impl LoginThrottle {
    pub fn new() -> Self {
        let quota = |n: u32| Quota::per_minute(NonZeroU32::new(n).expect("non-zero quota"));
        LoginThrottle {
            by_name: RateLimiter::keyed(quota(PER_NAME_PER_MINUTE)),
            by_address: RateLimiter::keyed(quota(PER_ADDRESS_PER_MINUTE)),
            clock: DefaultClock::default(),
        }
    }

    /// Counts one attempt; `Err(wait)` when the name or the address must wait.
    pub fn attempt(&self, address: &str, name: &str) -> Result<(), Duration> {
        let now = self.clock.now();
        self.by_address
            .check_key(&address.to_string())
            .and_then(|_| self.by_name.check_key(&name.to_lowercase()))
            .map_err(|not_until| not_until.wait_time_from(now))?;
        if self.by_name.len() > 100_000 {
            self.by_name.retain_recent();
            self.by_address.retain_recent();
        }
        Ok(())
    }
}

/// Public voter lookups per client address per minute.
pub const LOOKUPS_PER_MINUTE: u32 = 10;

/// A per-address limit for the public lookup.
pub struct LookupThrottle {
    by_address: DefaultKeyedRateLimiter<String>,
    clock: DefaultClock,
}

impl Default for LookupThrottle {
    fn default() -> Self {
        LookupThrottle {
            by_address: RateLimiter::keyed(Quota::per_minute(
                NonZeroU32::new(LOOKUPS_PER_MINUTE).expect("non-zero quota"),
            )),
            clock: DefaultClock::default(),
        }
    }
}

impl LookupThrottle {
    pub fn attempt(&self, address: &str) -> Result<(), Duration> {
        let now = self.clock.now();
        self.by_address
            .check_key(&address.to_string())
            .map_err(|not_until| not_until.wait_time_from(now))?;
        if self.by_address.len() > 100_000 {
            self.by_address.retain_recent();
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sixth_attempt_on_one_name_within_a_minute_must_wait() {
        let t = LoginThrottle::new();
        for _ in 0..PER_NAME_PER_MINUTE {
            assert!(t.attempt("10.0.0.1", "ana").is_ok());
        }
        let wait = t.attempt("10.0.0.2", "ana").unwrap_err();
        assert!(wait > Duration::from_secs(1));
        assert!(t.attempt("10.0.0.2", "luis").is_ok());
    }
}
