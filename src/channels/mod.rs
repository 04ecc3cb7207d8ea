//! Channels to electors: e-mail over SMTP ([`smtp`], lettre over rustls), SMS through an HTTP
//! provider API ([`sms`], shaped like the common ones), a local provider simulator with faults
//! ([`sms_sim`]), a channel that only keeps what it is handed, for drills ([`capture`]), the settings read from the environment ([`config`]), and what every notice
//! says ([`compose`], the one place of the wording).
//!
//! A sibling of `carriers`: it imports only `domain`. Nothing here touches the database; the
//! outbox and its sender are `storage::outbox` and `ops::notices`.

pub mod capture;
pub mod compose;
pub mod config;
pub mod sms;
pub mod sms_sim;
pub mod smtp;

use std::time::Duration;

/// Why a message was not sent.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SendError {
    /// Try again later (a 4xx SMTP reply, a 5xx from the SMS provider, a network failure).
    #[error("falla temporal: {0}")]
    Transient(String),
    /// The provider asks us to slow down.
    #[error("el proveedor pide esperar")]
    RateLimited { retry_after: Option<Duration> },
    /// Refused for good (a bad address, a 5xx SMTP reply, a 4xx from the SMS provider).
    #[error("rechazado: {0}")]
    Permanent(String),
}

/// Why a channel cannot be set up.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ChannelError {
    #[error("{var}: {reason}")]
    Config { var: &'static str, reason: String },
}

/// One e-mail, worded, addressed and identified.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Email {
    pub to: String,
    pub subject: String,
    pub text: String,
    pub html: String,
    /// Stable per notice (`<…@domain>`): a resend after a crash carries the same one.
    pub message_id: String,
    /// The signed one-click opt-out URL (List-Unsubscribe, RFC 8058).
    pub unsubscribe_url: String,
}

/// One SMS.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sms {
    pub to: String,
    pub body: String,
}
