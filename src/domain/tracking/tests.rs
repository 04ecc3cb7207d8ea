use chrono::{DateTime, Utc};

use super::*;

fn at(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

fn ev(t: &str, status: LegStatus) -> TrackingEvent {
    TrackingEvent {
        at: at(t),
        status,
        raw_code: "X".into(),
        raw_text: "scan".into(),
        location: String::new(),
    }
}

#[test]
fn statuses_round_trip_through_their_names() {
    for s in LegStatus::ALL {
        assert_eq!(s.as_str().parse::<LegStatus>(), Ok(s));
        assert!(!s.label_es().is_empty());
    }
    assert!("lost".parse::<LegStatus>().is_err());
}

#[test]
fn carriers_parse_from_their_contract_names_only() {
    for c in Carrier::ALL {
        assert_eq!(c.as_str().parse::<Carrier>(), Ok(c));
    }
    let e = "FedEx".parse::<Carrier>().unwrap_err();
    assert!(e.contains("fedex, ups o dhl"), "{e}");
}

#[test]
fn a_newer_event_moves_the_leg() {
    let s = apply(
        LegState::NEW,
        LegStatus::InTransit,
        at("2022-05-01T10:00:00Z"),
    );
    let s = apply(s, LegStatus::OutForDelivery, at("2022-05-02T08:00:00Z"));
    assert_eq!(s.status, LegStatus::OutForDelivery);
    assert_eq!(s.status_at, Some(at("2022-05-02T08:00:00Z")));
}

#[test]
fn an_older_event_arriving_late_never_moves_the_leg_backwards() {
    let s = fold(
        LegState::NEW,
        &[
            ev("2022-05-01T10:00:00Z", LegStatus::InTransit),
            ev("2022-05-03T10:00:00Z", LegStatus::InTransit),
        ],
    );
    // An exception from the 2nd arrives after the scan of the 3rd was seen.
    let late = apply(s, LegStatus::Exception, at("2022-05-02T10:00:00Z"));
    assert_eq!(late, s);
    assert_eq!(late.status_at, Some(at("2022-05-01T10:00:00Z")));
    assert_eq!(late.newest, Some(at("2022-05-03T10:00:00Z")));
}

#[test]
fn the_same_events_in_any_order_give_the_same_state() {
    let events = [
        ev("2022-05-01T10:00:00Z", LegStatus::PreTransit),
        ev("2022-05-01T20:00:00Z", LegStatus::InTransit),
        ev("2022-05-02T09:00:00Z", LegStatus::Exception),
        ev("2022-05-03T09:00:00Z", LegStatus::InTransit),
        ev("2022-05-04T07:00:00Z", LegStatus::OutForDelivery),
    ];
    let forward = fold(LegState::NEW, &events);
    let mut reversed = events.to_vec();
    reversed.reverse();
    assert_eq!(fold(LegState::NEW, &reversed), forward);
    // One at a time, newest first, as a confused carrier might send them.
    let mut one_by_one = LegState::NEW;
    for e in &reversed {
        one_by_one = fold(one_by_one, [e]);
    }
    assert_eq!(one_by_one.status, LegStatus::OutForDelivery);
}

#[test]
fn a_delivered_leg_stays_delivered_whatever_comes_after() {
    let s = apply(
        LegState::NEW,
        LegStatus::Delivered,
        at("2022-05-04T12:00:00Z"),
    );
    for later in [
        LegStatus::InTransit,
        LegStatus::Exception,
        LegStatus::ReturnToSender,
    ] {
        assert_eq!(apply(s, later, at("2022-05-05T12:00:00Z")), s);
    }
}

#[test]
fn a_label_created_event_never_undoes_progress() {
    let s = apply(
        LegState::NEW,
        LegStatus::InTransit,
        at("2022-05-01T10:00:00Z"),
    );
    assert_eq!(
        apply(s, LegStatus::PreTransit, at("2022-05-01T12:00:00Z")),
        s
    );
}

#[test]
fn an_event_without_a_status_changes_nothing() {
    let s = apply(
        LegState::NEW,
        LegStatus::InTransit,
        at("2022-05-01T10:00:00Z"),
    );
    assert_eq!(apply(s, LegStatus::Unknown, at("2022-05-09T10:00:00Z")), s);
}

#[test]
fn at_the_same_instant_the_event_further_along_wins() {
    let t = "2022-05-04T12:00:00Z";
    let a = fold(
        LegState::NEW,
        &[
            ev(t, LegStatus::Delivered),
            ev(t, LegStatus::OutForDelivery),
        ],
    );
    let b = fold(
        LegState::NEW,
        &[
            ev(t, LegStatus::OutForDelivery),
            ev(t, LegStatus::Delivered),
        ],
    );
    assert_eq!(a.status, LegStatus::Delivered);
    assert_eq!(a, b);
}

#[test]
fn an_exception_cleared_by_a_newer_scan_is_in_transit_again() {
    let s = fold(
        LegState::NEW,
        &[
            ev("2022-05-02T09:00:00Z", LegStatus::Exception),
            ev("2022-05-03T09:00:00Z", LegStatus::InTransit),
        ],
    );
    assert_eq!(s.status, LegStatus::InTransit);
}

#[test]
fn a_tracking_number_is_compacted_upper_cased_and_shaped() {
    let n = TrackingNumber::parse(" 1z 999 aa1 0123456784 ").unwrap();
    assert_eq!(n.as_str(), "1Z999AA10123456784");
    let long = "1".repeat(TrackingNumber::MAX_LEN + 1);
    for bad in ["", "ABC", "12-34", long.as_str()] {
        assert!(TrackingNumber::parse(bad).is_err(), "{bad:?}");
    }
    assert!(TrackingNumber::for_carrier(Carrier::Ups, "1Z999AA10123456784").is_ok());
    assert!(TrackingNumber::for_carrier(Carrier::Ups, "1Z999AA10123456785").is_err());
}
