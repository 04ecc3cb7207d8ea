//! The recording path under the drill's own setup: a polling reply stored after a push moved
//! the same leg acts on the leg as the push left it, not on the copy read before the call.

use chrono::{DateTime, Duration, TimeZone, Utc};

use super::{shipping, CampaignConfig};
use crate::carriers::{NumberResult, Tracked};
use crate::domain::tracking::{LegStatus, TrackingEvent};
use crate::ops::sync::record::{apply_events, store_reply};
use crate::ops::sync::PassReport;
use crate::ops::{keys, Actor};
use crate::storage::audit;
use crate::storage::tracking::{self as store, DueLeg};
use crate::storage::Db;

fn start() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2024, 4, 20, 15, 0, 0).unwrap()
}

fn event(at: DateTime<Utc>, status: LegStatus, code: &str) -> TrackingEvent {
    TrackingEvent {
        at,
        status,
        raw_code: code.into(),
        raw_text: format!("scan {code}"),
        location: "Dallas TX US".into(),
    }
}

/// A shipped campaign of three electors; its first outbound leg.
fn shipped(dir: &std::path::Path) -> (Db, DueLeg) {
    let path = dir.join("pep.db");
    let db = Db::open(&path).unwrap();
    keys::load_or_create(&keys::key_path_for(&path)).unwrap();
    let cfg = CampaignConfig::drill(3, 7, 0.0, dir.join("out"));
    shipping::election_and_list(&db, &cfg, start()).unwrap();
    shipping::batches_per_entity(&db, &cfg.entities, "Envío", start()).unwrap();
    shipping::assign_guias(&db, &cfg.carriers, 1_000, start()).unwrap();
    let id: i64 = db
        .read(|c| {
            Ok::<_, crate::storage::StorageError>(c.query_row(
                "SELECT id FROM legs WHERE direction = 'outbound' ORDER BY id LIMIT 1",
                [],
                |r| r.get(0),
            )?)
        })
        .unwrap();
    let leg = db.read(|c| store::leg(c, id)).unwrap().unwrap();
    (db, leg)
}

fn status(db: &Db, leg: i64) -> LegStatus {
    db.read(|c| store::leg(c, leg))
        .unwrap()
        .unwrap()
        .state
        .status
}

#[test]
fn a_poll_stored_after_a_push_acts_on_the_leg_as_the_push_left_it() {
    let dir = tempfile::tempdir().unwrap();
    let (db, asked) = shipped(dir.path());
    let (actor, t) = (Actor::system(), start() + Duration::days(2));
    // The poller read the leg (`asked`) and asked the carrier; meanwhile a push says delivered.
    let delivered = [event(t, LegStatus::Delivered, "DL")];
    db.write(|tx| {
        audit::with_chain(tx, |chain| {
            let now = store::leg(chain.tx(), asked.id)?.unwrap();
            let mut report = PassReport::default();
            apply_events(chain, &now, &delivered, &actor, t, &mut report)
        })
    })
    .unwrap();
    assert_eq!(status(&db, asked.id), LegStatus::Delivered);
    // The carrier's answer, taken before the delivery scan: an in-transit scan not seen yet.
    let earlier = event(t - Duration::hours(20), LegStatus::InTransit, "AR");
    let reply = vec![Tracked {
        number: asked.tracking.clone(),
        result: NumberResult::Events(vec![earlier]),
    }];
    let report = db
        .write(|tx| {
            store_reply(
                tx,
                asked.carrier,
                std::slice::from_ref(&asked),
                Ok(reply),
                1,
                &actor,
                t,
            )
        })
        .unwrap();
    assert_eq!(report.new_events, 1, "the scan is stored");
    assert_eq!(report.status_changes, 0);
    // A final status never changes: the leg stays delivered, its PEP too, and polling it is over.
    assert_eq!(status(&db, asked.id), LegStatus::Delivered);
    let (stage, next): (String, String) = db
        .read(|c| {
            Ok::<_, crate::storage::StorageError>(c.query_row(
                "SELECT p.stage, lp.next_poll_at FROM legs l JOIN peps p ON p.id = l.pep
                   JOIN leg_polls lp ON lp.leg = l.id WHERE l.id = ?1",
                [asked.id],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )?)
        })
        .unwrap();
    assert_eq!(stage, "delivered");
    assert_eq!(next, store::NEVER);
}
