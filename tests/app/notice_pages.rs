//! Notices as staff see them: the PEP page lists its notices with their state, the dashboard's
//! counts move when a notice is sent, fails or its elector opts out, the outbox viewer of a
//! demo-like app words what would be sent on the simulated clock, and a forged opt-out link is
//! refused and changes nothing.

use std::sync::Arc;

use chrono::{DateTime, DurationRound, Utc};
use pep_tracker::channels::config::{NoticeConfig, SmsConfig};
use pep_tracker::channels::sms_sim::{self, SmsSim};
use pep_tracker::clock::{SharedClock, SimClock};
use pep_tracker::domain::notice::optout::sign;
use pep_tracker::domain::pep::PepId;
use pep_tracker::domain::role::Role;
use pep_tracker::ops::notices::optout_key;
use pep_tracker::ops::notices::sender::Sender;
use rocket::http::Status;
use rocket::local::blocking::Client;

use crate::notices::{count, received_envelopes};
use crate::support::{login, TestApp, PASSWORD};

fn signed_in(app: &TestApp, client: &Client, role: Role) {
    let name = format!("u-{role}");
    app.add_user(&name, role);
    let (st, _) = login(client, &name, PASSWORD);
    assert_eq!(st, Status::SeeOther);
}

fn page(client: &Client, uri: &str) -> (Status, String) {
    let r = client.get(uri.to_string()).dispatch();
    (r.status(), r.into_string().unwrap_or_default())
}

/// Sends every due SMS through the provider simulator (no faults); e-mails stay pending.
fn send_sms(app: &TestApp) -> usize {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let sim = Arc::new(SmsSim::new("AC123", "secret-token", 0.0, 1));
    let handle = rt
        .block_on(sms_sim::serve("127.0.0.1:0".parse().unwrap(), sim.clone()))
        .unwrap();
    let cfg = NoticeConfig {
        sms: Some(SmsConfig {
            base_url: handle.base_url(),
            account: "AC123".into(),
            token: "secret-token".into(),
            from: "+15005550006".into(),
        }),
        quiet_hours: None,
        ..NoticeConfig::default()
    };
    let sender = Sender::new(app.db.clone(), pep_tracker::clock::wall(), cfg).unwrap();
    let report = rt.block_on(sender.pass()).unwrap();
    handle.stop();
    report.sent
}

/// The number in the dashboard's `<dt>label</dt><dd>N</dd>`.
fn fact(body: &str, label: &str) -> i64 {
    let at = body
        .find(&format!("<dt>{label}</dt><dd>"))
        .unwrap_or_else(|| panic!("{label} not on the dashboard"));
    let rest = &body[at + label.len() + 13..];
    rest[..rest.find('<').unwrap()]
        .chars()
        .filter(char::is_ascii_digit)
        .collect::<String>()
        .parse()
        .unwrap()
}

/// A PEP whose elector has both an e-mail and a phone.
fn pep_with_both(app: &TestApp) -> String {
    app.raw_sql()
        .query_row(
            "SELECT p.pep_id FROM peps p JOIN electors e ON e.id = p.elector_id
              WHERE coalesce(e.email, '') != '' AND coalesce(e.phone, '') != ''
              ORDER BY p.id LIMIT 1",
            [],
            |r| r.get(0),
        )
        .unwrap()
}

#[test]
fn the_pep_page_lists_its_notices_with_their_state() {
    let app = received_envelopes(20);
    let pep = pep_with_both(&app);
    assert!(send_sms(&app) > 0);
    let client = app.client();
    signed_in(&app, &client, Role::Viewer);
    let (st, body) = page(&client, &format!("/peps/{pep}"));
    assert_eq!(st, Status::Ok);
    let provider: String = app
        .raw_sql()
        .query_row(
            "SELECT o.provider_id FROM outbox o JOIN peps p ON p.id = o.pep
              WHERE p.pep_id = ?1 AND o.channel = 'sms'",
            [&pep],
            |r| r.get(0),
        )
        .unwrap();
    // Two rows: the SMS sent (with the provider's id), the e-mail pending.
    let rows: Vec<&str> = body
        .split("<tr>")
        .filter(|r| r.contains("Sobre recibido a tiempo"))
        .collect();
    assert_eq!(rows.len(), 2, "{body}");
    let sms = rows.iter().find(|r| r.contains("<td>SMS</td>")).unwrap();
    assert!(
        sms.contains("<td>Enviado") && sms.contains(&provider),
        "{sms}"
    );
    let email = rows.iter().find(|r| r.contains("<td>Correo</td>")).unwrap();
    assert!(email.contains("<td>Pendiente"), "{email}");
    // No address in the table a viewer sees.
    let (mail, phone): (String, String) = app
        .raw_sql()
        .query_row(
            "SELECT e.email, e.phone FROM electors e JOIN peps p ON p.elector_id = e.id
              WHERE p.pep_id = ?1",
            [&pep],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert!(!body.contains(&mail) && !body.contains(&phone));
}

#[test]
fn the_dashboard_counts_notices_sent_pending_failed_and_opted_out_as_they_change() {
    let app = received_envelopes(30);
    let client = app.client();
    signed_in(&app, &client, Role::Viewer);
    let board = |client: &Client| {
        let (st, body) = page(client, "/");
        assert_eq!(st, Status::Ok);
        [
            "Avisos enviados",
            "Avisos pendientes",
            "Avisos fallidos",
            "Electores dados de baja de los avisos",
        ]
        .map(|l| fact(&body, l))
    };
    let total = count(&app, "SELECT count(*) FROM outbox");
    let phones = count(&app, "SELECT count(*) FROM outbox WHERE channel = 'sms'");
    assert_eq!(board(&client), [0, total, 0, 0]);

    // One elector's phone is gone before the pass: that SMS fails, the others are sent.
    let gone: i64 = app
        .raw_sql()
        .query_row(
            "SELECT p.elector_id FROM outbox o JOIN peps p ON p.id = o.pep
              WHERE o.channel = 'sms' ORDER BY o.id LIMIT 1",
            [],
            |r| r.get(0),
        )
        .unwrap();
    app.raw_sql()
        .execute("UPDATE electors SET phone = '' WHERE id = ?1", [gone])
        .unwrap();
    assert_eq!(send_sms(&app) as i64, phones - 1);
    assert_eq!(board(&client), [phones - 1, total - phones, 1, 0]);

    // An elector with a pending e-mail opts out by the link: one more elector, one less pending.
    let pep = pep_with_both(&app);
    let token = sign(&optout_key(&app.secrets()), &PepId::parse(&pep).unwrap());
    let st = client.post(format!("/baja/{token}")).dispatch().status();
    assert_eq!(st, Status::Ok);
    assert_eq!(board(&client), [phones - 1, total - phones - 1, 1, 1]);
}

#[test]
fn the_outbox_viewer_of_a_demo_like_app_words_what_would_be_sent_on_the_simulated_clock() {
    let app = received_envelopes(10);
    let t: DateTime<Utc> = (Utc::now() + chrono::Duration::days(3))
        .with_timezone(&Utc)
        .duration_round(chrono::Duration::seconds(1))
        .unwrap();
    let clock: SharedClock = Arc::new(SimClock::manual(t));
    let client = Client::tracked(pep_tracker::web::build_on(
        app.db.clone(),
        &app.secrets(),
        clock,
    ))
    .unwrap();
    signed_in(&app, &client, Role::Shipping);
    let (st, body) = page(&client, "/avisos");
    assert_eq!(st, Status::Ok);
    assert!(body.contains(&t.to_rfc3339()), "the simulated now: {t}");
    assert!(body.contains("(reloj simulado)"));
    let pep = pep_with_both(&app);
    // The SMS as it would go out, and the e-mail's subject; both still pending.
    assert!(
        body.contains(&format!(
            "INE: Recibimos tu Sobre-Postal-Voto ({pep}) a tiempo. Gracias. BAJA: no más avisos"
        )),
        "{body}"
    );
    let pending = count(&app, "SELECT count(*) FROM outbox");
    assert_eq!(body.matches("<td>Pendiente").count() as i64, pending);
    // Viewers may not open it.
    let viewer = app.client();
    signed_in(&app, &viewer, Role::Viewer);
    assert_ne!(page(&viewer, "/avisos").0, Status::Ok);
}

#[test]
fn a_forged_opt_out_link_is_refused_and_changes_nothing() {
    let app = received_envelopes(10);
    let client = app.client();
    let pep = PepId::parse(&pep_with_both(&app)).unwrap();
    let genuine = sign(&optout_key(&app.secrets()), &pep);
    let other_key = sign(&[7u8; 32], &pep);
    let (id, tag) = genuine.split_once('.').unwrap();
    let mut flipped: Vec<char> = tag.chars().collect();
    flipped[0] = if flipped[0] == 'A' { 'B' } else { 'A' };
    let tampered = format!("{id}.{}", flipped.into_iter().collect::<String>());
    let before = |app: &TestApp| {
        (
            count(app, "SELECT count(*) FROM notice_optouts"),
            count(app, "SELECT count(*) FROM outbox WHERE state = 'pending'"),
            count(app, "SELECT count(*) FROM audit_log"),
        )
    };
    let was = before(&app);
    for token in [other_key, tampered, id.to_string(), "x.y".to_string()] {
        let get = client.get(format!("/baja/{token}")).dispatch().status();
        let post = client.post(format!("/baja/{token}")).dispatch().status();
        assert_eq!((get, post), (Status::NotFound, Status::NotFound), "{token}");
        assert_eq!(before(&app), was, "{token} changed something");
    }
    // The genuine link works: the check above could fail.
    let st = client.post(format!("/baja/{genuine}")).dispatch().status();
    assert_eq!(st, Status::Ok);
    assert_eq!(count(&app, "SELECT count(*) FROM notice_optouts"), 1);
}
