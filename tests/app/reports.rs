//! INE's report tables: the tables by entity and by country equal an independent count of the
//! demo list's CSV; a cut moved across known events changes the numbers exactly there; a
//! scope keeps only its entities; the page, the CSVs, and the XLSX and PDF of `report`.

use std::collections::BTreeMap;
use std::io::Read;

use chrono::{DateTime, Datelike, Duration, Months, NaiveDate, Utc};
use pep_tracker::domain::pep::PepId;
use pep_tracker::domain::role::Role;
use pep_tracker::domain::scope::Scope;
use pep_tracker::domain::tracking::{LegStatus, TrackingEvent};
use pep_tracker::ops::{self, reports, Actor};
use rocket::http::Status;

use crate::carriers::ship;
use crate::dashboard::{carrier_event, check_in_at};
use crate::support::{login, stderr, TestApp, PASSWORD};

const CUT: &str = "2022-06-01";

/// Writes a demo list with the CLI and imports it; returns the CSV's text.
fn demo_list(app: &TestApp, n: usize, seed: u64) -> String {
    app.import_demo(n, seed);
    std::fs::read_to_string(app.dir.path().join(format!("demo-{seed}.csv"))).unwrap()
}

/// The independent count: (entity → [electors, men, women, other, age sum, dated]) and
/// (country → entity → electors), straight from the CSV's elector keys and countries, with
/// the century rule (20YY when that makes the elector 18 by election day, else 19YY) and
/// completed years on the cut's day.
type Counts = (
    BTreeMap<String, [i64; 6]>,
    BTreeMap<String, BTreeMap<String, i64>>,
);

fn count_csv(csv: &str, election_day: NaiveDate, cut_day: NaiveDate) -> Counts {
    let mut r = csv::Reader::from_reader(csv.as_bytes());
    let head = r.headers().unwrap().clone();
    let col = |name: &str| head.iter().position(|h| h == name).unwrap();
    let (k, e, c) = (col("elector_key"), col("entity"), col("country"));
    let adult_by = election_day - Months::new(216);
    let mut by_entity: BTreeMap<String, [i64; 6]> = BTreeMap::new();
    let mut by_country: BTreeMap<String, BTreeMap<String, i64>> = BTreeMap::new();
    for row in r.records() {
        let row = row.unwrap();
        let key = row[k].as_bytes();
        let t = by_entity.entry(row[e].to_string()).or_default();
        t[0] += 1;
        match key[14] {
            b'H' => t[1] += 1,
            b'M' => t[2] += 1,
            _ => t[3] += 1,
        }
        let digits = |a: usize| -> u32 {
            std::str::from_utf8(&key[a..a + 2])
                .unwrap()
                .parse()
                .unwrap()
        };
        let (yy, mm, dd) = (digits(6) as i32, digits(8), digits(10));
        let year = if NaiveDate::from_ymd_opt(2000 + yy, mm, dd).is_some_and(|d| d <= adult_by) {
            2000 + yy
        } else {
            1900 + yy
        };
        if let Some(birth) = NaiveDate::from_ymd_opt(year, mm, dd) {
            let mut age = cut_day.year() - birth.year();
            if (cut_day.month(), cut_day.day()) < (birth.month(), birth.day()) {
                age -= 1;
            }
            t[4] += i64::from(age);
            t[5] += 1;
        }
        *by_country
            .entry(row[c].to_string())
            .or_default()
            .entry(row[e].to_string())
            .or_default() += 1;
    }
    (by_entity, by_country)
}

/// A mean in hundredths, rounded half up, written with two decimals.
fn mean2(sum: i64, n: i64) -> String {
    let h = (200 * sum + n) / (2 * n);
    format!("{}.{:02}", h / 100, h % 100)
}

fn csv_rows(body: &str) -> Vec<Vec<String>> {
    let mut r = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(body.as_bytes());
    r.records()
        .map(|x| x.unwrap().iter().map(String::from).collect())
        .collect()
}

fn viewer_get(app: &TestApp, client: &rocket::local::blocking::Client, uri: &str) -> String {
    let _ = app;
    let res = client.get(uri.to_string()).dispatch();
    assert_eq!(res.status(), Status::Ok, "{uri}");
    res.into_string().unwrap()
}

#[test]
fn the_tables_by_entity_and_country_equal_an_independent_count_of_the_demo_list() {
    let app = TestApp::new();
    let csv = demo_list(&app, 1500, 13);
    let election_day = NaiveDate::from_ymd_opt(2022, 6, 5).unwrap();
    let (by_entity, by_country) = count_csv(
        &csv,
        election_day,
        NaiveDate::from_ymd_opt(2022, 6, 1).unwrap(),
    );
    app.add_user("vera", Role::Viewer);
    let client = app.client();
    login(&client, "vera", PASSWORD);

    let rows = csv_rows(&viewer_get(
        &app,
        &client,
        &format!("/informes/entidades.csv?corte={CUT}"),
    ));
    assert_eq!(rows[0][..3], ["Clave", "Entidad", "Ciudadanos"]);
    let total = rows.last().unwrap();
    assert_eq!(total[1], "Total");
    let mut sums = [0i64; 6];
    for row in &rows[1..rows.len() - 1] {
        let t = by_entity.get(&row[0]).copied().unwrap_or_default();
        for i in 0..6 {
            sums[i] += t[i];
        }
        let want: Vec<String> = t[..4].iter().map(|n| n.to_string()).collect();
        assert_eq!(row[2..6], want[..], "entity {}", row[0]);
        assert_eq!(
            row[6],
            if t[5] > 0 {
                mean2(t[4], t[5])
            } else {
                String::new()
            },
            "entity {}",
            row[0]
        );
    }
    assert_eq!(
        rows.len() - 2,
        by_entity.len().max(4),
        "every entity of the list has a row"
    );
    let want: Vec<String> = sums[..4].iter().map(|n| n.to_string()).collect();
    assert_eq!(total[2..6], want[..]);
    assert_eq!(sums[0], 1500);
    assert_eq!(total[6], mean2(sums[4], sums[5]));

    let rows = csv_rows(&viewer_get(&app, &client, "/informes/paises.csv"));
    let entities: Vec<String> = vec!["01", "10", "20", "28"]
        .into_iter()
        .map(String::from)
        .collect();
    assert_eq!(rows[0].len(), 3 + entities.len() + 1);
    let body = &rows[1..rows.len() - 1];
    assert_eq!(
        body.len(),
        by_country.len(),
        "one row per country of the list"
    );
    let mut ranked: Vec<(&String, i64)> = by_country
        .iter()
        .map(|(c, m)| (c, m.values().sum()))
        .collect();
    ranked.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    for (i, (row, (code, n))) in body.iter().zip(&ranked).enumerate() {
        assert_eq!(row[0], (i + 1).to_string());
        assert_eq!(&row[1], *code);
        for (j, e) in entities.iter().enumerate() {
            let want = by_country[*code].get(e).copied().unwrap_or(0);
            assert_eq!(row[3 + j], want.to_string(), "{code} × {e}");
        }
        assert_eq!(row[3 + entities.len()], n.to_string());
    }
    let total = rows.last().unwrap();
    assert_eq!(total[2], "Total");
    assert_eq!(total[3 + entities.len()], "1500");
    assert_eq!(
        body[0][1], "US",
        "the demo list lives mostly in the United States"
    );
}

fn event(at: DateTime<Utc>, status: LegStatus) -> TrackingEvent {
    TrackingEvent {
        at,
        status,
        raw_code: "X".into(),
        raw_text: status.label_es().into(),
        location: String::new(),
    }
}

#[test]
fn moving_the_cut_across_known_events_changes_the_numbers_exactly_there() {
    let app = TestApp::upcoming();
    ship(&app, 3);
    let peps = app.pep_ids(3);
    let t0 = Utc::now() + Duration::days(2);
    let at = |days: i64| t0 + Duration::days(days);
    carrier_event(
        &app,
        &peps[0],
        "outbound",
        event(at(0), LegStatus::InTransit),
    );
    carrier_event(
        &app,
        &peps[0],
        "outbound",
        event(at(4), LegStatus::Delivered),
    );
    carrier_event(&app, &peps[0], "return", event(at(9), LegStatus::InTransit));
    assert_eq!(check_in_at(&app, &peps[0], at(15)), "accepted");
    carrier_event(
        &app,
        &peps[1],
        "outbound",
        event(at(1), LegStatus::ReturnToSender),
    );
    ops::reissue::reissue(
        &app.db,
        &PepId::parse(&peps[1]).unwrap(),
        "devuelto por la paquetería",
        None,
        &Actor::system(),
        at(6),
    )
    .unwrap();

    let funnel = |t: DateTime<Utc>| reports::funnel(&app.db, &Scope::National, t).unwrap().total;
    let ms = Duration::milliseconds(1);
    let f = |t| {
        let r = funnel(t);
        [
            r.generated,
            r.shipped,
            r.delivered,
            r.undeliverable,
            r.reissued,
            r.returning,
            r.on_time,
            r.late,
        ]
    };
    assert_eq!(f(at(0) - ms), [3, 0, 0, 0, 0, 0, 0, 0]);
    assert_eq!(f(at(0)), [3, 1, 0, 0, 0, 0, 0, 0]);
    assert_eq!(f(at(1) - ms), [3, 1, 0, 0, 0, 0, 0, 0]);
    assert_eq!(f(at(1)), [3, 2, 0, 1, 0, 0, 0, 0]);
    assert_eq!(f(at(4) - ms)[2], 0);
    assert_eq!(f(at(4))[2], 1);
    // The replacement PEP exists from the reissue on.
    assert_eq!(f(at(6) - ms)[..5], [3, 2, 1, 1, 0]);
    assert_eq!(f(at(6))[..5], [4, 2, 1, 1, 1]);
    assert_eq!(f(at(9) - ms)[5], 0);
    assert_eq!(f(at(9))[5], 1);
    assert_eq!(f(at(15) - ms)[6], 0);
    assert_eq!(f(at(15)), [4, 2, 1, 1, 1, 1, 1, 0]);
    assert_eq!(funnel(at(15)).received_share(), Some(50.0));

    let spreads = |t| {
        reports::timings(&app.db, &Scope::National, t)
            .unwrap()
            .total
            .spreads
    };
    assert_eq!(spreads(at(4) - ms)[0].n, 0);
    let s = spreads(at(4));
    assert_eq!((s[0].n, s[0].median), (1, Some(4.0)));
    assert_eq!(s[1].n, 0);
    assert_eq!(
        (spreads(at(9))[1].n, spreads(at(9))[1].median),
        (1, Some(5.0))
    );
    let s = spreads(at(15));
    assert_eq!((s[2].n, s[2].median, s[2].histogram[6]), (1, Some(6.0), 1));
}

#[test]
fn a_scope_keeps_only_its_entities_and_its_totals_are_theirs() {
    let app = TestApp::new();
    demo_list(&app, 400, 5);
    let at = Utc::now();
    let national = reports::reports(&app.db, &Scope::National, at).unwrap();
    let oaxaca = Scope::parse_list("20").unwrap();
    let r = reports::reports(&app.db, &oaxaca, at).unwrap();
    let row = |t: &reports::EntityTable, code: &str| {
        t.rows.iter().find(|x| x.code == code).unwrap().clone()
    };
    assert_eq!(r.by_entity.rows.len(), 1);
    assert_eq!(r.by_entity.rows[0], row(&national.by_entity, "20"));
    assert_eq!(
        r.by_entity.total.electors,
        row(&national.by_entity, "20").electors
    );
    assert_eq!(r.by_country.entities, ["20"]);
    assert_eq!(r.by_country.total.total, r.by_entity.total.electors);
    assert!(r.funnel.rows.iter().all(|x| x.code == "20"));
    assert_eq!(r.funnel.total.generated, r.by_entity.total.electors);
}

#[test]
fn the_page_shows_the_tables_at_the_chosen_cut_and_refuses_a_bad_one() {
    let app = TestApp::new();
    demo_list(&app, 200, 3);
    app.add_user("vera", Role::Viewer);
    let client = app.client();
    login(&client, "vera", PASSWORD);
    let page = viewer_get(&app, &client, "/informes?corte=2022-05-15T18:30");
    assert!(
        page.contains("con corte al 15 de mayo de 2022, 18:30"),
        "{page}"
    );
    for t in [
        "Ciudadanos en la LNERE postal por entidad",
        "Tiempos de tránsito",
        "Recibidos en plazo",
    ] {
        assert!(page.contains(t), "{t}");
    }
    assert!(page.contains("<svg class=\"chart\""));
    assert!(
        page.contains("Histogramas de Oaxaca"),
        "one set of histograms per entity"
    );
    assert!(page.contains("href=\"/informes/paises.csv?corte=2022-05-15T18:30\""));
    assert!(page.contains(">200<"), "the total of the list");
    let res = client.get("/informes?corte=ayer").dispatch();
    assert_eq!(res.status(), Status::UnprocessableEntity);
    let res = client.get("/informes/nada.csv").dispatch();
    assert_eq!(res.status(), Status::NotFound);
}

/// The XML of the first worksheet of an XLSX file, and the workbook's sheet list.
fn xlsx_parts(path: &std::path::Path) -> (String, String) {
    let mut zip = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
    let mut read = |name: &str| {
        let mut s = String::new();
        zip.by_name(name).unwrap().read_to_string(&mut s).unwrap();
        s
    };
    (read("xl/worksheets/sheet1.xml"), read("xl/workbook.xml"))
}

#[test]
fn report_writes_an_xlsx_of_real_numbers_and_a_pdf_with_the_cut_and_totals() {
    let app = TestApp::new();
    demo_list(&app, 1234, 9);
    let xlsx = app.dir.path().join("informe.xlsx");
    let out = app.cli(&["report", "--as-of", CUT, "--out", xlsx.to_str().unwrap()]);
    assert!(out.status.success(), "report: {}", stderr(&out));
    let (sheet, book) = xlsx_parts(&xlsx);
    for name in ["Entidades", "Países", "Embudo", "Tiempos", "Histogramas"] {
        assert!(book.contains(&format!("name=\"{name}\"")), "{name}: {book}");
    }
    // The total of electors is a numeric cell (no t="s"/"str"/"inlineStr"), not text.
    let v = sheet.find("<v>1234</v>").expect("the total as a number");
    let open = sheet[..v].rfind("<c ").unwrap();
    assert!(!sheet[open..v].contains(" t=\""), "{}", &sheet[open..v]);

    let pdf = app.dir.path().join("informe.pdf");
    let out = app.cli(&["report", "--as-of", CUT, "--out", pdf.to_str().unwrap()]);
    assert!(out.status.success(), "report: {}", stderr(&out));
    let text = std::process::Command::new("pdftotext")
        .args(["-layout", pdf.to_str().unwrap(), "-"])
        .output()
        .expect("pdftotext (poppler-utils)");
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(
        text.contains("con corte al 1 de junio de 2022, 23:59"),
        "{text}"
    );
    assert!(
        text.contains("1,234"),
        "the total in es-MX notation: {text}"
    );
    assert!(text.contains("Notas y fuentes"));

    let out = app.cli(&[
        "report",
        "--out",
        app.dir.path().join("x.docx").to_str().unwrap(),
    ]);
    assert!(!out.status.success());
    assert!(stderr(&out).contains(".pdf o .xlsx"), "{}", stderr(&out));
}
