//! Scoped boards (an OPL's): a viewer account and a viewer token limited to entity 20 walk every
//! route the viewer role may use (from `web::policy::ROUTES`, so a new route cannot be
//! forgotten) and find no other entity's PEPs, names or countries, and totals that are their
//! entity's totals. Also: who may be scoped, and the CLI's `--entity`.

use std::collections::BTreeSet;

use pep_tracker::domain::role::Role;
use pep_tracker::web::policy::{Access, ROUTES};
use rocket::http::{Header, Status};
use rocket::local::blocking::Client;
use serde_json::Value;

use crate::support::{login, stderr, stdout, TestApp, PASSWORD};

/// In scope: Oaxaca. Out: the other three entities of the election.
const INSIDE: &str = "20";
const OUTSIDE_NAMES: [&str; 3] = ["Aguascalientes", "Durango", "Tamaulipas"];

struct Fixture {
    app: TestApp,
    inside_peps: Vec<String>,
    outside_peps: Vec<String>,
    inside_electors: i64,
    /// Spanish names of countries where only out-of-scope electors live.
    outside_only_countries: Vec<String>,
}

fn peps(app: &TestApp, inside: bool) -> Vec<String> {
    let conn = app.raw_sql();
    let op = if inside { "=" } else { "<>" };
    let mut stmt = conn
        .prepare(&format!(
            "SELECT pep_id FROM peps WHERE entity {op} '{INSIDE}' ORDER BY id"
        ))
        .unwrap();
    let rows = stmt.query_map([], |r| r.get(0)).unwrap();
    rows.map(Result::unwrap).collect()
}

fn fixture() -> Fixture {
    let app = TestApp::upcoming();
    app.import_demo(400, 7);
    let out = app.cli(&["batch", "create", "--name", "Lote mixto"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let (inside_peps, outside_peps) = (peps(&app, true), peps(&app, false));
    assert!(inside_peps.len() >= 10 && outside_peps.len() >= 10);
    // Envelopes back from both sides: reconciliation and MEC tallies have something to hide.
    for p in inside_peps
        .iter()
        .take(2)
        .chain(outside_peps.iter().take(3))
    {
        let out = app.cli(&["checkin", &app.code_of(p), "--station", "mesa-1"]);
        assert!(out.status.success(), "{}", stderr(&out));
    }
    let conn = app.raw_sql();
    let inside_electors = conn
        .query_row(
            "SELECT count(*) FROM electors WHERE entity = ?1",
            [INSIDE],
            |r| r.get(0),
        )
        .unwrap();
    let mut stmt = conn
        .prepare(
            "SELECT DISTINCT country FROM electors WHERE country NOT IN
               (SELECT country FROM electors WHERE entity = ?1)",
        )
        .unwrap();
    let outside_only_countries: Vec<String> = stmt
        .query_map([INSIDE], |r| r.get::<_, String>(0))
        .unwrap()
        .map(|c| {
            let c = c.unwrap();
            pep_tracker::domain::geo::country(&c).map_or(c, |k| k.name_es.to_string())
        })
        .collect();
    drop(stmt);
    drop(conn);
    Fixture {
        app,
        inside_peps,
        outside_peps,
        inside_electors,
        outside_only_countries,
    }
}

impl Fixture {
    /// Fails when `body` (of `what`) shows anything of another entity.
    fn assert_clean(&self, what: &str, body: &str) {
        for p in &self.outside_peps {
            assert!(
                !body.contains(p.as_str()),
                "{what} shows {p} of another entity"
            );
        }
        for name in OUTSIDE_NAMES {
            assert!(!body.contains(name), "{what} names {name}");
        }
        for c in &self.outside_only_countries {
            assert!(
                !body.contains(&format!(">{c}<")) && !body.contains(&format!("\"{c}\"")),
                "{what} names {c}, where only other entities' electors live"
            );
        }
    }
}

/// Every concrete path of a route pattern: in-scope and out-of-scope values for its parameters.
fn paths(f: &Fixture, pattern: &str) -> Vec<(String, bool)> {
    let mut out = vec![(pattern.to_string(), true)];
    let subs: [(&str, Vec<(String, bool)>); 6] = [
        (
            "<pep_id>",
            vec![
                (f.inside_peps[0].clone(), true),
                (f.outside_peps[0].clone(), false),
            ],
        ),
        (
            "<table>",
            ["entidades.csv", "paises.csv", "recepcion-diaria.csv"]
                .map(|t| (t.to_string(), true))
                .to_vec(),
        ),
        (
            "<entity>",
            vec![(INSIDE.into(), true), ("10".into(), false)],
        ),
        ("<mec>", vec![("1".into(), true)]),
        (
            "<file>",
            [
                "entidades.csv",
                "paises.csv",
                "embudo.csv",
                "tiempos.csv",
                "histogramas.csv",
            ]
            .map(|t| (t.to_string(), true))
            .to_vec(),
        ),
        ("<path..>", vec![("style.css".into(), true)]),
    ];
    for (param, values) in subs {
        out = out
            .into_iter()
            .flat_map(|(p, ok)| {
                if !p.contains(param) {
                    return vec![(p, ok)];
                }
                values
                    .iter()
                    .map(|(v, vok)| (p.replace(param, v), ok && *vok))
                    .collect()
            })
            .collect();
    }
    for (p, _) in &out {
        assert!(
            !p.contains('<'),
            "route {p}: no fixture value for its parameter"
        );
    }
    out
}

fn get(client: &Client, path: &str, token: Option<&str>) -> (Status, String) {
    let mut req = client.get(path.to_string());
    if let Some(t) = token {
        req = req.header(Header::new("Authorization", format!("Bearer {t}")));
    }
    let resp = req.dispatch();
    let status = resp.status();
    let body = resp
        .into_bytes()
        .map(|b| String::from_utf8_lossy(&b).into_owned())
        .unwrap_or_default();
    (status, body)
}

#[test]
fn a_scoped_viewer_and_token_see_only_their_entity_on_every_route() {
    let f = fixture();
    let out = f.app.cli_with_stdin(
        &[
            "user", "add", "--name", "oaxaca", "--role", "viewer", "--entity", INSIDE,
        ],
        &format!("{PASSWORD}\n"),
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let out = f.app.cli(&[
        "token",
        "create",
        "--name",
        "opl-oaxaca",
        "--role",
        "viewer",
        "--entity",
        INSIDE,
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let token = stdout(&out).trim().to_string();
    let client = f.app.client();
    assert_eq!(login(&client, "oaxaca", PASSWORD).0, Status::SeeOther);
    let mut walked = 0;
    for (method, pattern, access) in ROUTES {
        let Access::Roles(roles) = access else {
            continue;
        };
        if *method != "GET" || !roles.contains(&Role::Viewer) {
            continue; // the viewer's only POST is /logout
        }
        for (path, inside) in paths(&f, pattern) {
            let api = path.starts_with("/api/");
            let (status, body) = get(&client, &path, api.then_some(token.as_str()));
            if inside {
                assert_eq!(status, Status::Ok, "GET {path}");
                f.assert_clean(&format!("GET {path}"), &body);
            } else {
                // Refused exactly as a PEP that does not exist (the 404 echoes the id asked).
                assert_eq!(status, Status::NotFound, "GET {path} (another entity's)");
                let asked = &f.outside_peps[0];
                let none = path.replace(asked.as_str(), "PEP-9999999-1");
                let (_, missing) = get(&client, &none, api.then_some(token.as_str()));
                assert_eq!(
                    body.replace(asked.as_str(), "?"),
                    missing.replace("PEP-9999999-1", "?"),
                    "GET {path}"
                );
                f.assert_clean(&format!("GET {path}"), &body.replace(asked.as_str(), "?"));
            }
            walked += 1;
        }
    }
    assert!(walked >= 15, "walked only {walked} paths");
    for q in [&f.outside_peps[1], &f.outside_peps[2]] {
        let (status, body) = get(&client, &format!("/search?q={q}"), None);
        assert_eq!(status, Status::Ok);
        // The page repeats what was typed; nothing else of that PEP may show.
        assert!(
            body.contains("Ningún PEP coincide"),
            "found outside the scope: {q}"
        );
        f.assert_clean("search", &body.replace(q.as_str(), "?"));
    }
    let (_, body) = get(&client, &format!("/search?q={}", f.inside_peps[1]), None);
    assert!(body.contains(f.inside_peps[1].as_str()), "own PEP found");
    assert_totals(&f, &client, &token);
}

/// Totals are the entity's own totals.
fn assert_totals(f: &Fixture, client: &Client, token: &str) {
    let (_, body) = get(client, "/api/v1/stats", Some(token));
    let stats: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(stats["electors"], f.inside_electors);
    let entities: Vec<&str> = stats["by_entity"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["code"].as_str().unwrap())
        .collect();
    assert_eq!(entities, [INSIDE]);
    let by_country: i64 = stats["by_country"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["n"].as_i64().unwrap())
        .sum();
    assert_eq!(by_country, f.inside_electors);
    let (_, csv) = get(client, "/dashboard/entidades.csv", None);
    let rows: Vec<&str> = csv.lines().collect();
    assert_eq!(rows.len(), 3, "header, Oaxaca, total: {csv}");
    assert!(rows[1].starts_with("20,Oaxaca,"));
    let total = rows[2].rsplit(',').next().unwrap();
    assert_eq!(total, f.inside_peps.len().to_string());
    let (_, page) = get(client, "/batches", None);
    assert!(page.contains(&format!("<td class=\"num\">{}</td>", f.inside_peps.len())));
    let (_, rec) = get(client, "/reception/reconciliation.csv", None);
    let mecs: BTreeSet<&str> = rec
        .lines()
        .filter_map(|l| l.strip_prefix("mec,MEC "))
        .map(|l| &l[..2])
        .collect();
    assert_eq!(mecs, BTreeSet::from([INSIDE]), "{rec}");
    let accepted = rec
        .lines()
        .find(|l| l.starts_with("scans,accepted,"))
        .unwrap();
    assert_eq!(
        accepted, "scans,accepted,2,,,",
        "two of the five envelopes are Oaxaca's"
    );
    let (_, dash) = get(client, "/", None);
    assert!(
        dash.contains("<svg class=\"map\""),
        "the dashboard draws its maps"
    );
}

#[test]
fn only_viewers_may_be_scoped_and_bad_entities_are_refused() {
    let app = TestApp::new();
    let out = app.cli_with_stdin(
        &[
            "user", "add", "--name", "x", "--role", "shipping", "--entity", "20",
        ],
        &format!("{PASSWORD}\n"),
    );
    assert!(!out.status.success());
    assert!(stderr(&out).contains("entity:"), "{}", stderr(&out));
    let out = app.cli(&[
        "token", "create", "--name", "t", "--role", "viewer", "--entity", "33",
    ]);
    assert!(!out.status.success());
    assert!(stderr(&out).contains("--entity"), "{}", stderr(&out));
    let out = app.cli(&[
        "token", "create", "--name", "t2", "--role", "viewer", "--entity", "20", "--entity",
        "07,20",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let scope: String = app
        .raw_sql()
        .query_row("SELECT scope FROM tokens WHERE name = 't2'", [], |r| {
            r.get(0)
        })
        .unwrap();
    assert_eq!(scope, "07,20");
}
