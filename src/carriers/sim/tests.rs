//! The simulator through the real adapters over HTTP: what each adapter reads equals the
//! simulator's ground truth, for every carrier and many shipments and instants.

use chrono::Duration;

use super::*;
use crate::carriers::config::CarriersConfig;
use crate::carriers::{dhl::Dhl, fedex::Fedex, ups::Ups, CarrierClient, NumberResult};
use crate::domain::tracking::{fold, synthetic_tracking, LegState};

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap()
}

fn clients(base: &str) -> Vec<Box<dyn CarrierClient>> {
    let cfg = CarriersConfig::simulator(base);
    let t = std::time::Duration::from_secs(5);
    vec![
        Box::new(Fedex::new(cfg.fedex.unwrap(), t)),
        Box::new(Ups::new(cfg.ups.unwrap(), t)),
        Box::new(Dhl::new(cfg.dhl.unwrap(), t)),
    ]
}

fn quiet(seed: u64) -> SimConfig {
    SimConfig {
        seed,
        quiet: true,
        ..SimConfig::default()
    }
}

#[test]
fn every_adapter_reads_the_simulated_status_as_the_ground_truth() {
    let rt = runtime();
    rt.block_on(async {
        let sim = Arc::new(Sim::new(quiet(42)));
        let start = chrono::DateTime::parse_from_rfc3339("2022-04-20T12:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        let numbers: Vec<(Carrier, String)> = Carrier::ALL
            .iter()
            .flat_map(|&c| (0..30u64).map(move |i| (c, synthetic_tracking(c, 1000 + i))))
            .collect();
        for (i, (c, n)) in numbers.iter().enumerate() {
            let country = ["US", "ES", "CA", "CO"][i % 4];
            sim.register(
                *c,
                n,
                ShipmentSpec {
                    direction: Direction::Outbound,
                    country: country.into(),
                    shipped_at: start,
                    outbound: None,
                },
            );
        }
        let handle = serve_sim("127.0.0.1:0".parse().unwrap(), sim.clone())
            .await
            .unwrap();
        let clients = clients(&handle.base_url());
        let mut seen = std::collections::HashSet::new();
        for day in [-1, 0, 1, 2, 3, 5, 8, 13, 21] {
            sim.set_now(start + Duration::days(day) + Duration::hours(7));
            for client in &clients {
                let mine: Vec<String> = numbers
                    .iter()
                    .filter(|(c, _)| *c == client.carrier())
                    .map(|(_, n)| n.clone())
                    .collect();
                for chunk in mine.chunks(client.max_batch()) {
                    for t in client.track(chunk).await.unwrap() {
                        let truth = sim.truth(client.carrier(), &t.number);
                        let got = match &t.result {
                            NumberResult::Events(ev) => fold(LegState::NEW, ev).status,
                            NumberResult::NotYetVisible => LegStatus::Unknown,
                            NumberResult::Failed(m) => panic!("{}: {m}", t.number),
                        };
                        assert_eq!(got, truth, "{} {} on day {day}", client.carrier(), t.number);
                        seen.insert(truth);
                    }
                }
            }
        }
        // The sample went through every kind of status.
        assert!(seen.len() >= 6, "{seen:?}");
        handle.shutdown().await;
    });
}

#[test]
fn a_return_envelope_is_not_visible_at_dhl_until_the_elector_posts_it() {
    let rt = runtime();
    rt.block_on(async {
        let sim = Arc::new(Sim::new(quiet(7)));
        let start = Utc::now() - Duration::days(60);
        let out = synthetic_tracking(Carrier::Dhl, 1);
        sim.register(
            Carrier::Dhl,
            &out,
            ShipmentSpec {
                direction: Direction::Outbound,
                country: "US".into(),
                shipped_at: start,
                outbound: None,
            },
        );
        // Find a return number whose elector posts the envelope.
        let ret = (100..200)
            .map(|i| synthetic_tracking(Carrier::Dhl, i))
            .find(|n| {
                sim.register(
                    Carrier::Dhl,
                    n,
                    ShipmentSpec {
                        direction: Direction::Return,
                        country: "US".into(),
                        shipped_at: start,
                        outbound: Some((Carrier::Dhl, out.clone())),
                    },
                );
                sim.timeline(Carrier::Dhl, n).events.len() > 3
            })
            .expect("some elector posts");
        let delivered = sim.timeline(Carrier::Dhl, &out).delivered_at().unwrap();
        let pickup = sim.timeline(Carrier::Dhl, &ret).events[0].at;
        assert!(pickup >= delivered);
        let handle = serve_sim("127.0.0.1:0".parse().unwrap(), sim.clone())
            .await
            .unwrap();
        let dhl = &clients(&handle.base_url())[2];
        sim.set_now(pickup - Duration::minutes(1));
        let r = dhl.track(std::slice::from_ref(&ret)).await.unwrap();
        assert_eq!(r[0].result, NumberResult::NotYetVisible);
        sim.set_now(pickup);
        let r = dhl.track(std::slice::from_ref(&ret)).await.unwrap();
        assert!(matches!(&r[0].result, NumberResult::Events(e) if e.len() == 1));
        handle.shutdown().await;
    });
}

#[test]
fn track_calls_without_credentials_are_refused() {
    let rt = runtime();
    rt.block_on(async {
        let handle = serve("127.0.0.1:0".parse().unwrap(), quiet(1)).await.unwrap();
        let http = reqwest::Client::new();
        let base = handle.base_url();
        let fedex = http
            .post(format!("{base}/track/v1/trackingnumbers"))
            .json(&serde_json::json!({"trackingInfo": [{"trackingNumberInfo": {"trackingNumber": "1"}}]}))
            .send()
            .await
            .unwrap();
        assert_eq!(fedex.status(), 401);
        let ups = http.get(format!("{base}/api/track/v1/details/1Z")).send().await.unwrap();
        assert_eq!(ups.status(), 401);
        let dhl = http.get(format!("{base}/track/shipments?trackingNumber=1")).send().await.unwrap();
        assert_eq!(dhl.status(), 401);
        handle.shutdown().await;
    });
}
