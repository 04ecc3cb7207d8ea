//! Login throttling (the public lookup's limits are in [`super::lookup_limits`]).
//!
//! Logins count *failures* only, per (name, address) pair, with far higher caps per name alone
//! and per address alone, so that nobody can lock an account out by guessing wrong from one
//! address: a correct password from another address is refused only when the name's own cap
//! is reached. A success clears its pair.
//!
//! The login counter is a small keyed counter of fixed windows rather than governor: governor
//! can neither look at a key without spending a cell (only failures may count) nor forget one
//! key (a success must clear its pair).

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Failed logins allowed per (name, address) pair within one window.
pub const PAIR_FAILURES: u32 = 5;
/// Failed logins allowed per client address alone (any names) within one window.
pub const ADDRESS_FAILURES: u32 = 50;
/// Failed logins allowed per account name alone (any addresses) within one window.
pub const NAME_FAILURES: u32 = 200;
/// A window starts at the first failure of a key and lasts this long.
pub const WINDOW: Duration = Duration::from_secs(5 * 60);
/// Past this many keys, expired windows are swept out.
const SWEEP_AT: usize = 50_000;

/// Failures of one key in the current window.
#[derive(Debug, Clone, Copy)]
struct Window {
    started: Instant,
    failures: u32,
}

/// Fixed-window failure counts per key, with one cap.
struct Counter<K> {
    cap: u32,
    windows: HashMap<K, Window>,
}

impl<K: Eq + Hash> Counter<K> {
    fn new(cap: u32) -> Self {
        Counter {
            cap,
            windows: HashMap::new(),
        }
    }

    /// The live window of a key (an expired one is as good as none).
    fn live(&self, key: &K, now: Instant) -> Option<Window> {
        self.windows
            .get(key)
            .copied()
            .filter(|w| now.saturating_duration_since(w.started) < WINDOW)
    }

    /// How long the key must wait, when its cap is reached.
    fn blocked(&self, key: &K, now: Instant) -> Option<Duration> {
        self.live(key, now)
            .filter(|w| w.failures >= self.cap)
            .map(|w| (w.started + WINDOW).saturating_duration_since(now))
    }

    fn add(&mut self, key: K, now: Instant) {
        let failures = self.live(&key, now).map_or(0, |w| w.failures);
        let started = self.live(&key, now).map_or(now, |w| w.started);
        self.windows.insert(
            key,
            Window {
                started,
                failures: failures.saturating_add(1),
            },
        );
        if self.windows.len() > SWEEP_AT {
            self.windows
                .retain(|_, w| now.saturating_duration_since(w.started) < WINDOW);
        }
    }

    /// Takes back one count (an attempt that turned out to be a success).
    fn refund(&mut self, key: &K) {
        if let Some(w) = self.windows.get_mut(key) {
            w.failures = w.failures.saturating_sub(1);
        }
    }
}

type Pair = (String, String);

struct Counts {
    pairs: Counter<Pair>,
    names: Counter<String>,
    addresses: Counter<String>,
}

/// Failed-login counts per pair, per name and per address.
pub struct LoginThrottle {
    counts: Mutex<Counts>,
}

impl Default for LoginThrottle {
    fn default() -> Self {
        Self::new()
    }
}

fn name_key(name: &str) -> String {
    name.trim().to_lowercase()
}

impl LoginThrottle {
    pub fn new() -> Self {
        LoginThrottle {
            counts: Mutex::new(Counts {
                pairs: Counter::new(PAIR_FAILURES),
                names: Counter::new(NAME_FAILURES),
                addresses: Counter::new(ADDRESS_FAILURES),
            }),
        }
    }

    fn counts(&self) -> std::sync::MutexGuard<'_, Counts> {
        // The counts stay consistent even if a holder panicked: take them back.
        self.counts.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Starts one attempt: `Err(wait)` when its pair, its address or its name has reached its
    /// cap. Otherwise the attempt is counted as a failure until [`Self::succeeded`] says
    /// otherwise (so that concurrent guesses cannot slip past the cap).
    pub fn begin(&self, address: &str, name: &str) -> Result<(), Duration> {
        self.begin_at(address, name, Instant::now())
    }

    pub fn begin_at(&self, address: &str, name: &str, now: Instant) -> Result<(), Duration> {
        let name = name_key(name);
        let pair = (name.clone(), address.to_string());
        let mut c = self.counts();
        let wait = [
            c.pairs.blocked(&pair, now),
            c.addresses.blocked(&address.to_string(), now),
            c.names.blocked(&name, now),
        ]
        .into_iter()
        .flatten()
        .max();
        if let Some(wait) = wait {
            return Err(wait);
        }
        c.pairs.add(pair, now);
        c.addresses.add(address.to_string(), now);
        c.names.add(name, now);
        Ok(())
    }

    /// The attempt begun for this pair was a success: its pair is cleared and the name and
    /// address get their count back.
    pub fn succeeded(&self, address: &str, name: &str) {
        let name = name_key(name);
        let mut c = self.counts();
        c.pairs.windows.remove(&(name.clone(), address.to_string()));
        c.names.refund(&name);
        c.addresses.refund(&address.to_string());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sixth_failure_on_one_pair_must_wait_but_other_addresses_may_sign_in() {
        let t = LoginThrottle::new();
        let now = Instant::now();
        for _ in 0..PAIR_FAILURES {
            assert!(t.begin_at("10.0.0.1", "ana", now).is_ok());
        }
        let wait = t.begin_at("10.0.0.1", "Ana", now).unwrap_err();
        assert!(wait > Duration::from_secs(60), "{wait:?}");
        assert!(t.begin_at("10.0.0.2", "ana", now).is_ok());
        assert!(t.begin_at("10.0.0.1", "luis", now).is_ok());
        // The window passes.
        assert!(t.begin_at("10.0.0.1", "ana", now + WINDOW).is_ok());
    }

    #[test]
    fn a_success_clears_its_pair_and_does_not_count() {
        let t = LoginThrottle::new();
        let now = Instant::now();
        for _ in 0..PAIR_FAILURES - 1 {
            t.begin_at("10.0.0.1", "ana", now).unwrap();
        }
        t.begin_at("10.0.0.1", "ana", now).unwrap();
        t.succeeded("10.0.0.1", "ana");
        for _ in 0..PAIR_FAILURES {
            assert!(t.begin_at("10.0.0.1", "ana", now).is_ok());
        }
        assert!(t.begin_at("10.0.0.1", "ana", now).is_err());
    }

    #[test]
    fn many_addresses_reach_the_name_cap_and_one_address_the_address_cap() {
        let t = LoginThrottle::new();
        let now = Instant::now();
        for i in 0..NAME_FAILURES {
            let addr = format!("10.1.{}.{}", i / 4, i % 4);
            t.begin_at(&addr, "ana", now).unwrap();
        }
        assert!(t.begin_at("192.168.9.9", "ana", now).is_err());
        for i in 0..ADDRESS_FAILURES {
            t.begin_at("10.9.9.9", &format!("user{i}"), now).unwrap();
        }
        assert!(t.begin_at("10.9.9.9", "nuevo", now).is_err());
        assert!(t.begin_at("10.9.9.8", "nuevo", now).is_ok());
    }
}
