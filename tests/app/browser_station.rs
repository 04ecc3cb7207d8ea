//! The station in a real browser: scans taken while the server is down are kept, shown as
//! pending with their positions, and decided exactly once when it is back; a tone per verdict
//! that can be switched off; and the camera reading a printed label from a fake video.

use std::process::Command;
use std::time::Duration;

use pep_tracker::domain::role::Role;
use serde_json::{json, Value};

use crate::browser_kit::Kit;
use crate::support::{stderr, stdout, TestApp, ELECTION};

fn count(app: &TestApp, sql: &str) -> i64 {
    app.raw_sql().query_row(sql, [], |r| r.get(0)).unwrap()
}

/// The rows of the list of envelopes set aside: [position, code, time, state, verdict].
const ROWS: &str = "return Array.from(document.querySelectorAll('#pending tr'))
    .map(tr => Array.from(tr.cells).map(td => td.textContent));";

fn verdict_class(kit: &Kit, class: &str) -> Value {
    kit.wait_for(
        &format!("verdict {class}"),
        15,
        &format!(
            "var v = document.getElementById('verdict');
             return v.classList.contains('{class}') ? v.textContent : null;"
        ),
    )
}

/// Clears the verdict so that the next paint (even of the same class) can be seen.
fn reset_verdict(kit: &Kit) {
    kit.exec(
        "document.getElementById('verdict').className = 'verdict v-idle';",
        json!([]),
    );
}

#[test]
fn scans_taken_while_the_server_is_down_are_set_aside_in_order_and_decided_once_when_it_is_back() {
    let app = TestApp::upcoming();
    app.import_demo(30, 61);
    app.add_user("recepcion", Role::Reception);
    let codes: Vec<String> = app.pep_ids(3).iter().map(|p| app.code_of(p)).collect();
    let Some(mut kit) = Kit::start(&app, &[]) else {
        return;
    };
    kit.login("recepcion");
    kit.go("/station");
    kit.b.type_into(&kit.s, "#station", "mesa-red");
    kit.scan(&codes[0]);
    verdict_class(&kit, "v-accepted");

    kit.stop_server();
    for (i, code) in [&codes[1], &codes[2], &codes[1]].into_iter().enumerate() {
        reset_verdict(&kit);
        kit.scan(code);
        let text = verdict_class(&kit, "v-pending");
        let text = text.as_str().unwrap();
        assert!(
            text.contains("PENDIENTE") && text.contains(&format!("posición {}", i + 1)),
            "{text}"
        );
    }
    let rows = kit.wait_for(
        "three pending rows",
        10,
        &format!("var r = (function () {{ {ROWS} }})(); return r.length === 3 ? r : null;"),
    );
    for (i, row) in rows.as_array().unwrap().iter().enumerate() {
        assert_eq!(row[0], json!((i + 1).to_string()), "{rows}");
        assert_eq!(row[3], "pendiente", "{rows}");
    }
    kit.screenshot("station-offline-pending.png");
    assert_eq!(count(&app, "SELECT count(*) FROM scans"), 1);

    kit.start_server();
    let rows = kit.wait_for(
        "every envelope set aside decided",
        30,
        &format!(
            "var r = (function () {{ {ROWS} }})();
             return r.length === 3 && r.every(c => c[3] !== 'pendiente') ? r : null;"
        ),
    );
    kit.screenshot("station-offline-decided.png");
    let states: Vec<&str> = rows
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r[3].as_str().unwrap())
        .collect();
    assert_eq!(states, ["ACEPTADO", "ACEPTADO", "DUPLICADO"], "{rows}");
    assert!(rows[0][4].as_str().unwrap().contains("MEC"), "{rows}");
    // Give a stray resend time to land, then count: every scan decided exactly once.
    std::thread::sleep(Duration::from_secs(2));
    assert_eq!(count(&app, "SELECT count(*) FROM scans"), 4);
    assert_eq!(count(&app, "SELECT count(*) FROM scan_ids"), 4);
    assert_eq!(count(&app, "SELECT count(*) FROM checkins"), 3);
    let order: Vec<String> = {
        let conn = app.raw_sql();
        let mut st = conn
            .prepare("SELECT s.input FROM scans s JOIN scan_ids k ON k.scan = s.id ORDER BY s.id")
            .unwrap();
        let rows = st.query_map([], |r| r.get(0)).unwrap();
        rows.map(Result::unwrap).collect()
    };
    assert_eq!(
        order,
        [&codes[0], &codes[1], &codes[2], &codes[1]].map(String::clone)
    );

    // Tones: accepted once, then one "pending" per envelope set aside.
    let played = kit.exec("return window.PepSound.played;", json!([]));
    assert_eq!(played, json!(["accepted", "pending", "pending", "pending"]));
}

#[test]
fn each_verdict_has_its_tone_and_the_sound_switch_is_remembered() {
    let app = TestApp::upcoming();
    app.import_demo(10, 62);
    app.add_user("recepcion", Role::Reception);
    let codes: Vec<String> = app.pep_ids(2).iter().map(|p| app.code_of(p)).collect();
    let Some(kit) = Kit::start(&app, &[]) else {
        return;
    };
    kit.login("recepcion");
    kit.go("/station");
    kit.b.type_into(&kit.s, "#station", "mesa-sonido");
    kit.scan(&codes[0]);
    verdict_class(&kit, "v-accepted");
    reset_verdict(&kit);
    kit.scan(&codes[0]);
    verdict_class(&kit, "v-duplicate");
    reset_verdict(&kit);
    kit.scan("NO-ES-UN-CODIGO");
    verdict_class(&kit, "v-invalid");
    let played = kit.exec("return window.PepSound.played;", json!([]));
    assert_eq!(played, json!(["accepted", "attention", "attention"]));
    let tones = kit.exec("return window.PepSound.tones;", json!([]));
    assert_ne!(tones["accepted"], tones["attention"]);
    assert_ne!(tones["accepted"][0][0], tones["attention"][0][0]);

    // Off, and still off after a reload: no tone.
    let switch = kit.b.find(&kit.s, "#sound");
    kit.b.post(
        &format!("/session/{}/element/{switch}/click", kit.s),
        json!({}),
    );
    kit.go("/station");
    let checked = kit.wait_for(
        "switch loaded",
        10,
        "var s = document.getElementById('sound'); return s && window.PepSound ? [s.checked] : null;",
    );
    assert_eq!(checked, json!([false]));
    kit.scan(&codes[1]);
    verdict_class(&kit, "v-accepted");
    assert_eq!(
        kit.exec("return window.PepSound.played;", json!([])),
        json!([])
    );
}

/// Grey 4:2:0 video (neutral chroma) in the YUV4MPEG2 format Chromium's fake camera reads,
/// 10 frames a second; Chromium plays it in a loop.
fn y4m(frames: &[Vec<u8>], w: usize, h: usize) -> Vec<u8> {
    let mut out = format!("YUV4MPEG2 W{w} H{h} F10:1 Ip A1:1 C420jpeg\n").into_bytes();
    for gray in frames {
        assert_eq!(gray.len(), w * h);
        out.extend_from_slice(b"FRAME\n");
        out.extend_from_slice(gray);
        out.extend(std::iter::repeat_n(128u8, w * h / 2));
    }
    out
}

/// Reads a binary PGM (P5) as pdftoppm writes it.
fn pgm(bytes: &[u8]) -> (usize, usize, Vec<u8>) {
    let mut fields = Vec::new();
    let mut i = 0;
    while fields.len() < 4 {
        while bytes[i].is_ascii_whitespace() {
            i += 1;
        }
        let start = i;
        while !bytes[i].is_ascii_whitespace() {
            i += 1;
        }
        fields.push(String::from_utf8_lossy(&bytes[start..i]).to_string());
    }
    assert_eq!(fields[0], "P5");
    let (w, h): (usize, usize) = (fields[1].parse().unwrap(), fields[2].parse().unwrap());
    (w, h, bytes[i + 1..i + 1 + w * h].to_vec())
}

/// A 640×480 camera held over a sheet of the app's own labels.pdf (page rendered by pdftoppm),
/// aimed at the first label's QR code: neighbouring labels and their codes are in view too,
/// and the hand trembles (the picture shifts by a few pixels from frame to frame).
fn label_video(app: &TestApp) -> (std::path::PathBuf, String) {
    let out = app.cli(&["batch", "create", "--name", "Lote cámara"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let batch = stdout(&out).trim().to_string();
    let dir = app.dir.path().join("docs");
    let out = app.cli(&["batch", "documents", &batch, "--out", dir.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    let page = dir.join("page");
    let ok = Command::new("pdftoppm")
        .args(["-r", "110", "-gray", "-f", "1", "-l", "1", "-singlefile"])
        .arg(dir.join("labels.pdf"))
        .arg(&page)
        .status()
        .expect("pdftoppm (poppler-utils)");
    assert!(ok.success());
    let (w, h, px) = pgm(&std::fs::read(dir.join("page.pgm")).unwrap());
    let mut img = rqrr::PreparedImage::prepare_from_greyscale(w, h, |x, y| px[y * w + x]);
    let grids = img.detect_grids();
    assert!(!grids.is_empty(), "no QR code on the rendered label page");
    let (_, content) = grids[0].decode().unwrap();
    let b = grids[0].bounds;
    let cx = (b.iter().map(|p| p.x).sum::<i32>() / 4) as i64;
    let cy = (b.iter().map(|p| p.y).sum::<i32>() / 4) as i64;
    let (fw, fh) = (640usize, 480usize);
    let frame = |dx: i64, dy: i64| {
        let mut frame = vec![255u8; fw * fh];
        for y in 0..fh {
            for x in 0..fw {
                let (sx, sy) = (cx - 320 + dx + x as i64, cy - 240 + dy + y as i64);
                if sx >= 0 && sy >= 0 && (sx as usize) < w && (sy as usize) < h {
                    frame[y * fw + x] = px[sy as usize * w + sx as usize];
                }
            }
        }
        frame
    };
    let shakes = [
        (0, 0),
        (2, 1),
        (3, -2),
        (1, -3),
        (-2, -1),
        (-3, 2),
        (-1, 3),
        (0, 1),
    ];
    let frames: Vec<Vec<u8>> = shakes.iter().map(|&(dx, dy)| frame(dx, dy)).collect();
    let video = app.dir.path().join("labels.y4m");
    std::fs::write(&video, y4m(&frames, fw, fh)).unwrap();
    (video, content)
}

const RETURN_ADDRESS: &str = r#"
[return_address]
name = "Instituto Nacional Electoral"
line1 = "Viaducto Tlalpan 100"
city = "Ciudad de México"
region = "CDMX"
postal_code = "14610"
country = "MX"
"#;

#[test]
fn the_station_camera_reads_a_printed_label_once_with_the_shipped_qr_decoder() {
    if crate::browser::tools().is_none() || Command::new("pdftoppm").arg("-v").output().is_err() {
        assert!(
            std::env::var_os("CI").is_none(),
            "pdftoppm and chromium required in CI"
        );
        eprintln!("skipped: pdftoppm or chromium not installed");
        return;
    }
    let app = TestApp::with_election(&format!(
        "{}{RETURN_ADDRESS}",
        ELECTION.replace("2022-06-05", "2030-06-02")
    ));
    app.import_demo(4, 63);
    app.add_user("recepcion", Role::Reception);
    let (video, content) = label_video(&app);
    let flags = vec![
        "--use-fake-device-for-media-stream".to_string(),
        "--use-fake-ui-for-media-stream".to_string(),
        format!("--use-file-for-fake-video-capture={}", video.display()),
    ];
    let Some(kit) = Kit::start(&app, &flags) else {
        return;
    };
    kit.login("recepcion");
    kit.go("/station");
    kit.b.type_into(&kit.s, "#station", "mesa-camara");
    let button = kit.b.find(&kit.s, "#camera-toggle");
    kit.b.post(
        &format!("/session/{}/element/{button}/click", kit.s),
        json!({}),
    );
    let text = verdict_class(&kit, "v-accepted");
    kit.screenshot("station-camera.png");
    let seen = kit.exec(
        "return [document.getElementById('camera').dataset.reader,
                 document.getElementById('camera-status').textContent,
                 'BarcodeDetector' in window];",
        json!([]),
    );
    assert!(seen[1].as_str().unwrap().contains("Código leído"), "{seen}");
    // Headless Chromium on Linux has no BarcodeDetector: the shipped jsQR read the label.
    if seen[2] == json!(false) {
        assert_eq!(seen[0], "jsQR", "{seen}");
    }
    // The label stays in view: after the pause it must not be read a second time.
    std::thread::sleep(Duration::from_secs(5));
    let inputs: Vec<String> = {
        let conn = app.raw_sql();
        let mut st = conn.prepare("SELECT input FROM scans").unwrap();
        let rows = st.query_map([], |r| r.get(0)).unwrap();
        rows.map(Result::unwrap).collect()
    };
    assert_eq!(inputs, std::slice::from_ref(&content), "{text}");
    assert_eq!(count(&app, "SELECT count(*) FROM checkins"), 1);
}
