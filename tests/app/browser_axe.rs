//! Accessibility checked by a real tool: axe-core (tests/axe, test-only, never served) runs in
//! headless Chromium on every HTML page of the route table (`web::policy::ROUTES`), for nobody
//! signed in and for every role the page admits, with its WCAG 2.1 A and AA rules and its best
//! practices. Any violation fails the test. Pages added to the table are covered as they come.

use std::path::PathBuf;
use std::process::Command;

use pep_tracker::domain::role::Role;
use pep_tracker::web::policy::{Access, ROUTES};
use serde_json::{json, Value};

use crate::browser_kit::Kit;
use crate::routes_and_roles::concrete;
use crate::support::TestApp;

const ROLES: [Role; 5] = [
    Role::Admin,
    Role::Shipping,
    Role::Reception,
    Role::Sync,
    Role::Viewer,
];

/// axe-core's script, installed by `npm ci --prefix tests/axe` (done here when missing).
pub(crate) fn axe_source() -> Option<String> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/axe");
    let file = dir.join("node_modules/axe-core/axe.min.js");
    if !file.exists() {
        let _ = Command::new("npm")
            .args(["ci", "--no-audit", "--no-fund", "--prefix"])
            .arg(&dir)
            .status();
    }
    match std::fs::read_to_string(&file) {
        Ok(s) => Some(s),
        Err(_) if std::env::var_os("CI").is_some() => {
            panic!("axe-core is required in CI: npm ci --prefix tests/axe")
        }
        Err(_) => None,
    }
}

const RUN_AXE: &str = "var done = arguments[arguments.length - 1];
  axe.run(document, {
    runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] },
    resultTypes: ['violations']
  }).then(function (r) {
    done(r.violations.map(function (v) {
      return { id: v.id, impact: v.impact, help: v.help, count: v.nodes.length,
               nodes: v.nodes.slice(0, 4).map(function (n) { return n.target.join(' ') + ' :: ' + (n.failureSummary || ''); }) };
    }));
  }, function (e) { done([{ id: 'axe-error', help: String(e) }]); });";

/// The GET pages a role may open (documents and JSON are skipped once loaded).
fn pages(role: Option<Role>, pep: &str) -> Vec<String> {
    ROUTES
        .iter()
        .filter(|(m, path, access)| {
            *m == "GET"
                && !path.starts_with("/static/")
                && !pep_tracker::web::policy::takes_token(path)
                && *path != "/healthz"
                && match (access, role) {
                    (Access::Public, _) => true,
                    (Access::Roles(rs), Some(r)) => rs.contains(&r),
                    (Access::Roles(_), None) => false,
                    (Access::Carrier, _) => false,
                }
        })
        .map(|(_, path, _)| concrete(&path.replace("<pep_id>", pep)))
        .collect()
}

/// axe's violations on the page now loaded, or None when it is not an HTML page.
pub(crate) fn audit(kit: &Kit, axe: &str) -> Option<Vec<Value>> {
    let kind = kit.exec("return document.contentType;", json!([]));
    if kind != "text/html" {
        return None;
    }
    kit.exec(&format!("{axe}\n;return true;"), json!([]));
    let v = kit.exec_async(RUN_AXE, json!([]));
    Some(v.as_array().cloned().unwrap_or_else(|| vec![v]))
}

#[test]
fn every_page_for_every_role_passes_axe_core_wcag21_aa_and_best_practices() {
    let Some(axe) = axe_source() else {
        eprintln!("skipped: axe-core not installed (npm ci --prefix tests/axe)");
        return;
    };
    let app = TestApp::upcoming();
    app.import_demo(40, 64);
    for role in ROLES {
        app.add_user(role.as_str(), role);
    }
    let pep = app.pep_ids(1)[0].clone();
    let code = app.code_of(&pep);
    let Some(mut kit) = Kit::start(&app, &[]) else {
        return;
    };
    let mut found = Vec::new();
    let mut audited = 0;
    for role in std::iter::once(None).chain(ROLES.map(Some)) {
        kit.new_session();
        if let Some(r) = role {
            kit.login(r.as_str());
        }
        let mut paths = pages(role, &pep);
        paths.push("/no-such-page".into());
        for path in paths {
            kit.go(&path);
            let Some(violations) = audit(&kit, &axe) else {
                continue;
            };
            audited += 1;
            for v in violations {
                found.push(format!("{role:?} {path}: {v}"));
            }
        }
        if role == Some(Role::Reception) {
            // The station with a verdict painted (its colours are checked too).
            kit.go("/station");
            kit.b.type_into(&kit.s, "#station", "mesa-axe");
            for c in [code.as_str(), code.as_str(), "NO-ES-UN-CODIGO"] {
                kit.exec(
                    "document.getElementById('verdict').className = 'verdict';",
                    json!([]),
                );
                kit.scan(c);
                kit.wait_for("a verdict", 15, "var c = document.getElementById('verdict').className; return c !== 'verdict' && c.indexOf('v-idle') < 0;");
                for v in audit(&kit, &axe).unwrap() {
                    found.push(format!("{role:?} /station after {c}: {v}"));
                }
            }
        }
    }
    assert!(audited >= 20, "only {audited} pages audited");
    assert!(
        found.is_empty(),
        "{} violations:\n{}",
        found.len(),
        found.join("\n")
    );
}
