//! Every mounted route is in the access table, and each role (and nobody) is allowed or
//! denied exactly as the table says (personal data per route: `personal_data.rs`).

use pep_tracker::domain::role::Role;
use pep_tracker::web::policy::{Access, ROUTES};
use rocket::http::{ContentType, Header, Status};
use rocket::local::blocking::Client;

use crate::support::{csrf_from, login, TestApp, PASSWORD};

pub(crate) fn concrete(path: &str) -> String {
    path.replace("<path..>", "style.css")
        .replace("<id>", "1")
        .replace("/<mec>/<file>", "/<mec>/lista.pdf")
        .replace("<file>", "manifest.pdf")
        .replace("<pep_id>", "PEP-0000001-1")
        .replace("<entity>", "20")
        .replace("<mec>", "1")
        .replace("<table>", "entidades.csv")
        .replace("<name>", "nadie")
}

fn denied(status: Status, location: Option<&str>, api: bool) -> bool {
    match status {
        Status::Unauthorized | Status::Forbidden => true,
        // Pages send the unauthenticated to the login form.
        Status::SeeOther if !api => location.is_some_and(|l| l.starts_with("/login?next=")),
        _ => false,
    }
}

/// Sends the request with a valid CSRF token, so that only the role decides.
fn request(
    client: &Client,
    method: &str,
    path: &str,
    token: Option<&str>,
    csrf: &str,
) -> (Status, Option<String>) {
    let path = concrete(path);
    let mut req = match method {
        "GET" => client.get(path),
        "POST" if path.starts_with("/api/") => {
            client.post(path).header(ContentType::JSON).body("{}")
        }
        "POST" => client
            .post(path)
            .header(ContentType::Form)
            .body(format!("csrf={csrf}")),
        m => panic!("method {m} not covered by the walk"),
    };
    if let Some(t) = token {
        req = req.header(Header::new("Authorization", format!("Bearer {t}")));
    }
    let resp = req.dispatch();
    let loc = resp.headers().get_one("Location").map(str::to_string);
    (resp.status(), loc)
}

#[test]
fn every_mounted_route_states_who_may_use_it() {
    let app = TestApp::new();
    let client = app.client();
    for route in client.rocket().routes() {
        let method = route.method.as_str();
        let path = route.uri.to_string();
        let path = path.split('?').next().unwrap();
        assert!(
            ROUTES.iter().any(|(m, p, _)| *m == method && *p == path),
            "route {method} {path} is missing from web::policy::ROUTES"
        );
    }
}

#[test]
fn each_role_and_nobody_get_exactly_the_access_the_table_gives() {
    let app = TestApp::new();
    for role in Role::ALL {
        app.add_user(&format!("u-{role}"), role);
    }
    let tokens: Vec<(Role, String)> = Role::ALL
        .iter()
        .map(|&r| (r, app.token(&format!("t-{r}"), r)))
        .collect();
    let mut checked = 0;
    for &(method, path, access) in ROUTES {
        let api = pep_tracker::web::policy::takes_token(path);
        // Nobody signed in.
        let client = app.client();
        let csrf = csrf_from(&client.get("/login").dispatch().into_string().unwrap());
        let (status, loc) = request(&client, method, path, None, &csrf);
        let want_denied = access != Access::Public;
        assert_eq!(
            denied(status, loc.as_deref(), api),
            want_denied,
            "nobody: {method} {path} -> {status}"
        );
        for role in Role::ALL {
            let allowed = match access {
                Access::Public => true,
                Access::Roles(roles) => roles.contains(&role),
                // A role is no carrier signature.
                Access::Carrier => false,
            };
            let (status, loc) = if api {
                let token = &tokens.iter().find(|(r, _)| *r == role).unwrap().1;
                request(&client, method, path, Some(token), &csrf)
            } else {
                let client = app.client();
                let (st, csrf) = login(&client, &format!("u-{role}"), PASSWORD);
                assert_eq!(st, Status::SeeOther, "login as {role}");
                request(&client, method, path, None, &csrf)
            };
            assert_eq!(
                !denied(status, loc.as_deref(), api),
                allowed,
                "{role}: {method} {path} -> {status}"
            );
            checked += 1;
        }
    }
    assert_eq!(checked, ROUTES.len() * Role::ALL.len());
}

#[test]
fn an_api_route_refuses_a_missing_malformed_or_unknown_token_with_json() {
    let app = TestApp::new();
    let client = app.client();
    for auth in [
        None,
        Some("Basic abc"),
        Some("Bearer pep_nope"),
        Some("Bearer "),
    ] {
        let mut req = client.get("/api/v1/stats");
        if let Some(a) = auth {
            req = req.header(Header::new("Authorization", a));
        }
        let resp = req.dispatch();
        assert_eq!(resp.status(), Status::Unauthorized, "{auth:?}");
        let body: serde_json::Value = resp.into_json().expect("json error body");
        assert!(body["error"].as_str().is_some_and(|s| !s.is_empty()));
    }
}

#[test]
fn the_stats_api_counts_the_list_by_entity_and_country() {
    let app = TestApp::new();
    app.import_demo(300, 7);
    let token = app.token("viewer", Role::Viewer);
    let client = app.client();
    let resp = client
        .get("/api/v1/stats")
        .header(Header::new("Authorization", format!("Bearer {token}")))
        .dispatch();
    assert_eq!(resp.status(), Status::Ok);
    let body: serde_json::Value = resp.into_json().unwrap();
    assert_eq!(body["electors"], 300);
    let sum = |k: &str| -> i64 {
        body[k]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["n"].as_i64().unwrap())
            .sum()
    };
    assert_eq!(sum("by_entity"), 300);
    assert_eq!(sum("by_country"), 300);
    assert_eq!(body["by_country"][0]["code"], "US");
}

#[test]
fn health_answers_ok_when_the_database_does() {
    let app = TestApp::new();
    let client = app.client();
    let resp = client.get("/healthz").dispatch();
    assert_eq!(resp.status(), Status::Ok);
}
