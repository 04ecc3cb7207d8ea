//! The drill: a whole campaign of a few thousand electors through the CLI, and the living demo
//! (the same engine on a running clock) checked for one consistent story.

use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::{DurationRound, Utc};
use pep_tracker::clock::{Clock, SimClock};
use pep_tracker::domain::role::Role;
use pep_tracker::domain::scope::Scope;
use pep_tracker::ops::campaign::{order, Calendar};
use pep_tracker::ops::{self, demo_live, Actor};
use rocket::http::{Header, Status};
use rocket::local::asynchronous::Client;

use crate::support::{stderr, stdout, TestApp};

const ELECTORS: usize = 2_000;

fn value(summary: &str, key: &str) -> i64 {
    summary
        .lines()
        .find_map(|l| l.strip_prefix(&format!("{key}: ")))
        .unwrap_or_else(|| panic!("no «{key}» in the summary:\n{summary}"))
        .parse()
        .unwrap()
}

#[test]
fn a_drill_runs_a_whole_campaign_in_order_with_nothing_unexplained() {
    let app = TestApp::empty();
    let out_dir = app.dir.path().join("simulacro");
    let out = app.cli(&[
        "drill",
        "--electors",
        &ELECTORS.to_string(),
        "--seed",
        "7",
        "--fault-rate",
        "0.05",
        "--out",
        out_dir.to_str().unwrap(),
    ]);
    let summary = stdout(&out);
    assert!(out.status.success(), "{summary}\n{}", stderr(&out));
    assert_eq!(value(&summary, "electores"), ELECTORS as i64);
    assert_eq!(value(&summary, "no explicados"), 0, "{summary}");
    assert_eq!(value(&summary, "fuera de orden"), 0, "{summary}");
    assert!(value(&summary, "pep revisados en orden temporal") > ELECTORS as i64 - 1);
    // The campaign went the whole way, anomalies included.
    for key in [
        "aceptados",
        "extemporaneos",
        "duplicados",
        "invalidos",
        "reexpedidos",
        "anulados",
        "mec",
    ] {
        assert!(value(&summary, key) > 0, "{key}: {summary}");
    }
    assert!(summary.contains("fase seguimiento: "), "{summary}");
    // The courier pushed over HTTP, forged and lost pushes included, and the poller caught
    // up what was lost: every delivered envelope was still scanned (nothing unexplained).
    for key in [
        "solicitudes de suscripción push",
        "pushes aceptados",
        "pushes rechazados",
        "pushes perdidos",
        "pushes aplicados",
        "eventos por push",
        "consultas respondidas",
        "consultas rechazadas",
    ] {
        assert!(value(&summary, key) > 0, "{key}: {summary}");
    }
    let active: i64 = app
        .raw_sql()
        .query_row(
            "SELECT count(*) FROM leg_subscriptions WHERE state = 'active'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert!(active >= ELECTORS as i64, "{active} active subscriptions");
    // Electors looked their packages up through the public API: every answer was right.
    assert_eq!(
        value(&summary, "consultas respondidas"),
        value(&summary, "consultas de electores"),
        "{summary}"
    );
    // A station went offline each day: its scans were set aside and sent later with their
    // scan ids, a few twice, and each scan id was recorded exactly once.
    assert!(value(&summary, "apartados sin conexion") > 0, "{summary}");
    assert!(value(&summary, "reenviados") > 0, "{summary}");
    let (named, scans): (i64, i64) = app
        .raw_sql()
        .query_row(
            "SELECT (SELECT count(*) FROM scan_ids), (SELECT count(*) FROM scans)",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!(named, scans, "every drill scan carries a scan id");
    assert_eq!(scans, value(&summary, "escaneos"), "{summary}");

    // The order check over the database, from the library, agrees.
    let report = order::check(&app.db).unwrap();
    assert_eq!(report.violations, 0, "{:?}", report.examples);
    assert_eq!(report.peps as i64, value(&summary, "pep"));
    // And one link of the chain checked by hand: no check-in before its envelope arrived.
    let early: i64 = app
        .raw_sql()
        .query_row(
            "SELECT count(*) FROM checkins c JOIN legs l ON l.pep = c.pep AND l.direction = 'return'
              WHERE l.status != 'delivered' OR c.received_at < l.status_at",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(early, 0);

    for file in [
        "informe.html",
        "informe.pdf",
        "resumen.json",
        "recepcion/extemporaneos.pdf",
    ] {
        let p = out_dir.join(file);
        assert!(
            p.metadata().map(|m| m.len() > 100).unwrap_or(false),
            "{}",
            p.display()
        );
    }
    assert!(std::fs::read(out_dir.join("informe.pdf"))
        .unwrap()
        .starts_with(b"%PDF"));
    let lots: Vec<_> = std::fs::read_dir(out_dir.join("lotes")).unwrap().collect();
    assert!(lots.len() as i64 >= value(&summary, "lotes"));
    for lot in lots {
        let lot = lot.unwrap().path();
        for f in ["manifest.pdf", "labels.pdf", "courier.csv"] {
            assert!(lot.join(f).exists(), "{}", lot.join(f).display());
        }
    }
    let json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out_dir.join("resumen.json")).unwrap()).unwrap();
    assert_eq!(json["ok"], true);
    assert_eq!(json["unexplained"], 0);
    notices_flowed(&app, &summary, &json, &out_dir);

    // The report holds INE's tables cut at the drill's end, and the maps; INE's funnel at
    // that cut agrees with the drill's own count.
    let html = std::fs::read_to_string(out_dir.join("informe.html")).unwrap();
    for key in ops::reports::TABLE_KEYS {
        assert!(html.contains(&format!("<h3 id=\"{key}\">")), "{key}");
    }
    assert_eq!(html.matches("<figure class=\"map\">").count(), 4);
    let end: chrono::DateTime<Utc> = serde_json::from_value(json["end"].clone()).unwrap();
    let ine = ops::reports::funnel(&app.db, &Scope::National, end)
        .unwrap()
        .total;
    let drill = &json["funnel"];
    assert_eq!(ine.generated, drill["peps"].as_i64().unwrap());
    assert_eq!(ine.on_time, drill["received_on_time"].as_i64().unwrap());
    assert_eq!(ine.late, drill["received_late"].as_i64().unwrap());
    assert!(ine.on_time > 0);

    // A database that is not empty is refused, and left as it was.
    let again = app.cli(&[
        "drill",
        "--electors",
        "10",
        "--out",
        out_dir.to_str().unwrap(),
    ]);
    assert!(!again.status.success());
    assert!(
        stderr(&again).contains("no está vacía"),
        "{}",
        stderr(&again)
    );
    assert_eq!(order::check(&app.db).unwrap().peps, report.peps);
}

async fn stats(client: &Client, token: &str) -> serde_json::Value {
    let res = client
        .get("/api/v1/stats")
        .header(Header::new("Authorization", format!("Bearer {token}")))
        .dispatch()
        .await;
    // Before the election is loaded the API may have nothing to say yet.
    if res.status() != Status::Ok {
        return serde_json::Value::Null;
    }
    res.into_json().await.unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_living_demo_tells_one_story_on_one_running_clock() {
    let app = TestApp::empty();
    let (secrets, _) = ops::keys::load_or_create(&ops::keys::key_path_for(&app.db_path)).unwrap();
    let start = Utc::now()
        .duration_trunc(chrono::Duration::minutes(1))
        .unwrap();
    // Fast: six weeks in about a minute of real time.
    let clock = Arc::new(SimClock::running(start, 80_000.0));
    let token = ops::users::create_token(&app.db, "tablero", Role::Viewer, &Actor::system(), start)
        .unwrap();
    let mut cfg = demo_live::demo_config(app.dir.path().join("demo-docs"));
    cfg.electors = 300;
    cfg.calendar = Calendar {
        election_in_days: 35,
        ..Calendar::default()
    };
    let web = pep_tracker::web::build_on(app.db.clone(), &secrets, clock.clone());
    let client = Client::tracked(web).await.unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let demo = tokio::spawn(demo_live::live(
        app.db.clone(),
        secrets.clone(),
        clock.clone(),
        cfg,
        async move {
            let _ = stopped.await;
        },
    ));
    let began = Instant::now();
    let first = stats(&client, &token).await["electors"]
        .as_i64()
        .unwrap_or(0);
    let (mut moved_at, mut queue_seen, mut last_now) = (None, false, clock.now());
    while !demo.is_finished() && began.elapsed() < Duration::from_secs(240) {
        tokio::time::sleep(Duration::from_millis(200)).await;
        let now = clock.now();
        assert!(now >= last_now, "the clock went back");
        last_now = now;
        let s = stats(&client, &token).await;
        if moved_at.is_none() && s["electors"].as_i64().unwrap_or(0) != first {
            moved_at = Some(began.elapsed());
        }
        // Before the election is loaded there are no queues to read.
        if let Ok(q) = ops::queues::queues(
            &app.db,
            Default::default(),
            now,
            &pep_tracker::domain::scope::Scope::National,
            5,
        ) {
            queue_seen |= q.to_reissue.total + q.at_risk.total + q.stuck.total > 0;
        }
    }
    let _ = stop.send(());
    let summary = demo
        .await
        .unwrap()
        .expect("the demo campaign ran to its end");
    let moved = moved_at.expect("stats never moved");
    assert!(
        moved < Duration::from_secs(30),
        "stats moved after {moved:?}"
    );
    assert!(queue_seen, "no queue ever had anything in it");
    assert!(summary.scans.accepted > 0 && summary.funnel.outbound_delivered > 0);
    assert!(
        summary.push.applied > 0 && summary.push.push_events > 0,
        "{:?}",
        summary.push
    );
    assert_eq!(summary.unexplained(), 0, "{:?}", summary.scans.problems);
    let report = order::check(&app.db).unwrap();
    assert_eq!(report.violations, 0, "{:?}", report.examples);
    // The screens read the same clock: nothing the API shows lies in its future.
    let latest: String = app
        .raw_sql()
        .query_row("SELECT max(at) FROM audit_log", [], |r| r.get(0))
        .unwrap();
    let latest: chrono::DateTime<Utc> = latest.parse().unwrap();
    assert!(latest <= clock.now(), "{latest} after {}", clock.now());
}

/// The drill's notices went through the real sender into its capture, on the simulated clock:
/// counted by kind and state, none handed in its elector's night, and `avisos.csv` holds
/// what would have been sent without an address or a name.
fn notices_flowed(app: &TestApp, summary: &str, json: &serde_json::Value, out: &Path) {
    let sent = value(summary, "avisos enviados (captura)");
    assert!(sent > ELECTORS as i64, "{summary}");
    assert_eq!(value(summary, "avisos enviados en horario de silencio"), 0);
    assert!(
        value(summary, "avisos retenidos por horario de silencio") > 0,
        "{summary}"
    );
    let by_kind = json["notices"]["by_kind"].as_object().unwrap();
    for kind in [
        "shipped",
        "delivered",
        "picked_up",
        "received_in_time",
        "received_late",
    ] {
        assert!(
            by_kind[kind]["sent"].as_i64().unwrap_or(0) > 0,
            "{kind}: {by_kind:?}"
        );
    }
    let recorded: i64 = by_kind.values().filter_map(|s| s["sent"].as_i64()).sum();
    assert_eq!(
        recorded, sent,
        "every captured message recorded as sent, once"
    );
    let captured: i64 = app
        .raw_sql()
        .query_row(
            "SELECT count(*) FROM outbox WHERE state = 'sent' AND provider_id LIKE 'captura-%'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(captured, sent);

    let csv = std::fs::read_to_string(out.join("avisos.csv")).unwrap();
    let mut lines = csv.lines();
    assert_eq!(
        lines.next(),
        Some("aviso,pep,tipo,canal,enviado_utc,hora_local,zona,texto")
    );
    let rows: Vec<&str> = lines.collect();
    assert_eq!(rows.len() as i64, sent);
    assert!(!csv.contains('@'), "no e-mail address in avisos.csv");
    for row in &rows {
        // hora_local (YYYY-MM-DD HH:MM) is after 08:00 and before 21:00.
        let local = row.split(',').nth(5).unwrap();
        let hour: u32 = local[11..13].parse().unwrap();
        assert!((8..21).contains(&hour), "sent at night: {row}");
    }
    let names: Vec<String> = {
        let conn = app.raw_sql();
        let mut stmt = conn
            .prepare("SELECT paternal_surname FROM electors ORDER BY id LIMIT 50")
            .unwrap();
        let rows = stmt.query_map([], |r| r.get(0)).unwrap();
        rows.map(Result::unwrap).collect()
    };
    for n in names.iter().filter(|n| n.len() > 3) {
        assert!(!csv.contains(n.as_str()), "a surname in avisos.csv: {n}");
    }
}
