//! Quiet hours over the real sender path: electors in two time zones, a real SMTP server
//! (aiosmtpd), the sender on a manual simulated clock. At an hour that is night for one
//! elector and day for the other, only the daytime elector's e-mails arrive; the clock moved
//! to the other's morning delivers the rest, each once.

use std::sync::Arc;

use chrono::{DateTime, Duration, NaiveTime, TimeZone, Timelike, Utc};
use chrono_tz::Tz;
use pep_tracker::channels::config::{NoticeConfig, SmtpConfig};
use pep_tracker::clock::{SharedClock, SimClock};
use pep_tracker::domain::notice::QuietHours;
use pep_tracker::ops::notices::sender::Sender;

use crate::notices::{count, received, received_envelopes, smtpd};
use crate::support::TestApp;

/// The Message-IDs of the e-mail notices whose elector lives in `country`.
fn ids_in(app: &TestApp, country: &str) -> Vec<String> {
    let conn = app.raw_sql();
    let mut stmt = conn
        .prepare(
            "SELECT o.id, p.pep_id, o.kind FROM outbox o JOIN peps p ON p.id = o.pep
               JOIN electors e ON e.id = p.elector_id
              WHERE o.channel = 'email' AND e.country = ?1",
        )
        .unwrap();
    let rows = stmt.query_map([country], |r| {
        Ok(format!(
            "<notice-{}.{}.{}@ine.example>",
            r.get::<_, i64>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, String>(2)?
        ))
    });
    rows.unwrap().map(Result::unwrap).collect()
}

fn due_at_of_pending(app: &TestApp) -> Vec<DateTime<Utc>> {
    let conn = app.raw_sql();
    let mut stmt = conn
        .prepare("SELECT due_at FROM outbox WHERE channel = 'email' AND state = 'pending'")
        .unwrap();
    let rows = stmt.query_map([], |r| r.get::<_, String>(0)).unwrap();
    rows.map(|r| r.unwrap().parse().unwrap()).collect()
}

#[test]
fn quiet_hours_hold_the_night_electors_email_until_their_morning_and_send_the_day_ones() {
    let app = received_envelopes(24);
    let Some(smtp) = smtpd(app.dir.path()) else {
        return;
    };
    // One elector with an e-mail lives in Madrid; everyone else in Los Angeles.
    let madrid: i64 = app
        .raw_sql()
        .query_row(
            "SELECT min(id) FROM electors WHERE coalesce(email, '') != ''",
            [],
            |r| r.get(0),
        )
        .unwrap();
    let conn = app.raw_sql();
    conn.execute(
        "UPDATE electors SET country = 'US', region = 'CA' WHERE id != ?1",
        [madrid],
    )
    .unwrap();
    conn.execute(
        "UPDATE electors SET country = 'ES', region = NULL WHERE id = ?1",
        [madrid],
    )
    .unwrap();
    let (day_ids, night_ids) = (ids_in(&app, "ES"), ids_in(&app, "US"));
    assert_eq!(day_ids.len(), 1, "{day_ids:?}");
    assert!(night_ids.len() > 5, "{night_ids:?}");

    // Tomorrow 12:00 UTC: afternoon in Madrid, before dawn in Los Angeles.
    let tomorrow = (Utc::now() + Duration::days(1)).date_naive();
    let t0 = Utc.from_utc_datetime(&tomorrow.and_hms_opt(12, 0, 0).unwrap());
    let (la, madrid_tz) = (Tz::America__Los_Angeles, Tz::Europe__Madrid);
    assert!(t0.with_timezone(&la).hour() < 8);
    assert!((8..21).contains(&t0.with_timezone(&madrid_tz).hour()));

    let rt = tokio::runtime::Runtime::new().unwrap();
    let _in_runtime = rt.enter(); // lettre's pool starts its task on this runtime
    let clock = Arc::new(SimClock::manual(t0));
    let shared: SharedClock = clock.clone();
    let cfg = NoticeConfig {
        smtp: Some(SmtpConfig {
            url: format!("smtp://127.0.0.1:{}", smtp.port),
            from: "INE Avisos <avisos@ine.example>".into(),
        }),
        quiet_hours: Some(QuietHours::default()), // 21:00-08:00 local
        ..NoticeConfig::default()
    };
    let sender = Sender::new(app.db.clone(), shared, cfg).unwrap();

    let report = rt.block_on(sender.pass()).unwrap();
    std::thread::sleep(std::time::Duration::from_millis(300));
    let got = received(&smtp.maildir);
    assert_eq!(report.sent, 1, "{report:?}");
    assert_eq!(report.deferred, night_ids.len(), "{report:?}");
    assert_eq!(got.len(), 1, "{got:?}");
    assert_eq!(got.get(&day_ids[0]), Some(&1), "the Madrid e-mail went out");
    // The rest wait for 08:00 in Los Angeles, on the day t0 falls on there.
    let morning = la
        .from_local_datetime(
            &t0.with_timezone(&la)
                .date_naive()
                .and_time(NaiveTime::from_hms_opt(8, 0, 0).unwrap()),
        )
        .earliest()
        .unwrap()
        .with_timezone(&Utc);
    let waiting = due_at_of_pending(&app);
    assert_eq!(waiting.len(), night_ids.len());
    assert!(
        waiting.iter().all(|t| *t == morning),
        "{waiting:?} vs {morning}"
    );

    // A pass an hour before their morning still sends nothing.
    clock.set(morning - Duration::hours(1));
    let report = rt.block_on(sender.pass()).unwrap();
    assert_eq!(report.sent, 0, "{report:?}");
    assert_eq!(received(&smtp.maildir).len(), 1);

    // Their morning: every held e-mail arrives, once; Madrid's is not sent again.
    clock.set(morning + Duration::minutes(1));
    let report = rt.block_on(sender.pass()).unwrap();
    std::thread::sleep(std::time::Duration::from_millis(300));
    assert_eq!(report.sent, night_ids.len(), "{report:?}");
    let got = received(&smtp.maildir);
    for id in night_ids.iter().chain(&day_ids) {
        assert_eq!(got.get(id), Some(&1), "{id}");
    }
    assert_eq!(got.len(), night_ids.len() + 1);
    assert_eq!(
        count(
            &app,
            "SELECT count(*) FROM outbox WHERE channel = 'email' AND state != 'sent'"
        ),
        0
    );
    drop(smtp);
}
