//! The simulator's pushes: it keeps the subscriptions it accepted (UPS, FedEx, DHL after its
//! validation handshake) and, on the simulator's clock, posts each new scan of a subscribed
//! number to its hook in that carrier's push format — UPS one activity per request with the
//! `credential` header, FedEx the Track API shape signed in `fdx-signature`, DHL `shipments[]`
//! with our hook header — with the configured faults: lost, duplicated, reordered, delayed
//! pushes and bad signatures.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration as StdDuration;

use chrono::{DateTime, Duration, Utc};

use super::timeline::Rng;
use super::{lock, wire, Sim};
use crate::carriers::config::Secret;
use crate::carriers::push::{fedex_signature, FEDEX_SIGNATURE_HEADER, UPS_CREDENTIAL_HEADER};
use crate::domain::tracking::Carrier;

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

/// Pushing turned on: the faults, FedEx's webhook security token (the same the app checks),
/// and how often (real time) the simulator looks for new scans to push.
#[derive(Debug, Clone)]
pub struct PushSettings {
    pub faults: PushFaults,
    pub fedex_secret: Secret,
    pub every: StdDuration,
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
}

/// A DHL subscription waiting for its validation to be confirmed.
#[derive(Debug, Clone)]
struct Pending {
    secret: String,
    number: String,
}

/// One request to send.
#[derive(Debug, Clone)]
struct Outgoing {
    due: DateTime<Utc>,
    url: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

/// The simulator's push state.
#[derive(Default)]
pub(crate) struct PushState {
    subs: Mutex<HashMap<(Carrier, String), Subscribed>>,
    pending: Mutex<HashMap<String, Pending>>,
    queue: Mutex<Vec<Outgoing>>,
    next_id: AtomicU64,
    sent: AtomicU64,
    refused: AtomicU64,
    lost: AtomicU64,
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
        let pushed = self.timeline(carrier, number).visible(self.now()).len();
        let sub = Subscribed {
            url: url.to_string(),
            auth,
            active: carrier != Carrier::Dhl,
            pushed,
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
        lock(&self.push.queue).push(Outgoing {
            due: self.now(),
            url: url.to_string(),
            headers: vec![auth, ("Content-Type".into(), "application/json".into())],
            body: body.to_string().into_bytes(),
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
        let visible = self
            .timeline(Carrier::Dhl, &p.number)
            .visible(self.now())
            .len();
        if let Some(s) = lock(&self.push.subs).get_mut(&(Carrier::Dhl, p.number.clone())) {
            s.active = true;
            s.pushed = visible;
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
    fn collect_pushes(&self, settings: &PushSettings) {
        let now = self.now();
        let subs: Vec<((Carrier, String), Subscribed)> = lock(&self.push.subs)
            .iter()
            .filter(|(_, s)| s.active)
            .map(|(k, s)| (k.clone(), s.clone()))
            .collect();
        let mut out = Vec::new();
        for ((carrier, number), sub) in subs {
            let tl = self.timeline(carrier, &number);
            let visible = tl.visible(now);
            for i in sub.pushed..visible.len() {
                self.one_push(carrier, &number, &sub, visible, i, settings, &mut out);
            }
            if let Some(s) = lock(&self.push.subs).get_mut(&(carrier, number)) {
                s.pushed = s.pushed.max(visible.len());
            }
        }
        lock(&self.push.queue).extend(out);
    }

    #[allow(clippy::too_many_arguments)]
    fn one_push(
        &self,
        carrier: Carrier,
        number: &str,
        sub: &Subscribed,
        visible: &[super::timeline::SimEvent],
        i: usize,
        settings: &PushSettings,
        out: &mut Vec<Outgoing>,
    ) {
        let f = settings.faults;
        let mut rng = Rng::new(
            self.cfg.seed.wrapping_add(0x9e37_79b9 * (i as u64 + 1)),
            carrier,
            number,
        );
        if rng.chance(f.lost) {
            self.push.lost.fetch_add(1, Ordering::Relaxed);
            return;
        }
        let body = match carrier {
            Carrier::Ups => wire::ups_alert(number, &visible[i]),
            Carrier::Fedex => wire::fedex_body(
                &format!("push-{number}-{i}"),
                vec![wire::fedex_result(number, &visible[..=i])],
            ),
            Carrier::Dhl => wire::dhl_body(number, &visible[..=i]),
        }
        .to_string()
        .into_bytes();
        let forged = rng.chance(f.bad_signature);
        let mut headers = vec![("Content-Type".to_string(), "application/json".to_string())];
        match carrier {
            Carrier::Fedex => {
                let key = if forged {
                    Secret::new("not-the-token")
                } else {
                    settings.fedex_secret.clone()
                };
                headers.push((FEDEX_SIGNATURE_HEADER.into(), fedex_signature(&key, &body)));
            }
            Carrier::Ups | Carrier::Dhl => {
                let (name, value) = sub
                    .auth
                    .clone()
                    .unwrap_or_else(|| (UPS_CREDENTIAL_HEADER.into(), String::new()));
                let value = if forged {
                    format!("{value}-forged")
                } else {
                    value
                };
                headers.push((name, value));
                if carrier == Carrier::Ups {
                    headers.push(("User-Agent".into(), "UPSPubSubTrackingService".into()));
                }
            }
        }
        let mut due = self.now();
        if rng.chance(f.delayed) {
            due += Duration::seconds((f.max_delay.num_seconds() as f64 * rng.unit()) as i64);
        }
        if rng.chance(f.reorder) {
            // Held until after the next scan's push would go.
            due += Duration::seconds(1) + f.max_delay.max(Duration::minutes(1));
        }
        let push = Outgoing {
            due,
            url: sub.url.clone(),
            headers,
            body,
        };
        if rng.chance(f.duplicate) {
            out.push(push.clone());
        }
        out.push(push);
    }

    /// The queued pushes due by now, oldest first.
    fn due_pushes(&self) -> Vec<Outgoing> {
        let now = self.now();
        let mut queue = lock(&self.push.queue);
        let (mut due, rest): (Vec<Outgoing>, Vec<Outgoing>) =
            queue.drain(..).partition(|o| o.due <= now);
        *queue = rest;
        due.sort_by_key(|o| o.due);
        due
    }
}

/// Runs the pusher until aborted: every `settings.every`, new scans are queued and due pushes
/// sent.
pub(crate) fn spawn(sim: Arc<Sim>, settings: PushSettings) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let http = super::super::http_client(StdDuration::from_secs(5));
        loop {
            sim.collect_pushes(&settings);
            for o in sim.due_pushes() {
                let mut req = http.post(&o.url).body(o.body);
                for (k, v) in &o.headers {
                    req = req.header(k.as_str(), v.as_str());
                }
                let ok = matches!(req.send().await, Ok(r) if r.status().is_success());
                let counter = if ok {
                    &sim.push.sent
                } else {
                    &sim.push.refused
                };
                counter.fetch_add(1, Ordering::Relaxed);
            }
            tokio::time::sleep(settings.every).await;
        }
    })
}
