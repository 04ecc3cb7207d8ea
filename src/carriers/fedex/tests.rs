use super::*;

const MIXED: &str = include_str!("../../../tests/fixtures/carriers/fedex-track-mixed.json");
const RETURNED: &str = include_str!("../../../tests/fixtures/carriers/fedex-track-returned.json");
const EXPIRED: &str = include_str!("../../../tests/fixtures/carriers/fedex-401-expired.json");

fn asked(ns: &[&str]) -> Vec<String> {
    ns.iter().map(|s| s.to_string()).collect()
}

fn result<'a>(r: &'a [Tracked], n: &str) -> &'a NumberResult {
    &r.iter()
        .find(|t| t.number == n)
        .expect("number answered")
        .result
}

#[test]
fn a_batch_reply_answers_each_number_found_not_found_or_refused() {
    let r = parse_reply(
        MIXED.as_bytes(),
        &asked(&["770000000019", "770000000024", "770000000031"]),
    )
    .unwrap();
    let NumberResult::Events(ev) = result(&r, "770000000019") else {
        panic!("events expected");
    };
    let statuses: Vec<LegStatus> = ev.iter().map(|e| e.status).collect();
    assert_eq!(
        statuses,
        [
            LegStatus::Delivered,
            LegStatus::OutForDelivery,
            LegStatus::Exception,
            LegStatus::InTransit,
            LegStatus::InTransit,
            LegStatus::PreTransit
        ]
    );
    assert_eq!(result(&r, "770000000024"), &NumberResult::NotYetVisible);
    assert!(
        matches!(result(&r, "770000000031"), NumberResult::Failed(m) if m.contains("UNAVAILABLE"))
    );
}

#[test]
fn each_event_keeps_the_raw_code_text_place_and_time_in_utc() {
    let r = parse_reply(MIXED.as_bytes(), &asked(&["770000000019"])).unwrap();
    let NumberResult::Events(ev) = result(&r, "770000000019") else {
        panic!("events expected");
    };
    let cd = &ev[2];
    assert_eq!(cd.raw_code, "CD");
    assert_eq!(
        cd.raw_text,
        "Clearance delay — Import documentation under review"
    );
    assert_eq!(cd.location, "MEMPHIS, TN, US");
    assert_eq!(crate::storage::ts(cd.at), "2022-04-27T21:20:00.000Z");
    assert_eq!(ev[5].location, "");
}

#[test]
fn a_return_to_shipper_scan_and_an_undocumented_code_are_mapped() {
    let r = parse_reply(RETURNED.as_bytes(), &asked(&["770000000046"])).unwrap();
    let NumberResult::Events(ev) = result(&r, "770000000046") else {
        panic!("events expected");
    };
    assert_eq!(ev[0].status, LegStatus::ReturnToSender);
    assert_eq!(ev[1].status, LegStatus::Exception);
    assert_eq!(ev[2].status, LegStatus::Unknown);
}

#[test]
fn a_number_the_reply_forgets_gets_its_own_error() {
    let r = parse_reply(MIXED.as_bytes(), &asked(&["770000000019", "770000000053"])).unwrap();
    assert_eq!(r.len(), 2);
    assert!(matches!(
        result(&r, "770000000053"),
        NumberResult::Failed(_)
    ));
}

#[test]
fn truncated_or_unexpected_bodies_are_malformed() {
    let n = asked(&["770000000019"]);
    assert!(parse_reply(&MIXED.as_bytes()[..300], &n)
        .unwrap_err()
        .is_malformed());
    assert!(parse_reply(EXPIRED.as_bytes(), &n)
        .unwrap_err()
        .is_malformed());
    let bad_date = MIXED.replace("2022-04-29T11:42:00-05:00", "29/04/2022");
    assert!(parse_reply(bad_date.as_bytes(), &n)
        .unwrap_err()
        .is_malformed());
}
