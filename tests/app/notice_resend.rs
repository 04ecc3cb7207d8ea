//! Notices a killed sender left `unconfirmed` are sent again only when staff decide it: from
//! the PEP page (shipping and administration, CSRF checked, the page says the elector may get
//! it twice) or `notify --resend-unconfirmed [--pep PEP_ID]`, each time with one audit entry
//! naming the notices. And the dashboard's notice counts of an entity-scoped viewer (an OPL)
//! are its entities' only.

use pep_tracker::domain::role::Role;
use pep_tracker::domain::scope::Scope;
use pep_tracker::ops::{self, Actor};
use rocket::http::{ContentType, Status};
use rocket::local::blocking::Client;

use crate::notices::{count, received_envelopes};
use crate::support::{login, stderr, stdout, TestApp, PASSWORD};

/// Marks the e-mail notices of the first `n` PEPs (by row id) as a killed sender leaves
/// them: handed, no answer, lease expired, then found `unconfirmed` by the next pass.
fn leave_unconfirmed(app: &TestApp, n: i64) -> Vec<(String, i64)> {
    let conn = app.raw_sql();
    conn.execute(
        "UPDATE outbox SET state = 'unconfirmed', attempts = 1, claimed_by = 'dead-1',
                handed_at = '2026-01-01T00:00:00.000Z',
                last_error = 'entregado al proveedor sin respuesta registrada: pudo haber llegado'
          WHERE channel = 'email' AND pep <= ?1",
        [n],
    )
    .unwrap();
    let mut stmt = conn
        .prepare(
            "SELECT p.pep_id, o.id FROM outbox o JOIN peps p ON p.id = o.pep
              WHERE o.state = 'unconfirmed' ORDER BY o.id",
        )
        .unwrap();
    let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?))).unwrap();
    rows.map(Result::unwrap).collect()
}

fn state_of(app: &TestApp, id: i64) -> String {
    app.raw_sql()
        .query_row("SELECT state FROM outbox WHERE id = ?1", [id], |r| r.get(0))
        .unwrap()
}

fn resend_audits(app: &TestApp) -> Vec<(String, String, String)> {
    let conn = app.raw_sql();
    let mut stmt = conn
        .prepare(
            "SELECT actor, subject, detail FROM audit_log WHERE action = 'notice.resend'
              ORDER BY seq",
        )
        .unwrap();
    let rows = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap();
    rows.map(Result::unwrap).collect()
}

fn signed_in(app: &TestApp, name: &str, role: Role) -> (Client, String) {
    app.add_user(name, role);
    let client = app.client();
    let (status, csrf) = login(&client, name, PASSWORD);
    assert_eq!(status, Status::SeeOther);
    (client, csrf)
}

fn pep_page(client: &Client, pep: &str) -> String {
    let r = client.get(format!("/peps/{pep}")).dispatch();
    assert_eq!(r.status(), Status::Ok);
    r.into_string().unwrap()
}

fn post_resend(client: &Client, pep: &str, csrf: &str) -> Status {
    client
        .post(format!("/peps/{pep}/avisos/reenviar"))
        .header(ContentType::Form)
        .body(format!("csrf={csrf}"))
        .dispatch()
        .status()
}

#[test]
fn staff_put_a_peps_unconfirmed_notices_back_in_the_queue_from_its_page_audited() {
    let app = received_envelopes(12);
    let unconfirmed = leave_unconfirmed(&app, 4);
    assert!(unconfirmed.len() >= 2, "{unconfirmed:?}");
    let (pep, id) = unconfirmed[0].clone();
    let others: Vec<i64> = (unconfirmed.iter())
        .filter(|(p, _)| *p != pep)
        .map(|(_, i)| *i)
        .collect();
    assert!(!others.is_empty());

    // A viewer reads the warning but has no button, and may not post.
    let (viewer, csrf) = signed_in(&app, "lectora", Role::Viewer);
    let body = pep_page(&viewer, &pep);
    assert!(
        body.contains("pudo haber llegado al elector o no"),
        "{body}"
    );
    assert!(!body.contains("/avisos/reenviar"));
    assert_ne!(post_resend(&viewer, &pep, &csrf), Status::SeeOther);
    assert_eq!(state_of(&app, id), "unconfirmed");

    // Shipping sees the button; a forged CSRF token changes nothing.
    let (shipping, csrf) = signed_in(&app, "envios", Role::Shipping);
    let body = pep_page(&shipping, &pep);
    assert!(body.contains("Reenviar 1 aviso sin confirmar"), "{body}");
    assert_eq!(post_resend(&shipping, &pep, "forged"), Status::Forbidden);
    assert_eq!(state_of(&app, id), "unconfirmed");
    assert!(resend_audits(&app).is_empty());

    assert_eq!(post_resend(&shipping, &pep, &csrf), Status::SeeOther);
    assert_eq!(state_of(&app, id), "pending");
    for other in &others {
        assert_eq!(
            state_of(&app, *other),
            "unconfirmed",
            "another PEP's notice"
        );
    }
    let audits = resend_audits(&app);
    assert_eq!(audits.len(), 1, "{audits:?}");
    let (actor, subject, detail) = &audits[0];
    assert_eq!(actor, "user:envios");
    assert_eq!(subject, &format!("pep:{pep}"));
    assert!(detail.ends_with(&format!(": {id}")), "{detail}");
    // The page now lists it as pending and offers nothing more to resend.
    let body = pep_page(&shipping, &pep);
    assert!(!body.contains("/avisos/reenviar"));
    // Posting again finds nothing to resend and writes no audit entry.
    assert_eq!(post_resend(&shipping, &pep, &csrf), Status::SeeOther);
    assert_eq!(resend_audits(&app).len(), 1);
}

#[test]
fn notify_resend_unconfirmed_requeues_one_pep_or_all_and_names_them_in_the_audit() {
    let app = received_envelopes(12);
    let unconfirmed = leave_unconfirmed(&app, 4);
    let (pep, id) = unconfirmed[0].clone();

    let out = app.cli(&["notify", "--resend-unconfirmed", "--pep", &pep]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains(": 1 "), "{}", stdout(&out));
    assert_eq!(state_of(&app, id), "pending");
    let still = count(
        &app,
        "SELECT count(*) FROM outbox WHERE state = 'unconfirmed'",
    );
    assert_eq!(still as usize, unconfirmed.len() - 1);

    let out = app.cli(&["notify", "--resend-unconfirmed"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        count(
            &app,
            "SELECT count(*) FROM outbox WHERE state = 'unconfirmed'"
        ),
        0
    );
    let audits = resend_audits(&app);
    assert_eq!(audits.len(), 2, "{audits:?}");
    assert!(audits.iter().all(|(actor, ..)| actor.starts_with("cli:")));
    let rest: Vec<String> = unconfirmed[1..]
        .iter()
        .map(|(_, i)| i.to_string())
        .collect();
    assert!(audits[1].2.ends_with(&rest.join(", ")), "{audits:?}");

    // An unknown PEP is an error; --pep alone is refused by the parser.
    let out = app.cli(&["notify", "--resend-unconfirmed", "--pep", "PEP-9999999-1"]);
    assert!(!out.status.success());
    let out = app.cli(&["notify", "--pep", &pep]);
    assert!(!out.status.success());
    assert_eq!(resend_audits(&app).len(), 2);
}

#[test]
fn an_entity_scoped_viewer_counts_only_its_entitys_notices_on_the_dashboard() {
    let app = received_envelopes(40);
    let per_entity = |entity: &str| {
        app.raw_sql()
            .query_row(
                "SELECT count(*) FROM outbox WHERE state = 'pending' AND entity = ?1",
                [entity],
                |r| r.get::<_, i64>(0),
            )
            .unwrap()
    };
    let total = count(&app, "SELECT count(*) FROM outbox WHERE state = 'pending'");
    let oaxaca = per_entity("20");
    assert!(oaxaca > 0 && oaxaca < total, "{oaxaca} of {total}");
    ops::users::add_scoped_user(
        &app.db,
        "opl-oaxaca",
        Role::Viewer,
        &Scope::parse_list("20").unwrap(),
        PASSWORD,
        &Actor::system(),
        chrono::Utc::now(),
    )
    .unwrap();
    app.add_user("nacional", Role::Viewer);
    let pending = |name: &str| {
        let client = app.client();
        assert_eq!(login(&client, name, PASSWORD).0, Status::SeeOther);
        let body = client.get("/").dispatch().into_string().unwrap();
        let label = "<dt>Avisos pendientes</dt><dd>";
        let at = body.find(label).unwrap() + label.len();
        let digits: String = body[at..]
            .chars()
            .take_while(|c| *c != '<')
            .filter(char::is_ascii_digit)
            .collect();
        digits.parse::<i64>().unwrap()
    };
    assert_eq!(pending("opl-oaxaca"), oaxaca);
    assert_eq!(pending("nacional"), total);
}
