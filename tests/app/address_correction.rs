//! Address correction at reissue (issue 12): from a TOML file on the command line and from the
//! PEP page's form, checked with the list's rules; the replacement PEP goes to the corrected
//! address, the old one stays in the address history that the audit trail refers to by id and
//! digest, never as text; bad input changes nothing.

use pep_tracker::domain::role::Role;
use rocket::http::{ContentType, Status};

use crate::support::{csrf_from, login, stderr, stdout, TestApp, PASSWORD};

const TORONTO: &str = "# corrected after the courier's return\naddress_line1 = \"100 Queen St W\"\naddress_line2 = \"Suite 2\"\ncity = \"Toronto\"\nregion = \"ON\"\npostal_code = \"M5H 2N2\"\ncountry = \"CA\"\n";

fn q(app: &TestApp, sql: &str) -> i64 {
    app.raw_sql().query_row(sql, [], |r| r.get(0)).unwrap()
}

/// The first PEP of an elector living outside Canada, and that elector's address as stored.
fn pep_outside_canada(app: &TestApp) -> (String, [String; 3]) {
    app.raw_sql()
        .query_row(
            "SELECT p.pep_id, e.address_line1, e.city, e.postal_code FROM peps p
               JOIN electors e ON e.id = p.elector_id
              WHERE e.country <> 'CA' ORDER BY p.id LIMIT 1",
            [],
            |r| Ok((r.get(0)?, [r.get(1)?, r.get(2)?, r.get(3)?])),
        )
        .unwrap()
}

fn current_address(app: &TestApp, pep: &str) -> (String, String, String) {
    app.raw_sql()
        .query_row(
            "SELECT e.address_line1, e.postal_code, e.country FROM peps p
               JOIN electors e ON e.id = p.elector_id WHERE p.pep_id = ?1",
            [pep],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .unwrap()
}

#[test]
fn a_reissue_with_an_address_file_sends_the_new_pep_to_the_corrected_address() {
    let app = TestApp::new();
    app.import_demo(30, 31);
    let (old, [line1, city, postal]) = pep_outside_canada(&app);
    let canada_before = q(
        &app,
        "SELECT coalesce(sum(n), 0) FROM elector_counts WHERE country = 'CA'",
    );
    let file = app.write_file("domicilio.toml", TORONTO);
    let out = app.cli(&[
        "reissue",
        &old,
        "--reason",
        "devuelto: domicilio inexistente",
        "--address-file",
        file.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let new = stdout(&out).trim().to_string();
    assert_eq!(new, old.replace("-1", "-2"));
    assert_eq!(
        current_address(&app, &new),
        ("100 Queen St W".into(), "M5H 2N2".into(), "CA".into())
    );
    // The new PEP counts in its new country; the list counts move with the elector.
    let country: String = app
        .raw_sql()
        .query_row("SELECT country FROM peps WHERE pep_id = ?1", [&new], |r| {
            r.get(0)
        })
        .unwrap();
    assert_eq!(country, "CA");
    assert_eq!(
        q(
            &app,
            "SELECT coalesce(sum(n), 0) FROM elector_counts WHERE country = 'CA'"
        ),
        canada_before + 1
    );
    assert_eq!(q(&app, "SELECT sum(n) FROM elector_counts"), 30);
    // The old address is kept apart, and the audit record names it by id and digest only.
    let (kept, digest): (String, String) = app
        .raw_sql()
        .query_row(
            "SELECT address_line1, digest FROM address_history WHERE id = 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!(kept, line1);
    let (before, detail): (String, String) = app
        .raw_sql()
        .query_row(
            "SELECT before_digest, detail FROM audit_log
              WHERE action = 'pep.address_corrected' AND subject = ?1",
            [format!("pep:{old}")],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!(before, digest);
    assert!(detail.contains("#1"), "{detail}");
    let trail: String = app
        .raw_sql()
        .query_row(
            "SELECT group_concat(detail, ' | ') FROM audit_log",
            [],
            |r| r.get(0),
        )
        .unwrap();
    for personal in [&line1, &city, &postal, &"Queen St".to_string()] {
        assert!(
            !trail.contains(personal.as_str()),
            "«{personal}» in the audit trail: {trail}"
        );
    }
    let verify = app.cli(&["audit", "verify"]);
    assert!(verify.status.success(), "{}", stderr(&verify));
}

#[test]
fn a_bad_address_file_is_refused_line_by_line_and_changes_nothing() {
    let app = TestApp::new();
    app.import_demo(10, 32);
    let (old, [line1, ..]) = pep_outside_canada(&app);
    let text = TORONTO
        .replace("\"M5H 2N2\"", "\"12\"")
        .replace("city = \"Toronto\"\n", "city = \"\"\nstreet = \"x\"\n");
    let bad_key = app.write_file("clave.toml", &text);
    let out = app.cli(&[
        "reissue",
        &old,
        "--reason",
        "devuelto por FedEx",
        "--address-file",
        bad_key.to_str().unwrap(),
    ]);
    assert!(!out.status.success());
    assert!(
        stderr(&out).contains("line 5: street: campo desconocido"),
        "{}",
        stderr(&out)
    );
    let bad_values = app.write_file(
        "valores.toml",
        &TORONTO
            .replace("\"M5H 2N2\"", "\"12\"")
            .replace("\"Toronto\"", "\"\""),
    );
    let out = app.cli(&[
        "reissue",
        &old,
        "--reason",
        "devuelto por FedEx",
        "--address-file",
        bad_values.to_str().unwrap(),
    ]);
    assert!(!out.status.success());
    let err = stderr(&out);
    assert!(err.contains("line 4: city: es obligatorio"), "{err}");
    assert!(err.contains("line 6: postal_code: "), "{err}");
    let same = app.write_file(
        "igual.toml",
        &format!(
            "address_line1 = {:?}\ncity = \"x\"\npostal_code = \"y\"\ncountry = \"ZZ\"\n",
            line1
        ),
    );
    assert!(!app
        .cli(&[
            "reissue",
            &old,
            "--reason",
            "devuelto por FedEx",
            "--address-file",
            same.to_str().unwrap()
        ])
        .status
        .success());
    assert_eq!(
        q(
            &app,
            "SELECT count(*) FROM peps WHERE voided_at IS NOT NULL"
        ),
        0
    );
    assert_eq!(q(&app, "SELECT count(*) FROM address_history"), 0);
    assert_eq!(current_address(&app, &old).0, line1);
}

fn post_reissue(
    client: &rocket::local::blocking::Client,
    pep: &str,
    body: &str,
) -> (Status, String) {
    let page = client
        .get(format!("/peps/{pep}"))
        .dispatch()
        .into_string()
        .unwrap();
    assert!(
        page.contains("Corregir el domicilio"),
        "the reissue form offers a correction"
    );
    let csrf = csrf_from(&page);
    let resp = client
        .post(format!("/peps/{pep}/reissue"))
        .header(ContentType::Form)
        .body(format!(
            "csrf={csrf}&back=/peps/{pep}&reason=devuelto+por+UPS&{body}"
        ))
        .dispatch();
    (resp.status(), resp.into_string().unwrap_or_default())
}

#[test]
fn the_reissue_form_corrects_the_address_or_says_in_spanish_why_not() {
    let app = TestApp::new();
    app.import_demo(10, 33);
    app.add_user("envios", Role::Shipping);
    let (old, [line1, ..]) = pep_outside_canada(&app);
    let client = app.client();
    login(&client, "envios", PASSWORD);
    let typed = "address.address_line1=100+Queen+St+W&address.city=Toronto&address.region=&address.postal_code=M5H+2N&address.country=CA";
    let (status, body) = post_reissue(&client, &old, typed);
    assert_eq!(status, Status::UnprocessableEntity);
    assert!(body.contains("No se cambió nada"), "{body}");
    assert!(body.contains("Código postal: "), "{body}");
    assert!(
        body.contains("Estado o provincia: es obligatorio"),
        "{body}"
    );
    assert!(
        body.contains("value=\"100 Queen St W\""),
        "what was typed stays"
    );
    assert_eq!(
        q(
            &app,
            "SELECT count(*) FROM peps WHERE voided_at IS NOT NULL"
        ),
        0
    );
    assert_eq!(current_address(&app, &old).0, line1);

    let good = typed
        .replace("M5H+2N", "M5H+2N2")
        .replace("region=", "region=ON");
    let (status, _) = post_reissue(&client, &old, &good);
    assert_eq!(status, Status::SeeOther);
    let new = old.replace("-1", "-2");
    assert_eq!(current_address(&app, &new).1, "M5H 2N2");
    assert_eq!(q(&app, "SELECT count(*) FROM address_history"), 1);
    let page = client
        .get(format!("/peps/{old}"))
        .dispatch()
        .into_string()
        .unwrap();
    assert!(
        page.contains("pep.address_corrected"),
        "the old PEP's trail shows the correction"
    );
}
