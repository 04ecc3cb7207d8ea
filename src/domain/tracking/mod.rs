//! Courier tracking: carriers, leg directions, the normalized status vocabulary, tracking
//! events, and the rule that moves a leg's status (an older event never moves it backwards).
//!
//! Tracking-number formats live in [`numbers`]; when to poll a shipment next in [`schedule`].

pub mod numbers;
pub mod schedule;

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, Utc};

pub use numbers::{
    normalize_tracking, synthetic_tracking, validate_tracking, BadTrackingNumber, TrackingNumber,
};

/// A courier, named as in files and APIs: `fedex`, `ups`, `dhl`.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, utoipa::ToSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Carrier {
    Fedex,
    Ups,
    Dhl,
}

impl Carrier {
    pub const ALL: [Carrier; 3] = [Carrier::Fedex, Carrier::Ups, Carrier::Dhl];

    pub fn as_str(self) -> &'static str {
        match self {
            Carrier::Fedex => "fedex",
            Carrier::Ups => "ups",
            Carrier::Dhl => "dhl",
        }
    }

    /// The brand as printed on screens.
    pub fn label(self) -> &'static str {
        match self {
            Carrier::Fedex => "FedEx",
            Carrier::Ups => "UPS",
            Carrier::Dhl => "DHL",
        }
    }
}

impl fmt::Display for Carrier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Carrier {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "fedex" => Ok(Carrier::Fedex),
            "ups" => Ok(Carrier::Ups),
            "dhl" => Ok(Carrier::Dhl),
            other => Err(format!(
                "paquetería desconocida «{other}» (fedex, ups o dhl)"
            )),
        }
    }
}

/// Which way a leg travels: the PEP to the elector, or the Sobre-Postal-Voto back.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Direction {
    Outbound,
    Return,
}

impl Direction {
    pub fn as_str(self) -> &'static str {
        match self {
            Direction::Outbound => "outbound",
            Direction::Return => "return",
        }
    }

    pub fn label_es(self) -> &'static str {
        match self {
            Direction::Outbound => "Envío del PEP",
            Direction::Return => "Regreso del sobre",
        }
    }
}

impl FromStr for Direction {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "outbound" => Ok(Direction::Outbound),
            "return" => Ok(Direction::Return),
            other => Err(format!(
                "dirección desconocida «{other}» (outbound o return)"
            )),
        }
    }
}

/// The one status vocabulary every carrier's codes are mapped to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum LegStatus {
    PreTransit,
    InTransit,
    OutForDelivery,
    Delivered,
    Exception,
    ReturnToSender,
    Unknown,
}

impl LegStatus {
    pub const ALL: [LegStatus; 7] = [
        LegStatus::PreTransit,
        LegStatus::InTransit,
        LegStatus::OutForDelivery,
        LegStatus::Delivered,
        LegStatus::Exception,
        LegStatus::ReturnToSender,
        LegStatus::Unknown,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            LegStatus::PreTransit => "pre_transit",
            LegStatus::InTransit => "in_transit",
            LegStatus::OutForDelivery => "out_for_delivery",
            LegStatus::Delivered => "delivered",
            LegStatus::Exception => "exception",
            LegStatus::ReturnToSender => "return_to_sender",
            LegStatus::Unknown => "unknown",
        }
    }

    /// The status on Spanish screens.
    pub fn label_es(self) -> &'static str {
        match self {
            LegStatus::PreTransit => "Guía generada, sin recolectar",
            LegStatus::InTransit => "En tránsito",
            LegStatus::OutForDelivery => "En ruta de entrega",
            LegStatus::Delivered => "Entregado",
            LegStatus::Exception => "Incidencia",
            LegStatus::ReturnToSender => "Devuelto al remitente",
            LegStatus::Unknown => "Sin información de la paquetería",
        }
    }

    /// Delivered and returned-to-sender shipments are not polled any more and never change.
    pub fn is_final(self) -> bool {
        matches!(self, LegStatus::Delivered | LegStatus::ReturnToSender)
    }

    /// Progress along the way, to break ties between events of the same instant.
    fn rank(self) -> u8 {
        match self {
            LegStatus::Unknown => 0,
            LegStatus::PreTransit => 1,
            LegStatus::InTransit => 2,
            LegStatus::Exception => 3,
            LegStatus::OutForDelivery => 4,
            LegStatus::Delivered | LegStatus::ReturnToSender => 5,
        }
    }
}

impl fmt::Display for LegStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for LegStatus {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        LegStatus::ALL
            .into_iter()
            .find(|st| st.as_str() == s)
            .ok_or_else(|| format!("estado de envío desconocido «{s}»"))
    }
}

/// One carrier scan, normalized, keeping the carrier's own code and words.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct TrackingEvent {
    pub at: DateTime<Utc>,
    pub status: LegStatus,
    /// The carrier's code (empty when the carrier gave none).
    pub raw_code: String,
    pub raw_text: String,
    /// Where the scan happened, as the carrier wrote it (may be empty).
    pub location: String,
}

/// What the tracker believes about a leg: its status, the time of the event that set it, and
/// the time of the newest event that carried a status (the same status seen again, later).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LegState {
    pub status: LegStatus,
    pub status_at: Option<DateTime<Utc>>,
    pub newest: Option<DateTime<Utc>>,
}

impl LegState {
    pub const NEW: LegState = LegState {
        status: LegStatus::Unknown,
        status_at: None,
        newest: None,
    };
}

/// The leg's state after one event:
/// - an event without a usable status (`unknown`) says nothing about the leg;
/// - a final status (delivered, returned to sender) never changes;
/// - an event older than the newest one already seen never moves the leg (a late or repeated
///   event); at the same instant, the event further along the way wins;
/// - "label created" never undoes progress already seen.
pub fn apply(current: LegState, status: LegStatus, at: DateTime<Utc>) -> LegState {
    if status == LegStatus::Unknown || current.status.is_final() {
        return current;
    }
    if let Some(newest) = current.newest {
        if at < newest || (at == newest && status.rank() <= current.status.rank()) {
            return current;
        }
    }
    if status == LegStatus::PreTransit && current.status != LegStatus::Unknown {
        return current;
    }
    if status == current.status {
        return LegState {
            newest: Some(at),
            ..current
        };
    }
    LegState {
        status,
        status_at: Some(at),
        newest: Some(at),
    }
}

/// Applies events given in any order, oldest first: the leg's state afterwards.
pub fn fold<'a>(
    mut state: LegState,
    events: impl IntoIterator<Item = &'a TrackingEvent>,
) -> LegState {
    let mut sorted: Vec<&TrackingEvent> = events.into_iter().collect();
    sorted.sort_by_key(|e| e.at);
    for e in sorted {
        state = apply(state, e.status, e.at);
    }
    state
}

#[cfg(test)]
mod tests;
