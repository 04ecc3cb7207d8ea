//! The process's metrics in the Prometheus text format (`GET /metrics`): what the carriers,
//! the check-in writer and the web server count as they work, plus what is read from the
//! database when scraped (quotas, queue depths, file size). A layer of its own beside
//! `clock`: every other layer may count here; nothing here reads the database.

use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::OnceLock;

use chrono::{DateTime, Utc};
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{exponential_buckets, Histogram};
use prometheus_client::registry::Registry;

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct CarrierResult {
    carrier: String,
    result: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct CarrierLabel {
    carrier: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct OutcomeLabel {
    outcome: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RouteLabels {
    method: String,
    route: String,
    status: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct QueueLabel {
    queue: String,
}

fn seconds_buckets() -> Histogram {
    // 0.5 ms to ~16 s.
    Histogram::new(exponential_buckets(0.0005, 2.0, 16))
}

/// Every metric of the process.
pub struct Metrics {
    registry: Registry,
    carrier_requests: Family<CarrierResult, Counter>,
    quota_left: Family<CarrierLabel, Gauge>,
    last_poll: AtomicI64,
    last_push: AtomicI64,
    poll_age: Gauge<f64, std::sync::atomic::AtomicU64>,
    push_age: Gauge<f64, std::sync::atomic::AtomicU64>,
    queue_depth: Family<QueueLabel, Gauge>,
    checkins: Family<OutcomeLabel, Counter>,
    checkin_latency: Histogram,
    requests: Family<RouteLabels, Histogram, fn() -> Histogram>,
    db_bytes: Gauge,
}

impl Metrics {
    fn new() -> Metrics {
        let mut m = Metrics {
            registry: Registry::with_prefix("pep"),
            carrier_requests: Family::default(),
            quota_left: Family::default(),
            last_poll: AtomicI64::new(i64::MIN),
            last_push: AtomicI64::new(i64::MIN),
            poll_age: Gauge::default(),
            push_age: Gauge::default(),
            queue_depth: Family::default(),
            checkins: Family::default(),
            checkin_latency: seconds_buckets(),
            requests: Family::new_with_constructor(seconds_buckets),
            db_bytes: Gauge::default(),
        };
        m.register();
        m
    }

    fn register(&mut self) {
        let r = &mut self.registry;
        r.register(
            "carrier_requests",
            "Requests to the carriers' tracking APIs, by carrier and result",
            self.carrier_requests.clone(),
        );
        r.register(
            "carrier_quota_left",
            "Calls left today in each carrier's daily quota",
            self.quota_left.clone(),
        );
        r.register(
            "last_poll_success_age_seconds",
            "Seconds since the last polling pass that succeeded (-1: none yet)",
            self.poll_age.clone(),
        );
        r.register(
            "last_push_age_seconds",
            "Seconds since the last carrier push was received (-1: none yet)",
            self.push_age.clone(),
        );
        r.register(
            "queue_depth",
            "Items waiting in the inbox (carrier pushes) and outbox (notices)",
            self.queue_depth.clone(),
        );
        r.register(
            "checkins",
            "Check-ins decided, by outcome",
            self.checkins.clone(),
        );
        r.register(
            "checkin_latency_seconds",
            "From a scan's arrival to its durable verdict",
            self.checkin_latency.clone(),
        );
        r.register(
            "http_request_duration_seconds",
            "Web requests by method, route template and status",
            self.requests.clone(),
        );
        r.register(
            "database_size_bytes",
            "Size of the database file and its WAL",
            self.db_bytes.clone(),
        );
    }

    /// One call to a carrier's tracking API; `result` is `ok` or the kind of failure.
    pub fn carrier_request(&self, carrier: &str, result: &str) {
        let labels = CarrierResult {
            carrier: carrier.to_string(),
            result: result.to_string(),
        };
        self.carrier_requests.get_or_create(&labels).inc();
    }

    /// A polling pass finished without error at `at` (the process's clock).
    pub fn poll_succeeded(&self, at: DateTime<Utc>) {
        self.last_poll.store(at.timestamp(), Ordering::Relaxed);
    }

    /// A carrier push was stored at `at`.
    pub fn push_received(&self, at: DateTime<Utc>) {
        self.last_push.store(at.timestamp(), Ordering::Relaxed);
    }

    /// A check-in decided with `outcome`, `seconds` after its scan arrived.
    pub fn checkin(&self, outcome: &str, seconds: f64) {
        let labels = OutcomeLabel {
            outcome: outcome.to_string(),
        };
        self.checkins.get_or_create(&labels).inc();
        self.checkin_latency.observe(seconds);
    }

    /// A web request answered.
    pub fn request(&self, method: &str, route: &str, status: u16, seconds: f64) {
        let labels = RouteLabels {
            method: method.to_string(),
            route: route.to_string(),
            status: status.to_string(),
        };
        self.requests.get_or_create(&labels).observe(seconds);
    }

    /// The text exposition, after setting what is read at scrape time.
    pub fn render(&self, scraped: &Scraped) -> String {
        let age = |last: &AtomicI64| match last.load(Ordering::Relaxed) {
            i64::MIN => -1.0,
            t => (scraped.now.timestamp() - t).max(0) as f64,
        };
        self.poll_age.set(age(&self.last_poll));
        self.push_age.set(age(&self.last_push));
        for (carrier, left) in &scraped.quota_left {
            let labels = CarrierLabel {
                carrier: carrier.clone(),
            };
            self.quota_left.get_or_create(&labels).set(*left);
        }
        for (queue, depth) in &scraped.queues {
            let labels = QueueLabel {
                queue: queue.clone(),
            };
            self.queue_depth.get_or_create(&labels).set(*depth);
        }
        self.db_bytes.set(scraped.db_bytes);
        let mut out = String::new();
        // Writing to a String cannot fail.
        let _ = prometheus_client::encoding::text::encode(&mut out, &self.registry);
        out
    }
}

/// What is read from the database and the files when scraped.
#[derive(Debug, Clone)]
pub struct Scraped {
    pub now: DateTime<Utc>,
    pub quota_left: Vec<(String, i64)>,
    pub queues: Vec<(String, i64)>,
    pub db_bytes: i64,
}

/// The process's metrics.
pub fn global() -> &'static Metrics {
    static METRICS: OnceLock<Metrics> = OnceLock::new();
    METRICS.get_or_init(Metrics::new)
}

/// The content type of [`Metrics::render`]'s text.
pub const CONTENT_TYPE: &str = "application/openmetrics-text; version=1.0.0; charset=utf-8";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_and_scrape_time_values_show_in_the_text() {
        let m = Metrics::new();
        m.carrier_request("fedex", "ok");
        m.carrier_request("fedex", "ok");
        m.carrier_request("dhl", "rate_limited");
        m.checkin("accepted", 0.004);
        m.request("GET", "/peps/<id>", 200, 0.01);
        let now: DateTime<Utc> = "2024-05-01T12:00:00Z".parse().unwrap();
        m.poll_succeeded(now - chrono::Duration::seconds(90));
        let text = m.render(&Scraped {
            now,
            quota_left: vec![("dhl".into(), 249)],
            queues: vec![("outbox".into(), 7)],
            db_bytes: 4096,
        });
        for line in [
            "pep_carrier_requests_total{carrier=\"fedex\",result=\"ok\"} 2",
            "pep_carrier_requests_total{carrier=\"dhl\",result=\"rate_limited\"} 1",
            "pep_carrier_quota_left{carrier=\"dhl\"} 249",
            "pep_last_poll_success_age_seconds 90.0",
            "pep_last_push_age_seconds -1.0",
            "pep_queue_depth{queue=\"outbox\"} 7",
            "pep_checkins_total{outcome=\"accepted\"} 1",
            "pep_checkin_latency_seconds_count 1",
            "pep_database_size_bytes 4096",
        ] {
            assert!(text.contains(line), "{line} not in\n{text}");
        }
        assert!(text.contains("route=\"/peps/<id>\""), "{text}");
    }
}
