//! The administration's accounts screen (`/users`): it lists users and tokens with their
//! entity scopes, and an admin limits a viewer to entities there; the change is audited, ends
//! the viewer's sessions and shows at once on the viewer's board. Bad entity codes and accounts
//! that may not be scoped are refused with one message each and change nothing; only admins
//! reach the screen.

use pep_tracker::domain::role::Role;
use pep_tracker::domain::scope::Scope;
use pep_tracker::ops::{self, Actor};
use rocket::http::{ContentType, Status};
use rocket::local::blocking::Client;

use crate::support::{login, TestApp, PASSWORD};

const OTHERS: [&str; 3] = ["Aguascalientes", "Durango", "Tamaulipas"];

fn get(client: &Client, path: &str) -> (Status, String) {
    let r = client.get(path).dispatch();
    (r.status(), r.into_string().unwrap_or_default())
}

fn set_scope(client: &Client, csrf: &str, name: &str, entities: &str) -> (Status, String) {
    let r = client
        .post(format!("/users/{name}/scope"))
        .header(ContentType::Form)
        .body(format!("csrf={csrf}&entities={entities}"))
        .dispatch();
    (r.status(), r.into_string().unwrap_or_default())
}

fn stored_scope(app: &TestApp, name: &str) -> Option<String> {
    app.raw_sql()
        .query_row("SELECT scope FROM users WHERE name = ?1", [name], |r| {
            r.get(0)
        })
        .unwrap()
}

fn scope_audits(app: &TestApp) -> Vec<(String, String, String)> {
    let conn = app.raw_sql();
    let mut stmt = conn
        .prepare(
            "SELECT actor, subject, detail FROM audit_log WHERE action = 'user.scope' ORDER BY seq",
        )
        .unwrap();
    let rows = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap();
    rows.map(Result::unwrap).collect()
}

fn setup() -> (TestApp, Client, String) {
    let app = TestApp::upcoming();
    app.import_demo(300, 11);
    app.add_user("admin", Role::Admin);
    app.add_user("oaxaca", Role::Viewer);
    app.add_user("envios", Role::Shipping);
    let scope = Scope::parse_list("20").unwrap();
    ops::users::create_scoped_token(
        &app.db,
        "opl-oaxaca",
        Role::Viewer,
        &scope,
        &Actor::system(),
        chrono::Utc::now(),
    )
    .unwrap();
    let admin = app.client();
    let (status, csrf) = login(&admin, "admin", PASSWORD);
    assert_eq!(status, Status::SeeOther);
    (app, admin, csrf)
}

#[test]
fn an_admin_limits_a_viewer_to_oaxaca_and_the_viewer_then_sees_only_oaxaca() {
    let (app, admin, csrf) = setup();
    let viewer = app.client();
    assert_eq!(login(&viewer, "oaxaca", PASSWORD).0, Status::SeeOther);
    let (_, before) = get(&viewer, "/dashboard/entidades.csv");
    assert!(before.lines().count() > 3, "national at first: {before}");

    let (status, page) = get(&admin, "/users");
    assert_eq!(status, Status::Ok);
    assert!(
        page.contains("data-scope=\"user:oaxaca\">nacional</td>"),
        "{page}"
    );
    assert!(
        page.contains("data-scope=\"token:opl-oaxaca\">20</td>"),
        "{page}"
    );
    assert!(page.contains("action=\"/users/oaxaca/scope\""));
    assert!(
        !page.contains("action=\"/users/envios/scope\""),
        "no scope form for a shipping account"
    );

    let (status, page) = set_scope(&admin, &csrf, "oaxaca", "20");
    assert_eq!(status, Status::Ok, "{page}");
    assert!(
        page.contains("Alcance de oaxaca actualizado: 20."),
        "{page}"
    );
    assert!(page.contains("data-scope=\"user:oaxaca\">20</td>"));
    assert_eq!(stored_scope(&app, "oaxaca").as_deref(), Some("20"));
    assert_eq!(
        scope_audits(&app),
        [(
            "user:admin".to_string(),
            "user:oaxaca".to_string(),
            "alcance 20 (antes nacional)".to_string()
        )]
    );

    // The viewer's session ended with the change; signed in again, the board is Oaxaca's.
    let (status, _) = get(&viewer, "/dashboard/entidades.csv");
    assert_ne!(status, Status::Ok, "the old session no longer answers");
    assert_eq!(login(&viewer, "oaxaca", PASSWORD).0, Status::SeeOther);
    let (_, csv) = get(&viewer, "/dashboard/entidades.csv");
    let rows: Vec<&str> = csv.lines().collect();
    assert_eq!(rows.len(), 3, "header, Oaxaca, total: {csv}");
    assert!(rows[1].starts_with("20,Oaxaca,"), "{csv}");
    let (_, table) = get(&viewer, "/informes/entidades.csv");
    assert!(table.contains("Oaxaca"), "{table}");
    for (path, body) in [
        ("/", get(&viewer, "/").1),
        ("/informes", get(&viewer, "/informes").1),
    ] {
        assert!(body.contains("Oaxaca"), "{path}");
        for other in OTHERS {
            assert!(!body.contains(other), "{path} shows {other}");
        }
    }

    // Back to national: an empty field.
    let (status, page) = set_scope(&admin, &csrf, "oaxaca", "");
    assert_eq!(status, Status::Ok, "{page}");
    assert_eq!(stored_scope(&app, "oaxaca"), None);
}

#[test]
fn bad_entity_codes_and_unscopable_accounts_are_refused_and_change_nothing() {
    let (app, admin, csrf) = setup();
    assert_eq!(set_scope(&admin, &csrf, "oaxaca", "20").0, Status::Ok);
    let audits = scope_audits(&app);
    for (entities, says) in [
        ("33", "«33» no es una clave de entidad (01 a 32)"),
        ("20%2C7", "«7» no es una clave de entidad (01 a 32)"),
        ("oax", "«oax» no es una clave de entidad (01 a 32)"),
        (
            "%2C+%2C",
            "un alcance por entidad necesita al menos una entidad",
        ),
    ] {
        let (status, page) = set_scope(&admin, &csrf, "oaxaca", entities);
        assert_eq!(status, Status::UnprocessableEntity, "{entities}");
        assert!(page.contains("role=\"alert\""), "{entities}: {page}");
        assert!(page.contains(says), "{entities}: {page}");
        assert!(!page.contains("actualizado"), "{entities}");
        assert_eq!(stored_scope(&app, "oaxaca").as_deref(), Some("20"));
    }
    let (status, page) = set_scope(&admin, &csrf, "envios", "20");
    assert_eq!(status, Status::UnprocessableEntity);
    assert!(
        page.contains("solo una cuenta de consulta (viewer) puede limitarse a entidades"),
        "{page}"
    );
    assert_eq!(stored_scope(&app, "envios"), None);
    assert_eq!(set_scope(&admin, &csrf, "nadie", "20").0, Status::NotFound);
    // A form without the session's CSRF token is refused.
    let (status, _) = set_scope(&admin, "forged", "oaxaca", "01");
    assert_ne!(status, Status::Ok);
    assert_eq!(stored_scope(&app, "oaxaca").as_deref(), Some("20"));
    assert_eq!(scope_audits(&app), audits, "nothing refused is audited");
}

#[test]
fn only_admins_reach_the_accounts_screen() {
    let (app, _, _) = setup();
    for name in ["oaxaca", "envios"] {
        let client = app.client();
        let (status, csrf) = login(&client, name, PASSWORD);
        assert_eq!(status, Status::SeeOther);
        assert_eq!(get(&client, "/users").0, Status::Forbidden, "{name}");
        let (status, _) = set_scope(&client, &csrf, "oaxaca", "20");
        assert_eq!(status, Status::Forbidden, "{name}");
    }
    let anonymous = app.client();
    assert_ne!(get(&anonymous, "/users").0, Status::Ok);
    assert_eq!(stored_scope(&app, "oaxaca"), None);
    assert!(scope_audits(&app).is_empty());
}
