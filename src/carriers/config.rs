//! Carrier configuration from the environment (the variables below), typed; secrets print as
//! `***` in `Debug` and `Display` and are only read where a request is built.
//!
//! | variable | meaning |
//! |---|---|
//! | `PEP_FEDEX_BASE_URL`, `PEP_FEDEX_CLIENT_ID`, `PEP_FEDEX_CLIENT_SECRET` | FedEx Track API |
//! | `PEP_UPS_BASE_URL`, `PEP_UPS_CLIENT_ID`, `PEP_UPS_CLIENT_SECRET` | UPS Tracking API |
//! | `PEP_DHL_BASE_URL`, `PEP_DHL_API_KEY` | DHL Shipment Tracking – Unified |
//! | `PEP_<CARRIER>_PER_SECOND` | requests per second (FedEx 10, UPS 10, DHL 1 by default) |
//! | `PEP_<CARRIER>_DAILY_QUOTA` | calls per UTC day (FedEx 100000, UPS 100000, DHL 250) |
//! | `PEP_CARRIER_TIMEOUT_SECS` | per-request timeout (10 s) |
//!
//! A carrier whose base URL is unset is not polled; one whose base URL is set needs its
//! credentials.

use std::fmt;
use std::time::Duration;

use crate::domain::tracking::Carrier;

/// A credential: shown as `***`, read with [`Secret::expose`].
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(s: impl Into<String>) -> Secret {
        Secret(s.into())
    }
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

/// OAuth2 client credentials (FedEx, UPS).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OAuthConfig {
    pub base_url: String,
    pub client_id: String,
    pub client_secret: Secret,
}

/// DHL's API key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyConfig {
    pub base_url: String,
    pub api_key: Secret,
}

/// How hard we may use one carrier.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    pub per_second: u32,
    pub daily_quota: u32,
}

impl Limits {
    pub fn default_for(carrier: Carrier) -> Limits {
        match carrier {
            Carrier::Fedex | Carrier::Ups => Limits {
                per_second: 10,
                daily_quota: 100_000,
            },
            // The Unified Tracking starter plan: 250 calls a day, about one a second at most.
            Carrier::Dhl => Limits {
                per_second: 1,
                daily_quota: 250,
            },
        }
    }
}

/// Everything the poller needs to reach the carriers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CarriersConfig {
    pub fedex: Option<OAuthConfig>,
    pub ups: Option<OAuthConfig>,
    pub dhl: Option<KeyConfig>,
    pub limits: [(Carrier, Limits); 3],
    pub timeout: Duration,
}

impl CarriersConfig {
    /// Reads the process environment.
    pub fn from_env() -> Result<CarriersConfig, String> {
        CarriersConfig::from_lookup(|k| std::env::var(k).ok().filter(|v| !v.trim().is_empty()))
    }

    /// Reads settings through `get` (the environment, or a map in tests).
    pub fn from_lookup(get: impl Fn(&str) -> Option<String>) -> Result<CarriersConfig, String> {
        let need = |k: &str| {
            get(k).ok_or_else(|| format!("{k}: falta (la paquetería tiene URL base configurada)"))
        };
        let oauth = |c: &str| -> Result<Option<OAuthConfig>, String> {
            let Some(base_url) = get(&format!("PEP_{c}_BASE_URL")) else {
                return Ok(None);
            };
            Ok(Some(OAuthConfig {
                base_url: base_url.trim_end_matches('/').to_string(),
                client_id: need(&format!("PEP_{c}_CLIENT_ID"))?,
                client_secret: Secret(need(&format!("PEP_{c}_CLIENT_SECRET"))?),
            }))
        };
        let dhl = match get("PEP_DHL_BASE_URL") {
            None => None,
            Some(base_url) => Some(KeyConfig {
                base_url: base_url.trim_end_matches('/').to_string(),
                api_key: Secret(need("PEP_DHL_API_KEY")?),
            }),
        };
        let mut limits = Carrier::ALL.map(|c| (c, Limits::default_for(c)));
        for (carrier, l) in &mut limits {
            let up = carrier.as_str().to_uppercase();
            if let Some(v) = get(&format!("PEP_{up}_PER_SECOND")) {
                l.per_second = positive(&format!("PEP_{up}_PER_SECOND"), &v)?;
            }
            if let Some(v) = get(&format!("PEP_{up}_DAILY_QUOTA")) {
                l.daily_quota = positive(&format!("PEP_{up}_DAILY_QUOTA"), &v)?;
            }
        }
        let timeout = match get("PEP_CARRIER_TIMEOUT_SECS") {
            None => Duration::from_secs(10),
            Some(v) => Duration::from_secs(positive("PEP_CARRIER_TIMEOUT_SECS", &v)?.into()),
        };
        Ok(CarriersConfig {
            fedex: oauth("FEDEX")?,
            ups: oauth("UPS")?,
            dhl,
            limits,
            timeout,
        })
    }

    /// All three carriers at one base URL (the simulator), with demo credentials and limits
    /// roomy enough for a demo (the simulator has no quotas).
    pub fn simulator(base_url: &str) -> CarriersConfig {
        let base_url = base_url.trim_end_matches('/').to_string();
        let oauth = |id: &str| OAuthConfig {
            base_url: base_url.clone(),
            client_id: id.to_string(),
            client_secret: Secret(format!("{id}-secret")),
        };
        CarriersConfig {
            fedex: Some(oauth("pep-fedex")),
            ups: Some(oauth("pep-ups")),
            dhl: Some(KeyConfig {
                base_url: base_url.clone(),
                api_key: Secret("pep-dhl-key".into()),
            }),
            limits: Carrier::ALL.map(|c| {
                (
                    c,
                    Limits {
                        per_second: 50,
                        daily_quota: 1_000_000,
                    },
                )
            }),
            timeout: Duration::from_secs(10),
        }
    }

    pub fn limits(&self, carrier: Carrier) -> Limits {
        self.limits
            .iter()
            .find(|(c, _)| *c == carrier)
            .map_or(Limits::default_for(carrier), |(_, l)| *l)
    }

    pub fn set_limits(&mut self, carrier: Carrier, limits: Limits) {
        for (c, l) in &mut self.limits {
            if *c == carrier {
                *l = limits;
            }
        }
    }

    /// The carriers that can be polled.
    pub fn configured(&self) -> Vec<Carrier> {
        let mut out = Vec::new();
        if self.fedex.is_some() {
            out.push(Carrier::Fedex);
        }
        if self.ups.is_some() {
            out.push(Carrier::Ups);
        }
        if self.dhl.is_some() {
            out.push(Carrier::Dhl);
        }
        out
    }
}

fn positive(name: &str, v: &str) -> Result<u32, String> {
    match v.trim().parse::<u32>() {
        Ok(n) if n > 0 => Ok(n),
        _ => Err(format!("{name}: se espera un entero positivo, no «{v}»")),
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;

    fn lookup(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let map: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        move |k| map.get(k).cloned()
    }

    #[test]
    fn secrets_never_show_in_debug_output() {
        let cfg = CarriersConfig::from_lookup(lookup(&[
            ("PEP_FEDEX_BASE_URL", "https://apis.fedex.com/"),
            ("PEP_FEDEX_CLIENT_ID", "l7xx-id"),
            ("PEP_FEDEX_CLIENT_SECRET", "s3cr3t-fedex"),
            ("PEP_DHL_BASE_URL", "https://api-eu.dhl.com"),
            ("PEP_DHL_API_KEY", "s3cr3t-dhl"),
        ]))
        .unwrap();
        let shown = format!("{cfg:?}");
        assert!(!shown.contains("s3cr3t"), "{shown}");
        assert!(shown.contains("***") && shown.contains("l7xx-id"));
        assert_eq!(
            cfg.fedex.as_ref().unwrap().base_url,
            "https://apis.fedex.com"
        );
        assert_eq!(cfg.configured(), vec![Carrier::Fedex, Carrier::Dhl]);
    }

    #[test]
    fn a_carrier_with_a_url_but_no_credentials_is_refused() {
        let e =
            CarriersConfig::from_lookup(lookup(&[("PEP_UPS_BASE_URL", "http://x")])).unwrap_err();
        assert!(e.starts_with("PEP_UPS_CLIENT_ID"), "{e}");
    }

    #[test]
    fn limits_default_to_the_carriers_plans_and_can_be_raised() {
        let cfg = CarriersConfig::from_lookup(lookup(&[("PEP_DHL_DAILY_QUOTA", "5000")])).unwrap();
        assert_eq!(cfg.limits(Carrier::Dhl).daily_quota, 5000);
        assert_eq!(cfg.limits(Carrier::Dhl).per_second, 1);
        assert!(CarriersConfig::from_lookup(lookup(&[("PEP_UPS_PER_SECOND", "0")])).is_err());
    }
}
