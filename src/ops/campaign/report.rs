//! The end of a campaign: reception's closing documents (late list, per-MEC lists and custody
//! acts) and the final report in the output directory — `informe.html` and `informe.pdf`
//! (INE's tables from `ops::reports` cut at the drill's end: by entity, by country, the funnel,
//! the timings and their histograms; the maps in the HTML; then the scans, reconciliation,
//! anomalies and wall time per phase) and `resumen.json`.

use std::fmt::Write as _;
use std::path::Path;

use chrono::{DateTime, Utc};

use super::phases::Summary;
use super::{order, CampaignError, Result};
use crate::documents::annex::{annex_pdf, AnnexTable};
use crate::documents::maps::{self, svg, svg::esc, MapView};
use crate::domain::entity::EntityCode;
use crate::domain::personal::{PersonalData, PrintedRecords};
use crate::domain::role::Role;
use crate::domain::scope::Scope;
use crate::ops::reports::{self, Cell, Grid, Reports};
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

/// Runs the final checks into `summary` and writes the report files: INE's tables
/// (`ops::reports`, cut at the drill's end) and maps, then the drill's own controls.
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
    let now = summary.end.unwrap_or_default();
    let tables = reports::reports(db, &Scope::National, now)?;
    let data = ops::maps::map_data(db, &Scope::National)?;
    let maps = maps::all(&data.countries, &data.us_states);
    let mut rows = rows(summary);
    for k in &rec.checks {
        let ok = if k.ok { "sí" } else { "NO" };
        rows.push((
            "Conciliación".into(),
            short(k.what),
            format!("{} = {} ({ok})", k.left, k.right),
        ));
    }
    let html = html(summary, &tables, &maps, &rows);
    write(&dir.join("informe.html"), html.as_bytes())?;
    let e = ops::election::current(db)?;
    let mut annex = reports::pdf::annex(&tables, &e.local(now), now);
    annex.title = "Informe final del simulacro · voto postal desde el extranjero".into();
    annex.tables.extend(control_tables(&rows));
    annex
        .notes
        .push("Simulacro: lista sintética y paqueterías simuladas, en un reloj simulado.".into());
    let pdf = annex_pdf(&annex).map_err(reports::ReportError::from)?;
    write(&dir.join("informe.pdf"), &pdf)
}

fn short(s: &str) -> String {
    let mut out: String = s.chars().take(68).collect();
    if s.chars().count() > 68 {
        out.push('…');
    }
    out
}

/// The drill's controls as (section, item, value) rows: scans, checks and wall time. The
/// funnel and the timings are INE's tables, computed by `ops::reports`.
fn rows(s: &Summary) -> Vec<(String, String, String)> {
    let mut rows = Vec::new();
    let mut add = |sec: &str, k: &str, v: String| rows.push((sec.into(), k.into(), v));
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
    add(
        "Comprobaciones",
        "no explicados",
        s.unexplained().to_string(),
    );
    add(
        "Comprobaciones",
        "PEP fuera de orden temporal",
        s.order.violations.to_string(),
    );
    add(
        "Comprobaciones",
        "sobres entregados sin escanear",
        s.unscanned.to_string(),
    );
    for (k, secs) in &s.phases.items {
        add("Tiempo real", k, format!("{secs:.1} s"));
    }
    rows
}

/// The rows grouped by section, in order of first appearance.
fn sections(rows: &[(String, String, String)]) -> Vec<(&str, Vec<(&str, &str)>)> {
    let mut out: Vec<(&str, Vec<(&str, &str)>)> = Vec::new();
    for (sec, k, v) in rows {
        match out.last_mut() {
            Some((s, items)) if s == sec => items.push((k, v)),
            _ => out.push((sec, vec![(k, v)])),
        }
    }
    out
}

/// The controls as annex tables, one per section.
fn control_tables(rows: &[(String, String, String)]) -> Vec<AnnexTable> {
    sections(rows)
        .into_iter()
        .map(|(sec, items)| AnnexTable {
            title: format!("Control del simulacro: {}", sec.to_lowercase()),
            columns: vec!["Concepto".into(), "Valor".into()],
            label_columns: 1,
            rows: items
                .iter()
                .map(|(k, v)| vec![k.to_string(), v.to_string()])
                .collect(),
            total: None,
            note: String::new(),
        })
        .collect()
}

/// One of INE's tables as HTML, figures right-aligned, the total row in the footer.
fn grid_html(out: &mut String, g: &Grid) {
    let num = |i: usize| {
        g.total
            .as_ref()
            .or(g.rows.first())
            .and_then(|r| r.get(i))
            .is_some_and(Cell::is_number)
    };
    let cell = |tag: &str, i: usize, v: &str| {
        let class = if num(i) { " class=\"num\"" } else { "" };
        format!("<{tag}{class}>{}</{tag}>", esc(v))
    };
    let _ = write!(
        out,
        "<h3 id=\"{}\">{}</h3>\n<table>\n<thead><tr>",
        g.key,
        esc(&g.title)
    );
    for (i, c) in g.columns.iter().enumerate() {
        out.push_str(&cell("th", i, c));
    }
    out.push_str("</tr></thead>\n<tbody>\n");
    for r in &g.rows {
        out.push_str("<tr>");
        for (i, v) in r.iter().enumerate() {
            out.push_str(&cell("td", i, &v.es_mx()));
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</tbody>\n");
    if let Some(t) = &g.total {
        out.push_str("<tfoot><tr>");
        for (i, v) in t.iter().enumerate() {
            out.push_str(&cell("th", i, &v.es_mx()));
        }
        out.push_str("</tr></tfoot>\n");
    }
    let _ = writeln!(out, "</table>\n<p class=\"nota\">{}</p>", esc(&g.note));
}

const STYLE: &str = "body{font-family:sans-serif;margin:1.5rem;color:#1a1a1a}\
    table{border-collapse:collapse;margin:.5rem 0}th,td{border:1px solid #ccc;padding:.2rem .5rem}\
    .num{text-align:right}tfoot th{background:#f0f0f0}.nota{color:#555;font-size:.9em}\
    figure.map svg{max-width:100%;height:auto}figure.map path{stroke:#fff;stroke-width:.5}\
    figure.map text{font-size:12px}";

fn html(s: &Summary, r: &Reports, maps: &[MapView], rows: &[(String, String, String)]) -> String {
    let mut out = format!(
        "<!doctype html>\n<html lang=\"es-MX\"><head><meta charset=\"utf-8\">\
         <title>Informe del simulacro</title><style>{STYLE}</style></head><body>\n\
         <h1>Informe del simulacro</h1>\n<p>{} · con corte al {}</p>\n",
        esc(&r.election),
        esc(&r.cut.label)
    );
    let verdict = if s.ok() {
        "Sin partidas sin explicar y con todos los PEP en orden temporal."
    } else {
        "HAY partidas sin explicar o PEP fuera de orden temporal."
    };
    let _ = writeln!(out, "<p>{}</p>\n<h2>Tablas del INE</h2>", esc(verdict));
    for g in r.grids() {
        grid_html(&mut out, &g);
    }
    out.push_str("<h2>Mapas</h2>\n");
    for m in maps {
        out.push_str(&svg::figure(m));
    }
    for (sec, items) in sections(rows) {
        let _ = writeln!(out, "<h2>{}</h2>\n<table>", esc(sec));
        for (k, v) in items {
            let _ = writeln!(out, "<tr><td>{}</td><td>{}</td></tr>", esc(k), esc(v));
        }
        out.push_str("</table>\n");
    }
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
