//! The public lookup on a phone: headless Chromium at 375 px wide, the form, an answer and a
//! refusal in Spanish and English: no horizontal scrolling, inputs and buttons at least 44 px
//! tall, text of at least 16 px, and nothing for axe-core to report.

use serde_json::json;

use crate::browser_axe::{audit, axe_source};
use crate::browser_kit::Kit;
use crate::carriers::ship;
use crate::lookup_public::person;
use crate::support::TestApp;

/// Horizontal overflow, the smallest control height and the smallest text size on the page.
const MEASURE: &str = "var w = window.innerWidth;
  var over = document.documentElement.scrollWidth - w;
  var minH = 1e9; document.querySelectorAll('input:not([type=hidden]), button, summary').forEach(function (e) {
    var r = e.getBoundingClientRect(); if (r.width > 0) { minH = Math.min(minH, r.height); } });
  var minF = 1e9; document.querySelectorAll('.lookup p, .lookup label, .lookup dd, .lookup dt, .lookup li, .lookup .alert').forEach(function (e) {
    minF = Math.min(minF, parseFloat(getComputedStyle(e).fontSize)); });
  return {width: w, over: over, minH: minH, minF: minF};";

fn fill(kit: &Kit, key: &str, postal: &str) {
    kit.exec(
        "document.getElementById('elector_key').value = arguments[0];
         document.getElementById('postal_code').value = arguments[1];
         document.querySelector('.lookup form').requestSubmit();",
        json!([key, postal]),
    );
    kit.wait_for(
        "the answer",
        15,
        "return document.readyState === 'complete' && document.getElementById('answer') !== null;",
    );
}

#[test]
fn on_a_375_px_phone_the_lookup_fits_is_legible_and_passes_axe_in_both_languages() {
    let Some(axe) = axe_source() else {
        eprintln!("skipped: axe-core not installed (npm ci --prefix tests/axe)");
        return;
    };
    let app = TestApp::upcoming();
    ship(&app, 3);
    let who = person(&app, &app.pep_ids(1)[0]);
    let Some(kit) = Kit::start(&app, &[]) else {
        return;
    };
    kit.b.post(
        &format!("/session/{}/window/rect", kit.s),
        json!({"width": 375, "height": 812}),
    );
    let mut found = Vec::new();
    for lang in ["es", "en"] {
        for (what, key, postal) in [
            ("form", "", ""),
            ("answer", who.key.as_str(), who.postal.as_str()),
            ("refusal", who.key.as_str(), "00000"),
        ] {
            kit.go(&format!("/consulta?lang={lang}"));
            if what != "form" {
                fill(&kit, key, postal);
            }
            let m = kit.exec(MEASURE, json!([]));
            kit.screenshot(&format!("lookup-375-{lang}-{what}"));
            assert!(m["width"].as_f64().unwrap() <= 400.0, "{lang} {what}: {m}");
            assert!(
                m["over"].as_f64().unwrap() <= 0.0,
                "{lang} {what}: scrolls sideways: {m}"
            );
            assert!(
                m["minH"].as_f64().unwrap() >= 44.0,
                "{lang} {what}: small control: {m}"
            );
            assert!(
                m["minF"].as_f64().unwrap() >= 16.0,
                "{lang} {what}: small text: {m}"
            );
            let html_lang = kit.exec("return document.documentElement.lang;", json!([]));
            assert_eq!(html_lang, if lang == "es" { "es-MX" } else { "en" });
            for v in audit(&kit, &axe).unwrap_or_default() {
                found.push(format!("{lang} {what}: {v}"));
            }
        }
    }
    assert!(found.is_empty(), "{}", found.join("\n"));
}
