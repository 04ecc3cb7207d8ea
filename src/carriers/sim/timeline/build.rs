//! Building the timelines of [`super`]: outbound legs from Mexico City to the elector, return
//! legs from the elector to INE.

use chrono::{DateTime, Duration, DurationRound, Utc};

use super::Milestone::{self, *};
use super::{destination, hub, region, Place, Region, Rng, SimEvent, Timeline, MEXICO_CITY};
use crate::domain::tracking::Carrier;

/// Appends events at whole minutes, each strictly after the previous one.
struct Builder {
    events: Vec<SimEvent>,
}

impl Builder {
    fn new() -> Builder {
        Builder { events: Vec::new() }
    }

    fn last(&self) -> Option<DateTime<Utc>> {
        self.events.last().map(|e| e.at)
    }

    fn at(&mut self, t: DateTime<Utc>, milestone: Milestone, place: Place) {
        let t = t.duration_trunc(Duration::minutes(1)).unwrap_or(t);
        let t = match self.last() {
            Some(last) if t <= last => last + Duration::minutes(1),
            _ => t,
        };
        self.events.push(SimEvent {
            at: t,
            milestone,
            place,
        });
    }

    fn after(&mut self, gap: Duration, milestone: Milestone, place: Place) {
        let base = self.last().expect("a first event was placed");
        self.at(base + gap, milestone, place);
    }

    fn finish(self) -> Timeline {
        Timeline {
            events: self.events,
        }
    }
}

/// Hours to the carrier's hub, and from the hub to the destination facility.
fn legs_hours(r: Region) -> ((f64, f64), (f64, f64)) {
    match r {
        Region::Usa => ((8.0, 20.0), (12.0, 60.0)),
        Region::Canada => ((10.0, 24.0), (24.0, 84.0)),
        Region::Europe => ((16.0, 36.0), (24.0, 110.0)),
        Region::Elsewhere => ((20.0, 48.0), (48.0, 160.0)),
    }
}

/// Probability of a customs hold, and of a PEP that cannot be delivered.
fn risks(r: Region) -> (f64, f64) {
    match r {
        Region::Usa => (0.06, 0.03),
        Region::Canada => (0.08, 0.04),
        Region::Europe => (0.10, 0.05),
        Region::Elsewhere => (0.12, 0.08),
    }
}

fn customs(b: &mut Builder, rng: &mut Rng, hold: f64, at: Place) {
    b.after(rng.hours(1.0, 6.0), InClearance, at);
    if rng.chance(hold) {
        b.after(rng.hours(1.0, 8.0), CustomsHold, at);
        b.after(rng.hours(18.0, 96.0), ClearanceComplete, at);
    } else {
        b.after(rng.hours(2.0, 10.0), ClearanceComplete, at);
    }
}

/// Out for delivery, then delivered — after a failed attempt now and then — or, for an
/// undeliverable package, two or three attempts and the way back to `home`.
fn deliver(b: &mut Builder, rng: &mut Rng, undeliverable: f64, dest: Place, home: Place) {
    b.after(rng.hours(6.0, 20.0), OutForDelivery, dest);
    if rng.chance(undeliverable) {
        let attempts = 2 + (rng.next_u64() % 2) as usize;
        for i in 0..attempts {
            b.after(rng.hours(2.0, 9.0), DeliveryAttempted, dest);
            if i + 1 < attempts {
                b.after(rng.hours(14.0, 24.0), OutForDelivery, dest);
            }
        }
        b.after(rng.hours(24.0, 72.0), ReturningToSender, dest);
        b.after(rng.hours(96.0, 288.0), ReturnedToSender, home);
        return;
    }
    if rng.chance(0.07) {
        b.after(rng.hours(2.0, 9.0), DeliveryAttempted, dest);
        b.after(rng.hours(14.0, 24.0), OutForDelivery, dest);
    }
    b.after(rng.hours(2.0, 9.0), Delivered, dest);
}

/// The PEP from Mexico City to the elector in `country`, printed and handed over at
/// `shipped_at`: its label is created after that instant, never before.
pub fn outbound(
    seed: u64,
    carrier: Carrier,
    tracking: &str,
    country: &str,
    shipped_at: DateTime<Utc>,
) -> Timeline {
    let mut rng = Rng::new(seed, carrier, tracking);
    let r = region(country);
    let ((h1, h2), (m1, m2)) = legs_hours(r);
    let (hold, undeliverable) = risks(r);
    let dest = destination(&mut rng, country);
    let hub = hub(carrier, r);
    let mut b = Builder::new();
    // Nothing before its cause: the label exists from the printing on, the pickup follows.
    b.at(shipped_at + rng.hours(0.05, 1.0), LabelCreated, MEXICO_CITY);
    b.at(shipped_at + rng.hours(1.0, 8.0), PickedUp, MEXICO_CITY);
    b.after(rng.hours(3.0, 10.0), DepartedOrigin, MEXICO_CITY);
    b.after(rng.hours(h1, h2), ArrivedHub, hub);
    customs(&mut b, &mut rng, hold, hub);
    b.after(rng.hours(2.0, 8.0), DepartedHub, hub);
    b.after(rng.hours(m1, m2), ArrivedDestination, dest);
    deliver(&mut b, &mut rng, undeliverable, dest, MEXICO_CITY);
    b.finish()
}

/// Share of electors who post their envelope (2018: 98,854 of 181,256 came back).
pub const POSTING_SHARE: f64 = 0.60;

/// The Sobre-Postal-Voto from the elector in `country` to INE. The return label exists from
/// the PEP's printing at `shipped_at` on, never earlier (FedEx and UPS show it; DHL shows
/// nothing until the pickup); the
/// elector may post it once the PEP has arrived (`received`), days later, or never.
pub fn return_leg(
    seed: u64,
    carrier: Carrier,
    tracking: &str,
    country: &str,
    shipped_at: DateTime<Utc>,
    received: Option<DateTime<Utc>>,
) -> Timeline {
    let mut rng = Rng::new(seed, carrier, tracking);
    let mut b = Builder::new();
    if carrier != Carrier::Dhl {
        b.at(shipped_at + rng.hours(0.05, 1.0), LabelCreated, MEXICO_CITY);
    }
    let Some(received) = received else {
        return b.finish();
    };
    if !rng.chance(POSTING_SHARE) {
        return b.finish();
    }
    // Days until the elector posts it: exponential, mean one week, at most 45 days.
    let days = (-(1.0 - rng.unit()).ln() * 7.0 + 0.3).min(45.0);
    let r = region(country);
    let ((h1, h2), (m1, m2)) = legs_hours(r);
    let origin = destination(&mut rng, country);
    let hub = hub(carrier, r);
    b.at(
        received + Duration::minutes((days * 1440.0) as i64),
        PickedUp,
        origin,
    );
    b.after(rng.hours(4.0, 16.0), DepartedOrigin, origin);
    b.after(rng.hours(h1, h2), ArrivedHub, hub);
    b.after(rng.hours(2.0, 8.0), DepartedHub, hub);
    b.after(
        rng.hours(m1 / 2.0, m2 / 2.0),
        ArrivedDestination,
        MEXICO_CITY,
    );
    customs(&mut b, &mut rng, 0.05, MEXICO_CITY);
    deliver(&mut b, &mut rng, 0.005, MEXICO_CITY, origin);
    b.finish()
}
