//! The document store: a batch's files are rendered once, kept owner-only beside the
//! database, served again without rendering, redone when the batch changes, and never served
//! corrupted.

use std::os::unix::fs::PermissionsExt;
use std::path::PathBuf;

use pep_tracker::domain::role::Role;
use pep_tracker::web::App;
use rocket::http::Status;
use rocket::local::blocking::Client;
use sha2::{Digest, Sha256};

use crate::support::{login, stderr, stdout, TestApp, ELECTION, PASSWORD};

const RETURN_ADDRESS: &str = "\n[return_address]\nname = \"INE\"\nline1 = \"Viaducto Tlalpan 100\"\ncity = \"Ciudad de México\"\nregion = \"CDMX\"\npostal_code = \"14610\"\ncountry = \"MX\"\n";

/// An election with a return address, `n` electors in batch 1 and a shipping user.
fn shipping_app(n: usize) -> TestApp {
    let app = TestApp::with_election(&format!("{ELECTION}{RETURN_ADDRESS}"));
    app.import_demo(n, 31);
    let out = app.cli(&["batch", "create", "--name", "Lote A"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(stdout(&out).trim(), "1");
    app.add_user("envios", Role::Shipping);
    app
}

fn signed_in(app: &TestApp) -> Client {
    let client = app.client();
    login(&client, "envios", PASSWORD);
    client
}

fn get(client: &Client, file: &str) -> Vec<u8> {
    let resp = client.get(format!("/batches/1/{file}")).dispatch();
    assert_eq!(resp.status(), Status::Ok, "{file}");
    resp.into_bytes().unwrap()
}

fn renders(client: &Client) -> u64 {
    client.rocket().state::<App>().unwrap().documents.renders()
}

fn stored(app: &TestApp, file: &str) -> PathBuf {
    app.db_path
        .with_extension("docs")
        .join("cache")
        .join("batch-1")
        .join(file)
}

fn recorded_sha256(app: &TestApp, file: &str) -> String {
    app.raw_sql()
        .query_row(
            "SELECT sha256 FROM document_files WHERE batch_id = 1 AND file = ?1",
            [file],
            |r| r.get(0),
        )
        .unwrap()
}

fn sha256(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

fn audited_prints(app: &TestApp) -> i64 {
    app.raw_sql()
        .query_row(
            "SELECT count(*) FROM audit_log WHERE action = 'batch.documents' AND actor = 'user:envios'",
            [],
            |r| r.get(0),
        )
        .unwrap()
}

#[test]
fn a_second_download_is_served_from_the_store_without_rendering_and_every_download_is_audited() {
    let app = shipping_app(15);
    let client = signed_in(&app);
    let first = get(&client, "labels.pdf");
    assert!(first.starts_with(b"%PDF-"));
    assert_eq!(renders(&client), 1);
    let path = stored(&app, "labels.pdf");
    let mtime = std::fs::metadata(&path).unwrap().modified().unwrap();
    assert_eq!(std::fs::read(&path).unwrap(), first);
    assert_eq!(recorded_sha256(&app, "labels.pdf"), sha256(&first));

    assert_eq!(get(&client, "labels.pdf"), first);
    let manifest = get(&client, "manifest.pdf");
    let courier = get(&client, "courier.csv");
    assert!(manifest.starts_with(b"%PDF-"));
    assert!(courier.starts_with(b"pep_id,"));
    assert_eq!(
        renders(&client),
        1,
        "one render made all three letter files"
    );
    assert_eq!(std::fs::metadata(&path).unwrap().modified().unwrap(), mtime);
    assert_eq!(audited_prints(&app), 4, "one audit record per download");

    assert!(get(&client, "labels-4x6.pdf").starts_with(b"%PDF-"));
    assert_eq!(
        renders(&client),
        2,
        "the thermal labels are their own render"
    );

    // Another process over the same database serves the kept files without rendering.
    let again = signed_in(&app);
    assert_eq!(get(&again, "labels.pdf"), first);
    assert_eq!(get(&again, "courier.csv"), courier);
    assert_eq!(renders(&again), 0);
}

#[test]
fn stored_documents_are_owner_only() {
    let app = shipping_app(6);
    let client = signed_in(&app);
    get(&client, "manifest.pdf");
    get(&client, "labels-4x6.pdf");
    let dir = stored(&app, "x").parent().unwrap().to_path_buf();
    let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&dir), 0o700, "{}", dir.display());
    for f in [
        "manifest.pdf",
        "labels.pdf",
        "labels-4x6.pdf",
        "courier.csv",
    ] {
        assert_eq!(mode(&stored(&app, f)), 0o600, "{f}");
    }
    let names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(names.iter().all(|n| !n.ends_with(".tmp")), "{names:?}");
}

#[test]
fn a_reissue_in_the_batch_or_a_new_return_address_produces_new_documents() {
    let app = shipping_app(12);
    let client = signed_in(&app);
    let pep = app.pep_ids(1)[0].clone();
    let before = String::from_utf8(get(&client, "courier.csv")).unwrap();
    assert!(before.contains(&pep));
    assert_eq!(renders(&client), 1);

    let out = app.cli(&["reissue", &pep, "--reason", "devuelto por la paquetería"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let after = String::from_utf8(get(&client, "courier.csv")).unwrap();
    assert_eq!(renders(&client), 2);
    assert!(!after.contains(&pep), "the voided PEP is no longer printed");
    assert_eq!(after.lines().count() + 1, before.lines().count());
    assert_eq!(
        std::fs::read_to_string(stored(&app, "courier.csv")).unwrap(),
        after
    );

    // A change to the election's return address also makes the documents stale.
    let toml = app.write_file(
        "e2.toml",
        &format!("{ELECTION}{}", RETURN_ADDRESS.replace("INE", "INE VMRE")),
    );
    let out = app.cli(&["init", "--election", toml.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    get(&client, "labels.pdf");
    assert_eq!(renders(&client), 3);
    get(&client, "labels.pdf");
    assert_eq!(renders(&client), 3);
}

#[test]
fn a_corrupted_stored_file_is_detected_and_rendered_again_never_served() {
    let app = shipping_app(10);
    let client = signed_in(&app);
    let good = get(&client, "labels.pdf");
    let path = stored(&app, "labels.pdf");
    let mut bad = std::fs::read(&path).unwrap();
    let mid = bad.len() / 2;
    bad[mid] ^= 0x55;
    std::fs::write(&path, &bad).unwrap();

    // This process verified its copy once and keeps serving exactly that.
    assert_eq!(get(&client, "labels.pdf"), good);

    // A new process reads the file back, finds the digest wrong, and renders again.
    let fresh = signed_in(&app);
    let served = get(&fresh, "labels.pdf");
    assert_ne!(served, bad);
    assert!(served.starts_with(b"%PDF-"));
    assert_eq!(renders(&fresh), 1);
    assert_eq!(sha256(&served), recorded_sha256(&app, "labels.pdf"));
    assert_eq!(std::fs::read(&path).unwrap(), served);

    // A truncated or missing file is treated the same way.
    std::fs::remove_file(&path).unwrap();
    let third = signed_in(&app);
    assert!(get(&third, "labels.pdf").starts_with(b"%PDF-"));
    assert_eq!(renders(&third), 1);
}

#[test]
fn concurrent_downloads_of_one_batch_share_one_render() {
    let app = shipping_app(20);
    let rocket = pep_tracker::web::build(app.db.clone(), &app.secrets());
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        use rocket::http::ContentType;
        use rocket::local::asynchronous::Client;
        let client = Client::tracked(rocket).await.unwrap();
        let page = client.get("/login").dispatch().await.into_string().await;
        let csrf = crate::support::csrf_from(&page.unwrap());
        let resp = client
            .post("/login")
            .header(ContentType::Form)
            .body(format!(
                "name=envios&password={}&csrf={csrf}&next=/",
                PASSWORD.replace(' ', "+")
            ))
            .dispatch()
            .await;
        assert_eq!(resp.status(), Status::SeeOther);
        let one = || async {
            let r = client.get("/batches/1/labels.pdf").dispatch().await;
            assert_eq!(r.status(), Status::Ok);
            r.into_bytes().await.unwrap()
        };
        let (a, b, c, d) = tokio::join!(one(), one(), one(), one());
        assert!(a == b && b == c && c == d);
        let store = &client.rocket().state::<App>().unwrap().documents;
        assert_eq!(store.renders(), 1);
    });
    assert_eq!(audited_prints(&app), 4);
}

#[test]
fn an_unknown_batch_or_file_is_not_found_and_renders_nothing() {
    let app = shipping_app(3);
    let client = signed_in(&app);
    assert_eq!(
        client.get("/batches/9/labels.pdf").dispatch().status(),
        Status::NotFound
    );
    assert_eq!(
        client.get("/batches/1/secret.txt").dispatch().status(),
        Status::NotFound
    );
    assert_eq!(renders(&client), 0);
}

#[test]
fn documents_of_a_batch_that_no_longer_renders_are_refused_and_removed_from_disk() {
    let app = shipping_app(5);
    let client = signed_in(&app);
    get(&client, "labels.pdf");
    assert!(stored(&app, "labels.pdf").exists());
    // Without a return address the batch fails validation: the kept copy is stale.
    let toml = app.write_file("no-address.toml", ELECTION);
    let out = app.cli(&["init", "--election", toml.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    let resp = client.get("/batches/1/labels.pdf").dispatch();
    assert_eq!(resp.status(), Status::UnprocessableEntity);
    assert!(resp.into_string().unwrap().contains("dirección de retorno"));
    for f in ["manifest.pdf", "labels.pdf", "courier.csv"] {
        assert!(!stored(&app, f).exists(), "{f}");
    }
}
