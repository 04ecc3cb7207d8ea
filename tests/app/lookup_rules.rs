//! The public lookup's rules around the answer: refusals that take the same time, limits per
//! client address and per elector key with a clear answer, Spanish or English on the public
//! page only, and the demo's example (the one the README names).

use std::time::Instant;

use pep_tracker::ops;
use pep_tracker::ops::demo_data::{write_demo_csv, DemoSpec};
use pep_tracker::web::lookup_text::DemoMode;
use rocket::http::{ContentType, Header, Status};
use rocket::local::blocking::Client;
use serde_json::{json, Value};

use crate::carriers::ship;
use crate::lookup_public::{api, client_with_limits, mismatches, person};
use crate::support::TestApp;

fn median(v: &mut [f64]) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    v[v.len() / 2]
}

fn quantile(v: &mut [f64], q: f64) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    v[((v.len() - 1) as f64 * q) as usize]
}

#[test]
fn refusals_cannot_be_told_apart_by_their_timing_beyond_the_noise() {
    let app = TestApp::upcoming();
    ship(&app, 40);
    let client = client_with_limits(&app, 1_000_000, 1_000_000);
    let all = mismatches(&app);
    let pick = [
        "unknown key",
        "wrong postal code",
        "another's envelope code",
        "forged envelope code",
        "malformed key",
        "not json",
    ];
    let cases: Vec<&(&str, Vec<u8>)> = all.iter().filter(|(n, _)| pick.contains(n)).collect();
    assert_eq!(cases.len(), pick.len());
    // Warm up, then interleave the kinds so that drifts of the machine hit all alike.
    for (_, body) in &cases {
        for _ in 0..20 {
            assert_eq!(api(&client, body, None).0, Status::NotFound);
        }
    }
    let rounds = 300;
    let mut times: Vec<Vec<f64>> = vec![Vec::with_capacity(rounds); cases.len()];
    for r in 0..rounds {
        for k in 0..cases.len() {
            // Rotate the order each round: no kind always runs first.
            let i = (k + r) % cases.len();
            let t = Instant::now();
            let (status, _) = api(&client, &cases[i].1, None);
            times[i].push(t.elapsed().as_secs_f64() * 1e6);
            assert_eq!(status, Status::NotFound);
        }
    }
    let mut pooled: Vec<f64> = times.iter().flatten().copied().collect();
    let pooled_median = median(&mut pooled);
    let iqr = quantile(&mut pooled, 0.75) - quantile(&mut pooled, 0.25);
    // The noise: the spread of one request's time (its interquartile range), and never less
    // than a sixth of the median: generous on a shared machine, yet a refusal that skipped the
    // database or the comparison would stand out.
    let bound = iqr.max(pooled_median / 6.0);
    let medians: Vec<f64> = times.iter_mut().map(|t| median(t)).collect();
    let report: Vec<String> = cases
        .iter()
        .zip(&medians)
        .map(|((n, _), m)| format!("{n}: {m:.0} µs"))
        .collect();
    eprintln!(
        "lookup refusal medians ({rounds} each): {}; pooled median {pooled_median:.0} µs, IQR {iqr:.0} µs, bound {bound:.0} µs",
        report.join(", ")
    );
    let (lo, hi) = medians
        .iter()
        .fold((f64::MAX, 0.0f64), |(lo, hi), m| (lo.min(*m), hi.max(*m)));
    assert!(
        hi - lo <= bound,
        "refusal medians differ by {:.0} µs > {bound:.0} µs: {}",
        hi - lo,
        report.join(", ")
    );
}

#[test]
fn one_address_gets_ten_lookups_a_minute_then_a_clear_429_in_its_language() {
    let app = TestApp::upcoming();
    ship(&app, 2);
    let client = app.client();
    let body = json!({"elector_key": "ZZZZZZ99999999Z999", "postal_code": "1"}).to_string();
    let ask = |addr: &str, lang: &str| {
        let r = client
            .post("/api/v1/lookup")
            .header(ContentType::JSON)
            .header(Header::new("Accept-Language", lang.to_string()))
            .remote(format!("{addr}:40000").parse().unwrap())
            .body(body.clone())
            .dispatch();
        let retry = r.headers().get_one("Retry-After").map(String::from);
        (r.status(), retry, r.into_string().unwrap())
    };
    for i in 0..10 {
        assert_eq!(ask("10.0.0.1", "es").0, Status::NotFound, "lookup {i}");
    }
    let (s, retry, text) = ask("10.0.0.1", "es");
    assert_eq!(s, Status::TooManyRequests);
    let secs: u64 = retry.expect("Retry-After").parse().unwrap();
    assert!((1..=60).contains(&secs), "{secs}");
    let v: Value = serde_json::from_str(&text).unwrap();
    assert!(v["error"]
        .as_str()
        .unwrap()
        .starts_with("Demasiadas consultas"));
    let (_, _, text) = ask("10.0.0.1", "en");
    assert!(text.contains("Too many lookups"), "{text}");
    // Another address is not held back (the key's own limit is higher).
    assert_eq!(ask("10.0.0.2", "es").0, Status::NotFound);
}

#[test]
fn one_elector_key_is_limited_from_any_address_and_the_page_says_so() {
    let app = TestApp::upcoming();
    ship(&app, 2);
    let pep = app.pep_ids(1)[0].clone();
    let who = person(&app, &pep);
    let client = client_with_limits(&app, 1000, 3);
    let page = |addr: &str, key: &str| {
        let html = client.get("/consulta").dispatch().into_string().unwrap();
        let csrf = crate::support::csrf_from(&html);
        let r = client
            .post("/consulta")
            .header(ContentType::Form)
            .remote(format!("{addr}:40000").parse().unwrap())
            .body(format!(
                "csrf={csrf}&lang=en&elector_key={key}&postal_code={}",
                who.postal
            ))
            .dispatch();
        (r.status(), r.into_string().unwrap())
    };
    for i in 0..3 {
        assert_eq!(page(&format!("10.0.1.{i}"), &who.key).0, Status::Ok);
    }
    let (s, html) = page("10.0.2.1", &who.key);
    assert_eq!(s, Status::TooManyRequests);
    assert!(
        html.contains("Too many lookups. Please try again in"),
        "{html}"
    );
    assert_eq!(page("10.0.2.1", "ZZZZZZ99999999Z999").0, Status::NotFound);
}

fn get(client: &Client, path: &str, lang: Option<&str>) -> String {
    let mut req = client.get(path.to_string());
    if let Some(l) = lang {
        req = req.header(Header::new("Accept-Language", l.to_string()));
    }
    req.dispatch().into_string().unwrap()
}

#[test]
fn the_public_page_follows_the_browser_has_a_switch_and_defaults_to_spanish() {
    let app = TestApp::upcoming();
    app.import_demo(2, 5);
    let client = app.client();
    let es = get(&client, "/consulta", None);
    assert!(es.contains(r#"<html lang="es-MX">"#));
    assert!(es.contains("Consulte su Paquete Electoral Postal"));
    assert!(es.contains(r#"href="/consulta?lang=en""#) && es.contains(">English<"));
    let en = get(&client, "/consulta", Some("en-US,en;q=0.9,es;q=0.5"));
    assert!(en.contains(r#"<html lang="en">"#));
    assert!(en.contains("Track your postal voting package"));
    assert!(en.contains(r#"href="/consulta?lang=es""#) && en.contains(">Español<"));
    assert!(!en.contains("Consulte su Paquete"));
    // The switch wins over the browser and is remembered.
    let chosen = get(&client, "/consulta?lang=es", Some("en"));
    assert!(chosen.contains("Consulte su Paquete Electoral Postal"));
    let later = get(&client, "/consulta", Some("en"));
    assert!(
        later.contains("Consulte su Paquete Electoral Postal"),
        "{later}"
    );
    let _ = get(&client, "/consulta?lang=en", None);
    assert!(get(&client, "/consulta", None).contains("Track your postal voting package"));
    // Other pages stay Spanish, whatever the browser or the cookie says.
    let login = get(&client, "/login", Some("en"));
    assert!(login.contains(r#"<html lang="es-MX">"#), "{login}");
    assert!(login.contains("Voto postal desde el extranjero"));
}

/// The key and postal code the README's demo section names.
fn readme_example() -> (String, String) {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let line = readme
        .lines()
        .find(|l| l.contains("clave de elector") && l.contains("código postal"))
        .expect("the README's demo section names a key and a postal code");
    let ticked: Vec<&str> = line.split('`').skip(1).step_by(2).collect();
    assert!(ticked.len() >= 2, "{line}");
    (ticked[0].to_string(), ticked[1].to_string())
}

#[test]
fn the_demo_offers_the_key_and_postal_code_the_readme_names_and_they_work() {
    let mut csv = Vec::new();
    let spec = DemoSpec {
        electors: ops::demo::DEMO_ELECTORS,
        seed: 2022,
        entities: ["01", "10", "20", "28"].map(String::from).to_vec(),
    };
    write_demo_csv(&spec, &mut csv).unwrap();
    let app = TestApp::upcoming();
    let file = app.write_file("demo.csv", std::str::from_utf8(&csv).unwrap());
    let out = app.cli(&["import-lnere", file.to_str().unwrap()]);
    assert!(out.status.success(), "{}", crate::support::stderr(&out));
    let (key, postal) = readme_example();
    assert_eq!(
        ops::lookup::demo_example(&app.db).unwrap(),
        Some((key.clone(), postal.clone())),
        "the README must name the demo's first elector"
    );
    // The hint shows in demo mode only.
    let plain = app.client();
    assert!(!get(&plain, "/consulta", None).contains("demo-hint"));
    let figment = rocket::Config::figment();
    let checkins = pep_tracker::ops::checkin_queue::CheckinQueue::on_clock(
        app.db.clone(),
        pep_tracker::ops::checkin_queue::MAX_GROUP,
        pep_tracker::clock::wall(),
    );
    let demo = Client::tracked(
        pep_tracker::web::build_with(app.db.clone(), &app.secrets(), figment, checkins)
            .manage(DemoMode),
    )
    .unwrap();
    let html = get(&demo, "/consulta", None);
    assert!(html.contains("demo-hint") && html.contains(&key) && html.contains(&postal));
    let body = json!({"elector_key": key, "postal_code": postal}).to_string();
    let (s, text) = api(&demo, body.as_bytes(), None);
    assert_eq!(s, Status::Ok, "{text}");
}
