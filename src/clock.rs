//! The one source of "now": the wall clock in production, a simulated clock in demo and drill
//! runs. Every use case receives its time from the [`Clock`] its caller holds; the carrier
//! simulator, the poller, the check-in writer, the web app and the audit trail of one process
//! share the same one, so nothing is ever stamped before its cause.
//!
//! A layer of its own beside `domain`: it reads the system clock, which `domain` may not.

use std::sync::{Arc, Mutex};
use std::time::Instant;

use chrono::{DateTime, Duration, Utc};

/// Where a process reads the time.
pub trait Clock: Send + Sync {
    /// The current instant on this clock.
    fn now(&self) -> DateTime<Utc>;

    /// Simulated seconds per real second when the clock runs simulated, `None` on the wall
    /// clock (pages show the simulated date and speed in their header).
    fn simulated_speed(&self) -> Option<f64> {
        None
    }
}

/// The clock a process shares between its parts.
pub type SharedClock = Arc<dyn Clock>;

/// Real time.
#[derive(Debug, Default, Clone, Copy)]
pub struct WallClock;

impl Clock for WallClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
}

/// The wall clock, shared.
pub fn wall() -> SharedClock {
    Arc::new(WallClock)
}

#[derive(Debug, Clone, Copy)]
enum State {
    /// Runs from `origin` at `speed` simulated seconds per real second since `started`.
    Running {
        origin: DateTime<Utc>,
        started: Instant,
        speed: f64,
    },
    /// Stands still at a time set by hand (tests and drills move it).
    Manual(DateTime<Utc>),
}

/// A simulated clock: running at a speed (demos) or moved by hand (drills, tests). Drills and
/// demos only [`advance`](SimClock::advance) it; [`set`](SimClock::set) is for tests.
#[derive(Debug)]
pub struct SimClock {
    state: Mutex<State>,
}

impl SimClock {
    /// A clock running from `origin` at `speed` times real time.
    pub fn running(origin: DateTime<Utc>, speed: f64) -> SimClock {
        SimClock {
            state: Mutex::new(State::Running {
                origin,
                started: Instant::now(),
                speed: speed.max(0.0),
            }),
        }
    }

    /// A clock standing at `t` until moved.
    pub fn manual(t: DateTime<Utc>) -> SimClock {
        SimClock {
            state: Mutex::new(State::Manual(t)),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn read(state: &State) -> DateTime<Utc> {
        match state {
            State::Running {
                origin,
                started,
                speed,
            } => {
                let real = started.elapsed().as_secs_f64() * speed;
                *origin + Duration::milliseconds((real * 1000.0) as i64)
            }
            State::Manual(t) => *t,
        }
    }

    /// Stops the clock at `t` (tests place it anywhere, even back in time).
    pub fn set(&self, t: DateTime<Utc>) {
        *self.lock() = State::Manual(t);
    }

    /// Moves the clock forward by `d` and stops it there.
    pub fn advance(&self, d: Duration) -> DateTime<Utc> {
        let mut state = self.lock();
        let t = Self::read(&state) + d.max(Duration::zero());
        *state = State::Manual(t);
        t
    }

    /// Runs the clock from its current time at `speed` times real time.
    pub fn run_at(&self, speed: f64) {
        let mut state = self.lock();
        let origin = Self::read(&state);
        *state = State::Running {
            origin,
            started: Instant::now(),
            speed: speed.max(0.0),
        };
    }
}

impl Clock for SimClock {
    fn now(&self) -> DateTime<Utc> {
        Self::read(&self.lock())
    }

    fn simulated_speed(&self) -> Option<f64> {
        match *self.lock() {
            State::Running { speed, .. } => Some(speed),
            State::Manual(_) => Some(0.0),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t0() -> DateTime<Utc> {
        "2024-05-01T12:00:00Z".parse().unwrap()
    }

    #[test]
    fn manual_clock_advances_only_forward() {
        let c = SimClock::manual(t0());
        assert_eq!(c.now(), t0());
        assert_eq!(c.advance(Duration::hours(3)), t0() + Duration::hours(3));
        c.set(t0() + Duration::days(1));
        assert_eq!(c.now(), t0() + Duration::days(1));
        assert_eq!(c.advance(Duration::hours(-5)), t0() + Duration::days(1));
    }

    #[test]
    fn running_clock_runs_at_its_speed() {
        let c = SimClock::running(t0(), 3600.0);
        std::thread::sleep(std::time::Duration::from_millis(20));
        let moved = c.now() - t0();
        assert!(moved >= Duration::seconds(60), "{moved}");
        assert_eq!(c.simulated_speed(), Some(3600.0));
        assert_eq!(WallClock.simulated_speed(), None);
    }
}
