//! A channel that sends nothing: it keeps each message it is handed, for drills (the campaign's
//! notices flow through the real sender on the simulated clock, and the drill writes what
//! would have been sent). Holds only what a notice carries: its id, PEP, kind, the time on the
//! sender's clock, the elector's zone, and the subject (e-mail) or text (SMS).

use std::sync::Mutex;

use chrono::{DateTime, Utc};
use chrono_tz::Tz;

use crate::domain::notice::{Channel, NoticeKind};
use crate::domain::pep::PepId;

/// One message handed to the capture channel.
#[derive(Debug, Clone, PartialEq)]
pub struct Captured {
    /// The notice's outbox id.
    pub notice: i64,
    pub pep_id: PepId,
    pub kind: NoticeKind,
    pub channel: Channel,
    /// When it was handed, on the sender's clock.
    pub at: DateTime<Utc>,
    /// The elector's zone (the one quiet hours were judged in).
    pub zone: Tz,
    /// The e-mail's subject, or the SMS's text.
    pub words: String,
}

/// The messages handed so far, in order.
#[derive(Debug, Default)]
pub struct CaptureChannel {
    kept: Mutex<Vec<Captured>>,
}

impl CaptureChannel {
    pub fn new() -> CaptureChannel {
        CaptureChannel::default()
    }

    /// Keeps a message; its "provider id" is its place in the capture.
    pub fn send(&self, message: Captured) -> String {
        let mut kept = self.kept.lock().unwrap_or_else(|e| e.into_inner());
        kept.push(message);
        format!("captura-{}", kept.len())
    }

    /// Every message kept so far.
    pub fn messages(&self) -> Vec<Captured> {
        self.kept.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_capture_keeps_messages_in_order_with_distinct_ids() {
        let c = CaptureChannel::new();
        let m = |n| Captured {
            notice: n,
            pep_id: PepId::new(1, 1),
            kind: NoticeKind::Shipped,
            channel: Channel::Sms,
            at: DateTime::UNIX_EPOCH,
            zone: Tz::UTC,
            words: "INE: …".into(),
        };
        assert_eq!(c.send(m(1)), "captura-1");
        assert_eq!(c.send(m(2)), "captura-2");
        assert_eq!(
            c.messages().iter().map(|m| m.notice).collect::<Vec<_>>(),
            [1, 2]
        );
    }
}
