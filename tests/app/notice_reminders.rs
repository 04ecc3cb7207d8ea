//! Reminders: a sender's first scan in the reminder window finds every PEP delivered N days
//! ago whose return has not moved; its later scans look only at what newly qualifies (with an
//! overlap of a day for deliveries recorded late), and once a day it looks at everything again,
//! so a delivery recorded days late still gets its reminder.

use std::sync::Arc;

use chrono::{DateTime, Duration, TimeZone, Utc};
use pep_tracker::channels::capture::CaptureChannel;
use pep_tracker::channels::config::NoticeConfig;
use pep_tracker::clock::{SharedClock, SimClock};
use pep_tracker::ops::notices::sender::Sender;

use crate::support::TestApp;

/// PEP row `pep`'s outbound leg delivered at `at` (recorded now), its stage `delivered`.
fn delivered(app: &TestApp, pep: i64, at: DateTime<Utc>) {
    let conn = app.raw_sql();
    conn.execute(
        "INSERT INTO legs (pep, direction, carrier, tracking, status, status_at, updated_at)
         VALUES (?1, 'outbound', 'fedex', 'T' || ?1, 'delivered', ?2, ?2)",
        rusqlite::params![pep, pep_tracker::storage::ts(at)],
    )
    .unwrap();
    conn.execute("UPDATE peps SET stage = 'delivered' WHERE id = ?1", [pep])
        .unwrap();
}

/// The PEP rows that have a reminder.
fn reminded(app: &TestApp) -> Vec<i64> {
    let conn = app.raw_sql();
    let mut stmt = conn
        .prepare("SELECT DISTINCT pep FROM outbox WHERE kind = 'reminder' ORDER BY pep")
        .unwrap();
    let rows = stmt.query_map([], |r| r.get(0)).unwrap();
    rows.map(Result::unwrap).collect()
}

/// The PEP rows (of the first `n`) whose elector has an e-mail or a phone.
fn reachable(app: &TestApp, n: i64) -> Vec<i64> {
    let conn = app.raw_sql();
    let mut stmt = conn
        .prepare(
            "SELECT p.id FROM peps p JOIN electors e ON e.id = p.elector_id
              WHERE p.id <= ?1 AND (coalesce(e.email, '') != '' OR coalesce(e.phone, '') != '')
              ORDER BY p.id",
        )
        .unwrap();
    let rows = stmt.query_map([n], |r| r.get(0)).unwrap();
    rows.map(Result::unwrap).collect()
}

#[test]
fn reminders_reach_every_delivered_pep_including_one_recorded_days_late() {
    let app = TestApp::upcoming();
    app.import_demo(30, 8);
    let pool = reachable(&app, 30);
    assert!(pool.len() >= 8, "{pool:?}");
    // Ten days before the cutoff (1 June 2030, 08:00 in Mexico City): the window is open.
    let start = Utc.with_ymd_and_hms(2030, 5, 22, 14, 0, 0).unwrap();
    let clock = Arc::new(SimClock::manual(start));
    let shared: SharedClock = clock.clone();
    let cfg = NoticeConfig {
        quiet_hours: None,
        ..NoticeConfig::default()
    };
    let capture = Arc::new(CaptureChannel::new());
    let sender = Sender::capturing(app.db.clone(), shared, cfg, capture).unwrap();
    let rt = tokio::runtime::Runtime::new().unwrap();

    // Delivered eight days ago (N = 7): reminded at the first scan; one delivered six days
    // and a half ago is not due yet.
    let (first, young, late, later) = (&pool[..4], pool[4], pool[5], pool[6]);
    for p in first {
        delivered(&app, *p, start - Duration::days(8));
    }
    delivered(&app, young, start - Duration::hours(6 * 24 + 12));
    let r = rt.block_on(sender.pass()).unwrap();
    assert!(r.reminders >= first.len(), "{r:?}");
    assert_eq!(reminded(&app), first);

    // Three hours on: a delivery recorded now but seven days and a half old (inside the
    // overlap) is found by the next, partial scan; one recorded three days late is not yet.
    clock.advance(Duration::hours(3));
    let now = start + Duration::hours(3);
    delivered(&app, late, now - Duration::hours(7 * 24 + 12));
    delivered(&app, later, now - Duration::days(10));
    rt.block_on(sender.pass()).unwrap();
    let mut want = first.to_vec();
    want.push(late);
    assert_eq!(reminded(&app), want);

    // A day after the first scan, a full one: the late-recorded delivery gets its reminder,
    // and so does the young one now that it is seven days old.
    clock.advance(Duration::hours(22));
    rt.block_on(sender.pass()).unwrap();
    want.extend([young, later]);
    want.sort_unstable();
    assert_eq!(reminded(&app), want);
}
