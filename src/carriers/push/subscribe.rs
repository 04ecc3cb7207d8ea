//! Push subscriptions as the adapters make them: where to push (our hook and the secret the
//! carrier must echo) and what the carrier answered, per number.
//!
//! - UPS Track Alert: `POST /api/track/v1/subscription/standard/package`, ≤ 100 numbers, partial
//!   success is 200 (`validTrackingNumbers` / `invalidTrackingNumbers`), 14 days, no history.
//! - FedEx: numbers are added to the webhook project (`POST /track/v1/webhook/subscriptions`,
//!   ≤ 30 numbers, the project's URL and security token set in FedEx's portal); pushes go on
//!   until the shipment is final.
//! - DHL Shipment Tracking push: `POST /tracking/push/v1/subscription`, one number, our hook
//!   URL and header value; DHL then posts a validation message with a secret, confirmed with
//!   `POST /tracking/push/v1/subscription/{id}/validate`.

use chrono::Duration;

use super::super::config::Secret;
use super::super::CallError;

/// Where a carrier pushes to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hook {
    pub url: String,
    /// What the carrier must send back with each push (UPS credential, DHL header value).
    pub credential: Option<Secret>,
}

/// A subscription request's answer.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Subscribed {
    /// Numbers the carrier will push.
    pub valid: Vec<String>,
    /// Numbers it refused.
    pub invalid: Vec<String>,
    /// The carrier's id of the subscription (DHL).
    pub external_id: Option<String>,
    /// It waits for a validation to be confirmed before pushing (DHL).
    pub validating: bool,
    /// How long it lasts once active.
    pub lasts: Duration,
}

/// UPS Track Alert subscriptions last 14 days.
pub fn ups_lifetime() -> Duration {
    Duration::days(14)
}

/// FedEx and DHL push until the shipment is final; we renew them after this long anyway.
pub fn open_lifetime() -> Duration {
    Duration::days(60)
}

pub(crate) fn unsupported() -> CallError {
    CallError::Refused {
        status: 501,
        message: "esta paquetería no admite suscripciones".into(),
    }
}
