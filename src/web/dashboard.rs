//! The dashboard (`GET /`, every role): the election, PEPs by stage per entity and per country
//! with their charts, envelopes received per day, and each table as CSV
//! (`GET /dashboard/<table>`).

use rocket::http::{ContentType, Header, Status};
use rocket::{get, routes, Responder, Route, State};
use rocket_dyn_templates::{context, Template};

use super::auth::Page;
use super::charts;
use super::csrf::CsrfToken;
use super::error::PageError;
use super::policy::AnyRole;
use super::views::ElectionView;
use super::App;
use crate::ops::{self, progress};

pub fn routes() -> Vec<Route> {
    routes![dashboard, dashboard_csv]
}

/// The downloadable tables: file name and title.
pub const TABLES: [(&str, &str); 3] = [
    ("entidades.csv", "PEP por etapa y entidad"),
    ("paises.csv", "PEP por etapa y país de residencia"),
    ("recepcion-diaria.csv", "Sobres recibidos por día"),
];

#[get("/")]
pub fn dashboard(
    page: Page<AnyRole>,
    csrf: CsrfToken,
    app: &State<App>,
) -> Result<Template, PageError> {
    let (election, p) = progress::progress(&app.db)?;
    let electors = ops::stats::list_stats(&app.db)?.electors;
    let received: i64 = p.daily.iter().map(|d| d.accepted).sum();
    let late: i64 = p.daily.iter().map(|d| d.late).sum();
    Ok(Template::render(
        "dashboard",
        context! {
            title: "Tablero",
            user: &page.user,
            csrf: csrf.0,
            election: ElectionView::from(&election),
            electors,
            received,
            late,
            entity_chart: charts::stacked_bars(&p.by_entity),
            day_chart: charts::day_chart(&p.daily, &election),
            progress: p,
        },
    ))
}

#[derive(Responder)]
pub struct CsvFile {
    body: Vec<u8>,
    kind: ContentType,
    disposition: Header<'static>,
}

/// One table of the dashboard as CSV (UTF-8, comma-separated, a header row).
#[get("/dashboard/<table>")]
pub fn dashboard_csv(
    _page: Page<AnyRole>,
    table: &str,
    app: &State<App>,
) -> Result<CsvFile, PageError> {
    let (_, p) = progress::progress(&app.db)?;
    let body = match table {
        "entidades.csv" => progress::stage_csv(&p.by_entity, "Entidad"),
        "paises.csv" => progress::stage_csv(&p.by_country, "País"),
        "recepcion-diaria.csv" => progress::daily_csv(&p.daily),
        _ => return Err(PageError::new(Status::NotFound, "Tabla desconocida.")),
    };
    Ok(CsvFile {
        body,
        kind: ContentType::CSV,
        disposition: Header::new(
            "Content-Disposition",
            format!("attachment; filename=\"{table}\""),
        ),
    })
}
