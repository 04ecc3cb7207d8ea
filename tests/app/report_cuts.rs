//! More cuts moved across known facts (beside `reports::moving_the_cut_across_known_events…`):
//! the mean age by entity moves exactly when the cut's local day reaches electors' birthdays,
//! and a late envelope counts as late exactly from its check-in on.

use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};
use pep_tracker::domain::election::local_to_utc;
use pep_tracker::domain::scope::Scope;
use pep_tracker::ops::reports;

use crate::carriers::ship;
use crate::dashboard::{check_in_at, cutoff};
use crate::support::TestApp;

/// The age sum and dated count of an entity's row at `at`.
fn ages(app: &TestApp, entity: &str, at: DateTime<Utc>) -> (i64, i64) {
    let t = reports::by_entity(&app.db, &Scope::National, at).unwrap();
    let row = t.rows.iter().find(|r| r.code == entity).unwrap();
    (row.age_sum, row.aged)
}

#[test]
fn the_mean_age_moves_exactly_when_the_cut_reaches_a_birthday() {
    let app = TestApp::new();
    app.import_demo(300, 17);
    let e = reports::election(&app.db).unwrap();
    // The first elector born on a day other than 29 February.
    let (entity, mmdd): (String, String) = app
        .raw_sql()
        .query_row(
            "SELECT entity, substr(elector_key, 9, 4) FROM electors
              WHERE substr(elector_key, 9, 4) <> '0229' ORDER BY id LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    // Everyone of that entity who turns a year older on that day.
    let sharing: i64 = app
        .raw_sql()
        .query_row(
            "SELECT count(*) FROM electors WHERE entity = ?1 AND substr(elector_key, 9, 4) = ?2",
            [&entity, &mmdd],
            |r| r.get(0),
        )
        .unwrap();
    let (month, day) = (mmdd[..2].parse().unwrap(), mmdd[2..].parse().unwrap());
    let year = e.election_day.year() - 1;
    let birthday = NaiveDate::from_ymd_opt(year, month, day).unwrap();
    let midnight = local_to_utc(e.timezone, birthday.and_hms_opt(0, 0, 0).unwrap()).unwrap();
    let before = ages(&app, &entity, midnight - Duration::milliseconds(1));
    let on = ages(&app, &entity, midnight);
    assert_eq!(on.1, before.1, "the same electors are dated");
    assert_eq!(
        on.0 - before.0,
        sharing,
        "{sharing} birthdays on {birthday}"
    );
    // And nothing else moves within the day.
    assert_eq!(ages(&app, &entity, midnight + Duration::hours(23)), on);
}

#[test]
fn a_late_envelope_counts_as_late_exactly_from_its_check_in() {
    let app = TestApp::upcoming();
    ship(&app, 2);
    let peps = app.pep_ids(2);
    let late_at = cutoff(&app) + Duration::hours(3);
    let on_time_at = cutoff(&app) - Duration::days(2);
    assert_eq!(check_in_at(&app, &peps[0], on_time_at), "accepted");
    assert_eq!(check_in_at(&app, &peps[1], late_at), "late");
    let counts = |t: DateTime<Utc>| {
        let f = reports::funnel(&app.db, &Scope::National, t).unwrap().total;
        (f.on_time, f.late)
    };
    let ms = Duration::milliseconds(1);
    assert_eq!(counts(on_time_at - ms), (0, 0));
    assert_eq!(counts(on_time_at), (1, 0));
    assert_eq!(counts(late_at - ms), (1, 0));
    assert_eq!(counts(late_at), (1, 1));
}
