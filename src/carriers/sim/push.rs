//! The simulator's pushes: it keeps the subscriptions it accepted (UPS, FedEx, DHL after its
//! validation handshake) and, on the simulator's clock, posts each new scan of a subscribed
//! number to its hook in that carrier's push format — UPS one activity per request with the
//! `credential` header, FedEx the Track API shape signed in `fdx-signature`, DHL `shipments[]`
//! with our hook header — with the configured faults: lost, duplicated, reordered, delayed
//! pushes and bad signatures. How the queued scans become requests is [`send`]'s business.
//!
//! Each subscription remembers when its next scan happens, so a look at the clock only builds
//! the timelines of numbers with something new: the simulator keeps up with a national
//! campaign's hundreds of thousands of subscriptions.

mod send;

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration as StdDuration;

use chrono::{DateTime, Duration, Utc};
use serde_json::Value;

use super::timeline::{Rng, SimEvent};
use super::{lock, wire, Sim};
use crate::carriers::config::Secret;
use crate::domain::tracking::Carrier;

pub use send::PushCounts;

/// How the simulator's pushes misbehave (shares 0.0–1.0 of the pushes; delays on its clock).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PushFaults {
    pub lost: f64,
    pub duplicate: f64,
    /// Held back until after the next push (arrives out of order).
    pub reorder: f64,
    pub delayed: f64,
    pub max_delay: Duration,
    pub bad_signature: f64,
}

impl Default for PushFaults {
    fn default() -> Self {
        PushFaults {
            lost: 0.0,
            duplicate: 0.0,
            reorder: 0.0,
            delayed: 0.0,
            max_delay: Duration::minutes(30),
            bad_signature: 0.0,
        }
    }
}

impl PushFaults {
    /// Every kind of misbehaviour at once, `rate` of the pushes lost (a campaign's faults).
    pub fn at_rate(rate: f64) -> PushFaults {
        let rate = rate.clamp(0.0, 1.0);
        PushFaults {
            lost: rate,
            duplicate: rate / 2.0,
            reorder: rate / 2.0,
            delayed: rate,
            max_delay: Duration::minutes(90),
            bad_signature: rate / 5.0,
        }
    }
}

/// Pushing turned on: the faults, FedEx's webhook security token (the same the app checks),
/// and how often (real time) a background task looks for new scans to push; `None`: only when
/// [`Sim::push_due`] is called (a campaign moving its clock by hand).
#[derive(Debug, Clone)]
pub struct PushSettings {
    pub faults: PushFaults,
    pub fedex_secret: Secret,
    pub every: Option<StdDuration>,
}

/// One subscribed number.
#[derive(Debug, Clone)]
struct Subscribed {
    url: String,
    /// (header, value) the carrier sends back with each push.
    auth: Option<(String, String)>,
    active: bool,
    /// Scans already pushed (or lost): the next push starts there.
    pushed: usize,
    /// When the next scan happens (`None`: the shipment's life is over).
    next_at: Option<DateTime<Utc>>,
}

/// A DHL subscription waiting for its validation to be confirmed.
#[derive(Debug, Clone)]
struct Pending {
    secret: String,
    number: String,
}

/// One scan's push, waiting to go: its part of a body, where and how it is sent.
#[derive(Debug, Clone)]
struct Part {
    due: DateTime<Utc>,
    carrier: Carrier,
    url: String,
    auth: Option<(String, String)>,
    /// Signed or authenticated wrong on purpose.
    forged: bool,
    /// A whole body (UPS, DHL validation) or one entry of an array (FedEx, DHL).
    body: PartBody,
    /// Sent alone, never packed with others.
    alone: bool,
}

/// What a part says, rendered in the carrier's wire format only when its request is built
/// (on the task that sends it, not while the queue is filled).
#[derive(Debug, Clone)]
enum PartBody {
    Ready(Value),
    /// A number's scans up to the one pushed (the newest).
    Scans {
        number: String,
        history: Vec<SimEvent>,
    },
}

impl PartBody {
    fn render(self, carrier: Carrier) -> Value {
        match self {
            PartBody::Ready(v) => v,
            PartBody::Scans { number, history } => match (carrier, history.last()) {
                (Carrier::Ups, Some(newest)) => wire::ups_alert(&number, newest),
                (Carrier::Fedex, _) => serde_json::to_value(wire::fedex_result(&number, &history))
                    .unwrap_or(Value::Null),
                _ => wire::dhl_shipment(&number, &history),
            },
        }
    }

    /// An entry of a FedEx body, serialized straight from the scans.
    fn fedex(&self) -> wire::FedexAnswer<'_> {
        match self {
            PartBody::Ready(v) => wire::FedexAnswer::Other(v.clone()),
            PartBody::Scans { number, history } => {
                wire::FedexAnswer::Found(wire::fedex_result(number, history))
            }
        }
    }
}

/// The simulator's push state.
#[derive(Default)]
pub(crate) struct PushState {
    subs: Mutex<HashMap<(Carrier, String), Subscribed>>,
    pending: Mutex<HashMap<String, Pending>>,
    queue: Mutex<Vec<Part>>,
    /// One look at the clock at a time (a background task and a campaign may both ask).
    pass: tokio::sync::Mutex<()>,
    client: std::sync::OnceLock<reqwest::Client>,
    next_id: AtomicU64,
    sent: AtomicU64,
    refused: AtomicU64,
    lost: AtomicU64,
}

/// The scans of `events` that have happened by `now`, and when the next one will.
fn split(events: &[SimEvent], now: DateTime<Utc>) -> (usize, Option<DateTime<Utc>>) {
    let n = events.partition_point(|e| e.at <= now);
    (n, events.get(n).map(|e| e.at))
}

impl Sim {
    /// Accepts a subscription of `number` pushing to `url` (UPS, FedEx: active at once).
    pub(crate) fn subscribe(
        &self,
        carrier: Carrier,
        number: &str,
        url: &str,
        auth: Option<(String, String)>,
    ) {
        let (pushed, next_at) = split(&self.timeline(carrier, number).events, self.now());
        let sub = Subscribed {
            url: url.to_string(),
            auth,
            active: carrier != Carrier::Dhl,
            pushed,
            next_at,
        };
        lock(&self.push.subs).insert((carrier, number.to_string()), sub);
    }

    /// A DHL subscription: pending until confirmed; its validation message is queued to the
    /// hook. Its id.
    pub(crate) fn subscribe_dhl(&self, number: &str, url: &str, auth: (String, String)) -> String {
        let n = self.push.next_id.fetch_add(1, Ordering::Relaxed);
        let id = format!("sub-{:06}", n + 1);
        let mut bytes = [0u8; 12];
        rand::RngCore::fill_bytes(&mut rand::rng(), &mut bytes);
        let secret = hex::encode(bytes);
        self.subscribe(Carrier::Dhl, number, url, Some(auth.clone()));
        lock(&self.push.pending).insert(
            id.clone(),
            Pending {
                secret: secret.clone(),
                number: number.to_string(),
            },
        );
        let body =
            serde_json::json!({ "type": "validation", "subscriptionId": id, "secret": secret });
        lock(&self.push.queue).push(Part {
            due: self.now(),
            carrier: Carrier::Dhl,
            url: url.to_string(),
            auth: Some(auth),
            forged: false,
            body: PartBody::Ready(body),
            alone: true,
        });
        id
    }

    /// Confirms a DHL subscription; `false` when the id or secret is wrong.
    pub(crate) fn confirm_dhl(&self, id: &str, secret: &str) -> bool {
        let mut pending = lock(&self.push.pending);
        let Some(p) = pending.get(id).filter(|p| p.secret == secret).cloned() else {
            return false;
        };
        pending.remove(id);
        let (visible, next_at) = split(&self.timeline(Carrier::Dhl, &p.number).events, self.now());
        if let Some(s) = lock(&self.push.subs).get_mut(&(Carrier::Dhl, p.number.clone())) {
            s.active = true;
            s.pushed = visible;
            s.next_at = next_at;
        }
        true
    }

    /// Whether `number` has an active push subscription.
    pub fn push_active(&self, carrier: Carrier, number: &str) -> bool {
        lock(&self.push.subs)
            .get(&(carrier, number.to_string()))
            .is_some_and(|s| s.active)
    }

    /// Pushes answered 2xx, refused (4xx/5xx or unreachable), and lost on purpose.
    pub fn push_counts(&self) -> (u64, u64, u64) {
        (
            self.push.sent.load(Ordering::Relaxed),
            self.push.refused.load(Ordering::Relaxed),
            self.push.lost.load(Ordering::Relaxed),
        )
    }

    /// Queues the pushes of every scan that became visible since the last look.
    fn collect_pushes(&self, faults: &PushFaults) {
        let now = self.now();
        let due: Vec<(Carrier, String)> = lock(&self.push.subs)
            .iter()
            .filter(|(_, s)| s.active && s.next_at.is_some_and(|t| t <= now))
            .map(|(k, _)| k.clone())
            .collect();
        let mut out = Vec::new();
        for key in due {
            let Some(sub) = lock(&self.push.subs).get(&key).cloned() else {
                continue;
            };
            let (carrier, number) = &key;
            let tl = self.timeline(*carrier, number);
            let (visible, next_at) = split(&tl.events, now);
            for i in sub.pushed..visible {
                self.one_push(*carrier, number, &sub, &tl.events[..=i], faults, &mut out);
            }
            if let Some(s) = lock(&self.push.subs).get_mut(&key) {
                s.pushed = s.pushed.max(visible);
                s.next_at = next_at;
            }
        }
        lock(&self.push.queue).extend(out);
    }

    /// The push of the newest of `history`'s scans, with its faults.
    fn one_push(
        &self,
        carrier: Carrier,
        number: &str,
        sub: &Subscribed,
        history: &[SimEvent],
        faults: &PushFaults,
        out: &mut Vec<Part>,
    ) {
        let f = faults;
        let i = history.len() as u64;
        let mut rng = Rng::new(self.cfg.seed.wrapping_add(0x9e37_79b9 * i), carrier, number);
        if rng.chance(f.lost) {
            self.push.lost.fetch_add(1, Ordering::Relaxed);
            return;
        }
        if history.is_empty() {
            return;
        }
        let body = PartBody::Scans {
            number: number.to_string(),
            history: history.to_vec(),
        };
        let forged = rng.chance(f.bad_signature);
        let mut due = self.now();
        if rng.chance(f.delayed) {
            due += Duration::seconds((f.max_delay.num_seconds() as f64 * rng.unit()) as i64);
        }
        if rng.chance(f.reorder) {
            // Held until after the next scan's push would go.
            due += Duration::seconds(1) + f.max_delay.max(Duration::minutes(1));
        }
        let part = Part {
            due,
            carrier,
            url: sub.url.clone(),
            auth: sub.auth.clone(),
            forged,
            body,
            alone: carrier == Carrier::Ups,
        };
        if rng.chance(f.duplicate) {
            out.push(part.clone());
        }
        out.push(part);
    }

    /// The queued pushes due by now, oldest first.
    fn due_parts(&self) -> Vec<Part> {
        let now = self.now();
        let mut queue = lock(&self.push.queue);
        let (mut due, rest): (Vec<Part>, Vec<Part>) = queue.drain(..).partition(|o| o.due <= now);
        *queue = rest;
        due.sort_by_key(|o| o.due);
        due
    }

    fn push_client(&self) -> reqwest::Client {
        self.push
            .client
            .get_or_init(|| crate::carriers::http_client(StdDuration::from_secs(5)))
            .clone()
    }

    /// Pushes every scan that happened by the simulator's now and every queued push now due,
    /// and waits until each was answered: what a campaign moving its clock by hand calls after
    /// each move. Nothing happens when pushing is off.
    pub async fn push_due(&self) -> PushCounts {
        let Some(settings) = self.cfg.push.clone() else {
            return PushCounts::default();
        };
        let _one = self.push.pass.lock().await;
        self.collect_pushes(&settings.faults);
        let parts = self.due_parts();
        send::send_all(self, &settings, parts).await
    }
}

/// Runs the pusher until aborted: every `every`, new scans are queued and due pushes sent.
pub(crate) fn spawn(sim: Arc<Sim>, every: StdDuration) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        loop {
            sim.push_due().await;
            tokio::time::sleep(every).await;
        }
    })
}
