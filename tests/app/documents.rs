//! Batch documents: validation before print, the three files, and labels that scan.

use std::process::Command;

use crate::support::{stderr, stdout, TestApp, ELECTION};

pub const RETURN_ADDRESS: &str = r#"
[return_address]
name = "Instituto Nacional Electoral (VMRE)"
line1 = "Viaducto Tlalpan 100"
line2 = "Arenal Tepepan"
city = "Tlalpan, Ciudad de México"
region = "CDMX"
postal_code = "14610"
country = "MX"
"#;

fn app_with_batch(n: usize) -> (TestApp, String) {
    let app = TestApp::with_election(&format!("{ELECTION}{RETURN_ADDRESS}"));
    app.import_demo(n, 17);
    let out = app.cli(&["batch", "create", "--name", "Lote 1"]);
    assert!(out.status.success(), "{}", stderr(&out));
    (app, stdout(&out).trim().to_string())
}

fn tool(name: &str) -> bool {
    let found = Command::new("sh")
        .arg("-c")
        .arg(format!("command -v {name}"))
        .output()
        .is_ok_and(|o| o.status.success());
    if !found && std::env::var_os("CI").is_some() {
        panic!("{name} is required in CI (.ci/run installs it)");
    }
    found
}

#[test]
fn a_valid_batch_gets_its_manifest_labels_and_courier_file() {
    let (app, batch) = app_with_batch(23);
    let dir = app.dir.path().join("out");
    let out = app.cli(&["batch", "documents", &batch, "--out", dir.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    for f in ["manifest.pdf", "labels.pdf"] {
        let bytes = std::fs::read(dir.join(f)).unwrap();
        assert!(bytes.starts_with(b"%PDF-"), "{f}");
    }
    let csv = std::fs::read_to_string(dir.join("courier.csv")).unwrap();
    assert!(csv.lines().next().unwrap().starts_with("pep_id,"));
    assert_eq!(csv.lines().count(), 24);
    let audited: i64 = app
        .raw_sql()
        .query_row(
            "SELECT count(*) FROM audit_log WHERE action = 'batch.documents'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(audited, 1);
    if tool("pdftotext") {
        let text = Command::new("pdftotext")
            .arg(dir.join("manifest.pdf"))
            .arg("-")
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&text.stdout);
        assert!(
            text.contains("Lote 1") && text.contains("p. 1 de"),
            "{text}"
        );
        let some_pep = app.pep_ids(1)[0].clone();
        assert!(text.contains(&some_pep));
    }
}

#[test]
fn a_batch_without_return_address_or_with_a_bad_address_writes_nothing_and_lists_every_problem() {
    let app = TestApp::new();
    app.import_demo(10, 18);
    let batch = stdout(&app.cli(&["batch", "create", "--name", "L"]))
        .trim()
        .to_string();
    let conn = app.raw_sql();
    conn.execute("UPDATE electors SET postal_code = '1234' WHERE id = 2", [])
        .unwrap();
    conn.execute("UPDATE electors SET city = '' WHERE id = 5", [])
        .unwrap();
    let dir = app.dir.path().join("out");
    let out = app.cli(&["batch", "documents", &batch, "--out", dir.to_str().unwrap()]);
    assert!(!out.status.success());
    let err = stderr(&out);
    assert!(err.contains("dirección de retorno"), "{err}");
    assert!(err.contains("PEP-0000002-1: postal_code"), "{err}");
    assert!(err.contains("PEP-0000005-1: city"), "{err}");
    assert!(!dir.join("labels.pdf").exists() && !dir.join("manifest.pdf").exists());
}

#[test]
fn every_label_of_the_pdf_scans_back_to_a_code_of_the_batch() {
    let (app, batch) = app_with_batch(12);
    if !tool("pdftoppm") || !tool("zbarimg") {
        eprintln!("skipped: poppler-utils and zbar-tools not installed");
        return;
    }
    let dir = app.dir.path().join("out");
    assert!(app
        .cli(&["batch", "documents", &batch, "--out", dir.to_str().unwrap()])
        .status
        .success());
    let png = dir.join("page");
    // Rasterized as a printer does, without anti-aliasing (a printed label has no grey edges).
    // With poppler's anti-aliasing zbarimg misses about one symbol in 600 at 200 or 210 dpi
    // on a full sheet; the same symbol reads at 190, 205 or 220 dpi and without anti-aliasing
    // (measured on 1,000 labels of a national drill's batch: 1,000 of 1,000 read so).
    let r = Command::new("pdftoppm")
        .args(["-r", "200", "-aa", "no", "-aaVector", "no", "-png"])
        .arg(dir.join("labels.pdf"))
        .arg(&png)
        .status()
        .unwrap();
    assert!(r.success());
    let mut decoded = Vec::new();
    for entry in std::fs::read_dir(&dir).unwrap() {
        let p = entry.unwrap().path();
        if p.extension().is_some_and(|e| e == "png") {
            let out = Command::new("zbarimg")
                .args(["--raw", "-q"])
                .arg(&p)
                .output()
                .unwrap();
            decoded.extend(
                String::from_utf8_lossy(&out.stdout)
                    .lines()
                    .map(str::to_string),
            );
        }
    }
    decoded.sort();
    let mut expected: Vec<String> = app.pep_ids(12).iter().map(|p| app.code_of(p)).collect();
    expected.sort();
    assert_eq!(decoded, expected);
}

const INE_NAME: &str =
    "Instituto Nacional Electoral, Voto de las y los Mexicanos Residentes en el Extranjero";

#[test]
fn init_refuses_a_return_address_that_no_label_can_hold_naming_the_key_once() {
    let app = TestApp::empty();
    let long = RETURN_ADDRESS.replace("Instituto Nacional Electoral (VMRE)", &INE_NAME.repeat(4));
    let toml = app.write_file("election.toml", &format!("{ELECTION}{long}"));
    let out = app.cli(&["init", "--election", toml.to_str().unwrap()]);
    assert!(!out.status.success());
    let err = stderr(&out);
    assert_eq!(err.matches("return_address.name").count(), 1, "{err}");
    assert!(err.contains("no cabe"), "{err}");
    let stored: i64 = app
        .raw_sql()
        .query_row("SELECT count(*) FROM election", [], |r| r.get(0))
        .unwrap();
    assert_eq!(stored, 0, "nothing was stored");
}

#[test]
fn ines_long_return_address_wraps_onto_both_label_layouts() {
    let long = RETURN_ADDRESS.replace("Instituto Nacional Electoral (VMRE)", INE_NAME);
    let app = TestApp::with_election(&format!("{ELECTION}{long}"));
    app.import_demo(12, 19);
    let out = app.cli(&["batch", "create", "--name", "Lote 1"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let batch = stdout(&out).trim().to_string();
    for layout in ["letter", "thermal"] {
        let dir = app.dir.path().join(layout);
        let args = ["batch", "documents", &batch, "--layout", layout, "--out"];
        let out = app.cli(&[&args[..], &[dir.to_str().unwrap()]].concat());
        assert!(out.status.success(), "{layout}: {}", stderr(&out));
        if !tool("pdftotext") {
            eprintln!("skipped the text check: poppler-utils not installed");
            continue;
        }
        let text = Command::new("pdftotext")
            .arg(dir.join("labels.pdf"))
            .arg("-")
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&text.stdout);
        for part in ["Instituto Nacional Electoral,", "Mexicanos", "Extranjero"] {
            assert_eq!(text.matches(part).count(), 12, "{layout}: {part} in {text}");
        }
    }
}
