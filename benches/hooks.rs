//! Pushed tracking benchmark on a simulated clock (nothing sleeps, nothing is sent): the
//! 181,256-PEP campaign of `benches/carriers.rs` (same timelines), each leg subscribed when its
//! guías are imported, the carrier pushing every scan a minute after it happens except a share
//! lost (5 % by default), the poller as safety net on `schedule::next_poll_pushed` (reset by
//! every push and poll, a sweep of return legs before the cutoff) — beside poll-only tracking
//! (`schedule::next_poll`, today's poller) and hourly polling's request count, in the same run.
//!
//! FedEx and DHL pushes carry the shipment's whole history (a lost push is healed by the next
//! one); UPS Track Alert pushes one scan. Requests: polls (FedEx batching 30 numbers a call),
//! subscriptions (UPS 100 numbers per request every 14 days, FedEx 30 per request, DHL one
//! plus its validation confirm per leg).
//!
//! Run: `cargo bench --bench hooks`; env `PEP_BENCH_PEPS` (default 181256),
//! `PEP_BENCH_LOST` (default 0.05), `PEP_BENCH_SEED` (default 2018).

#![allow(clippy::unwrap_used)] // a benchmark: a failed unwrap is a failed run

use std::time::Instant;

use chrono::{DateTime, Duration, Utc};
use pep_tracker::carriers::sim::timeline::{self, likely_country, Rng, Timeline};
use pep_tracker::domain::tracking::schedule::{
    next_poll, next_poll_pushed, spread, sweep_before_cutoff, PollContext,
};
use pep_tracker::domain::tracking::{apply, synthetic_tracking, Carrier, Direction, LegState};

const IMPORTED_BEFORE_HANDOVER_H: i64 = 24;
const SHIPPING_DAYS: i64 = 21;
const CUTOFF_DAYS: i64 = 60;
const AFTER_CUTOFF_DAYS: i64 = 5;
/// A push reaches the inbox and is applied this long after the scan.
const PUSH_LATENCY_S: i64 = 60;

struct Campaign {
    cutoff: DateTime<Utc>,
    horizon: DateTime<Utc>,
}

/// Detection delays in minutes (a histogram: exact percentiles, little memory).
struct Delays(Vec<u64>, u64);

impl Delays {
    fn new() -> Delays {
        Delays(vec![0; 100 * 1440], 0)
    }
    fn add(&mut self, d: Duration) {
        let m = (d.num_seconds().max(0) as usize)
            .div_ceil(60)
            .min(self.0.len() - 1);
        self.0[m] += 1;
        self.1 += 1;
    }
    fn minutes(&self, p: f64) -> f64 {
        let want = ((self.1 as f64) * p).ceil().max(1.0) as u64;
        let mut seen = 0;
        for (m, c) in self.0.iter().enumerate() {
            seen += c;
            if seen >= want {
                return m as f64;
            }
        }
        f64::NAN
    }
}

struct Strategy {
    name: &'static str,
    requests: f64,
    delays: Delays,
}

impl Strategy {
    fn new(name: &'static str) -> Strategy {
        Strategy {
            name,
            requests: 0.0,
            delays: Delays::new(),
        }
    }
}

struct Leg<'a> {
    id: i64,
    carrier: Carrier,
    direction: Direction,
    start: DateTime<Utc>,
    timeline: &'a Timeline,
}

fn poll_cost(c: Carrier) -> f64 {
    if c == Carrier::Fedex {
        1.0 / 30.0
    } else {
        1.0
    }
}

/// The scans that count: before the cutoff, up to the first final status.
fn counted<'a>(leg: &'a Leg, c: &Campaign) -> Vec<&'a timeline::SimEvent> {
    let mut out = Vec::new();
    for e in &leg.timeline.events {
        if e.at >= c.cutoff {
            break;
        }
        out.push(e);
        if e.milestone.status().is_final() {
            break;
        }
    }
    out
}

/// The tracker's knowledge of a leg: which scans it has, its state, since when unchanged.
struct Known<'a> {
    leg: &'a Leg<'a>,
    events: Vec<&'a timeline::SimEvent>,
    detected: Vec<Option<DateTime<Utc>>>,
    state: LegState,
    since: DateTime<Utc>,
}

impl<'a> Known<'a> {
    fn learn(&mut self, i: usize, t: DateTime<Utc>) {
        if self.detected[i].is_none() {
            self.detected[i] = Some(t);
            let before = self.state.status;
            self.state = apply(
                self.state,
                self.events[i].milestone.status(),
                self.events[i].at,
            );
            if self.state.status != before {
                self.since = t;
            }
        }
    }
    /// A poll at `t` sees every scan so far (the leg's whole history).
    fn poll(&mut self, t: DateTime<Utc>) {
        for i in 0..self.events.len() {
            if self.events[i].at <= t {
                self.learn(i, t);
            }
        }
    }
    fn ctx(&self, t: DateTime<Utc>, partner: Option<DateTime<Utc>>) -> PollContext {
        PollContext {
            direction: self.leg.direction,
            status: self.state.status,
            unchanged_for: t - self.since,
            partner_delivered: partner.is_some_and(|p| p <= t),
        }
    }
    fn record(&self, s: &mut Strategy) {
        for (i, e) in self.events.iter().enumerate() {
            if let Some(d) = self.detected[i] {
                s.delays.add(d - e.at.max(self.leg.start));
            }
        }
    }
    /// When the outbound delivery became known (for the return leg's schedule).
    fn delivered_known(&self) -> Option<DateTime<Utc>> {
        self.events
            .iter()
            .zip(&self.detected)
            .find(|(e, _)| e.milestone.status().is_final())
            .and_then(|(_, d)| *d)
    }
}

fn known<'a>(leg: &'a Leg<'a>, c: &Campaign) -> Known<'a> {
    let events = counted(leg, c);
    Known {
        detected: vec![None; events.len()],
        events,
        leg,
        state: LegState::NEW,
        since: leg.start,
    }
}

/// Today's poller alone.
fn poll_only(
    s: &mut Strategy,
    c: &Campaign,
    leg: &Leg,
    partner: Option<DateTime<Utc>>,
) -> Option<DateTime<Utc>> {
    let mut k = known(leg, c);
    let mut t = leg.start;
    while t < c.horizon && !k.state.status.is_final() {
        s.requests += poll_cost(leg.carrier);
        k.poll(t);
        match next_poll(&k.ctx(t, partner), t, 0, spread(leg.id)) {
            Some(n) => t = n,
            None => break,
        }
    }
    k.record(s);
    k.delivered_known()
}

/// Pushes, with the poller as safety net.
fn push_and_poll(
    s: &mut Strategy,
    c: &Campaign,
    leg: &Leg,
    partner: Option<DateTime<Utc>>,
    lost: f64,
    seed: u64,
) -> Option<DateTime<Utc>> {
    let mut k = known(leg, c);
    let sweep_at = c.cutoff - sweep_before_cutoff();
    let mut rng = Rng::from_u64(seed ^ (leg.id as u64).wrapping_mul(0x2545_f491_4f6c_dd1d));
    let arrivals: Vec<Option<DateTime<Utc>>> = k
        .events
        .iter()
        .map(|e| {
            (!rng.chance(lost)).then(|| e.at.max(leg.start) + Duration::seconds(PUSH_LATENCY_S))
        })
        .collect();
    let whole_history = leg.carrier != Carrier::Ups;
    let clamp = |n: DateTime<Utc>, t: DateTime<Utc>| {
        if leg.direction == Direction::Return && t < sweep_at {
            n.min(sweep_at)
        } else {
            n
        }
    };
    let mut next = next_poll_pushed(&k.ctx(leg.start, partner), leg.start, 0, spread(leg.id))
        .map(|n| clamp(n, leg.start));
    let mut a = 0;
    let mut last_contact = leg.start;
    while !k.state.status.is_final() {
        while a < arrivals.len() && arrivals[a].is_none() {
            a += 1;
        }
        let push_at = arrivals.get(a).copied().flatten();
        let Some(t) = [push_at, next].into_iter().flatten().min() else {
            break;
        };
        if t >= c.horizon {
            break;
        }
        if push_at == Some(t) {
            let upto = if whole_history { 0 } else { a };
            for i in upto..=a {
                k.learn(i, t);
            }
            a += 1;
        } else {
            s.requests += poll_cost(leg.carrier);
            k.poll(t);
        }
        last_contact = t;
        next = next_poll_pushed(&k.ctx(t, partner), t, 0, spread(leg.id)).map(|n| clamp(n, t));
    }
    // Subscriptions: UPS renewed every 14 days while not final, 100 numbers a request.
    let end = k.delivered_known().unwrap_or(c.horizon).max(last_contact);
    s.requests += match leg.carrier {
        Carrier::Ups => ((end - leg.start).num_days() / 14 + 1) as f64 / 100.0,
        Carrier::Fedex => 1.0 / 30.0,
        Carrier::Dhl => 2.0,
    };
    k.record(s);
    k.delivered_known()
}

/// Hourly polling's requests for one leg: every hour from the start until it is final.
fn hourly(c: &Campaign, leg: &Leg) -> f64 {
    let last = counted(leg, c)
        .last()
        .filter(|e| e.milestone.status().is_final())
        .map_or(c.horizon, |e| e.at + Duration::hours(1));
    let hours = (last.min(c.horizon) - leg.start).num_hours().max(1) as f64;
    hours * poll_cost(leg.carrier)
}

fn env<T: std::str::FromStr>(k: &str, d: T) -> T {
    std::env::var(k)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(d)
}

fn main() {
    let peps: usize = env("PEP_BENCH_PEPS", 181_256);
    let lost: f64 = env("PEP_BENCH_LOST", 0.05);
    let seed: u64 = env("PEP_BENCH_SEED", 2018);
    let t0 = DateTime::parse_from_rfc3339("2024-04-20T00:00:00Z")
        .unwrap()
        .with_timezone(&Utc);
    let cutoff = t0 + Duration::days(CUTOFF_DAYS);
    let c = Campaign {
        cutoff,
        horizon: cutoff + Duration::days(AFTER_CUTOFF_DAYS),
    };
    let started = Instant::now();
    let mut push = Strategy::new("push + safety net");
    let mut poll = Strategy::new("poll only");
    let mut hourly_requests = 0.0;
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
        let known = push_and_poll(&mut push, &c, &out, None, lost, seed);
        push_and_poll(&mut push, &c, &ret, known, lost, seed);
        let known = poll_only(&mut poll, &c, &out, None);
        poll_only(&mut poll, &c, &ret, known);
        hourly_requests += hourly(&c, &out) + hourly(&c, &ret);
    }
    println!(
        "campaign: {peps} PEPs, {} legs, {:.0} % of pushes lost, seed {seed}; hourly polling: {:.0} requests",
        2 * peps,
        lost * 100.0,
        hourly_requests
    );
    println!(
        "{:<20} {:>12} {:>10} {:>14} {:>12} {:>10}",
        "strategy", "requests", "% hourly", "median", "p95", "events"
    );
    for s in [&push, &poll] {
        println!(
            "{:<20} {:>12.0} {:>9.2} % {:>10.1} min {:>8.1} min {:>10}",
            s.name,
            s.requests,
            100.0 * s.requests / hourly_requests,
            s.delays.minutes(0.5),
            s.delays.minutes(0.95),
            s.delays.1
        );
    }
    println!(
        "targets (push + safety net): median ≤ 5 min, p95 ≤ 120 min, requests ≤ 3 % of hourly; {:.1} s",
        started.elapsed().as_secs_f64()
    );
}
