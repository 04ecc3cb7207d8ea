use super::*;

const MOVING: &str = include_str!("../../../tests/fixtures/carriers/ups-track-moving.json");
const RETURNED: &str = include_str!("../../../tests/fixtures/carriers/ups-track-returned.json");
const NOT_FOUND_BODY: &str =
    include_str!("../../../tests/fixtures/carriers/ups-track-not-found.json");

fn events(body: &str) -> Vec<TrackingEvent> {
    match parse_reply(body.as_bytes()).unwrap() {
        NumberResult::Events(e) => e,
        other => panic!("events expected, got {other:?}"),
    }
}

#[test]
fn status_types_d_i_m_x_and_their_codes_map_to_leg_statuses() {
    let ev = events(MOVING);
    let statuses: Vec<LegStatus> = ev.iter().map(|e| e.status).collect();
    assert_eq!(
        statuses,
        [
            LegStatus::OutForDelivery,
            LegStatus::Exception,
            LegStatus::InTransit,
            LegStatus::PreTransit
        ]
    );
    assert_eq!(ev[1].raw_code, "X:CD");
    assert_eq!(ev[0].location, "SAN ANTONIO, TX, US");
}

#[test]
fn gmt_fields_win_over_the_local_date_and_time() {
    let ev = events(MOVING);
    assert_eq!(crate::storage::ts(ev[2].at), "2022-05-01T04:30:00.000Z");
    // Without gmt fields the local time is read as UTC.
    assert_eq!(crate::storage::ts(ev[3].at), "2022-04-29T18:00:00.000Z");
}

#[test]
fn a_package_returned_to_the_sender_stays_returned_even_when_delivered_back() {
    let ev = events(RETURNED);
    assert_eq!(ev[0].status, LegStatus::ReturnToSender);
    assert_eq!(ev[1].status, LegStatus::ReturnToSender);
    assert_eq!(ev[2].status, LegStatus::Exception);
}

#[test]
fn a_not_found_warning_means_not_yet_visible() {
    assert_eq!(
        parse_reply(NOT_FOUND_BODY.as_bytes()).unwrap(),
        NumberResult::NotYetVisible
    );
}

#[test]
fn an_error_body_or_truncated_json_is_malformed() {
    let errors =
        r#"{"response":{"errors":[{"code":"TV1002","message":"Invalid inquiry number"}]}}"#;
    assert!(parse_reply(errors.as_bytes()).unwrap_err().is_malformed());
    assert!(parse_reply(&MOVING.as_bytes()[..120])
        .unwrap_err()
        .is_malformed());
}
