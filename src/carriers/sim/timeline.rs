//! The simulator's ground truth: a deterministic timeline of milestones per seed, carrier and
//! tracking number. Outbound legs leave Mexico City and take days to the USA and Canada, longer
//! to Europe and the rest of the world, with customs holds, failed delivery attempts and a share
//! returned to sender; return legs start when the elector posts the envelope, some days after the
//! PEP arrived (or never: many electors do not vote), and end at INE in Mexico City.

use chrono::{DateTime, Duration, Utc};

use crate::domain::tracking::{Carrier, Direction, LegStatus};

/// What the simulator knows about a shipment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShipmentSpec {
    pub direction: Direction,
    /// ISO 3166-1 alpha-2 of the elector's country.
    pub country: String,
    /// When the PEP was handed to the carrier (for a return leg: its outbound's).
    pub shipped_at: DateTime<Utc>,
    /// For a return leg: the outbound leg, whose delivery lets the elector post the envelope.
    pub outbound: Option<(Carrier, String)>,
}

/// A step of a shipment's life.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Milestone {
    LabelCreated,
    PickedUp,
    DepartedOrigin,
    ArrivedHub,
    InClearance,
    CustomsHold,
    ClearanceComplete,
    DepartedHub,
    ArrivedDestination,
    OutForDelivery,
    DeliveryAttempted,
    Delivered,
    ReturningToSender,
    ReturnedToSender,
}

impl Milestone {
    /// The true status of a shipment whose newest milestone is this one.
    pub fn status(self) -> LegStatus {
        use Milestone::*;
        match self {
            LabelCreated => LegStatus::PreTransit,
            PickedUp | DepartedOrigin | ArrivedHub | InClearance | ClearanceComplete
            | DepartedHub | ArrivedDestination => LegStatus::InTransit,
            CustomsHold | DeliveryAttempted => LegStatus::Exception,
            OutForDelivery => LegStatus::OutForDelivery,
            Delivered => LegStatus::Delivered,
            ReturningToSender | ReturnedToSender => LegStatus::ReturnToSender,
        }
    }
}

/// Where a scan happens.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Place {
    pub city: &'static str,
    pub region: &'static str,
    pub country: &'static str,
    /// Local offset from UTC, minutes (for carriers that print local times).
    pub offset_min: i32,
}

const fn place(
    city: &'static str,
    region: &'static str,
    country: &'static str,
    offset_min: i32,
) -> Place {
    Place {
        city,
        region,
        country,
        offset_min,
    }
}

const MEXICO_CITY: Place = place("CIUDAD DE MEXICO", "CDMX", "MX", -360);

/// One scan of the timeline.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SimEvent {
    pub at: DateTime<Utc>,
    pub milestone: Milestone,
    pub place: Place,
}

/// A shipment's whole life, oldest first, at strictly increasing times.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Timeline {
    pub events: Vec<SimEvent>,
}

impl Timeline {
    /// The scans that have happened by `now`.
    pub fn visible(&self, now: DateTime<Utc>) -> &[SimEvent] {
        let n = self.events.partition_point(|e| e.at <= now);
        &self.events[..n]
    }

    /// The true status at `now` (`unknown` while the carrier shows nothing).
    pub fn truth(&self, now: DateTime<Utc>) -> LegStatus {
        self.visible(now)
            .last()
            .map_or(LegStatus::Unknown, |e| e.milestone.status())
    }

    pub fn delivered_at(&self) -> Option<DateTime<Utc>> {
        self.events
            .iter()
            .find(|e| e.milestone == Milestone::Delivered)
            .map(|e| e.at)
    }
}

/// splitmix64: a small, stable generator (the same numbers on every platform and version).
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64, carrier: Carrier, tracking: &str) -> Rng {
        // FNV-1a over the key, mixed with the seed.
        let mut h: u64 = 0xcbf2_9ce4_8422_2325;
        for b in carrier
            .as_str()
            .bytes()
            .chain([b':'])
            .chain(tracking.bytes())
        {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
        Rng(h ^ seed.wrapping_mul(0x9e37_79b9_7f4a_7c15))
    }

    pub fn from_u64(seed: u64) -> Rng {
        Rng(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    pub fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }

    /// Uniform minutes between `lo` and `hi` hours.
    pub fn hours(&mut self, lo: f64, hi: f64) -> Duration {
        Duration::minutes(((lo + (hi - lo) * self.unit()) * 60.0).round().max(1.0) as i64)
    }

    pub fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[(self.next_u64() % items.len() as u64) as usize]
    }
}

/// How far a country is, as the carriers' networks see it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Region {
    Usa,
    Canada,
    Europe,
    Elsewhere,
}

const EUROPE: [&str; 20] = [
    "ES", "DE", "FR", "GB", "IT", "NL", "CH", "BE", "AT", "SE", "NO", "DK", "IE", "PT", "PL", "CZ",
    "FI", "LU", "GR", "HU",
];

pub fn region(country: &str) -> Region {
    match country {
        "US" => Region::Usa,
        "CA" => Region::Canada,
        c if EUROPE.contains(&c) => Region::Europe,
        _ => Region::Elsewhere,
    }
}

fn hub(carrier: Carrier, region: Region) -> Place {
    match (carrier, region) {
        (Carrier::Fedex, Region::Europe) => place("PARIS CDG", "", "FR", 120),
        (Carrier::Ups, Region::Europe) => place("KOELN", "", "DE", 120),
        (Carrier::Dhl, Region::Europe) => place("LEIPZIG HUB", "", "DE", 120),
        (Carrier::Fedex, _) => place("MEMPHIS", "TN", "US", -300),
        (Carrier::Ups, _) => place("LOUISVILLE", "KY", "US", -240),
        (Carrier::Dhl, _) => place("CINCINNATI HUB", "OH", "US", -240),
    }
}

const US_CITIES: [Place; 8] = [
    place("LOS ANGELES", "CA", "US", -420),
    place("CHICAGO", "IL", "US", -300),
    place("HOUSTON", "TX", "US", -300),
    place("DALLAS", "TX", "US", -300),
    place("PHOENIX", "AZ", "US", -420),
    place("SAN JOSE", "CA", "US", -420),
    place("ATLANTA", "GA", "US", -240),
    place("DENVER", "CO", "US", -360),
];

fn destination(rng: &mut Rng, country: &str) -> Place {
    match country {
        "US" => rng.pick(&US_CITIES),
        "CA" => rng.pick(&[
            place("TORONTO", "ON", "CA", -240),
            place("MONTREAL", "QC", "CA", -240),
            place("VANCOUVER", "BC", "CA", -420),
        ]),
        "ES" => place("MADRID", "", "ES", 120),
        "DE" => place("BERLIN", "", "DE", 120),
        "FR" => place("PARIS", "", "FR", 120),
        "GB" => place("LONDON", "", "GB", 60),
        "IT" => place("MILANO", "", "IT", 120),
        other => {
            let code = crate::domain::geo::country(other).map_or("ZZ", |c| c.code);
            place("DESTINATION FACILITY", "", code, 0)
        }
    }
}

/// The default destination mix when the simulator knows nothing about a number (2018: ~94 %
/// USA, then Canada, Spain, Germany, France…).
pub fn likely_country(rng: &mut Rng) -> &'static str {
    let u = rng.unit();
    match u {
        u if u < 0.94 => "US",
        u if u < 0.97 => "CA",
        u if u < 0.98 => "ES",
        u if u < 0.985 => "DE",
        u if u < 0.99 => "FR",
        _ => "CO",
    }
}

mod build;

pub use build::{outbound, return_leg};

#[cfg(test)]
mod tests;
