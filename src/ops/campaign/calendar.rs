//! A campaign's calendar and its pace: when the election is, where the cutoff falls, how far
//! past it the run goes, and how the one simulated clock gets from one moment to the next —
//! moved by hand (`advance`) in a drill, running at a watchable speed in the demo.

use std::sync::Arc;
use std::time::Duration as StdDuration;

use chrono::{DateTime, Duration, Utc};

use crate::clock::{Clock, SimClock};

/// When things happen, relative to the campaign's start.
#[derive(Debug, Clone)]
pub struct Calendar {
    /// Days from the start to election day (the cutoff is the day before, 08:00 local).
    pub election_in_days: i64,
    /// How long reception keeps scanning after the cutoff (late envelopes keep coming).
    pub after_cutoff: Duration,
    /// Simulated time between two turns (a polling pass and a reception round).
    pub step: Duration,
}

impl Default for Calendar {
    fn default() -> Self {
        Calendar {
            election_in_days: 42,
            after_cutoff: Duration::days(6),
            step: Duration::hours(3),
        }
    }
}

/// The entities of a campaign's election file, and its text for a start at `start`.
pub fn election_toml(name: &str, entities: &[String], day: chrono::NaiveDate) -> String {
    let list = entities
        .iter()
        .map(|e| format!("\"{e}\""))
        .collect::<Vec<_>>()
        .join(", ");
    format!(
        r#"name = "{name}"
election_day = "{day}"
polls_open = "08:00"
timezone = "America/Mexico_City"
max_electors_per_mec = 750
entities = [{list}]

[return_address]
name = "Instituto Nacional Electoral (VMRE)"
line1 = "Viaducto Tlalpan 100"
line2 = "Arenal Tepepan"
city = "Tlalpan, Ciudad de México"
region = "CDMX"
postal_code = "14610"
country = "MX"
"#,
        day = day.format("%Y-%m-%d")
    )
}

/// Election day for a campaign started at `start`.
pub fn election_day(cal: &Calendar, start: DateTime<Utc>) -> chrono::NaiveDate {
    let local = start.with_timezone(&chrono_tz::America::Mexico_City);
    local.date_naive() + Duration::days(cal.election_in_days)
}

/// The campaign's clock and how it moves.
#[derive(Clone)]
pub struct Timekeeper {
    clock: Arc<SimClock>,
    /// Runs on its own (demo) rather than being advanced by hand (drill).
    running: bool,
}

impl Timekeeper {
    /// A clock the campaign moves by hand, as fast as the machine allows.
    pub fn manual(clock: Arc<SimClock>) -> Timekeeper {
        Timekeeper {
            clock,
            running: false,
        }
    }

    /// A clock running at its own speed: the campaign waits for it.
    pub fn running(clock: Arc<SimClock>) -> Timekeeper {
        Timekeeper {
            clock,
            running: true,
        }
    }

    pub fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }

    pub fn clock(&self) -> Arc<SimClock> {
        self.clock.clone()
    }

    pub fn is_running(&self) -> bool {
        self.running
    }

    /// Gets the clock to `t`: advances it by hand, or waits until it has run there. A time
    /// already past changes nothing (the clock never goes back).
    pub async fn until(&self, t: DateTime<Utc>) {
        if !self.running {
            let now = self.clock.now();
            if t > now {
                self.clock.advance(t - now);
            }
            return;
        }
        let speed = self.clock.simulated_speed().unwrap_or(1.0).max(1e-3);
        loop {
            let left = t - self.clock.now();
            if left <= Duration::zero() {
                return;
            }
            let real = left.num_milliseconds() as f64 / speed;
            let wait = StdDuration::from_millis((real.ceil() as u64).clamp(1, 500));
            tokio::time::sleep(wait).await;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t0() -> DateTime<Utc> {
        "2030-04-01T15:00:00Z".parse().unwrap()
    }

    #[tokio::test]
    async fn a_manual_campaign_clock_jumps_forward_and_never_back() {
        let k = Timekeeper::manual(Arc::new(SimClock::manual(t0())));
        k.until(t0() + Duration::hours(5)).await;
        assert_eq!(k.now(), t0() + Duration::hours(5));
        k.until(t0()).await;
        assert_eq!(k.now(), t0() + Duration::hours(5));
    }

    #[tokio::test]
    async fn a_running_campaign_clock_is_waited_for() {
        let k = Timekeeper::running(Arc::new(SimClock::running(t0(), 36_000.0)));
        k.until(t0() + Duration::minutes(20)).await;
        assert!(k.now() >= t0() + Duration::minutes(20));
    }

    #[test]
    fn the_election_file_of_a_campaign_loads_its_entities_and_day() {
        let day = election_day(&Calendar::default(), t0());
        let text = election_toml("Simulacro", &["01".into(), "20".into()], day);
        assert!(text.contains("election_day = \"2030-05-13\""), "{text}");
        assert!(text.contains("entities = [\"01\", \"20\"]"), "{text}");
    }
}
