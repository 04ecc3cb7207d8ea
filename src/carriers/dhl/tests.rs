use super::*;

const NO_CODES: &str = include_str!("../../../tests/fixtures/carriers/dhl-express-no-codes.json");
const RETURNED: &str = include_str!("../../../tests/fixtures/carriers/dhl-returned.json");
const BARE: &str = include_str!("../../../tests/fixtures/carriers/dhl-bare-array.json");

fn events(body: &str, n: &str) -> Vec<TrackingEvent> {
    match parse_reply(body.as_bytes(), n).unwrap() {
        NumberResult::Events(e) => e,
        other => panic!("events expected, got {other:?}"),
    }
}

#[test]
fn events_without_a_status_code_are_read_from_their_description_or_left_unknown() {
    let ev = events(NO_CODES, "1234567891");
    let statuses: Vec<LegStatus> = ev.iter().map(|e| e.status).collect();
    assert_eq!(
        statuses,
        [
            LegStatus::OutForDelivery,
            LegStatus::InTransit,
            LegStatus::Exception,
            LegStatus::InTransit,
            LegStatus::Unknown,
            LegStatus::PreTransit
        ]
    );
    assert_eq!(ev[0].raw_code, "");
    assert_eq!(ev[0].location, "CHICAGO, IL - USA");
}

#[test]
fn timestamps_without_an_offset_are_read_as_utc() {
    let ev = events(NO_CODES, "1234567891");
    assert_eq!(crate::storage::ts(ev[0].at), "2022-05-04T09:10:00.000Z");
    assert_eq!(crate::storage::ts(ev[3].at), "2022-05-03T02:15:00.000Z");
}

#[test]
fn the_return_flag_turns_the_newest_status_into_returned_to_sender() {
    let ev = events(RETURNED, "1234567902");
    assert_eq!(ev[0].status, LegStatus::ReturnToSender);
    assert_eq!(ev[1].status, LegStatus::Exception);
    assert_eq!(ev[2].status, LegStatus::InTransit);
    assert_eq!(ev[0].location, "MADRID - SPAIN, ES");
}

#[test]
fn a_bare_array_of_shipments_is_accepted() {
    let ev = events(BARE, "1234567913");
    assert_eq!(ev[0].status, LegStatus::Delivered);
    assert_eq!(crate::storage::ts(ev[0].at), "2022-05-10T14:44:00.000Z");
}

#[test]
fn no_shipments_means_not_yet_visible_and_a_problem_body_is_malformed() {
    assert_eq!(
        parse_reply(br#"{"shipments": []}"#, "1234567891").unwrap(),
        NumberResult::NotYetVisible
    );
    let problem = r#"{"title":"No result found","status":404,"detail":"No shipment with given tracking number found."}"#;
    assert!(parse_reply(problem.as_bytes(), "1")
        .unwrap_err()
        .is_malformed());
    assert!(parse_reply(b"{\"shipments\": [{\"id\"", "1")
        .unwrap_err()
        .is_malformed());
}
