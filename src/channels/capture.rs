//! A channel that sends nothing: it hands each message to a sink, for drills (the campaign's
//! notices flow through the real sender on the simulated clock, and the drill writes what
//! would have been sent as it goes, so a national drill's million messages never sit in
//! memory). A message holds only what a notice carries: its id, PEP, kind, the time on the
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

/// Where a capture's messages go, one at a time, in the order they are handed.
pub trait CaptureSink: Send {
    fn keep(&mut self, message: Captured);
}

/// A sink that drops every message (only the count is kept).
struct Discard;

impl CaptureSink for Discard {
    fn keep(&mut self, _: Captured) {}
}

/// The capture: how many messages were handed, and the sink they went to.
pub struct CaptureChannel {
    inner: Mutex<(usize, Box<dyn CaptureSink>)>,
}

impl Default for CaptureChannel {
    fn default() -> Self {
        CaptureChannel::new()
    }
}

impl CaptureChannel {
    /// A capture that only counts.
    pub fn new() -> CaptureChannel {
        CaptureChannel::into_sink(Box::new(Discard))
    }

    /// A capture handing every message to `sink`.
    pub fn into_sink(sink: Box<dyn CaptureSink>) -> CaptureChannel {
        CaptureChannel {
            inner: Mutex::new((0, sink)),
        }
    }

    /// Keeps a message; its "provider id" is its place in the capture.
    pub fn send(&self, message: Captured) -> String {
        let mut inner = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        inner.0 += 1;
        inner.1.keep(message);
        format!("captura-{}", inner.0)
    }

    /// Messages handed so far.
    pub fn count(&self) -> usize {
        self.inner.lock().unwrap_or_else(|e| e.into_inner()).0
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;

    struct Shared(Arc<Mutex<Vec<Captured>>>);

    impl CaptureSink for Shared {
        fn keep(&mut self, message: Captured) {
            self.0.lock().unwrap().push(message);
        }
    }

    #[test]
    fn the_capture_hands_messages_in_order_with_distinct_ids() {
        let kept = Arc::new(Mutex::new(Vec::new()));
        let c = CaptureChannel::into_sink(Box::new(Shared(kept.clone())));
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
        assert_eq!(c.count(), 2);
        let notices: Vec<i64> = kept.lock().unwrap().iter().map(|m| m.notice).collect();
        assert_eq!(notices, [1, 2]);
    }
}
