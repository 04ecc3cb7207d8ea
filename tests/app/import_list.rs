//! Importing the postal list: clean files import whole, bad files import nothing and every
//! problem is listed as `line N: field: reason`.

use crate::support::{stderr, stdout, TestApp};

const HEADER: &str = "elector_key,given_names,paternal_surname,maternal_surname,entity,address_line1,address_line2,city,region,postal_code,country,email,phone";

fn count(app: &TestApp, table: &str) -> i64 {
    app.raw_sql()
        .query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))
        .unwrap()
}

fn demo_csv(app: &TestApp, n: usize, seed: u64) -> String {
    stdout(&app.cli(&[
        "demo-data",
        "--electors",
        &n.to_string(),
        "--seed",
        &seed.to_string(),
    ]))
}

#[test]
fn a_demo_list_imports_whole_and_counts_match() {
    let app = TestApp::new();
    let csv = app.write_file("l.csv", &demo_csv(&app, 1517, 11));
    let out = app.cli(&["import-lnere", csv.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(stdout(&out).trim(), "1517");
    assert_eq!(count(&app, "electors"), 1517);
    let counted: i64 = app
        .raw_sql()
        .query_row("SELECT sum(n) FROM elector_counts", [], |r| r.get(0))
        .unwrap();
    assert_eq!(counted, 1517);
}

#[test]
fn one_bad_row_imports_nothing_and_every_error_is_listed_by_line_and_field() {
    let app = TestApp::new();
    let good = demo_csv(&app, 20, 2);
    let mut lines: Vec<String> = good.lines().map(str::to_string).collect();
    // line 4: a broken key; line 9: a Spanish address with a US ZIP+4; line 12: wrong entity.
    lines[3] = lines[3].replacen(&lines[3][..18].to_string(), "ABC123", 1);
    let mut f: Vec<String> = lines[8].split(',').map(str::to_string).collect();
    f[10] = "ES".into();
    f[9] = "90033-1234".into();
    f[8] = "".into();
    lines[8] = f.join(",");
    let mut f: Vec<String> = lines[11].split(',').map(str::to_string).collect();
    f[4] = "09".into();
    lines[11] = f.join(",");
    let csv = app.write_file("bad.csv", &(lines.join("\n") + "\n"));
    let out = app.cli(&["import-lnere", csv.to_str().unwrap()]);
    assert!(!out.status.success());
    let err = stderr(&out);
    assert!(err.contains("line 4: elector_key: "), "{err}");
    assert!(err.contains("line 9: postal_code: "), "{err}");
    assert!(err.contains("line 12: entity: "), "{err}");
    assert_eq!(count(&app, "electors"), 0);
    assert_eq!(count(&app, "imports"), 0);
    assert_eq!(count(&app, "elector_counts"), 0);
}

#[test]
fn a_key_repeated_in_the_file_names_the_first_line() {
    let app = TestApp::new();
    let good = demo_csv(&app, 5, 3);
    let mut lines: Vec<&str> = good.lines().collect();
    let dup = lines[2].to_string();
    lines.push(&dup);
    let csv = app.write_file("dup.csv", &lines.join("\n"));
    let out = app.cli(&["import-lnere", csv.to_str().unwrap()]);
    assert!(!out.status.success());
    assert!(
        stderr(&out).contains("line 7: elector_key: "),
        "{}",
        stderr(&out)
    );
    assert!(stderr(&out).contains("línea 3"), "{}", stderr(&out));
    assert_eq!(count(&app, "electors"), 0);
}

#[test]
fn a_key_already_imported_is_refused_on_the_second_import() {
    let app = TestApp::new();
    let csv = app.write_file("a.csv", &demo_csv(&app, 10, 4));
    assert!(app
        .cli(&["import-lnere", csv.to_str().unwrap()])
        .status
        .success());
    let out = app.cli(&["import-lnere", csv.to_str().unwrap()]);
    assert!(!out.status.success());
    assert!(
        stderr(&out).contains("ya está en la lista"),
        "{}",
        stderr(&out)
    );
    assert_eq!(count(&app, "electors"), 10);
}

#[test]
fn a_wrong_header_empty_file_or_ragged_row_is_refused() {
    let app = TestApp::new();
    let cases = [
        (
            "h.csv",
            HEADER.replace("city", "town") + "\n",
            "line 1: header: ",
        ),
        ("e.csv", String::new(), "line 1: header: "),
        ("r.csv", format!("{HEADER}\na,b,c\n"), "line 2: row: "),
        ("u.csv", format!("{HEADER}\n"), "no tiene filas"),
    ];
    for (name, text, want) in cases {
        let csv = app.write_file(name, &text);
        let out = app.cli(&["import-lnere", csv.to_str().unwrap()]);
        assert!(!out.status.success(), "{name}");
        assert!(stderr(&out).contains(want), "{name}: {}", stderr(&out));
    }
    assert_eq!(count(&app, "electors"), 0);
}

#[test]
fn bytes_that_are_not_utf8_are_reported_with_their_line() {
    let app = TestApp::new();
    let good = demo_csv(&app, 3, 5);
    let mut bytes = good.into_bytes();
    let third_line = bytes
        .iter()
        .enumerate()
        .filter(|(_, b)| **b == b'\n')
        .nth(1)
        .unwrap()
        .0;
    bytes[third_line + 25] = 0xff;
    let p = app.dir.path().join("latin1.csv");
    std::fs::write(&p, bytes).unwrap();
    let out = app.cli(&["import-lnere", p.to_str().unwrap()]);
    assert!(!out.status.success());
    assert!(stderr(&out).contains("line 3: row: "), "{}", stderr(&out));
}

#[test]
fn importing_before_init_says_to_load_the_election() {
    let app = TestApp::empty();
    let csv = app.write_file("x.csv", &format!("{HEADER}\n"));
    let out = app.cli(&["import-lnere", csv.to_str().unwrap()]);
    assert!(!out.status.success());
    assert!(stderr(&out).contains("init"), "{}", stderr(&out));
}
