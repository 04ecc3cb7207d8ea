//! The couriers of a campaign: which carrier carries which PEP (one courier by default, as INE
//! contracts one; a mix on request), the in-process simulator serving their real wire formats
//! over HTTP on the campaign's clock, and the polling clients pointed at it.

use std::sync::Arc;
use std::time::Duration;

use super::{CampaignError, Result};
use crate::carriers::config::{CarriersConfig, Limits};
use crate::carriers::poller::{Carriers, RetryPolicy};
use crate::carriers::sim::{self, PushSettings, Sim, SimConfig, SimHandle};
use crate::clock::SimClock;
use crate::domain::tracking::Carrier;
use crate::ops::sync;
use crate::storage::Db;

/// Which carriers share the PEPs, with integer weights.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CarrierMix(Vec<(Carrier, u32)>);

impl CarrierMix {
    /// One courier for the whole campaign.
    pub fn single(c: Carrier) -> CarrierMix {
        CarrierMix(vec![(c, 1)])
    }

    /// `fedex`, `fedex,ups,dhl` (equal shares) or `fedex=80,ups=12,dhl=8`.
    pub fn parse(text: &str) -> std::result::Result<CarrierMix, String> {
        let mut mix = Vec::new();
        for part in text.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let (name, weight) = match part.split_once('=') {
                Some((n, w)) => {
                    let w = w
                        .trim()
                        .parse::<u32>()
                        .ok()
                        .filter(|w| *w > 0)
                        .ok_or_else(|| format!("{part}: el peso debe ser un entero positivo"))?;
                    (n.trim(), w)
                }
                None => (part, 1),
            };
            let c = Carrier::ALL
                .into_iter()
                .find(|c| c.as_str() == name)
                .ok_or_else(|| format!("{name}: paquetería desconocida (fedex, ups, dhl)"))?;
            if mix.iter().any(|(k, _)| *k == c) {
                return Err(format!("{name}: repetida"));
            }
            mix.push((c, weight));
        }
        if mix.is_empty() {
            return Err("indique al menos una paquetería (fedex, ups, dhl)".into());
        }
        Ok(CarrierMix(mix))
    }

    /// The carrier of the `i`-th PEP shipped (weights spread evenly).
    pub fn pick(&self, i: u64) -> Carrier {
        let total: u64 = self.0.iter().map(|(_, w)| u64::from(*w)).sum();
        let mut slot = (i.wrapping_mul(0x9e37_79b9_7f4a_7c15) >> 11) % total.max(1);
        for (c, w) in &self.0 {
            if slot < u64::from(*w) {
                return *c;
            }
            slot -= u64::from(*w);
        }
        self.0[0].0
    }
}

/// The simulator on the campaign's clock, serving on a free loopback port; it learns each
/// number from the database (direction, country, printing time); with `push`, it pushes
/// when the campaign asks.
pub async fn start_simulator(
    db: Arc<Db>,
    clock: Arc<SimClock>,
    seed: u64,
    fault_rate: f64,
    push: Option<PushSettings>,
) -> Result<SimHandle> {
    let cfg = SimConfig {
        seed,
        fault_rate,
        quiet: true,
        // A slow reply or a `Retry-After` costs real time, not simulated time: keep it short.
        slow_reply: Duration::from_millis(50),
        retry_after: 0,
        push,
        directory: Some(sync::sim_directory(db)),
        ..SimConfig::default()
    };
    let sim = Arc::new(Sim::on_clock(cfg, clock));
    let addr = std::net::SocketAddr::from(([127, 0, 0, 1], 0));
    sim::serve_sim(addr, sim)
        .await
        .map_err(|e| CampaignError::Simulator(e.to_string()))
}

/// Polling clients for the simulator at `base_url`: generous rate limits (the simulator is
/// local), short retry delays (they are real time), the usual attempts.
pub fn clients(db: &Db, base_url: &str, now: chrono::DateTime<chrono::Utc>) -> Result<Carriers> {
    let mut cfg = CarriersConfig::simulator(base_url);
    for c in Carrier::ALL {
        cfg.set_limits(
            c,
            Limits {
                per_second: 100_000,
                daily_quota: 100_000_000,
            },
        );
    }
    let retry = RetryPolicy {
        max_attempts: 4,
        min_delay: Duration::from_millis(5),
        max_delay: Duration::from_millis(50),
        max_wait: Duration::from_secs(2),
    };
    Ok(sync::carriers_for(db, &cfg, retry, now)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_mix_parses_names_and_weights_and_refuses_the_unknown() {
        assert_eq!(
            CarrierMix::parse("fedex").unwrap(),
            CarrierMix::single(Carrier::Fedex)
        );
        let mix = CarrierMix::parse("fedex=80, ups=12,dhl=8").unwrap();
        let n = 10_000;
        let fedex = (0..n).filter(|i| mix.pick(*i) == Carrier::Fedex).count();
        assert!((7_500..8_500).contains(&fedex), "{fedex}");
        assert!((0..n).any(|i| mix.pick(i) == Carrier::Dhl));
        assert!(CarrierMix::parse("estafeta").is_err());
        assert!(CarrierMix::parse("ups,ups").is_err());
        assert!(CarrierMix::parse("ups=0").is_err());
        assert!(CarrierMix::parse("").is_err());
    }
}
