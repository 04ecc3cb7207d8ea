//! Reception: the check-in rule through its three doors, exactly-once under concurrency,
//! the cutoff, reconciliation.

use chrono::Utc;
use pep_tracker::domain::entity::EntityCode;
use pep_tracker::domain::pep::PepId;
use pep_tracker::domain::personal::{PersonalData, PrintedRecords};
use pep_tracker::domain::role::Role;
use pep_tracker::domain::scope::Scope;
use pep_tracker::ops::checkin_queue::{CheckinQueue, MAX_GROUP};
use pep_tracker::ops::{self, Actor};
use rocket::http::{ContentType, Header, Status};
use rocket::local::blocking::Client;
use serde_json::{json, Value};

use crate::support::{csrf_from, login, stderr, stdout, TestApp, PASSWORD};

fn scan(client: &Client, token: &str, code: &str, station: &str) -> (Status, Value) {
    let resp = client
        .post("/api/v1/checkins")
        .header(ContentType::JSON)
        .header(Header::new("Authorization", format!("Bearer {token}")))
        .body(json!({ "code": code, "station": station }).to_string())
        .dispatch();
    let status = resp.status();
    (status, resp.into_json().unwrap_or(Value::Null))
}

fn reception_app(n: usize) -> (TestApp, String) {
    let app = TestApp::upcoming();
    app.import_demo(n, 21);
    let token = app.token("station-api", Role::Reception);
    (app, token)
}

#[test]
fn an_envelope_is_accepted_once_then_reported_as_duplicate_with_when_and_where() {
    let (app, token) = reception_app(30);
    let pep = &app.pep_ids(1)[0];
    let code = app.code_of(pep);
    let client = app.client();
    let (status, first) = scan(&client, &token, &code, "mesa-1");
    assert_eq!(status, Status::Ok, "{first}");
    assert_eq!(first["outcome"], "accepted");
    assert_eq!(first["pep_id"], pep.as_str());
    assert!(first["mec"].as_i64().unwrap() >= 1);
    assert_eq!(first["sequence"], 1);
    let (_, again) = scan(&client, &token, &code, "mesa-2");
    assert_eq!(again["outcome"], "duplicate");
    assert!(
        again["reason"].as_str().unwrap().contains("mesa-1"),
        "{again}"
    );
    let voted: i64 = app
        .raw_sql()
        .query_row(
            "SELECT count(*) FROM electors WHERE voted_at IS NOT NULL",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(voted, 1);
}

#[test]
fn garbage_forged_and_foreign_codes_are_invalid_or_unknown_and_change_nothing() {
    let (app, token) = reception_app(10);
    let client = app.client();
    let good = app.code_of(&app.pep_ids(1)[0]);
    let mut tampered: Vec<char> = good.chars().collect();
    tampered[3] = if tampered[3] == '7' { '8' } else { '7' };
    let tampered: String = tampered.into_iter().collect();
    for input in [
        "",
        "hello",
        "DROP TABLE peps;",
        &tampered,
        "ÑÑÑÑÑÑ-ÑÑÑÑÑÑ-ÑÑÑÑÑÑ",
    ] {
        let (status, r) = scan(&client, &token, input, "mesa-1");
        assert_eq!(status, Status::Ok, "{input}: {r}");
        assert_eq!(r["outcome"], "invalid", "{input}");
    }
    // Signed by this installation but naming no PEP here.
    let key = app.secrets().code_key;
    let foreign = pep_tracker::domain::code::EnvelopeCode::issue(
        &key,
        pep_tracker::domain::code::CodeId::new(0xDEAD_BEEF).unwrap(),
    );
    let (_, r) = scan(&client, &token, foreign.as_str(), "mesa-1");
    assert_eq!(r["outcome"], "unknown");
    let checkins: i64 = app
        .raw_sql()
        .query_row("SELECT count(*) FROM checkins", [], |r| r.get(0))
        .unwrap();
    assert_eq!(checkins, 0);
}

#[test]
fn a_reissued_pep_s_old_code_is_voided_and_the_new_one_accepted() {
    let (app, token) = reception_app(10);
    let old = app.pep_ids(1)[0].clone();
    let old_code = app.code_of(&old);
    let new = ops::reissue::reissue(
        &app.db,
        &PepId::parse(&old).unwrap(),
        "PEP devuelto: domicilio inexistente",
        None,
        &Actor::system(),
        Utc::now(),
    )
    .unwrap()
    .to_string();
    let client = app.client();
    let (_, r) = scan(&client, &token, &old_code, "m");
    assert_eq!(r["outcome"], "voided");
    let (_, r) = scan(&client, &token, &app.code_of(&new), "m");
    assert_eq!(r["outcome"], "accepted");
    assert_eq!(r["pep_id"], new.as_str());
}

#[test]
fn after_the_cutoff_an_envelope_is_late_recorded_and_not_marked_as_voted() {
    let (app, token) = reception_app(10);
    ops::election_cutoff::change_cutoff(
        &app.db,
        "2026-01-01T08:00",
        "prueba de corte vencido",
        &Actor::system(),
        Utc::now(),
    )
    .unwrap();
    let client = app.client();
    let (_, r) = scan(&client, &token, &app.code_of(&app.pep_ids(1)[0]), "mesa-1");
    assert_eq!(r["outcome"], "late");
    assert!(r["mec"].is_null());
    let conn = app.raw_sql();
    let voted: i64 = conn
        .query_row(
            "SELECT count(*) FROM electors WHERE voted_at IS NOT NULL",
            [],
            |r| r.get(0),
        )
        .unwrap();
    let late: i64 = conn
        .query_row(
            "SELECT count(*) FROM checkins WHERE outcome = 'late'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!((voted, late), (0, 1));
}

#[test]
fn sixteen_stations_scanning_one_envelope_at_once_get_exactly_one_acceptance() {
    for max_group in [MAX_GROUP, 1] {
        let (app, token) = reception_app(5);
        let code = app.code_of(&app.pep_ids(1)[0]);
        let rocket = pep_tracker::web::build_with(
            app.db.clone(),
            &app.secrets(),
            rocket::Config::figment(),
            CheckinQueue::with_max_group(app.db.clone(), max_group),
        );
        let outcomes: Vec<String> = rocket::execute(async move {
            let client = rocket::local::asynchronous::Client::tracked(rocket)
                .await
                .unwrap();
            let calls = (0..16).map(|i| {
                let req = client
                    .post("/api/v1/checkins")
                    .header(ContentType::JSON)
                    .header(Header::new("Authorization", format!("Bearer {token}")))
                    .body(json!({ "code": code, "station": format!("mesa-{i}") }).to_string());
                async move {
                    let v: Value = req.dispatch().await.into_json().await.unwrap();
                    v["outcome"].as_str().unwrap().to_string()
                }
            });
            rocket::futures::future::join_all(calls).await
        });
        let accepted = outcomes.iter().filter(|o| *o == "accepted").count();
        let dup = outcomes.iter().filter(|o| *o == "duplicate").count();
        assert_eq!(
            (accepted, dup),
            (1, 15),
            "groups of up to {max_group}: {outcomes:?}"
        );
    }
}

#[test]
fn the_station_page_shows_the_verdict_after_a_plain_form_post() {
    let (app, _) = reception_app(10);
    app.add_user("recepcion", Role::Reception);
    let client = app.client();
    let (_, csrf) = login(&client, "recepcion", PASSWORD);
    let page = client.get("/station").dispatch().into_string().unwrap();
    assert!(page.contains("autofocus") && page.contains("Corte de recepción"));
    let csrf = csrf_from(&page).max(csrf);
    let code = app.code_of(&app.pep_ids(1)[0]);
    let resp = client
        .post("/station")
        .header(ContentType::Form)
        .body(format!("csrf={csrf}&station=mesa-7&code={code}"))
        .dispatch();
    assert_eq!(resp.status(), Status::Ok);
    let html = resp.into_string().unwrap();
    assert!(
        html.contains("v-accepted") && html.contains("ACEPTADO") && html.contains("MEC "),
        "{html}"
    );
}

#[test]
fn the_checkin_command_applies_the_same_rule() {
    let (app, _) = reception_app(10);
    let code = app.code_of(&app.pep_ids(1)[0]);
    let out = app.cli(&["checkin", &code, "--station", "cli-1"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stdout(&out).starts_with("accepted PEP-"),
        "{}",
        stdout(&out)
    );
    let out = app.cli(&["checkin", &code, "--station", "cli-2"]);
    assert!(stdout(&out).starts_with("duplicate"), "{}", stdout(&out));
    let out = app.cli(&["checkin", "garbage", "--station", "cli-2"]);
    assert!(stdout(&out).starts_with("invalid"));
}

#[test]
fn reconciliation_accounts_for_every_scan_and_matches_votes_and_mecs() {
    let (app, token) = reception_app(20);
    let client = app.client();
    let peps = app.pep_ids(5);
    for p in &peps {
        scan(&client, &token, &app.code_of(p), "m");
    }
    scan(&client, &token, &app.code_of(&peps[0]), "m");
    scan(&client, &token, "nonsense", "m");
    let r = ops::reconcile::reconcile(&app.db, &Scope::National).unwrap();
    assert_eq!(r.scans_total, 7);
    assert!(r.all_ok, "{:?}", r.checks);
    let mec_total: i64 = r.mecs.iter().map(|m| m.received).sum();
    assert_eq!(mec_total, 5);
    // A "votó" mark set behind the application's back shows as a difference.
    app.raw_sql()
        .execute("UPDATE electors SET voted_at = '2030-01-01' WHERE voted_at IS NULL AND id = (SELECT min(id) FROM electors WHERE voted_at IS NULL)", [])
        .unwrap();
    let r = ops::reconcile::reconcile(&app.db, &Scope::National).unwrap();
    assert!(!r.all_ok);
    let bad: Vec<_> = r.checks.iter().filter(|c| !c.ok).collect();
    assert_eq!(bad.len(), 1);
    assert_eq!(bad[0].difference, -1);
}

#[test]
fn only_an_admin_changes_the_cutoff_and_the_change_is_audited_and_shown() {
    let (app, _) = reception_app(5);
    app.add_user("admin", Role::Admin);
    let client = app.client();
    let (_, _) = login(&client, "admin", PASSWORD);
    let page = client
        .get("/settings/cutoff")
        .dispatch()
        .into_string()
        .unwrap();
    let csrf = csrf_from(&page);
    let resp = client
        .post("/settings/cutoff")
        .header(ContentType::Form)
        .body(format!(
            "csrf={csrf}&cutoff=2030-06-01T20:00&reason=Acuerdo+INE%2FCG123%2F2030"
        ))
        .dispatch();
    assert_eq!(resp.status(), Status::Ok);
    let html = resp.into_string().unwrap();
    assert!(html.contains("2030-06-01 20:00"), "{html}");
    assert!(
        html.contains("Acuerdo INE") && html.contains("CG123"),
        "{html}"
    );
    let resp = client
        .post("/settings/cutoff")
        .header(ContentType::Form)
        .body(format!(
            "csrf={csrf}&cutoff=2030-06-02T09:00&reason=demasiado+tarde"
        ))
        .dispatch();
    assert_eq!(resp.status(), Status::UnprocessableEntity);
}

fn pdf_text(bytes: &[u8]) -> Option<String> {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("x.pdf");
    std::fs::write(&p, bytes).unwrap();
    let out = std::process::Command::new("pdftotext")
        .arg("-layout")
        .arg(&p)
        .arg("-")
        .output()
        .ok()?;
    Some(String::from_utf8_lossy(&out.stdout).into_owned())
}

#[test]
fn the_mec_list_marks_voto_and_the_late_list_names_the_sender() {
    let (app, token) = reception_app(40);
    let client = app.client();
    let peps = app.pep_ids(2);
    let (_, r) = scan(&client, &token, &app.code_of(&peps[0]), "m");
    let (entity, mec) = (
        EntityCode::parse(r["entity"].as_str().unwrap()).unwrap(),
        r["mec"].as_i64().unwrap(),
    );
    let leave = PersonalData::<PrintedRecords>::of(Role::Reception).unwrap();
    let now = Utc::now();
    let list = ops::reception_docs::mec_list(
        &app.db,
        entity,
        mec,
        &Scope::National,
        &leave,
        &Actor::system(),
        now,
    )
    .unwrap();
    assert!(list.starts_with(b"%PDF-"));
    ops::election_cutoff::change_cutoff(
        &app.db,
        "2026-01-01T08:00",
        "prueba de extemporáneos",
        &Actor::system(),
        now,
    )
    .unwrap();
    scan(&client, &token, &app.code_of(&peps[1]), "m");
    let late = ops::reception_docs::late_list(&app.db, &leave, &Actor::system(), now).unwrap();
    let act = ops::reception_docs::custody_act(
        &app.db,
        entity,
        mec,
        &Scope::National,
        &Actor::system(),
        now,
    )
    .unwrap();
    assert!(act.starts_with(b"%PDF-"));
    assert!(ops::reception_docs::mec_list(
        &app.db,
        entity,
        99,
        &Scope::National,
        &leave,
        &Actor::system(),
        now
    )
    .is_err());
    let Some(text) = pdf_text(&list) else {
        assert!(
            std::env::var_os("CI").is_none(),
            "pdftotext is required in CI"
        );
        return;
    };
    let marked = text
        .lines()
        .filter(|l| l.contains("VOTÓ") && !l.contains("marca"))
        .count();
    assert_eq!(marked, 1, "{text}");
    assert!(
        text.contains("Sobres recibidos en tiempo (marca VOTÓ): 1"),
        "{text}"
    );
    let sender: String = app
        .raw_sql()
        .query_row("SELECT e.paternal_surname FROM peps p JOIN electors e ON e.id = p.elector_id WHERE p.pep_id = ?1", [&peps[1]], |r| r.get(0))
        .unwrap();
    let late_text = pdf_text(&late).unwrap();
    assert!(
        late_text.contains(&sender) && late_text.contains("Total de sobres extemporáneos: 1"),
        "{late_text}"
    );
}
