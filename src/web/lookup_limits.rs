//! The public lookup's rate limits: so many lookups per client address per minute and so many
//! per elector key per hour (governor's keyed limiters, shared by the page and the API), so
//! that nobody can walk the postal codes of one elector or the keys of the list.
//!
//! Configured from Rocket's figment (`pep_lookup_per_minute`, `pep_lookup_per_key_per_hour`),
//! else from the environment (`PEP_LOOKUP_PER_MINUTE`, `PEP_LOOKUP_PER_KEY_PER_HOUR`), else
//! the defaults; a value that is not a positive whole number stops the app at ignition.

use std::num::NonZeroU32;
use std::time::Duration;

use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use rocket::fairing::{AdHoc, Fairing};

/// Lookups per client address per minute, by default.
pub const PER_ADDRESS_PER_MINUTE: u32 = 10;
/// Lookups per elector key per hour (any addresses), by default.
pub const PER_KEY_PER_HOUR: u32 = 20;
/// Past this many keys, limiters forget the keys that are back to a full quota.
const SWEEP_AT: usize = 100_000;

/// The configured limits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LookupLimits {
    pub per_address_per_minute: NonZeroU32,
    pub per_key_per_hour: NonZeroU32,
}

impl Default for LookupLimits {
    fn default() -> Self {
        LookupLimits {
            per_address_per_minute: NonZeroU32::MIN.saturating_add(PER_ADDRESS_PER_MINUTE - 1),
            per_key_per_hour: NonZeroU32::MIN.saturating_add(PER_KEY_PER_HOUR - 1),
        }
    }
}

/// A figment key or environment variable whose value is not a positive whole number.
#[derive(Debug, thiserror::Error)]
#[error("{name}: «{value}» no es un número entero positivo de consultas")]
pub struct BadLimit {
    name: &'static str,
    value: String,
}

/// One limit: the figment's value, else the environment's, else `default`.
fn limit(
    figment: &rocket::figment::Figment,
    key: &'static str,
    env: &'static str,
    default: NonZeroU32,
) -> Result<NonZeroU32, BadLimit> {
    let raw = match figment.find_value(key) {
        Ok(v) => {
            let text = v
                .deserialize::<u64>()
                .map(|n| n.to_string())
                .ok()
                .or_else(|| v.as_str().map(String::from))
                .unwrap_or_else(|| format!("{v:?}"));
            Some((key, text))
        }
        Err(_) => std::env::var(env).ok().map(|v| (env, v)),
    };
    match raw {
        None => Ok(default),
        Some((name, value)) => value
            .trim()
            .parse::<NonZeroU32>()
            .map_err(|_| BadLimit { name, value }),
    }
}

impl LookupLimits {
    /// The limits of this configuration.
    pub fn from_figment(figment: &rocket::figment::Figment) -> Result<Self, BadLimit> {
        let d = LookupLimits::default();
        Ok(LookupLimits {
            per_address_per_minute: limit(
                figment,
                "pep_lookup_per_minute",
                "PEP_LOOKUP_PER_MINUTE",
                d.per_address_per_minute,
            )?,
            per_key_per_hour: limit(
                figment,
                "pep_lookup_per_key_per_hour",
                "PEP_LOOKUP_PER_KEY_PER_HOUR",
                d.per_key_per_hour,
            )?,
        })
    }

    /// Reads the limits at ignition and manages a [`LookupThrottle`] with them.
    pub fn fairing() -> impl Fairing {
        AdHoc::try_on_ignite("lookup limits", |rocket| async move {
            match LookupLimits::from_figment(rocket.figment()) {
                Ok(limits) => Ok(rocket.manage(LookupThrottle::new(limits))),
                Err(e) => {
                    log::error!("límites de la consulta pública: {e}");
                    Err(rocket)
                }
            }
        })
    }
}

/// The limiters of the public lookup.
pub struct LookupThrottle {
    by_address: DefaultKeyedRateLimiter<String>,
    by_key: DefaultKeyedRateLimiter<String>,
    clock: DefaultClock,
}

impl LookupThrottle {
    pub fn new(limits: LookupLimits) -> Self {
        LookupThrottle {
            by_address: RateLimiter::keyed(Quota::per_minute(limits.per_address_per_minute)),
            by_key: RateLimiter::keyed(Quota::per_hour(limits.per_key_per_hour)),
            clock: DefaultClock::default(),
        }
    }

    /// Spends one lookup of `address` and then one of `key` (the elector key as typed, in
    /// [`crate::domain::lookup::key_form`]); `Err(wait)` when either is over its limit.
    pub fn attempt(&self, address: &str, key: &str) -> Result<(), Duration> {
        let now = self.clock.now();
        let wait = |n: governor::NotUntil<_>| n.wait_time_from(now);
        self.by_address
            .check_key(&address.to_string())
            .map_err(wait)?;
        self.by_key.check_key(&key.to_string()).map_err(wait)?;
        for limiter in [&self.by_address, &self.by_key] {
            if limiter.len() > SWEEP_AT {
                limiter.retain_recent();
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rocket::figment::Figment;

    fn n(v: u32) -> NonZeroU32 {
        NonZeroU32::new(v).unwrap()
    }

    #[test]
    fn one_address_is_limited_per_minute_and_one_key_per_hour_from_any_address() {
        let t = LookupThrottle::new(LookupLimits {
            per_address_per_minute: n(3),
            per_key_per_hour: n(5),
        });
        for _ in 0..3 {
            assert!(t.attempt("10.0.0.1", "KEY1").is_ok());
        }
        let wait = t.attempt("10.0.0.1", "KEY2").unwrap_err();
        assert!(wait > Duration::ZERO && wait <= Duration::from_secs(60));
        assert!(t.attempt("10.0.0.2", "KEY1").is_ok());
        assert!(t.attempt("10.0.0.3", "KEY1").is_ok());
        let wait = t.attempt("10.0.0.4", "KEY1").unwrap_err();
        assert!(wait > Duration::from_secs(60), "{wait:?}");
        assert!(t.attempt("10.0.0.4", "KEY3").is_ok());
    }

    #[test]
    fn limits_come_from_the_figment_and_garbage_is_refused() {
        let f = Figment::new()
            .merge(("pep_lookup_per_minute", 7))
            .merge(("pep_lookup_per_key_per_hour", 99));
        let l = LookupLimits::from_figment(&f).unwrap();
        assert_eq!(
            (l.per_address_per_minute, l.per_key_per_hour),
            (n(7), n(99))
        );
        let bad = Figment::new().merge(("pep_lookup_per_minute", 0));
        assert!(LookupLimits::from_figment(&bad)
            .unwrap_err()
            .to_string()
            .contains("pep_lookup_per_minute"));
        let bad = Figment::new().merge(("pep_lookup_per_key_per_hour", "mucho"));
        assert!(LookupLimits::from_figment(&bad).is_err());
    }

    #[test]
    fn the_defaults_are_ten_a_minute_and_twenty_an_hour() {
        let d = LookupLimits::default();
        assert_eq!(d.per_address_per_minute.get(), PER_ADDRESS_PER_MINUTE);
        assert_eq!(d.per_key_per_hour.get(), PER_KEY_PER_HOUR);
    }
}
