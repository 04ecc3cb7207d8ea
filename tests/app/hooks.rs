//! Pushed tracking over real HTTP on 127.0.0.1: forged pushes refused with nothing changed,
//! duplicates and reordered pushes changing nothing twice, malformed pushes kept without
//! blocking the inbox, DHL's subscription handshake, and the simulator pushing to a running app
//! until the stored statuses equal its ground truth without a single poll.

use std::net::TcpListener;
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use pep_tracker::carriers::config::{CarriersConfig, Secret};
use pep_tracker::carriers::poller::{Carriers, RetryPolicy};
use pep_tracker::carriers::push::{fedex_signature, HooksConfig};
use pep_tracker::carriers::sim::{self, PushSettings, Sim, SimConfig};
use pep_tracker::domain::tracking::{Carrier, LegStatus};
use pep_tracker::ops::{inbox, subscriptions, sync, Actor};
use serde_json::json;

use crate::carriers::ship;
use crate::support::TestApp;

const UPS_CREDENTIAL: &str = "ups-cred-4f1c";
const FEDEX_SECRET: &str = "fedex-token-9a2e";
const DHL_TOKEN: &str = "dhl-token-77b0";

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap()
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Launches the web app on a free port with the receivers' secrets; its base URL.
fn launch(app: &TestApp, rt: &tokio::runtime::Runtime) -> String {
    let port = free_port();
    let figment = rocket::Config::figment()
        .merge(("port", port))
        .merge(("address", "127.0.0.1"))
        .merge(("log_level", "off"))
        .merge((
            "pep_hooks",
            json!({ "ups_credential": UPS_CREDENTIAL, "fedex_secret": FEDEX_SECRET, "dhl_token": DHL_TOKEN }),
        ));
    let checkins = pep_tracker::ops::checkin_queue::CheckinQueue::with_max_group(app.db.clone(), 8);
    let rocket = pep_tracker::web::build_with(app.db.clone(), &app.secrets(), figment, checkins);
    rt.spawn(async move {
        let _ = rocket.launch().await;
    });
    let deadline = Instant::now() + Duration::from_secs(30);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(Instant::now() < deadline, "the app did not start");
        std::thread::sleep(Duration::from_millis(50));
    }
    format!("http://127.0.0.1:{port}")
}

fn post(rt: &tokio::runtime::Runtime, url: &str, headers: &[(&str, &str)], body: &[u8]) -> u16 {
    let mut req = reqwest::Client::new().post(url).body(body.to_vec());
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    rt.block_on(req.send()).unwrap().status().as_u16()
}

fn one_leg(app: &TestApp, carrier: Carrier) -> (i64, String) {
    app.raw_sql()
        .query_row(
            "SELECT id, tracking FROM legs WHERE carrier = ?1 AND direction = 'outbound' ORDER BY id LIMIT 1",
            [carrier.as_str()],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap()
}

fn scalar(app: &TestApp, sql: &str) -> i64 {
    app.raw_sql().query_row(sql, [], |r| r.get(0)).unwrap()
}

fn status_of(app: &TestApp, leg: i64) -> String {
    app.raw_sql()
        .query_row("SELECT status FROM legs WHERE id = ?1", [leg], |r| r.get(0))
        .unwrap()
}

fn ups_alert(number: &str, at: &str, kind: &str, code: &str, text: &str) -> Vec<u8> {
    let (d, t) = at.split_once('T').unwrap();
    json!({
        "trackingNumber": number,
        "localActivityDate": d.replace('-', ""), "localActivityTime": t.replace(':', ""),
        "gmtActivityDate": d.replace('-', ""), "gmtActivityTime": t.replace(':', ""),
        "gmtOffset": "+00.00",
        "activityLocation": { "city": "Dallas", "stateProvince": "TX", "postalCode": "75201", "country": "US" },
        "activityStatus": { "type": kind, "code": code, "description": text }
    })
    .to_string()
    .into_bytes()
}

fn drain(app: &TestApp) -> inbox::InboxReport {
    inbox::process(&app.db, &Actor::system(), Utc::now(), 100).unwrap()
}

#[test]
fn forged_duplicated_reordered_and_malformed_pushes_change_nothing_twice() {
    let app = TestApp::new();
    ship(&app, 6);
    let rt = runtime();
    let base = launch(&app, &rt);
    let (leg, number) = one_leg(&app, Carrier::Ups);
    let audits = || {
        scalar(
            &app,
            "SELECT count(*) FROM audit_log WHERE action = 'leg.status'",
        )
    };
    let ups = format!("{base}/hooks/ups");
    let transit = ups_alert(
        &number,
        "2022-05-02T10:00:00",
        "I",
        "AR",
        "Arrived at Facility",
    );

    // Forged or missing credentials: 401, nothing stored, nothing changed.
    assert_eq!(post(&rt, &ups, &[("credential", "guess")], &transit), 401);
    assert_eq!(post(&rt, &ups, &[], &transit), 401);
    let fedex = format!("{base}/hooks/fedex");
    let wrong = fedex_signature(&Secret::new("not-it"), b"{}");
    assert_eq!(post(&rt, &fedex, &[("fdx-signature", &wrong)], b"{}"), 401);
    assert_eq!(
        post(
            &rt,
            &format!("{base}/hooks/dhl"),
            &[("pep-hook-token", "x")],
            b"{}"
        ),
        401
    );
    assert_eq!(scalar(&app, "SELECT count(*) FROM inbox"), 0);
    assert_eq!(drain(&app).pushes, 0);
    assert_eq!(status_of(&app, leg), "unknown");

    // Authentic, then the same push again: one event, one status change.
    let auth = [("credential", UPS_CREDENTIAL)];
    assert_eq!(post(&rt, &ups, &auth, &transit), 200);
    assert_eq!(post(&rt, &ups, &auth, &transit), 200);
    let r = drain(&app);
    assert_eq!((r.pushes, r.new_events, r.status_changes), (2, 1, 1));
    assert_eq!(status_of(&app, leg), "in_transit");
    let after_first = audits();

    // A malformed push is kept, and the delivery pushed after it is still applied; an older
    // scan arriving late and a later exception never move a delivered leg.
    assert_eq!(post(&rt, &ups, &auth, b"{\"trackingNumber\": 12"), 200);
    let delivered = ups_alert(&number, "2022-05-04T15:00:00", "D", "KB", "DELIVERED");
    assert_eq!(post(&rt, &ups, &auth, &delivered), 200);
    let older = ups_alert(
        &number,
        "2022-05-03T09:00:00",
        "I",
        "OT",
        "Out For Delivery Today",
    );
    assert_eq!(post(&rt, &ups, &auth, &older), 200);
    let later = ups_alert(
        &number,
        "2022-05-05T09:00:00",
        "X",
        "U2",
        "The receiver was not available",
    );
    assert_eq!(post(&rt, &ups, &auth, &later), 200);
    let r = drain(&app);
    assert_eq!((r.pushes, r.malformed, r.status_changes), (4, 1, 1));
    assert_eq!(status_of(&app, leg), "delivered");
    assert_eq!(audits(), after_first + 1);
    // The leg keeps its newest stored event with a known status (the exception after the
    // delivery, which moved nothing), as the next event is weighed against it.
    let newest = |sql: &str| -> Option<String> {
        app.raw_sql().query_row(sql, [leg], |r| r.get(0)).unwrap()
    };
    let kept = newest("SELECT newest_at FROM legs WHERE id = ?1");
    assert!(kept.is_some());
    assert_eq!(
        kept,
        newest("SELECT max(at) FROM leg_events WHERE leg = ?1 AND status != 'unknown'")
    );
    assert_eq!(
        newest("SELECT max(at) FROM leg_events WHERE leg = ?1 AND status = 'exception'"),
        kept
    );
    assert_eq!(
        scalar(&app, "SELECT count(*) FROM inbox WHERE state = 'malformed'"),
        1
    );
    assert_eq!(
        scalar(&app, "SELECT count(*) FROM inbox WHERE state = 'pending'"),
        0
    );

    // A signed FedEx push is taken; a body over the bound is refused before anything else.
    let (fleg, fnum) = one_leg(&app, Carrier::Fedex);
    let body = json!({ "output": { "completeTrackResults": [{ "trackingNumber": fnum, "trackResults": [{
        "scanEvents": [{ "date": "2022-05-02T08:00:00-05:00", "eventType": "PU", "eventDescription": "Picked up",
                         "derivedStatusCode": "PU", "scanLocation": { "city": "Chicago", "countryCode": "US" } }] }] }] } })
    .to_string();
    let sig = fedex_signature(&Secret::new(FEDEX_SECRET), body.as_bytes());
    assert_eq!(
        post(&rt, &fedex, &[("fdx-signature", &sig)], body.as_bytes()),
        200
    );
    let tampered = body.replace("Picked up", "Delivered");
    assert_eq!(
        post(&rt, &fedex, &[("fdx-signature", &sig)], tampered.as_bytes()),
        401
    );
    assert_eq!(post(&rt, &ups, &auth, &vec![b' '; 300 * 1024]), 413);
    drain(&app);
    assert_eq!(status_of(&app, fleg), "in_transit");
}

fn hooks_for(base: &str) -> HooksConfig {
    HooksConfig {
        ups_credential: Some(Secret::new(UPS_CREDENTIAL)),
        fedex_secret: Some(Secret::new(FEDEX_SECRET)),
        dhl_token: Some(Secret::new(DHL_TOKEN)),
        public_url: Some(base.to_string()),
    }
}

fn sub_states(app: &TestApp) -> Vec<(String, String, i64)> {
    let conn = app.raw_sql();
    let mut stmt = conn
        .prepare(
            "SELECT l.carrier, s.state, count(*) FROM leg_subscriptions s JOIN legs l ON l.id = s.leg
              GROUP BY l.carrier, s.state ORDER BY l.carrier, s.state",
        )
        .unwrap();
    let rows = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap();
    rows.map(Result::unwrap).collect()
}

fn wait_until(what: &str, mut f: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(30);
    while !f() {
        assert!(Instant::now() < deadline, "{what}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn the_simulator_pushes_to_a_running_app_after_the_dhl_handshake_and_no_poll_follows_the_catch_up()
{
    let app = TestApp::new();
    let made: DateTime<Utc> = ship(&app, 6);
    let rt = runtime();
    let base = launch(&app, &rt);
    let cfg = SimConfig {
        quiet: true,
        seed: 7,
        directory: Some(sync::sim_directory(app.db.clone())),
        push: Some(PushSettings {
            faults: sim::PushFaults {
                duplicate: 0.3,
                ..Default::default()
            },
            fedex_secret: Secret::new(FEDEX_SECRET),
            every: Some(Duration::from_millis(30)),
        }),
        ..SimConfig::default()
    };
    let sim = std::sync::Arc::new(Sim::new(cfg));
    sim.set_now(made);
    let handle = rt
        .block_on(sim::serve_sim("127.0.0.1:0".parse().unwrap(), sim.clone()))
        .unwrap();
    let carriers = Carriers::from_config(
        &CarriersConfig::simulator(&handle.base_url()),
        |_| 0,
        RetryPolicy::default(),
    );
    let hooks = hooks_for(&base);
    let pass = |now| {
        rt.block_on(subscriptions::run_pass(
            app.db.clone(),
            &carriers,
            &hooks,
            now,
            100,
        ))
        .unwrap()
    };

    let first = pass(sim.now());
    assert_eq!((first.active, first.validating), (8, 4), "{first:?}");
    // DHL's validation message arrives at our hook; the next pass confirms it.
    wait_until("DHL's validation push", || {
        scalar(&app, "SELECT count(*) FROM inbox") >= 4
    });
    assert_eq!(drain(&app).validations, 4);
    let second = pass(sim.now());
    assert_eq!(second.confirmed, 4, "{second:?}");
    let why: Option<String> = app
        .raw_sql()
        .query_row("SELECT max(last_error) FROM leg_subscriptions", [], |r| {
            r.get(0)
        })
        .unwrap();
    assert_eq!(why, None);
    assert_eq!(
        sub_states(&app),
        vec![
            ("dhl".into(), "active".into(), 4),
            ("fedex".into(), "active".into(), 4),
            ("ups".into(), "active".into(), 4)
        ]
    );
    assert!(
        scalar(
            &app,
            "SELECT count(*) FROM leg_subscriptions WHERE expires_at > '2022'"
        ) == 12
    );
    // The PEP page shows each leg's subscription.
    let pep = pep_tracker::domain::pep::PepId::parse(&app.pep_ids(1)[0]).unwrap();
    let page = pep_tracker::ops::dossier::dossier(
        &app.db,
        &pep,
        &pep_tracker::domain::scope::Scope::National,
        None,
    )
    .unwrap();
    assert!(!page.legs.is_empty());
    for leg in &page.legs {
        assert!(leg.push.starts_with("Push activo hasta "), "{}", leg.push);
    }

    // Subscriptions carry no history: one catch-up poll of every leg, then pushes only.
    let all = sync::SyncOptions {
        all: true,
        ..Default::default()
    };
    rt.block_on(sync::run_pass(
        app.db.clone(),
        &carriers,
        all,
        &Actor::system(),
        sim.now(),
    ))
    .unwrap();
    let polled: u64 = Carrier::ALL.iter().map(|c| sim.track_calls(*c)).sum();
    assert!(polled > 0);

    // Ten simulated days go by: every scan is pushed (some twice; reordering and forged
    // pushes are the first test's business).
    sim.set_now(made + chrono::Duration::days(10));
    // Pushes arrive on their own schedule: apply what came until every leg says what the
    // simulator says (a machine under load delivers late, never wrongly).
    let (mut malformed, mut new_events) = (0, 0);
    let legs_now = || -> Vec<(String, String, String)> {
        let conn = app.raw_sql();
        let mut stmt = conn
            .prepare("SELECT carrier, tracking, status FROM legs")
            .unwrap();
        let rows = stmt
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .unwrap();
        rows.map(Result::unwrap).collect()
    };
    let matches = |legs: &[(String, String, String)]| {
        legs.iter()
            .all(|(c, n, status)| sim.truth(c.parse().unwrap(), n).as_str() == status)
    };
    wait_until("every leg to match the simulator's pushes", || {
        let r = drain(&app);
        malformed += r.malformed;
        new_events += r.new_events;
        std::thread::sleep(Duration::from_millis(100));
        matches(&legs_now())
    });
    assert_eq!(malformed, 0);
    assert!(new_events > 0);
    let mut moved = 0;
    for (c, n, status) in legs_now() {
        let truth = sim.truth(c.parse().unwrap(), &n);
        assert_eq!(status, truth.as_str(), "{c} {n}");
        moved += usize::from(truth != LegStatus::Unknown);
    }
    assert!(moved >= 6, "only {moved} legs moved");
    let polls: u64 = Carrier::ALL.iter().map(|c| sim.track_calls(*c)).sum();
    assert_eq!(polls, polled, "no poll after the catch-up");
    // Each leg a push moved remembers when its last push came, and its PEP page says so.
    let remembered = scalar(
        &app,
        "SELECT count(*) FROM leg_polls WHERE last_push_at IS NOT NULL",
    );
    assert!(remembered as usize >= moved, "{remembered} of {moved}");
    let said = app
        .pep_ids(6)
        .iter()
        .flat_map(|p| {
            let pep = pep_tracker::domain::pep::PepId::parse(p).unwrap();
            let scope = pep_tracker::domain::scope::Scope::National;
            let page = pep_tracker::ops::dossier::dossier(&app.db, &pep, &scope, None).unwrap();
            page.legs.into_iter().map(|l| l.push)
        })
        .filter(|push| push.contains("; último push "))
        .count();
    assert!(
        said >= moved,
        "{said} legs show their last push, {moved} moved"
    );
    rt.block_on(handle.shutdown());
}
