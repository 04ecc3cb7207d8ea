//! Notices to electors, as pure rules: the kinds of notice and the tracking changes that cause
//! them, the channels and the states a notice goes through, quiet hours in the elector's own
//! time zone ([`zone`]), the reminder rule, the retry backoff, and the signed opt-out token
//! ([`optout`]). What a notice says is in `channels::compose`; the outbox is `storage::outbox`.

pub mod optout;
pub mod zone;

use chrono::{DateTime, Duration, NaiveTime, TimeZone, Utc};
use chrono_tz::Tz;

use super::pep::PepId;
use super::tracking::{Carrier, Direction, LegStatus};

/// Why a notice setting cannot be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NoticeError {
    #[error("horario de silencio «{0}»: use HH:MM-HH:MM o none")]
    QuietHours(String),
    #[error("tipo de aviso desconocido «{0}»")]
    Kind(String),
    #[error("canal desconocido «{0}»")]
    Channel(String),
    #[error("estado de aviso desconocido «{0}»")]
    State(String),
}

macro_rules! text_enum {
    ($name:ident, $err:ident, { $($variant:ident => $text:literal, $label:literal;)* }) => {
        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),*];

            /// The name stored in the database and used in URLs.
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),* }
            }

            /// The name staff read (Spanish).
            pub fn label_es(self) -> &'static str {
                match self { $($name::$variant => $label),* }
            }

            pub fn parse(s: &str) -> Result<$name, NoticeError> {
                match s { $($text => Ok($name::$variant),)* _ => Err(NoticeError::$err(s.into())) }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

/// What a notice tells the elector. At most one notice of each kind per PEP.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum NoticeKind {
    Shipped,
    Delivered,
    Reminder,
    PickedUp,
    ReceivedInTime,
    Undeliverable,
    ReceivedLate,
}

text_enum!(NoticeKind, Kind, {
    Shipped => "shipped", "PEP enviado";
    Delivered => "delivered", "PEP entregado";
    Reminder => "reminder", "Recordatorio";
    PickedUp => "picked_up", "Sobre en camino de regreso";
    ReceivedInTime => "received_in_time", "Sobre recibido a tiempo";
    Undeliverable => "undeliverable", "PEP no entregable";
    ReceivedLate => "received_late", "Sobre recibido fuera de plazo";
});

/// How a notice reaches the elector.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    Email,
    Sms,
}

text_enum!(Channel, Channel, {
    Email => "email", "Correo";
    Sms => "sms", "SMS";
});

/// Where a notice stands in the outbox.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum NoticeState {
    /// Waiting to be sent (or for its channel to be configured, or for the morning).
    Pending,
    /// Claimed by a sender that may be sending it right now (a lease).
    Sending,
    Sent,
    /// Given up after the last retry, or refused for good by the provider.
    Failed,
    /// No longer true (the PEP was reissued, or the envelope came back first).
    Cancelled,
    /// The elector asked for no more notices.
    OptedOut,
    /// Handed to the provider by a sender that died (or lost its claim) before the provider's
    /// answer was recorded: it may or may not have arrived, and is not sent again.
    Unconfirmed,
}

text_enum!(NoticeState, State, {
    Pending => "pending", "Pendiente";
    Sending => "sending", "Enviándose";
    Sent => "sent", "Enviado";
    Failed => "failed", "Fallido";
    Cancelled => "cancelled", "Cancelado";
    OptedOut => "opted_out", "Baja del elector";
    Unconfirmed => "unconfirmed", "Sin confirmar";
});

/// The notice a leg's status change causes, if any: the outbound leg moving (shipped),
/// delivered, or returned to sender (undeliverable); the return leg picked up.
pub fn for_leg_change(direction: Direction, from: LegStatus, to: LegStatus) -> Option<NoticeKind> {
    use LegStatus::*;
    let not_moving = matches!(from, Unknown | PreTransit);
    match (direction, to) {
        (_, s) if s == from => None,
        (Direction::Outbound, Delivered) => Some(NoticeKind::Delivered),
        (Direction::Outbound, ReturnToSender) => Some(NoticeKind::Undeliverable),
        (Direction::Outbound, InTransit | OutForDelivery) if not_moving => {
            Some(NoticeKind::Shipped)
        }
        (Direction::Return, InTransit | OutForDelivery | Delivered) if not_moving => {
            Some(NoticeKind::PickedUp)
        }
        _ => None,
    }
}

/// Everything a notice may say: the elector's given name, the PEP id, the guías and dates,
/// nothing else (no surname, no address, no elector key, nothing about the ballot).
#[derive(Debug, Clone, PartialEq)]
pub struct NoticeFacts {
    pub kind: NoticeKind,
    pub pep_id: PepId,
    pub given_name: String,
    /// The outbound guía.
    pub outbound: Option<Guia>,
    /// The return guía (on the Sobre-Postal-Voto).
    pub return_guia: Option<Guia>,
    /// When the outbound leg was delivered.
    pub delivered_at: Option<DateTime<Utc>>,
    /// When the envelope was received (check-in).
    pub received_at: Option<DateTime<Utc>>,
    /// The receipt cutoff.
    pub cutoff: DateTime<Utc>,
    /// The elector's own time zone: every date is written in it.
    pub zone: Tz,
}

/// A courier and its tracking number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Guia {
    pub carrier: Carrier,
    pub tracking: String,
}

/// When a reminder is due: the PEP was delivered at least `after_delivery` ago, its return leg
/// has not moved, and the receipt cutoff is closer than `cutoff_within`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReminderRule {
    pub after_delivery: Duration,
    pub cutoff_within: Duration,
}

impl Default for ReminderRule {
    fn default() -> Self {
        ReminderRule {
            after_delivery: Duration::days(7),
            cutoff_within: Duration::days(14),
        }
    }
}

impl ReminderRule {
    /// Whether reminders are due at all at `now` (before the cutoff and close to it).
    pub fn window_open(&self, now: DateTime<Utc>, cutoff: DateTime<Utc>) -> bool {
        now < cutoff && cutoff - now < self.cutoff_within
    }

    /// PEPs delivered at or before this instant qualify.
    pub fn delivered_by(&self, now: DateTime<Utc>) -> DateTime<Utc> {
        now - self.after_delivery
    }
}

/// The local hours at which nothing is sent, e.g. 21:00–08:00.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QuietHours {
    pub start: NaiveTime,
    pub end: NaiveTime,
}

impl QuietHours {
    /// `HH:MM-HH:MM`, or `none` (no quiet hours: `Ok(None)`).
    pub fn parse(s: &str) -> Result<Option<QuietHours>, NoticeError> {
        let s = s.trim();
        if s.eq_ignore_ascii_case("none") {
            return Ok(None);
        }
        let bad = || NoticeError::QuietHours(s.to_string());
        let (a, b) = s.split_once('-').ok_or_else(bad)?;
        let t = |x: &str| NaiveTime::parse_from_str(x.trim(), "%H:%M").map_err(|_| bad());
        let (start, end) = (t(a)?, t(b)?);
        if start == end {
            return Err(bad());
        }
        Ok(Some(QuietHours { start, end }))
    }

    fn is_quiet(&self, t: NaiveTime) -> bool {
        if self.start < self.end {
            t >= self.start && t < self.end
        } else {
            t >= self.start || t < self.end
        }
    }

    /// `None` when a notice may go out at `now` in `tz`; else the instant the quiet hours end.
    pub fn release(&self, now: DateTime<Utc>, tz: Tz) -> Option<DateTime<Utc>> {
        let local = now.with_timezone(&tz);
        if !self.is_quiet(local.time()) {
            return None;
        }
        let mut day = local.date_naive();
        if local.time() >= self.end {
            day = day.succ_opt()?;
        }
        let end = day.and_time(self.end);
        // A morning that a DST change skips: an hour later is always a real time.
        let at = tz.from_local_datetime(&end).earliest().or_else(|| {
            tz.from_local_datetime(&(end + Duration::hours(1)))
                .earliest()
        })?;
        Some(at.with_timezone(&Utc))
    }
}

impl Default for QuietHours {
    fn default() -> Self {
        QuietHours {
            start: NaiveTime::from_hms_opt(21, 0, 0).unwrap_or(NaiveTime::MIN),
            end: NaiveTime::from_hms_opt(8, 0, 0).unwrap_or(NaiveTime::MIN),
        }
    }
}

/// Tries before a notice is given up.
pub const MAX_ATTEMPTS: u32 = 8;

/// The wait before try `attempts + 1`: 1, 2, 4 … minutes, at most an hour.
pub fn retry_delay(attempts: u32) -> Duration {
    let minutes = 1i64 << attempts.saturating_sub(1).min(6);
    Duration::minutes(minutes.min(60))
}

#[cfg(test)]
mod tests;
