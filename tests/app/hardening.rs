//! Issue 11 hardening on the web: no lockouts, safe redirects, session rotation, cookies.

use std::net::SocketAddr;

use pep_tracker::domain::role::Role;
use rocket::http::{ContentType, Status};
use rocket::local::blocking::Client;

use crate::support::{csrf_from, login, TestApp, PASSWORD};

/// One login attempt from `from`; returns the status.
fn login_from(client: &Client, from: &str, name: &str, password: &str) -> Status {
    let from: SocketAddr = from.parse().unwrap();
    let page = client.get("/login").remote(from).dispatch();
    let csrf = csrf_from(&page.into_string().unwrap());
    client
        .post("/login")
        .remote(from)
        .header(ContentType::Form)
        .body(format!(
            "name={name}&password={}&csrf={csrf}",
            password.replace(' ', "+")
        ))
        .dispatch()
        .status()
}

#[test]
fn wrong_passwords_from_one_address_do_not_lock_the_account_for_other_addresses() {
    let app = TestApp::new();
    app.add_user("recepcion", Role::Reception);
    let attacker = app.client();
    let mut statuses = Vec::new();
    for i in 0..8 {
        let guess = format!("guess-number-{i}");
        statuses.push(login_from(
            &attacker,
            "203.0.113.66:4000",
            "recepcion",
            &guess,
        ));
    }
    assert_eq!(&statuses[..5], &[Status::Unauthorized; 5], "{statuses:?}");
    assert!(
        statuses[5..].iter().all(|s| *s == Status::TooManyRequests),
        "{statuses:?}"
    );
    // The receptionist at the station, from another address, signs in.
    let staff = app.client();
    let status = login_from(&staff, "192.168.1.20:5000", "recepcion", PASSWORD);
    assert_eq!(status, Status::SeeOther);
    assert_eq!(staff.get("/").dispatch().status(), Status::Ok);
    // The attacker's pair stays blocked, even with the right password.
    let status = login_from(&attacker, "203.0.113.66:4001", "recepcion", PASSWORD);
    assert_eq!(status, Status::TooManyRequests);
}

#[test]
fn a_success_clears_the_failures_of_its_pair() {
    let app = TestApp::new();
    app.add_user("ana", Role::Admin);
    let client = app.client();
    for i in 0..4 {
        let guess = format!("guess-number-{i}");
        assert_eq!(
            login_from(&client, "10.0.0.5:1", "ana", &guess),
            Status::Unauthorized
        );
    }
    assert_eq!(
        login_from(&client, "10.0.0.5:1", "ana", PASSWORD),
        Status::SeeOther
    );
    for i in 0..5 {
        let guess = format!("again-{i}");
        assert_eq!(
            login_from(&client, "10.0.0.5:1", "ana", &guess),
            Status::Unauthorized,
            "failure {i} after the success"
        );
    }
}

fn count(app: &TestApp, sql: &str) -> i64 {
    app.raw_sql().query_row(sql, [], |r| r.get(0)).unwrap()
}

#[test]
fn a_crafted_back_target_is_refused_before_the_reissue_happens() {
    let app = TestApp::new();
    app.import_demo(5, 3);
    app.add_user("envios", Role::Shipping);
    let client = app.client();
    let (_, csrf) = login(&client, "envios", PASSWORD);
    let pep = app.pep_ids(1)[0].clone();
    for back in [
        "%2Fa%20b",
        "%2F%2Fevil.example",
        "https%3A%2F%2Fevil.example",
        "%2F%5Cevil",
    ] {
        let resp = client
            .post(format!("/peps/{pep}/reissue"))
            .header(ContentType::Form)
            .body(format!("csrf={csrf}&reason=devuelto+por+error&back={back}"))
            .dispatch();
        assert!(
            resp.status().class().is_client_error(),
            "back={back}: {}",
            resp.status()
        );
        assert_eq!(
            count(
                &app,
                "SELECT count(*) FROM peps WHERE voided_at IS NOT NULL"
            ),
            0
        );
    }
    // A same-site target is followed, with the new PEP in its query.
    let resp = client
        .post(format!("/peps/{pep}/reissue"))
        .header(ContentType::Form)
        .body(format!(
            "csrf={csrf}&reason=devuelto+por+error&back=%2Fqueues"
        ))
        .dispatch();
    assert_eq!(resp.status(), Status::SeeOther);
    let new = pep.replace("-1", "-2");
    assert_eq!(
        resp.headers().get_one("Location"),
        Some(format!("/queues?reissued={new}").as_str())
    );
}

#[test]
fn logging_in_again_ends_the_previous_session() {
    let app = TestApp::new();
    app.add_user("ana", Role::Admin);
    let client = app.client();
    login(&client, "ana", PASSWORD);
    let first = client.cookies().get_private("pep_session").unwrap();
    login(&client, "ana", PASSWORD);
    let second = client.cookies().get_private("pep_session").unwrap();
    assert_ne!(first.value(), second.value(), "a new session id");
    assert_eq!(client.get("/").dispatch().status(), Status::Ok);
    let other = app.client();
    let old = other.get("/").private_cookie(first).dispatch();
    assert_eq!(old.status(), Status::SeeOther, "the old cookie is dead");
}

#[test]
fn an_admin_ends_every_session_of_a_user_and_it_is_audited() {
    let app = TestApp::new();
    app.add_user("ana", Role::Reception);
    let (desk, station) = (app.client(), app.client());
    login(&desk, "ana", PASSWORD);
    login(&station, "ana", PASSWORD);
    assert_eq!(station.get("/station").dispatch().status(), Status::Ok);
    let out = app.cli(&["user", "logout", "--name", "ana"]);
    assert!(out.status.success(), "{}", crate::support::stderr(&out));
    for c in [&desk, &station] {
        assert_eq!(c.get("/station").dispatch().status(), Status::SeeOther);
    }
    assert_eq!(
        count(
            &app,
            "SELECT count(*) FROM audit_log WHERE action = 'session.end_all' AND subject = 'user:ana'"
        ),
        1
    );
    assert!(!app
        .cli(&["user", "logout", "--name", "nadie"])
        .status
        .success());
    // She signs in again.
    assert_eq!(login(&desk, "ana", PASSWORD).0, Status::SeeOther);
}

fn client_with(app: &TestApp, behind_proxy: bool) -> Client {
    let figment = rocket::Config::figment()
        .merge((pep_tracker::web::BEHIND_TLS_PROXY, behind_proxy))
        .merge(("log_level", "off"));
    Client::tracked(pep_tracker::web::build_with(
        app.db.clone(),
        &app.secrets(),
        figment,
        pep_tracker::ops::checkin_queue::CheckinQueue::start(app.db.clone()),
    ))
    .unwrap()
}

#[test]
fn cookies_are_secure_behind_a_tls_proxy_only() {
    let app = TestApp::new();
    app.add_user("ana", Role::Admin);
    for proxy in [false, true] {
        let client = client_with(&app, proxy);
        assert_eq!(login(&client, "ana", PASSWORD).0, Status::SeeOther);
        for name in ["pep_session", "pep_csrf"] {
            let cookie = client.cookies().get(name).unwrap().clone();
            assert_eq!(
                cookie.secure().unwrap_or(false),
                proxy,
                "{name}, proxy {proxy}"
            );
            assert_eq!(cookie.http_only(), Some(true));
        }
    }
}

fn concrete(path: &str) -> String {
    path.replace("<path..>", "style.css")
        .replace("<id>", "1")
        .replace("<file>", "manifest.pdf")
        .replace("<pep_id>", "PEP-0000001-1")
        .replace("<entity>", "20")
        .replace("<mec>", "1")
        .replace("<table>", "entidades.csv")
        .replace("<token>", "enlace-de-prueba")
        .replace("<name>", "nadie")
}

fn assert_security_headers(resp: &rocket::local::blocking::LocalResponse<'_>, what: &str) {
    let h = resp.headers();
    let csp = h.get_one("Content-Security-Policy").unwrap_or_default();
    assert!(
        csp.contains("frame-ancestors 'none'"),
        "{what}: CSP «{csp}»"
    );
    assert!(csp.contains("script-src 'self'"), "{what}: CSP «{csp}»");
    assert!(!csp.contains("unsafe-inline"), "{what}: CSP «{csp}»");
    assert_eq!(
        h.get_one("X-Content-Type-Options"),
        Some("nosniff"),
        "{what}"
    );
    assert!(h.get_one("Referrer-Policy").is_some(), "{what}");
}

#[test]
fn every_route_answers_with_the_security_headers() {
    let app = TestApp::new();
    app.import_demo(5, 4);
    app.add_user("ana", Role::Admin);
    let token = app.token("robot", Role::Admin);
    let signed_in = app.client();
    let (_, csrf) = login(&signed_in, "ana", PASSWORD);
    let anonymous = app.client();
    let routes: Vec<(String, String)> = signed_in
        .rocket()
        .routes()
        .map(|r| {
            let path = r.uri.to_string();
            (
                r.method.as_str().to_string(),
                concrete(path.split('?').next().unwrap()),
            )
        })
        .collect();
    assert!(routes.len() > 20, "{routes:?}");
    for (method, path) in routes
        .iter()
        .chain([&("GET".into(), "/no-such-page".into())])
    {
        for client in [&signed_in, &anonymous] {
            let req = match method.as_str() {
                "GET" => client.get(path.as_str()),
                "POST" if path.starts_with("/api/") => client
                    .post(path.as_str())
                    .header(ContentType::JSON)
                    .body("{}"),
                _ => client
                    .post(path.as_str())
                    .header(ContentType::Form)
                    .body(format!("csrf={csrf}")),
            };
            let req = if path.starts_with("/api/") {
                req.header(rocket::http::Header::new(
                    "Authorization",
                    format!("Bearer {token}"),
                ))
            } else {
                req
            };
            let resp = req.dispatch();
            assert_security_headers(&resp, &format!("{method} {path} → {}", resp.status()));
        }
    }
}

#[test]
fn no_template_carries_inline_script_or_event_handlers() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("templates");
    let mut stack = vec![dir];
    let mut seen = 0;
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap() {
            let p = entry.unwrap().path();
            if p.is_dir() {
                stack.push(p);
                continue;
            }
            seen += 1;
            let text = std::fs::read_to_string(&p).unwrap().to_lowercase();
            for (i, part) in text.split("<script").enumerate().skip(1) {
                let tag = &part[..part.find('>').unwrap_or(part.len())];
                assert!(
                    tag.contains("src="),
                    "{}: inline <script> #{i}",
                    p.display()
                );
            }
            for bad in [
                " onclick=",
                " onchange=",
                " onsubmit=",
                " onload=",
                " oninput=",
                "javascript:",
                " style=",
            ] {
                assert!(!text.contains(bad), "{}: {bad}", p.display());
            }
        }
    }
    assert!(seen > 5);
}
