//! Login, logout, CSRF and throttling on the web.

use pep_tracker::domain::role::Role;
use rocket::http::{ContentType, Status};

use crate::support::{csrf_from, login, login_to, TestApp, PASSWORD};

#[test]
fn a_user_signs_in_sees_the_dashboard_and_signs_out() {
    let app = TestApp::new();
    app.import_demo(40, 1);
    app.add_user("ana", Role::Reception);
    let client = app.client();
    let (status, csrf) = login(&client, "ana", PASSWORD);
    assert_eq!(status, Status::SeeOther);
    let cookie = client
        .cookies()
        .get("pep_session")
        .expect("session cookie")
        .clone();
    assert_eq!(cookie.http_only(), Some(true));
    assert_eq!(cookie.same_site(), Some(rocket::http::SameSite::Strict));
    let page = client.get("/").dispatch().into_string().unwrap();
    assert!(page.contains("PEL 2021-2022"), "{page}");
    assert!(page.contains("Avance por entidad"));
    assert!(page.contains("Oaxaca"));
    let out = client
        .post("/logout")
        .header(ContentType::Form)
        .body(format!("csrf={csrf}"))
        .dispatch();
    assert_eq!(out.status(), Status::SeeOther);
    let again = client.get("/").dispatch();
    assert_eq!(
        again.status(),
        Status::SeeOther,
        "signed out: back to login"
    );
}

#[test]
fn a_logged_out_session_cookie_replayed_is_refused() {
    let app = TestApp::new();
    app.add_user("ana", Role::Admin);
    let client = app.client();
    let (_, csrf) = login(&client, "ana", PASSWORD);
    let stolen = client.cookies().get_private("pep_session").unwrap();
    client
        .post("/logout")
        .header(ContentType::Form)
        .body(format!("csrf={csrf}"))
        .dispatch();
    let resp = client.get("/").private_cookie(stolen).dispatch();
    assert_eq!(resp.status(), Status::SeeOther);
}

#[test]
fn a_wrong_password_or_unknown_user_gets_the_same_spanish_message() {
    let app = TestApp::new();
    app.add_user("ana", Role::Admin);
    let client = app.client();
    for (name, pw) in [("ana", "wrong password!!"), ("nadie", PASSWORD)] {
        let page = client.get("/login").dispatch().into_string().unwrap();
        let csrf = csrf_from(&page);
        let resp = client
            .post("/login")
            .header(ContentType::Form)
            .body(format!("name={name}&password={pw}&csrf={csrf}"))
            .dispatch();
        assert_eq!(resp.status(), Status::Unauthorized);
        assert!(resp
            .into_string()
            .unwrap()
            .contains("Usuario o contraseña incorrectos"));
    }
    assert!(client.cookies().get("pep_session").is_none());
}

#[test]
fn a_form_without_the_right_csrf_token_is_refused_and_changes_nothing() {
    let app = TestApp::new();
    app.add_user("ana", Role::Admin);
    let client = app.client();
    client.get("/login").dispatch();
    let resp = client
        .post("/login")
        .header(ContentType::Form)
        .body(format!(
            "name=ana&password={}&csrf=forged",
            PASSWORD.replace(' ', "+")
        ))
        .dispatch();
    assert_eq!(resp.status(), Status::Forbidden);
    assert!(client.cookies().get("pep_session").is_none());
    // Signed in, a logout without the token does not end the session.
    let (_, _) = login(&client, "ana", PASSWORD);
    let resp = client
        .post("/logout")
        .header(ContentType::Form)
        .body("csrf=forged")
        .dispatch();
    assert_eq!(resp.status(), Status::Forbidden);
    assert_eq!(client.get("/").dispatch().status(), Status::Ok);
}

#[test]
fn login_attempts_on_one_name_are_throttled() {
    let app = TestApp::new();
    app.add_user("ana", Role::Admin);
    let client = app.client();
    let mut statuses = Vec::new();
    for _ in 0..7 {
        let page = client.get("/login").dispatch().into_string().unwrap();
        let csrf = csrf_from(&page);
        let resp = client
            .post("/login")
            .header(ContentType::Form)
            .body(format!("name=ana&password=wrong-password-x&csrf={csrf}"))
            .dispatch();
        statuses.push(resp.status());
    }
    assert_eq!(&statuses[..5], &[Status::Unauthorized; 5]);
    assert_eq!(statuses[5], Status::TooManyRequests);
    // Even the right password waits now.
    let (status, _) = login(&client, "ana", PASSWORD);
    assert_eq!(status, Status::TooManyRequests);
}

#[test]
fn after_login_the_user_returns_to_the_page_asked_for_but_never_offsite() {
    let app = TestApp::new();
    app.add_user("ana", Role::Admin);
    let client = app.client();
    let resp = client.get("/audit").dispatch();
    assert_eq!(
        resp.headers().get_one("Location"),
        Some("/login?next=%2Faudit")
    );
    for (next, want) in [
        ("/audit", "/audit"),
        ("//evil.example", "/"),
        ("https://evil.example", "/"),
    ] {
        let client = app.client();
        let (_, location, _) = login_to(&client, "ana", PASSWORD, next);
        assert_eq!(location.as_deref(), Some(want), "{next}");
    }
}
