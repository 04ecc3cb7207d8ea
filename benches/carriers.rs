//! Courier polling benchmark on a simulated clock (nothing sleeps): a 181,256-PEP campaign
//! (the 2018 postal list), both legs, each shipment following the carrier simulator's
//! deterministic timeline, polled by the poller's adaptive schedule
//! (`domain::tracking::schedule`, one pass a minute, FedEx batching 30 numbers a call) and, in
//! the same run over the same timelines, by fixed hourly polling.
//!
//! Run: `cargo bench --bench carriers` (optionally `-- PEPS SEED`). Prints total carrier
//! requests, requests per leg, the median and p95 delay between an event happening and the
//! tracker knowing it, and the most fetches of one shipment in one UTC day, for both.

#![allow(clippy::unwrap_used)] // a benchmark: a failed unwrap is a failed run

use std::time::Instant;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use pep_tracker::carriers::sim::timeline::{self, likely_country, Rng, SimEvent, Timeline};
use pep_tracker::domain::tracking::schedule::{fetches_today, next_poll, spread, PollContext};
use pep_tracker::domain::tracking::{apply, synthetic_tracking, Carrier, Direction, LegState};

/// The poller runs a pass every minute.
const TICK: i64 = 60;
/// Guías are imported (tracking starts) this long before the PEPs are handed over.
const IMPORTED_BEFORE_HANDOVER_H: i64 = 24;
const SHIPPING_DAYS: i64 = 21;
const CUTOFF_DAYS: i64 = 60;
/// Polling goes on a few days past the cutoff (late envelopes); events after the cutoff are
/// not counted.
const AFTER_CUTOFF_DAYS: i64 = 5;

struct Campaign {
    t0: DateTime<Utc>,
    cutoff: DateTime<Utc>,
    horizon: DateTime<Utc>,
}

/// Delays in minutes, as a histogram (exact percentiles, little memory).
struct Delays {
    minutes: Vec<u64>,
    n: u64,
}

impl Delays {
    fn new() -> Delays {
        Delays {
            minutes: vec![0; 100 * 1440],
            n: 0,
        }
    }

    fn add(&mut self, d: Duration) {
        let m = (d.num_seconds().max(0) as usize)
            .div_ceil(60)
            .min(self.minutes.len() - 1);
        self.minutes[m] += 1;
        self.n += 1;
    }

    fn percentile_hours(&self, p: f64) -> f64 {
        let want = ((self.n as f64) * p).ceil() as u64;
        let mut seen = 0;
        for (m, c) in self.minutes.iter().enumerate() {
            seen += c;
            if seen >= want.max(1) {
                return m as f64 / 60.0;
            }
        }
        f64::NAN
    }
}

/// What one strategy did over the campaign.
struct Strategy {
    name: &'static str,
    /// Legs polled per tick, per carrier (for FedEx's batches of 30).
    per_tick: [Vec<u32>; 3],
    tick_secs: i64,
    all_events: Delays,
    changes: Delays,
    max_per_day: u32,
}

impl Strategy {
    fn new(name: &'static str, c: &Campaign, tick_secs: i64) -> Strategy {
        let ticks = ((c.horizon - c.t0).num_seconds() / tick_secs + 2) as usize;
        Strategy {
            name,
            per_tick: [vec![0; ticks], vec![0; ticks], vec![0; ticks]],
            tick_secs,
            all_events: Delays::new(),
            changes: Delays::new(),
            max_per_day: 0,
        }
    }

    fn requests(&self, carrier: Carrier) -> u64 {
        let batch = if carrier == Carrier::Fedex { 30 } else { 1 };
        self.per_tick[carrier as usize]
            .iter()
            .map(|&n| u64::from(n).div_ceil(batch))
            .sum()
    }

    fn total(&self) -> u64 {
        Carrier::ALL.iter().map(|&c| self.requests(c)).sum()
    }
}

struct Leg<'a> {
    id: i64,
    carrier: Carrier,
    direction: Direction,
    start: DateTime<Utc>,
    timeline: &'a Timeline,
}

/// The events that count: before the cutoff, up to the first final status (nobody polls a
/// final shipment), each with whether it changed the true status.
fn counted(leg: &Leg, c: &Campaign) -> Vec<(SimEvent, bool)> {
    let mut out = Vec::new();
    let mut prev = None;
    for e in &leg.timeline.events {
        if e.at >= c.cutoff {
            break;
        }
        let s = e.milestone.status();
        out.push((*e, prev != Some(s)));
        prev = Some(s);
        if s.is_final() {
            break;
        }
    }
    out
}

fn ceil_to(t: DateTime<Utc>, origin: DateTime<Utc>, secs: i64) -> DateTime<Utc> {
    let k = (t - origin).num_seconds().max(0) as u64;
    origin + Duration::seconds((k.div_ceil(secs as u64) * secs as u64) as i64)
}

fn tick_of(s: &Strategy, c: &Campaign, t: DateTime<Utc>) -> usize {
    ((t - c.t0).num_seconds() / s.tick_secs) as usize
}

/// The poller's schedule for one leg. Returns when the tracker learned of a delivery.
fn adaptive(
    s: &mut Strategy,
    c: &Campaign,
    leg: &Leg,
    partner: Option<DateTime<Utc>>,
) -> Option<DateTime<Utc>> {
    let events = counted(leg, c);
    let mut t = ceil_to(leg.start, c.t0, TICK);
    let (mut state, mut since, mut next_ev) = (LegState::NEW, leg.start, 0);
    let mut day: (Option<NaiveDate>, u32) = (None, 0);
    let all = &leg.timeline.events;
    let mut seen = 0;
    let mut delivered = None;
    while t < c.horizon {
        let today = fetches_today(day.0, day.1, t) + 1;
        day = (Some(t.date_naive()), today);
        s.max_per_day = s.max_per_day.max(today);
        let k = tick_of(s, c, t);
        s.per_tick[leg.carrier as usize][k] += 1;
        while next_ev < events.len() && events[next_ev].0.at <= t {
            let (e, change) = events[next_ev];
            let d = t - e.at.max(leg.start);
            s.all_events.add(d);
            if change {
                s.changes.add(d);
            }
            next_ev += 1;
        }
        while seen < all.len() && all[seen].at <= t {
            let before = state.status;
            state = apply(state, all[seen].milestone.status(), all[seen].at);
            if state.status != before {
                since = t;
            }
            seen += 1;
        }
        if state.status == pep_tracker::domain::tracking::LegStatus::Delivered
            && delivered.is_none()
        {
            delivered = Some(t);
        }
        let ctx = PollContext {
            direction: leg.direction,
            status: state.status,
            unchanged_for: t - since,
            partner_delivered: partner.is_some_and(|p| p <= t),
        };
        match next_poll(&ctx, t, today, spread(leg.id)) {
            Some(n) => t = ceil_to(n, c.t0, TICK),
            None => break,
        }
    }
    delivered
}

/// Polling every hour until the tracker sees a final status.
fn hourly(s: &mut Strategy, c: &Campaign, leg: &Leg) {
    let hour = 3600;
    let first = ceil_to(leg.start, c.t0, hour);
    let detect = |at: DateTime<Utc>| ceil_to(at.max(first), c.t0, hour);
    for (e, change) in counted(leg, c) {
        let d = detect(e.at) - e.at.max(leg.start);
        s.all_events.add(d);
        if change {
            s.changes.add(d);
        }
    }
    let final_seen = leg
        .timeline
        .events
        .iter()
        .find(|e| e.milestone.status().is_final())
        .map(|e| detect(e.at));
    let last = final_seen
        .unwrap_or(c.horizon)
        .min(c.horizon - Duration::seconds(1));
    let (a, b) = (tick_of(s, c, first), tick_of(s, c, last));
    for k in a..=b {
        s.per_tick[leg.carrier as usize][k] += 1;
    }
    if b > a {
        s.max_per_day = s.max_per_day.max(24);
    }
}

fn main() {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with("--"))
        .collect();
    let peps: usize = args.first().and_then(|a| a.parse().ok()).unwrap_or(181_256);
    let seed: u64 = args.get(1).and_then(|a| a.parse().ok()).unwrap_or(2018);
    let t0 = DateTime::parse_from_rfc3339("2024-04-20T00:00:00Z")
        .unwrap()
        .with_timezone(&Utc);
    let cutoff = t0 + Duration::days(CUTOFF_DAYS);
    let c = Campaign {
        t0,
        cutoff,
        horizon: cutoff + Duration::days(AFTER_CUTOFF_DAYS),
    };
    let started = Instant::now();
    let mut adapt = Strategy::new("adaptive schedule", &c, TICK);
    let mut base = Strategy::new("hourly polling", &c, 3600);
    let mut legs_per_carrier = [0u64; 3];
    for i in 0..peps {
        let carrier = Carrier::ALL[i % 3];
        let country = likely_country(&mut Rng::from_u64(seed ^ (i as u64).wrapping_mul(0x9e37)));
        let shipped = t0 + Duration::minutes((i as i64 * SHIPPING_DAYS * 1440) / peps as i64);
        let start = shipped - Duration::hours(IMPORTED_BEFORE_HANDOVER_H);
        let (on, rn) = (
            synthetic_tracking(carrier, 2 * i as u64),
            synthetic_tracking(carrier, 2 * i as u64 + 1),
        );
        let out_tl = timeline::outbound(seed, carrier, &on, country, shipped);
        let ret_tl =
            timeline::return_leg(seed, carrier, &rn, country, shipped, out_tl.delivered_at());
        let out = Leg {
            id: 2 * i as i64,
            carrier,
            direction: Direction::Outbound,
            start,
            timeline: &out_tl,
        };
        let ret = Leg {
            id: 2 * i as i64 + 1,
            carrier,
            direction: Direction::Return,
            start,
            timeline: &ret_tl,
        };
        let known = adaptive(&mut adapt, &c, &out, None);
        adaptive(&mut adapt, &c, &ret, known);
        hourly(&mut base, &c, &out);
        hourly(&mut base, &c, &ret);
        legs_per_carrier[carrier as usize] += 2;
    }
    report(
        &c,
        peps,
        seed,
        &legs_per_carrier,
        &base,
        &adapt,
        started.elapsed().as_secs_f64(),
    );
}

fn report(
    c: &Campaign,
    peps: usize,
    seed: u64,
    legs: &[u64; 3],
    base: &Strategy,
    adapt: &Strategy,
    secs: f64,
) {
    let n_legs: u64 = legs.iter().sum();
    println!(
        "campaign: {peps} PEPs, {n_legs} legs (FedEx/UPS/DHL a third each), shipped over {SHIPPING_DAYS} days from {}, cutoff {}, polled until {}; seed {seed}",
        c.t0.date_naive(),
        c.cutoff.date_naive(),
        c.horizon.date_naive()
    );
    println!(
        "{:<19} {:>12} {:>9} {:>13} {:>10} {:>14} {:>14} {:>10}",
        "strategy",
        "requests",
        "per leg",
        "median (all)",
        "p95 (all)",
        "median (chg)",
        "p95 (chg)",
        "max/day"
    );
    for s in [base, adapt] {
        println!(
            "{:<19} {:>12} {:>9.1} {:>11.2} h {:>8.2} h {:>12.2} h {:>12.2} h {:>10}",
            s.name,
            s.total(),
            s.total() as f64 / n_legs as f64,
            s.all_events.percentile_hours(0.5),
            s.all_events.percentile_hours(0.95),
            s.changes.percentile_hours(0.5),
            s.changes.percentile_hours(0.95),
            s.max_per_day
        );
    }
    for carrier in Carrier::ALL {
        let (b, a) = (base.requests(carrier), adapt.requests(carrier));
        println!(
            "  {:<6} hourly {:>11}  adaptive {:>10}  ({:.1} % of hourly)",
            carrier.label(),
            b,
            a,
            100.0 * a as f64 / b as f64
        );
    }
    println!(
        "adaptive / hourly requests: {:.1} % (target ≤ 20 %); events counted: {} ({} status changes); {:.1} s",
        100.0 * adapt.total() as f64 / base.total() as f64,
        adapt.all_events.n,
        adapt.changes.n,
        secs
    );
}
