//! The public voter lookup: no login, no personal data, one answer for every mismatch,
//! rate limited.

use rocket::http::{ContentType, Status};
use rocket::local::blocking::Client;

use crate::support::{csrf_from, TestApp};

fn ask(client: &Client, key: &str, code: &str) -> (Status, String) {
    let csrf = csrf_from(&client.get("/consulta").dispatch().into_string().unwrap());
    let resp = client
        .post("/consulta")
        .header(ContentType::Form)
        .body(format!("csrf={csrf}&elector_key={key}&code={code}"))
        .dispatch();
    (resp.status(), resp.into_string().unwrap())
}

fn key_and_address(app: &TestApp, pep: &str) -> (String, String, String) {
    app.raw_sql()
        .query_row(
            "SELECT e.elector_key, e.address_line1, e.city FROM peps p JOIN electors e ON e.id = p.elector_id WHERE p.pep_id = ?1",
            [pep],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .unwrap()
}

#[test]
fn an_elector_with_key_and_code_sees_progress_but_no_personal_data() {
    let app = TestApp::upcoming();
    app.import_demo(5, 41);
    let pep = app.pep_ids(1)[0].clone();
    let (key, street, city) = key_and_address(&app, &pep);
    let client = app.client();
    let (status, html) = ask(&client, &key, &app.code_of(&pep));
    assert_eq!(status, Status::Ok, "{html}");
    assert!(html.contains("Sobre recibido por el INE"));
    assert!(!html.contains(&street) && !html.contains(&city) && !html.contains(&pep));
}

#[test]
fn a_wrong_key_and_a_wrong_code_get_the_very_same_answer() {
    let app = TestApp::upcoming();
    app.import_demo(5, 42);
    let peps = app.pep_ids(2);
    let (key0, _, _) = key_and_address(&app, &peps[0]);
    let client = app.client();
    let (s1, wrong_key) = ask(&client, "AAAAAA00000000H000", &app.code_of(&peps[0]));
    let (s2, wrong_code) = ask(&client, &key0, &app.code_of(&peps[1]));
    let (s3, garbage) = ask(&client, &key0, "nonsense");
    assert_eq!(
        (s1, s2, s3),
        (Status::NotFound, Status::NotFound, Status::NotFound)
    );
    let strip = |h: &str| h.replace(&csrf_from(h), "");
    assert_eq!(strip(&wrong_key), strip(&wrong_code));
    assert_eq!(strip(&wrong_code), strip(&garbage));
}

#[test]
fn the_lookup_is_rate_limited_per_client() {
    let app = TestApp::upcoming();
    app.import_demo(2, 43);
    let client = app.client();
    let statuses: Vec<Status> = (0..12)
        .map(|_| ask(&client, "AAAAAA00000000H000", "x").0)
        .collect();
    assert!(statuses[..10].iter().all(|s| *s == Status::NotFound));
    assert_eq!(statuses[10], Status::TooManyRequests);
}
