//! Notices to electors: the hooks that write a notice to the outbox inside the transaction of
//! the change that causes it ([`on_leg_change`], [`on_checkin`], [`on_reissue`]), the sender
//! that delivers them ([`sender`]), opt-outs ([`optout`]) and what staff see ([`view`]).
//!
//! # Exactly once, and where it cannot be
//!
//! The outbox holds at most one row per (PEP, kind, channel) (a UNIQUE key): a carrier event
//! seen twice, a replayed pass or a restart adds nothing. A sender claims notices in groups
//! under a lease, and the same commit records every notice of the group as handed to its
//! provider (with the previous group's answers); only then does it send them, a channel's
//! concurrency at a time. A sender killed mid-pass thus leaves at most one group per channel
//! handed without an answer (as many notices as the channel's concurrency): the next pass
//! marks them `unconfirmed` rather than sending them again, since no SMTP server or SMS API
//! can be asked whether it already has a message. Nothing is sent twice; the few notices that
//! may not have arrived say so, and staff may decide to send them again ([`resend`]). The kill
//! test in `tests/app/notices.rs` counts what a real SMTP server received.

mod answer;
mod group;
pub mod optout;
pub mod resend;
pub mod sender;
pub mod view;

use chrono::{DateTime, Utc};
use rusqlite::Transaction;

use crate::channels::ChannelError;
use crate::domain::notice::{self, NoticeKind};
use crate::domain::tracking::{Direction, LegStatus};
use crate::storage::{outbox, StorageError};

/// What can go wrong with notices.
#[derive(Debug, thiserror::Error)]
pub enum NoticeOpsError {
    #[error(transparent)]
    Storage(#[from] StorageError),
    #[error(transparent)]
    Channel(#[from] ChannelError),
    #[error("no hay elección cargada: ejecute `pep-tracker init --election ARCHIVO.toml`")]
    NoElection,
    #[error("enlace de baja inválido")]
    BadToken,
    #[error("tarea del remitente de avisos: {0}")]
    Task(String),
}

pub type Result<T, E = NoticeOpsError> = std::result::Result<T, E>;

/// The label under which the opt-out key is derived from the key file's `code_key` (no new
/// key in the file: old key files keep working).
const OPTOUT_LABEL: &str = "pep-tracker/notice-optout-key/v1";

/// The key that signs opt-out links.
pub fn optout_key(secrets: &crate::storage::keys::Secrets) -> [u8; 32] {
    crate::storage::keys::derive(&secrets.code_key, OPTOUT_LABEL)
}

/// Inside the transaction that moved a leg of PEP row `pep`: the notice the move causes, if any.
pub fn on_leg_change(
    tx: &Transaction,
    pep: i64,
    direction: Direction,
    from: LegStatus,
    to: LegStatus,
    now: DateTime<Utc>,
) -> Result<(), StorageError> {
    if let Some(kind) = notice::for_leg_change(direction, from, to) {
        outbox::enqueue(tx, pep, kind, now)?;
    }
    Ok(())
}

/// Inside the transaction of a check-in that received an envelope (row id `pep`).
pub fn on_checkin(
    tx: &Transaction,
    pep: i64,
    late: bool,
    now: DateTime<Utc>,
) -> Result<(), StorageError> {
    let kind = if late {
        NoticeKind::ReceivedLate
    } else {
        NoticeKind::ReceivedInTime
    };
    outbox::enqueue(tx, pep, kind, now)?;
    Ok(())
}

/// Inside the transaction of a reissue that voided PEP row `old`.
pub fn on_reissue(tx: &Transaction, old: i64) -> Result<(), StorageError> {
    outbox::cancel_pending(tx, old)?;
    Ok(())
}
