//! The end of a campaign: reception's closing documents (late list, per-MEC lists and custody
//! acts) and the final report in the output directory — `informe.html` and `informe.pdf`
//! (the funnel from list to counted envelope, timings of both legs, reissues, late envelopes,
//! reconciliation, anomalies, wall time per phase) and `resumen.json`.

use std::fmt::Write as _;
use std::path::Path;

use chrono::{DateTime, Utc};

use super::phases::Summary;
use super::{order, CampaignError, Result};
use crate::documents::reception::{summary_pdf, ReportMeta};
use crate::domain::entity::EntityCode;
use crate::domain::personal::{PersonalData, PrintedRecords};
use crate::domain::role::Role;
use crate::domain::scope::Scope;
use crate::ops::{self, reception_docs, Actor};
use crate::storage::{campaign as store, Db};

fn write(path: &Path, bytes: &[u8]) -> Result<()> {
    let io = |source| CampaignError::Io {
        path: path.to_path_buf(),
        source,
    };
    if let Some(dir) = path.parent() {
        crate::storage::files::create_dir_all(dir).map_err(io)?;
    }
    crate::storage::files::write(path, bytes).map_err(io)
}

/// Writes `DIR/recepcion/`: the late list, and each MEC's list and custody act. Returns the
/// number of MECs.
pub fn reception_documents(db: &Db, dir: &Path, now: DateTime<Utc>) -> Result<usize> {
    let actor = Actor::system();
    let leave = PersonalData::<PrintedRecords>::of(Role::Reception)
        .ok_or_else(|| CampaignError::Station("recepción sin acceso a las listas".into()))?;
    let dir = dir.join("recepcion");
    write(
        &dir.join("extemporaneos.pdf"),
        &reception_docs::late_list(db, &leave, &actor, now)?,
    )?;
    let mecs = ops::reconcile::reconcile(db, &Scope::National)?.mecs;
    for m in &mecs {
        let entity = EntityCode::parse(&m.entity)
            .map_err(|e| CampaignError::Station(format!("{}: {e}", m.entity)))?;
        let name = format!("mec-{}-{}", m.entity, m.mec);
        let list =
            reception_docs::mec_list(db, entity, m.mec, &Scope::National, &leave, &actor, now)?;
        write(&dir.join(format!("{name}-lista.pdf")), &list)?;
        let act = reception_docs::custody_act(db, entity, m.mec, &Scope::National, &actor, now)?;
        write(&dir.join(format!("{name}-acta.pdf")), &act)?;
    }
    Ok(mecs.len())
}

/// A leg's durations: how many, median and 90th percentile, in days.
type Spread = (usize, f64, f64);

/// How many, median and 90th percentile, in days.
fn spread(mut days: Vec<f64>) -> Spread {
    if days.is_empty() {
        return (0, 0.0, 0.0);
    }
    days.sort_by(f64::total_cmp);
    let at = |p: usize| days[(days.len() * p / 100).min(days.len() - 1)];
    (days.len(), at(50), at(90))
}

/// Days each leg took, from the stored milestones.
fn timings(db: &Db) -> Result<Vec<(&'static str, Spread)>> {
    let mut legs: [Vec<f64>; 4] = Default::default();
    let days = |a: DateTime<Utc>, b: DateTime<Utc>| (b - a).num_minutes() as f64 / 1440.0;
    db.read(|c| {
        store::each_pep_times(c, &mut |t| {
            if let (Some(p), Some(o)) = (t.printed, t.outbound.delivered) {
                legs[0].push(days(p, o));
            }
            if let (Some(o), Some(r)) = (t.outbound.delivered, t.ret.pickup) {
                legs[1].push(days(o, r));
            }
            if let (Some(r), Some(d)) = (t.ret.pickup, t.ret.delivered) {
                legs[2].push(days(r, d));
            }
            if let (Some(d), Some(c)) = (t.ret.delivered, t.checkin) {
                legs[3].push(days(d, c));
            }
        })
    })?;
    let [a, b, c, d] = legs;
    Ok(vec![
        ("ida: impresión → entrega al elector", spread(a)),
        ("elector: entrega → envío del sobre", spread(b)),
        ("vuelta: recolección → entrega al INE", spread(c)),
        ("recepción: entrega al INE → registro", spread(d)),
    ])
}

/// Runs the final checks into `summary` and writes the report files.
pub fn finish(db: &Db, dir: &Path, summary: &mut Summary) -> Result<()> {
    let rec = ops::reconcile::reconcile(db, &Scope::National)?;
    summary.reconciliation_differences = rec
        .checks
        .iter()
        .filter(|k| !k.ok)
        .map(|k| k.difference.abs().max(1))
        .sum();
    summary.funnel = db.read(store::funnel)?;
    summary.unscanned = db.read(store::delivered_unscanned)?;
    summary.order = order::check(db)?;
    let mut rows = rows(summary, &timings(db)?);
    for k in &rec.checks {
        let ok = if k.ok { "sí" } else { "NO" };
        rows.push((
            "Conciliación".into(),
            short(k.what),
            format!("{} = {} ({ok})", k.left, k.right),
        ));
    }
    write(&dir.join("informe.html"), html(summary, &rows).as_bytes())?;
    let e = ops::election::current(db)?;
    let now = summary.end.unwrap_or_default();
    let meta = ReportMeta {
        election: e.name.clone(),
        subject: "Informe del simulacro".into(),
        generated_on: e.local(now),
        generated_at: now,
    };
    let pdf = summary_pdf(&meta, "Informe final del simulacro", &rows)
        .map_err(|e| CampaignError::Ops(ops::errors::ReceptionDocsError::Render(e).into()))?;
    write(&dir.join("informe.pdf"), &pdf)
}

fn short(s: &str) -> String {
    let mut out: String = s.chars().take(68).collect();
    if s.chars().count() > 68 {
        out.push('…');
    }
    out
}

/// The report's rows: (section, item, value).
fn rows(s: &Summary, times: &[(&str, Spread)]) -> Vec<(String, String, String)> {
    let f = &s.funnel;
    let mut rows = Vec::new();
    let mut add = |sec: &str, k: &str, v: String| rows.push((sec.into(), k.into(), v));
    for (k, v) in [
        ("electores en la lista", f.electors),
        ("PEP generados (reexpediciones incluidas)", f.peps),
        ("PEP en lote e impresos", f.batched),
        ("PEP con guía", f.with_guias),
        ("PEP entregados al elector", f.outbound_delivered),
        ("PEP devueltos por la paquetería", f.outbound_returned),
        ("PEP anulados y reexpedidos", f.voided),
        ("sobres enviados por el elector", f.return_posted),
        ("sobres entregados al INE", f.return_delivered),
        ("sobres recibidos a tiempo (contados)", f.received_on_time),
        ("sobres extemporáneos", f.received_late),
    ] {
        add("Embudo", k, v.to_string());
    }
    for (k, (n, p50, p90)) in times {
        add(
            "Tiempos",
            k,
            format!("{n} · mediana {p50:.1} d · p90 {p90:.1} d"),
        );
    }
    let sc = &s.scans;
    for (k, v) in [
        ("aceptados", sc.accepted),
        ("extemporáneos", sc.late),
        ("duplicados (doble escaneo)", sc.duplicate),
        ("anulados (código de PEP reexpedido)", sc.voided),
        ("inválidos (código falsificado)", sc.invalid),
        ("desconocidos", sc.unknown),
        ("apartados sin conexión (enviados después)", sc.set_aside),
        ("reenviados con el mismo id (primer veredicto)", sc.resent),
        ("respuestas inesperadas", sc.unexpected),
    ] {
        add("Escaneos", k, v.to_string());
    }
    add("Control", "no explicados", s.unexplained().to_string());
    add(
        "Control",
        "PEP fuera de orden temporal",
        s.order.violations.to_string(),
    );
    add(
        "Control",
        "sobres entregados sin escanear",
        s.unscanned.to_string(),
    );
    for (k, secs) in &s.phases.items {
        add("Tiempo real", k, format!("{secs:.1} s"));
    }
    rows
}

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

fn html(s: &Summary, rows: &[(String, String, String)]) -> String {
    let mut out = String::from(
        "<!doctype html>\n<html lang=\"es-MX\"><head><meta charset=\"utf-8\">\
         <title>Informe del simulacro</title></head><body>\n<h1>Informe del simulacro</h1>\n",
    );
    let verdict = if s.ok() {
        "Sin partidas sin explicar y con todos los PEP en orden temporal."
    } else {
        "HAY partidas sin explicar o PEP fuera de orden temporal."
    };
    let _ = writeln!(out, "<p>{}</p>", esc(verdict));
    let mut section = "";
    for (sec, k, v) in rows {
        if sec != section {
            if !section.is_empty() {
                out.push_str("</table>\n");
            }
            let _ = writeln!(out, "<h2>{}</h2>\n<table>", esc(sec));
            section = sec;
        }
        let _ = writeln!(out, "<tr><td>{}</td><td>{}</td></tr>", esc(k), esc(v));
    }
    out.push_str("</table>\n");
    for p in s.order.examples.iter().chain(&s.scans.problems) {
        let _ = writeln!(out, "<p class=\"problema\">{}</p>", esc(p));
    }
    out.push_str("</body></html>\n");
    out
}

/// `DIR/resumen.json`: the summary, for scripts.
pub fn write_summary(dir: &Path, s: &Summary) -> Result<()> {
    let err = |e: serde_json::Error| CampaignError::Io {
        path: dir.join("resumen.json"),
        source: std::io::Error::other(e),
    };
    let mut v = serde_json::to_value(s).map_err(err)?;
    v["unexplained"] = s.unexplained().into();
    v["ok"] = s.ok().into();
    let json = serde_json::to_vec_pretty(&v).map_err(err)?;
    write(&dir.join("resumen.json"), &json)
}
