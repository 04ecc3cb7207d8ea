use chrono::{DateTime, Duration, Utc};

use super::*;
use crate::domain::tracking::synthetic_tracking;

fn t0() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2022-04-20T15:00:00Z")
        .unwrap()
        .with_timezone(&Utc)
}

fn days_to_deliver(country: &str, n: u64) -> Vec<f64> {
    (0..n)
        .filter_map(|i| {
            let tl = outbound(
                7,
                Carrier::Fedex,
                &synthetic_tracking(Carrier::Fedex, i),
                country,
                t0(),
            );
            tl.delivered_at()
                .map(|d| (d - t0()).num_minutes() as f64 / 1440.0)
        })
        .collect()
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.partial_cmp(b).unwrap());
    v[v.len() / 2]
}

#[test]
fn the_same_seed_and_number_give_the_same_timeline_and_another_seed_another() {
    let a = outbound(1, Carrier::Ups, "1Z9P3E216600000019", "US", t0());
    assert_eq!(
        a,
        outbound(1, Carrier::Ups, "1Z9P3E216600000019", "US", t0())
    );
    assert_ne!(
        a,
        outbound(2, Carrier::Ups, "1Z9P3E216600000019", "US", t0())
    );
}

#[test]
fn events_come_at_strictly_increasing_whole_minutes() {
    for i in 0..300 {
        let n = synthetic_tracking(Carrier::Dhl, i);
        let tl = outbound(3, Carrier::Dhl, &n, "ES", t0());
        for w in tl.events.windows(2) {
            assert!(w[0].at < w[1].at, "{n}: {w:?}");
        }
        assert!(tl.events.iter().all(|e| e.at.timestamp() % 60 == 0));
    }
}

#[test]
fn mexico_to_the_usa_takes_days_and_europe_longer() {
    let usa = median(days_to_deliver("US", 400));
    let europe = median(days_to_deliver("ES", 400));
    assert!((2.0..8.0).contains(&usa), "USA median {usa:.1} days");
    assert!(europe > usa + 0.5, "Europe {europe:.1} vs USA {usa:.1}");
}

#[test]
fn some_peps_are_held_in_customs_and_some_return_to_sender() {
    let (mut holds, mut returned) = (0, 0);
    for i in 0..2_000 {
        let tl = outbound(
            5,
            Carrier::Fedex,
            &synthetic_tracking(Carrier::Fedex, i),
            "US",
            t0(),
        );
        holds += tl
            .events
            .iter()
            .any(|e| e.milestone == Milestone::CustomsHold) as u32;
        let last = tl.events.last().unwrap().milestone;
        assert!(matches!(
            last,
            Milestone::Delivered | Milestone::ReturnedToSender
        ));
        returned += (last == Milestone::ReturnedToSender) as u32;
    }
    assert!((60..200).contains(&holds), "{holds} holds");
    assert!((20..110).contains(&returned), "{returned} returned");
}

#[test]
fn the_truth_follows_the_newest_event_seen_by_then() {
    let tl = outbound(9, Carrier::Ups, "1Z9P3E216600000019", "US", t0());
    assert_eq!(tl.truth(t0() - Duration::days(2)), LegStatus::Unknown);
    assert_eq!(tl.truth(tl.events[0].at), LegStatus::PreTransit);
    let last = tl.events.last().unwrap();
    assert_eq!(
        tl.truth(last.at + Duration::days(30)),
        last.milestone.status()
    );
}

#[test]
fn a_return_envelope_moves_only_after_the_pep_arrived_and_only_if_posted() {
    let received = t0() + Duration::days(5);
    let mut posted = 0;
    for i in 0..1_000 {
        let n = synthetic_tracking(Carrier::Fedex, 50_000 + i);
        let tl = return_leg(11, Carrier::Fedex, &n, "US", t0(), Some(received));
        assert_eq!(tl.events[0].milestone, Milestone::LabelCreated);
        if let Some(pickup) = tl.events.get(1) {
            assert!(pickup.at >= received);
            posted += 1;
        }
        let never = return_leg(11, Carrier::Fedex, &n, "US", t0(), None);
        assert_eq!(never.events.len(), 1);
    }
    assert!((520..680).contains(&posted), "{posted} posted");
    let dhl = return_leg(11, Carrier::Dhl, "1234567891", "US", t0(), None);
    assert!(dhl.events.is_empty());
}

#[test]
fn no_label_or_scan_comes_before_the_printing_it_follows() {
    for i in 0..500 {
        for carrier in Carrier::ALL {
            let n = synthetic_tracking(carrier, 70_000 + i);
            let out = outbound(3, carrier, &n, "US", t0());
            assert!(out.events.iter().all(|e| e.at >= t0()), "{n}: {out:?}");
            let back = return_leg(3, carrier, &n, "CA", t0(), out.delivered_at());
            assert!(back.events.iter().all(|e| e.at >= t0()), "{n}: {back:?}");
        }
    }
}
