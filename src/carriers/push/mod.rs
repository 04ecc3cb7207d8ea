//! Pushed tracking (webhooks): the receivers' settings from the environment, the
//! authenticity check of each carrier's push on its raw bytes (constant-time), and reading a
//! stored push into the same per-number events the adapters give when polling.
//!
//! | variable | meaning |
//! |---|---|
//! | `PEP_UPS_WEBHOOK_CREDENTIAL` | the `credential` header UPS echoes on every push (we choose it when subscribing) |
//! | `PEP_FEDEX_WEBHOOK_SECRET` | the webhook project's security token: `fdx-signature` = Base64(HMAC-SHA256(token, body)) |
//! | `PEP_DHL_WEBHOOK_TOKEN` | the value DHL sends in the [`DHL_HOOK_HEADER`] header (we choose it when subscribing) |
//! | `PEP_PUBLIC_URL` | the base URL the carriers reach us at (`https://…`); `/hooks/<carrier>` is appended |
//!
//! A carrier without its secret gets 401 on every push: nothing unauthenticated is stored.

pub mod subscribe;
mod ups;

use base64::Engine;
use hmac::{Hmac, Mac};
use sha2::Sha256;
use subtle::ConstantTimeEq;

use super::config::Secret;
use super::{dhl, fedex, CallError, Tracked};
use crate::domain::tracking::Carrier;

/// The largest push we store (a FedEx body with a long history is a few tens of KB).
pub const MAX_PUSH_BYTES: u64 = 256 * 1024;

/// The header DHL carries our hook token in (named in the subscription).
pub const DHL_HOOK_HEADER: &str = "pep-hook-token";
/// The header UPS echoes the subscription's credential in.
pub const UPS_CREDENTIAL_HEADER: &str = "credential";
/// The header FedEx signs its pushes in.
pub const FEDEX_SIGNATURE_HEADER: &str = "fdx-signature";

/// The receivers' secrets and the public URL given to the carriers.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HooksConfig {
    pub ups_credential: Option<Secret>,
    pub fedex_secret: Option<Secret>,
    pub dhl_token: Option<Secret>,
    pub public_url: Option<String>,
}

impl HooksConfig {
    /// Reads the process environment.
    pub fn from_env() -> HooksConfig {
        HooksConfig::from_lookup(|k| std::env::var(k).ok())
    }

    /// Reads settings through `get` (the environment, or a map in tests).
    pub fn from_lookup(get: impl Fn(&str) -> Option<String>) -> HooksConfig {
        let get = |k: &str| {
            get(k)
                .map(|v| v.trim().to_string())
                .filter(|v| !v.is_empty())
        };
        HooksConfig {
            ups_credential: get("PEP_UPS_WEBHOOK_CREDENTIAL").map(Secret::new),
            fedex_secret: get("PEP_FEDEX_WEBHOOK_SECRET").map(Secret::new),
            dhl_token: get("PEP_DHL_WEBHOOK_TOKEN").map(Secret::new),
            public_url: get("PEP_PUBLIC_URL").map(|u| u.trim_end_matches('/').to_string()),
        }
    }

    /// Whether any receiver has its secret (pushes can be accepted at all).
    pub fn any_secret(&self) -> bool {
        self.ups_credential.is_some() || self.fedex_secret.is_some() || self.dhl_token.is_some()
    }

    /// The URL a carrier pushes to, when a public URL is configured.
    pub fn hook_url(&self, carrier: Carrier) -> Option<String> {
        self.public_url
            .as_ref()
            .map(|u| format!("{u}/hooks/{}", carrier.as_str()))
    }
}

/// Whether a push really comes from `carrier`: `header` reads the request's headers, `body`
/// is the raw bytes as received.
pub fn authentic(
    cfg: &HooksConfig,
    carrier: Carrier,
    header: impl Fn(&str) -> Option<String>,
    body: &[u8],
) -> bool {
    match carrier {
        Carrier::Ups => same_secret(cfg.ups_credential.as_ref(), header(UPS_CREDENTIAL_HEADER)),
        Carrier::Dhl => same_secret(cfg.dhl_token.as_ref(), header(DHL_HOOK_HEADER)),
        Carrier::Fedex => match (&cfg.fedex_secret, header(FEDEX_SIGNATURE_HEADER)) {
            (Some(secret), Some(sig)) => signature_valid(secret, body, &sig),
            _ => false,
        },
    }
}

/// Constant-time comparison of a configured secret with what the request carried.
fn same_secret(ours: Option<&Secret>, theirs: Option<String>) -> bool {
    match (ours, theirs) {
        (Some(ours), Some(theirs)) => {
            bool::from(ours.expose().as_bytes().ct_eq(theirs.trim().as_bytes()))
        }
        _ => false,
    }
}

fn mac(secret: &Secret) -> Hmac<Sha256> {
    <Hmac<Sha256> as Mac>::new_from_slice(secret.expose().as_bytes())
        .expect("HMAC takes keys of any length")
}

/// FedEx's signature of `body`: Base64(HMAC-SHA256(secret, body)) (the simulator signs with it).
pub fn fedex_signature(secret: &Secret, body: &[u8]) -> String {
    let mut m = mac(secret);
    m.update(body);
    base64::engine::general_purpose::STANDARD.encode(m.finalize().into_bytes())
}

fn signature_valid(secret: &Secret, body: &[u8], sig: &str) -> bool {
    let Ok(given) = base64::engine::general_purpose::STANDARD.decode(sig.trim()) else {
        return false;
    };
    let mut m = mac(secret);
    m.update(body);
    m.verify_slice(&given).is_ok()
}

/// What a stored push says.
#[derive(Debug, Clone, PartialEq)]
pub enum Push {
    /// Tracking events, per number (every result is `NumberResult::Events`).
    Events(Vec<Tracked>),
    /// DHL's validation message for a new subscription: the secret to confirm it with.
    DhlValidation {
        subscription_id: String,
        secret: String,
    },
}

/// Reads a stored push of `carrier`; a `CallError::Malformed` when it cannot be read.
pub fn parse(carrier: Carrier, body: &[u8]) -> Result<Push, CallError> {
    match carrier {
        Carrier::Ups => ups::parse(body).map(|t| Push::Events(vec![t])),
        Carrier::Fedex => fedex::parse_all(body).map(Push::Events),
        Carrier::Dhl => match dhl_validation(body) {
            Some(v) => Ok(v),
            None => dhl::parse_push(body).map(Push::Events),
        },
    }
}

/// DHL's validation message: `{"type": "validation", "subscriptionId", "secret"}`.
fn dhl_validation(body: &[u8]) -> Option<Push> {
    #[derive(serde::Deserialize)]
    #[serde(rename_all = "camelCase")]
    struct Validation {
        #[serde(rename = "type")]
        kind: String,
        subscription_id: String,
        secret: String,
    }
    let v: Validation = serde_json::from_slice(body).ok()?;
    (v.kind == "validation").then_some(Push::DhlValidation {
        subscription_id: v.subscription_id,
        secret: v.secret,
    })
}

#[cfg(test)]
mod tests;
