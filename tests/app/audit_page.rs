//! The admin's audit screen: paged, verified on demand in the background, and offering the
//! latest signed checkpoint.

use std::time::{Duration, Instant};

use pep_tracker::domain::role::Role;
use rocket::http::{ContentType, Status};
use rocket::local::blocking::Client;

use crate::audit_chain::{app_with_checkins, rewrite_a_station};
use crate::support::{login, stdout, TestApp, PASSWORD};

fn admin(app: &TestApp) -> (Client, String) {
    app.add_user("admin", Role::Admin);
    let client = app.client();
    let (status, csrf) = login(&client, "admin", PASSWORD);
    assert_eq!(status, Status::SeeOther);
    (client, csrf)
}

fn page(client: &Client, uri: &str) -> String {
    let resp = client.get(uri.to_string()).dispatch();
    assert_eq!(resp.status(), Status::Ok, "{uri}");
    resp.into_string().unwrap()
}

/// Asks for a verification, then reloads the screen until it shows a result.
fn verify_and_wait(client: &Client, csrf: &str) -> String {
    let resp = client
        .post("/audit/verify")
        .header(ContentType::Form)
        .body(format!("csrf={csrf}"))
        .dispatch();
    assert_eq!(resp.status(), Status::SeeOther);
    let start = Instant::now();
    loop {
        let body = page(client, "/audit");
        if !body.contains("Verificando la cadena") && body.contains("verificada el") {
            return body;
        }
        assert!(start.elapsed() < Duration::from_secs(30), "{body}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn loading_the_screen_does_not_verify_and_verifying_reports_in_the_background() {
    let app = app_with_checkins();
    let (client, csrf) = admin(&app);
    let body = page(&client, "/audit");
    assert!(body.contains("no se ha verificado"), "{body}");
    let body = verify_and_wait(&client, &csrf);
    assert!(body.contains("Cadena íntegra"), "{body}");
    rewrite_a_station(&app);
    // The screen still shows the last result until asked again.
    assert!(page(&client, "/audit").contains("Cadena íntegra"));
    let body = verify_and_wait(&client, &csrf);
    assert!(body.contains("ALTERADA"), "{body}");
}

#[test]
fn the_trail_is_paged_newest_first() {
    let app = TestApp::upcoming();
    app.import_demo(160, 5);
    crate::audit_chain::check_in_first(&app, 150, "mesa-2");
    let (client, _) = admin(&app);
    let total: i64 = app
        .raw_sql()
        .query_row("SELECT seq FROM audit_head", [], |r| r.get(0))
        .unwrap();
    assert!(total > 100 && total <= 200, "{total}");
    let rows = |body: &str| body.matches("<tr><td>").count();
    let first = page(&client, "/audit");
    assert_eq!(rows(&first), 100);
    assert!(first.contains(&format!("<tr><td>{total}</td>")));
    assert!(first.contains("Página 1 de 2"), "{first}");
    let second = page(&client, "/audit?page=2");
    assert_eq!(rows(&second) as i64, total - 100);
    assert!(second.contains("<tr><td>1</td>"));
    assert!(!second.contains(&format!("<tr><td>{total}</td>")));
}

#[test]
fn the_latest_checkpoint_is_shown_and_offered_for_download() {
    let app = app_with_checkins();
    let (client, _) = admin(&app);
    assert_eq!(
        client.get("/audit/checkpoint").dispatch().status(),
        Status::NotFound
    );
    let out = app.cli(&["audit", "checkpoint"]);
    assert!(out.status.success());
    let text = stdout(&out);
    let seq = text
        .lines()
        .find_map(|l| l.strip_prefix("seq = "))
        .unwrap()
        .to_string();
    assert!(page(&client, "/audit").contains(&format!("registro {seq}, emitido")));
    let resp = client.get("/audit/checkpoint").dispatch();
    assert_eq!(resp.status(), Status::Ok);
    let disposition = resp.headers().get_one("Content-Disposition").unwrap();
    assert!(disposition.starts_with("attachment"), "{disposition}");
    assert_eq!(resp.into_string().unwrap(), text);
}
