//! Turning queued pushes into requests and sending them: FedEx's and DHL's bodies are arrays
//! (`completeTrackResults[]`, `shipments[]`), so the scans due together for one hook travel
//! packed in one signed body, as a carrier's webhook batches them; UPS Track Alert sends one
//! activity per request. Requests go a few at a time, and each answer is counted.

use std::sync::atomic::Ordering;
use std::sync::Arc;

use serde_json::Value;
use tokio::task::JoinSet;

use super::{Part, PushSettings};
use crate::carriers::config::Secret;
use crate::carriers::push::{fedex_signature, FEDEX_SIGNATURE_HEADER, UPS_CREDENTIAL_HEADER};
use crate::carriers::sim::{wire, Sim};
use crate::domain::tracking::Carrier;

/// Scans packed in one FedEx body at most (its Track API answers 30 numbers a call).
pub const FEDEX_PACK: usize = 30;
/// Shipments packed in one DHL body at most.
pub const DHL_PACK: usize = 10;
/// Requests in flight at once (a carrier delivers its webhooks concurrently; enough that the
/// app's inbox always has a page of pushes waiting while it applies the previous one).
const IN_FLIGHT: usize = 64;

/// What one round of pushing did: requests answered 2xx, and refused or unreachable.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PushCounts {
    pub sent: u64,
    pub refused: u64,
}

/// One request to send.
struct Request {
    url: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

/// Whether `b` may travel in the same body as `a`.
fn packs_with(a: &Part, b: &Part) -> bool {
    !a.alone && !b.alone && a.carrier == b.carrier && a.url == b.url && a.forged == b.forged
}

fn limit(carrier: Carrier) -> usize {
    match carrier {
        Carrier::Fedex => FEDEX_PACK,
        Carrier::Dhl => DHL_PACK,
        Carrier::Ups => 1,
    }
}

/// Groups neighbouring parts that may share a body (their order kept), one group per request.
fn pack(parts: Vec<Part>) -> Vec<Vec<Part>> {
    let mut out = Vec::new();
    let mut group: Vec<Part> = Vec::new();
    for p in parts {
        let full = group
            .first()
            .is_some_and(|g| !packs_with(g, &p) || group.len() >= limit(g.carrier));
        if full {
            out.push(std::mem::take(&mut group));
        }
        group.push(p);
    }
    if !group.is_empty() {
        out.push(group);
    }
    out
}

/// The body and headers of a group of parts sharing carrier, hook and signature.
fn request(group: Vec<Part>, settings: &PushSettings, seq: u64) -> Request {
    let first = &group[0];
    let (carrier, url, auth, forged) = (
        first.carrier,
        first.url.clone(),
        first.auth.clone(),
        first.forged,
    );
    let body = if first.alone {
        let v = group
            .into_iter()
            .next()
            .map_or(Value::Null, |p| p.body.render(carrier));
        v.to_string().into_bytes()
    } else if carrier == Carrier::Fedex {
        let results = group.iter().map(|p| p.body.fedex()).collect();
        serde_json::to_vec(&wire::fedex_body(&format!("push-{seq}"), results))
            .expect("the simulator's bodies serialize")
    } else {
        let values = group.into_iter().map(|p| p.body.render(carrier)).collect();
        wire::dhl_shipments(values).to_string().into_bytes()
    };
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
            let (name, value) =
                auth.unwrap_or_else(|| (UPS_CREDENTIAL_HEADER.into(), String::new()));
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
    Request { url, headers, body }
}

/// Sends `parts` (oldest first), a few requests at a time; waits for every answer. Each
/// request's body is rendered and signed on the task that sends it.
pub(super) async fn send_all(sim: &Sim, settings: &PushSettings, parts: Vec<Part>) -> PushCounts {
    let first = sim.push.next_id.fetch_add(1, Ordering::Relaxed) * 1_000_000 + 1;
    let http = sim.push_client();
    let settings = Arc::new(settings.clone());
    let mut counts = PushCounts::default();
    let mut flying = JoinSet::new();
    for (seq, group) in (first..).zip(pack(parts)) {
        if flying.len() >= IN_FLIGHT {
            if let Some(ok) = flying.join_next().await {
                tally(sim, &mut counts, ok.unwrap_or(false));
            }
        }
        let (http, settings) = (http.clone(), settings.clone());
        flying.spawn(async move {
            let r = request(group, &settings, seq);
            let mut req = http.post(&r.url).body(r.body);
            for (k, v) in &r.headers {
                req = req.header(k.as_str(), v.as_str());
            }
            matches!(req.send().await, Ok(a) if a.status().is_success())
        });
    }
    while let Some(ok) = flying.join_next().await {
        tally(sim, &mut counts, ok.unwrap_or(false));
    }
    counts
}

fn tally(sim: &Sim, counts: &mut PushCounts, ok: bool) {
    let counter = if ok {
        counts.sent += 1;
        &sim.push.sent
    } else {
        counts.refused += 1;
        &sim.push.refused
    };
    counter.fetch_add(1, Ordering::Relaxed);
}
