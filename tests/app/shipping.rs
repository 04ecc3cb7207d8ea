//! The shipping desk from the command line: PEPs, batches, guías, reissue.

use pep_tracker::domain::tracking::{synthetic_tracking, Carrier};

use crate::support::{stderr, stdout, TestApp};

fn q(app: &TestApp, sql: &str) -> i64 {
    app.raw_sql().query_row(sql, [], |r| r.get(0)).unwrap()
}

#[test]
fn every_imported_elector_gets_one_pep_of_generation_one_with_a_distinct_code() {
    let app = TestApp::new();
    app.import_demo(200, 8);
    assert_eq!(q(&app, "SELECT count(*) FROM peps"), 200);
    assert_eq!(q(&app, "SELECT count(DISTINCT code_id) FROM peps"), 200);
    assert_eq!(
        q(
            &app,
            "SELECT count(*) FROM peps WHERE generation = 1 AND pep_id LIKE 'PEP-%-1'"
        ),
        200
    );
    assert_eq!(q(&app, "SELECT max(code_id) < (1 << 40) FROM peps"), 1);
}

#[test]
fn a_batch_takes_the_unbatched_peps_that_match_and_prints_its_id_alone() {
    let app = TestApp::new();
    app.import_demo(300, 9);
    let oaxaca = q(&app, "SELECT count(*) FROM electors WHERE entity = '20'");
    let out = app.cli(&["batch", "create", "--name", "Oaxaca 1", "--entity", "20"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let id: i64 = stdout(&out).trim().parse().expect("the id alone on stdout");
    assert_eq!(
        q(
            &app,
            &format!("SELECT count(*) FROM peps WHERE batch_id = {id}")
        ),
        oaxaca
    );
    // Nothing left for Oaxaca: an empty batch is refused and not created.
    let again = app.cli(&["batch", "create", "--name", "Oaxaca 2", "--entity", "20"]);
    assert!(!again.status.success());
    assert_eq!(q(&app, "SELECT count(*) FROM batches"), 1);
    let rest = app.cli(&["batch", "create", "--name", "Resto"]);
    assert!(rest.status.success());
    assert_eq!(
        q(&app, "SELECT count(*) FROM peps WHERE batch_id IS NULL"),
        0
    );
}

#[test]
fn a_batch_with_a_bad_filter_or_a_repeated_name_is_refused() {
    let app = TestApp::new();
    app.import_demo(50, 10);
    for args in [
        vec!["--name", "x", "--entity", "09"],
        vec!["--name", "x", "--country", "ZZ"],
        vec!["--name", ""],
    ] {
        let mut a = vec!["batch", "create"];
        a.extend(args);
        let out = app.cli(&a);
        assert!(!out.status.success(), "{a:?}");
    }
    assert!(app
        .cli(&["batch", "create", "--name", "EU", "--country", "US"])
        .status
        .success());
    let dup = app.cli(&["batch", "create", "--name", "EU"]);
    assert!(!dup.status.success());
    assert!(stderr(&dup).contains("ya existe"));
}

#[test]
fn reissue_voids_the_pep_and_creates_the_next_generation_outside_any_batch() {
    let app = TestApp::new();
    app.import_demo(20, 11);
    app.cli(&["batch", "create", "--name", "B"]);
    let old = app.pep_ids(1)[0].clone();
    let out = app.cli(&["reissue", &old, "--reason", "devuelto por la paquetería"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let new = stdout(&out).trim().to_string();
    assert_eq!(new, old.replace("-1", "-2"));
    let conn = app.raw_sql();
    let (voided, batch): (Option<String>, Option<i64>) = conn
        .query_row("SELECT (SELECT voided_at FROM peps WHERE pep_id = ?1), (SELECT batch_id FROM peps WHERE pep_id = ?2)", [&old, &new], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap();
    assert!(voided.is_some());
    assert_eq!(batch, None);
    assert_eq!(q(&app, "SELECT count(*) FROM audit_log WHERE action = 'pep.reissue' AND detail LIKE '%devuelto por la paqueter%'"), 1);
    let twice = app.cli(&["reissue", &old, "--reason", "otra vez"]);
    assert!(!twice.status.success());
    let no_reason = app.cli(&["reissue", &new, "--reason", ""]);
    assert!(!no_reason.status.success());
}

fn guias_csv(app: &TestApp, rows: &[(String, &str, String, String)]) -> std::path::PathBuf {
    let mut text = String::from("pep_id,carrier,outbound_tracking,return_tracking\n");
    for (p, c, o, r) in rows {
        text.push_str(&format!("{p},{c},{o},{r}\n"));
    }
    app.write_file("guias.csv", &text)
}

#[test]
fn guias_attach_both_legs_when_every_number_is_valid_for_its_carrier() {
    let app = TestApp::new();
    app.import_demo(3, 12);
    let peps = app.pep_ids(3);
    let carriers = [Carrier::Fedex, Carrier::Ups, Carrier::Dhl];
    let rows: Vec<_> = peps
        .iter()
        .zip(carriers)
        .enumerate()
        .map(|(i, (p, c))| {
            (
                p.clone(),
                c.as_str(),
                synthetic_tracking(c, 2 * i as u64 + 1),
                synthetic_tracking(c, 2 * i as u64 + 2),
            )
        })
        .collect();
    let out = app.cli(&["import-guias", guias_csv(&app, &rows).to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(stdout(&out).trim(), "3");
    assert_eq!(q(&app, "SELECT count(*) FROM legs"), 6);
    // The same file again changes nothing.
    let again = app.cli(&["import-guias", guias_csv(&app, &rows).to_str().unwrap()]);
    assert!(again.status.success(), "{}", stderr(&again));
    assert_eq!(q(&app, "SELECT count(*) FROM legs"), 6);
}

#[test]
fn one_bad_guia_assigns_nothing_and_every_problem_is_listed() {
    let app = TestApp::new();
    app.import_demo(4, 13);
    let peps = app.pep_ids(4);
    let good = |n| synthetic_tracking(Carrier::Fedex, n);
    let mut bad_check = good(5);
    let last = bad_check.pop().unwrap();
    bad_check.push(if last == '9' {
        '0'
    } else {
        char::from(last as u8 + 1)
    });
    let rows = vec![
        (peps[0].clone(), "fedex", good(1), good(2)),
        (peps[1].clone(), "fedex", bad_check, good(6)),
        (peps[2].clone(), "usps", good(7), good(8)),
        ("PEP-9999999-1".to_string(), "fedex", good(9), good(10)),
        (peps[3].clone(), "fedex", good(1), good(11)),
    ];
    let out = app.cli(&["import-guias", guias_csv(&app, &rows).to_str().unwrap()]);
    assert!(!out.status.success());
    let err = stderr(&out);
    for want in [
        "line 3: outbound_tracking: ",
        "line 4: carrier: ",
        "line 5: pep_id: ",
        "line 6: outbound_tracking: ",
    ] {
        assert!(err.contains(want), "{want} in {err}");
    }
    assert_eq!(q(&app, "SELECT count(*) FROM legs"), 0);
}

#[test]
fn shipping_staff_create_a_batch_download_its_labels_and_reissue_on_the_web() {
    use crate::support::{csrf_from, login, PASSWORD};
    use pep_tracker::domain::role::Role;
    use rocket::http::{ContentType, Status};
    let app = TestApp::with_election(&format!(
        "{}\n[return_address]\nname = \"INE\"\nline1 = \"Viaducto Tlalpan 100\"\ncity = \"Ciudad de México\"\nregion = \"CDMX\"\npostal_code = \"14610\"\ncountry = \"MX\"\n",
        crate::support::ELECTION
    ));
    app.import_demo(15, 14);
    app.add_user("envios", Role::Shipping);
    let client = app.client();
    login(&client, "envios", PASSWORD);
    let csrf = csrf_from(&client.get("/batches").dispatch().into_string().unwrap());
    let resp = client
        .post("/batches")
        .header(ContentType::Form)
        .body(format!("csrf={csrf}&name=Web+1&entity=&country=US"))
        .dispatch();
    assert_eq!(resp.status(), Status::Ok);
    assert!(resp.into_string().unwrap().contains("Lote 1 creado"));
    let labels = client.get("/batches/1/labels.pdf").dispatch();
    assert_eq!(labels.status(), Status::Ok);
    assert!(labels.into_bytes().unwrap().starts_with(b"%PDF-"));
    let pep = app.pep_ids(1)[0].clone();
    let resp = client
        .post(format!("/peps/{pep}/reissue"))
        .header(ContentType::Form)
        .body(format!("csrf={csrf}&reason=paquete+devuelto+por+FedEx"))
        .dispatch();
    assert_eq!(resp.status(), Status::SeeOther);
    assert!(resp
        .headers()
        .get_one("Location")
        .unwrap()
        .contains("reissued=PEP-"));
    assert_eq!(
        q(
            &app,
            "SELECT count(*) FROM peps WHERE voided_at IS NOT NULL"
        ),
        1
    );
}
