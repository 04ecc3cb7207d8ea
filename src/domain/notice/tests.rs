use chrono::{DateTime, Duration, Utc};
use chrono_tz::Tz;

use super::*;
use crate::domain::pep::PepId;
use crate::domain::tracking::{Direction, LegStatus};

fn at(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

#[test]
fn leg_changes_cause_the_notices_of_the_issue_and_no_others() {
    use LegStatus::*;
    let out = Direction::Outbound;
    let ret = Direction::Return;
    assert_eq!(
        for_leg_change(out, Unknown, InTransit),
        Some(NoticeKind::Shipped)
    );
    assert_eq!(
        for_leg_change(out, PreTransit, OutForDelivery),
        Some(NoticeKind::Shipped)
    );
    assert_eq!(for_leg_change(out, InTransit, OutForDelivery), None);
    assert_eq!(
        for_leg_change(out, InTransit, Delivered),
        Some(NoticeKind::Delivered)
    );
    assert_eq!(
        for_leg_change(out, Exception, ReturnToSender),
        Some(NoticeKind::Undeliverable)
    );
    assert_eq!(for_leg_change(out, Delivered, Delivered), None);
    assert_eq!(
        for_leg_change(ret, PreTransit, InTransit),
        Some(NoticeKind::PickedUp)
    );
    assert_eq!(
        for_leg_change(ret, Unknown, Delivered),
        Some(NoticeKind::PickedUp)
    );
    assert_eq!(for_leg_change(ret, InTransit, Delivered), None);
    assert_eq!(for_leg_change(ret, PreTransit, ReturnToSender), None);
}

#[test]
fn names_round_trip_through_their_stored_text() {
    for k in NoticeKind::ALL {
        assert_eq!(NoticeKind::parse(k.as_str()), Ok(*k));
    }
    for s in NoticeState::ALL {
        assert_eq!(NoticeState::parse(s.as_str()), Ok(*s));
    }
    assert!(Channel::parse("fax").is_err());
}

#[test]
fn quiet_hours_hold_a_notice_until_the_local_morning() {
    let q = QuietHours::parse("21:00-08:00").unwrap().unwrap();
    // 04:30 UTC is 22:30 the day before in Mexico City (UTC-6 since 2023): wait until 08:00 local.
    let la = q.release(at("2023-05-10T04:30:00Z"), Tz::America__Mexico_City);
    assert_eq!(la, Some(at("2023-05-10T14:00:00Z")));
    // 12:00 UTC is 14:00 in Madrid (summer): allowed.
    assert_eq!(
        q.release(at("2022-05-10T12:00:00Z"), Tz::Europe__Madrid),
        None
    );
    // 05:00 UTC is 07:00 in Madrid: wait one hour.
    assert_eq!(
        q.release(at("2022-05-10T05:00:00Z"), Tz::Europe__Madrid),
        Some(at("2022-05-10T06:00:00Z"))
    );
    assert_eq!(QuietHours::parse("none"), Ok(None));
    assert!(QuietHours::parse("21-8").is_err());
    assert!(QuietHours::parse("08:00-08:00").is_err());
}

#[test]
fn a_daytime_quiet_window_is_read_as_given() {
    let q = QuietHours::parse("12:00-13:00").unwrap().unwrap();
    assert!(q.release(at("2022-05-10T12:30:00Z"), Tz::UTC).is_some());
    assert!(q.release(at("2022-05-10T13:00:00Z"), Tz::UTC).is_none());
}

#[test]
fn zones_come_from_country_and_region() {
    assert_eq!(zone::of("US", Some("CA")), Some(Tz::America__Los_Angeles));
    assert_eq!(zone::of("US", Some("ny")), Some(Tz::America__New_York));
    assert_eq!(zone::of("CA", Some("BC")), Some(Tz::America__Vancouver));
    assert_eq!(zone::of("ES", None), Some(Tz::Europe__Madrid));
    assert_eq!(zone::of("ZZ", None), None);
}

#[test]
fn the_reminder_window_opens_only_close_to_the_cutoff() {
    let r = ReminderRule::default();
    let cutoff = at("2022-06-04T13:00:00Z");
    assert!(!r.window_open(cutoff - Duration::days(20), cutoff));
    assert!(r.window_open(cutoff - Duration::days(10), cutoff));
    assert!(!r.window_open(cutoff + Duration::hours(1), cutoff));
    assert_eq!(r.delivered_by(cutoff), cutoff - Duration::days(7));
}

#[test]
fn retries_back_off_up_to_an_hour() {
    assert_eq!(retry_delay(1), Duration::minutes(1));
    assert_eq!(retry_delay(3), Duration::minutes(4));
    assert_eq!(retry_delay(30), Duration::minutes(60));
}

#[test]
fn an_opt_out_token_names_its_pep_and_cannot_be_forged() {
    let key = [7u8; 32];
    let pep = PepId::new(123, 2);
    let t = optout::sign(&key, &pep);
    assert!(t.starts_with("PEP-0000123-2."));
    assert_eq!(optout::verify(&key, &t), Some(pep));
    let other = t.replace("PEP-0000123-2", "PEP-0000124-2");
    assert_eq!(optout::verify(&key, &other), None);
    assert_eq!(optout::verify(&[8u8; 32], &t), None);
    assert_eq!(optout::verify(&key, "PEP-0000123-2."), None);
}
