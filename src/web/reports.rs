//! INE's report tables on the web (`GET /informes`, every role, like the dashboard: counts
//! only, no personal data): the tables at a cut chosen on the page (`?corte=`), histogram
//! charts of the transit times, and each table as CSV (`GET /informes/<tabla>.csv?corte=`).

use rocket::http::{ContentType, Header, Status};
use rocket::{get, routes, Responder, Route, State};
use rocket_dyn_templates::{context, Template};
use serde::Serialize;

use super::auth::Page;
use super::csrf::CsrfToken;
use super::error::PageError;
use super::policy::AnyRole;
use super::App;
use crate::domain::scope::Scope;
use crate::ops::reports::timings::{Interval, Spread, LAST_BIN};
use crate::ops::reports::{self, Cell, Cut, Grid, ReportError, Reports};

pub fn routes() -> Vec<Route> {
    routes![informes, informe_csv]
}

fn page_error(e: ReportError) -> PageError {
    match e {
        ReportError::Ops(e) => e.into(),
        ReportError::BadCut(m) => PageError::new(Status::UnprocessableEntity, m),
        other => PageError::new(Status::InternalServerError, other.to_string()),
    }
}

/// The tables at the cut typed in `corte` (empty or absent: now, by the app's clock).
fn compute(app: &App, scope: &Scope, corte: Option<&str>) -> Result<Reports, PageError> {
    let corte = corte.map(str::trim).filter(|c| !c.is_empty());
    let at = match corte {
        Some(text) => {
            let e = reports::election(&app.db).map_err(page_error)?;
            Cut::parse(text, &e)
                .map_err(|m| page_error(ReportError::BadCut(m)))?
                .at
        }
        None => app.clock.now(),
    };
    reports::reports(&app.db, scope, at).map_err(page_error)
}

/// A table as the page shows it: formatted cells and which columns are figures.
#[derive(Debug, Serialize)]
struct TableView {
    key: &'static str,
    title: String,
    columns: Vec<String>,
    numeric: Vec<bool>,
    rows: Vec<Vec<String>>,
    total: Option<Vec<String>>,
    note: String,
}

impl From<Grid> for TableView {
    fn from(g: Grid) -> Self {
        let fmt = |r: &Vec<Cell>| r.iter().map(Cell::es_mx).collect::<Vec<_>>();
        let sample = g.total.as_ref().or(g.rows.first());
        let numeric = (0..g.columns.len())
            .map(|i| sample.and_then(|r| r.get(i)).is_some_and(Cell::is_number))
            .collect();
        TableView {
            key: g.key,
            title: g.title.clone(),
            columns: g.columns.clone(),
            numeric,
            rows: g.rows.iter().map(fmt).collect(),
            total: g.total.as_ref().map(fmt),
            note: g.note,
        }
    }
}

/// One bar of a histogram.
#[derive(Debug, Serialize)]
struct HistBar {
    x: f64,
    y: f64,
    w: f64,
    h: f64,
    title: String,
    label: Option<String>,
    label_x: f64,
}

/// One entity's histograms.
#[derive(Debug, Serialize)]
struct EntityCharts {
    name: String,
    charts: Vec<Histogram>,
}

/// A horizontal grid line with its count.
#[derive(Debug, Serialize)]
struct GridLine {
    y: f64,
    label: i64,
}

/// A histogram of one interval's durations (the total of the scope), drawn as SVG.
#[derive(Debug, Serialize)]
struct Histogram {
    title: String,
    class: &'static str,
    width: f64,
    height: f64,
    left: f64,
    right: f64,
    bottom: f64,
    bars: Vec<HistBar>,
    grid: Vec<GridLine>,
    median: String,
    p90: String,
    n: usize,
}

fn r1(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}

fn histogram(interval: Interval, s: &Spread) -> Histogram {
    let (width, left, right, top, bottom) = (760.0, 56.0, 748.0, 12.0, 190.0);
    let last = s.histogram.iter().rposition(|&n| n > 0).unwrap_or(0).max(6);
    let bins = &s.histogram[..=last.min(LAST_BIN)];
    let max = bins.iter().copied().max().unwrap_or(0).max(4);
    let top_n = [1, 2, 5]
        .iter()
        .flat_map(|m| (0..9).map(move |k| m * 10i64.pow(k)))
        .filter(|v| *v >= max)
        .min()
        .unwrap_or(max);
    let band = (right - left) / bins.len() as f64;
    let scale = |n: i64| n as f64 / top_n as f64 * (bottom - top);
    let bars = bins
        .iter()
        .enumerate()
        .map(|(d, &n)| {
            let range = if d == LAST_BIN {
                format!("{LAST_BIN} días o más")
            } else {
                format!("{d} a {} días", d + 1)
            };
            HistBar {
                x: r1(left + d as f64 * band + band * 0.1),
                y: r1(bottom - scale(n)),
                w: r1(band * 0.8),
                h: r1(scale(n)),
                title: format!("{range}: {} PEP", reports::grid::thousands(n)),
                label: (d.is_multiple_of(5) || d == bins.len() - 1).then(|| {
                    if d == LAST_BIN {
                        format!("{d}+")
                    } else {
                        d.to_string()
                    }
                }),
                label_x: r1(left + (d as f64 + 0.5) * band),
            }
        })
        .collect();
    let days = |x: Option<f64>| Cell::dec(x, 1).es_mx();
    Histogram {
        title: interval.label_es().to_string(),
        class: match interval {
            Interval::ToDelivery => "st-delivered",
            Interval::ToPickup => "st-returning",
            Interval::ToReception => "st-received",
        },
        width,
        height: 220.0,
        left,
        right,
        bottom,
        bars,
        grid: (0..=4)
            .map(|k| GridLine {
                y: r1(bottom - scale(top_n * k / 4)),
                label: top_n * k / 4,
            })
            .collect(),
        median: days(s.median),
        p90: days(s.p90),
        n: s.n,
    }
}

#[get("/informes?<corte>")]
pub fn informes(
    page: Page<AnyRole>,
    csrf: CsrfToken,
    app: &State<App>,
    corte: Option<&str>,
) -> Result<Template, PageError> {
    let r = compute(app, page.scope(), corte)?;
    let maps = super::maps::all(&crate::ops::maps::map_data(&app.db, page.scope())?);
    let charts_of = |spreads: &[Spread]| -> Vec<Histogram> {
        Interval::ALL
            .iter()
            .zip(spreads)
            .map(|(i, s)| histogram(*i, s))
            .collect()
    };
    let charts = charts_of(&r.timings.total.spreads);
    let entity_charts: Vec<EntityCharts> = r
        .timings
        .rows
        .iter()
        .map(|row| EntityCharts {
            name: row.name.clone(),
            charts: charts_of(&row.spreads),
        })
        .collect();
    let tables: Vec<TableView> = r.grids().into_iter().map(TableView::from).collect();
    let query = corte
        .filter(|c| !c.trim().is_empty())
        .map(|_| format!("?corte={}", r.cut.input))
        .unwrap_or_default();
    Ok(Template::render(
        "informes",
        context! {
            title: "Informes",
            user: &page.user,
            csrf: csrf.0,
            election: &r.election,
            cut: &r.cut,
            query,
            tables,
            charts,
            entity_charts,
            maps,
        },
    ))
}

#[derive(Responder)]
pub struct CsvFile {
    body: Vec<u8>,
    kind: ContentType,
    disposition: Header<'static>,
}

/// One table as CSV: `entidades.csv`, `paises.csv`, `embudo.csv`, `tiempos.csv`,
/// `histogramas.csv`.
#[get("/informes/<file>?<corte>", rank = 2)]
pub fn informe_csv(
    page: Page<AnyRole>,
    file: &str,
    app: &State<App>,
    corte: Option<&str>,
) -> Result<CsvFile, PageError> {
    let unknown = || PageError::new(Status::NotFound, "Tabla desconocida.");
    let key = file.strip_suffix(".csv").ok_or_else(unknown)?;
    if !reports::TABLE_KEYS.contains(&key) {
        return Err(unknown());
    }
    let r = compute(app, page.scope(), corte)?;
    let grid = r.grid(key).ok_or_else(unknown)?;
    let name = format!("{key}-{}.csv", r.cut.input.replace(':', ""));
    Ok(CsvFile {
        body: reports::csv_bytes(&grid),
        kind: ContentType::CSV,
        disposition: Header::new(
            "Content-Disposition",
            format!("attachment; filename=\"{name}\""),
        ),
    })
}
