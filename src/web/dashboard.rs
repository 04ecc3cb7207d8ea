//! The dashboard (`GET /`, every role): the election, PEPs by stage per entity and per country
//! with their charts, envelopes received per day, and each table as CSV
//! (`GET /dashboard/<table>`), and the maps (`web::maps`); all inside the account's scope.

use rocket::http::{ContentType, Header, Status};
use rocket::request::FromParam;
use rocket::{get, routes, Responder, Route, State};
use rocket_dyn_templates::{context, Template};

use super::auth::Page;
use super::csrf::CsrfToken;
use super::error::PageError;
use super::policy::AnyRole;
use super::views::ElectionView;
use super::App;
use super::{charts, maps};
use crate::ops::{self, progress};

pub fn routes() -> Vec<Route> {
    routes![dashboard, dashboard_csv]
}

/// The downloadable tables, by file name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Table {
    /// "PEP por etapa y entidad".
    ByEntity,
    /// "PEP por etapa y país de residencia".
    ByCountry,
    /// "Sobres recibidos por día".
    Daily,
}

impl Table {
    pub const ALL: [Table; 3] = [Table::ByEntity, Table::ByCountry, Table::Daily];

    pub fn file_name(self) -> &'static str {
        match self {
            Table::ByEntity => "entidades.csv",
            Table::ByCountry => "paises.csv",
            Table::Daily => "recepcion-diaria.csv",
        }
    }
}

impl<'a> FromParam<'a> for Table {
    type Error = &'a str;
    fn from_param(param: &'a str) -> Result<Self, Self::Error> {
        Table::ALL
            .into_iter()
            .find(|t| t.file_name() == param)
            .ok_or(param)
    }
}

#[get("/")]
pub fn dashboard(
    page: Page<AnyRole>,
    csrf: CsrfToken,
    app: &State<App>,
) -> Result<Template, PageError> {
    let (election, p) = progress::progress(&app.db, page.scope())?;
    let electors = ops::stats::list_stats(&app.db, page.scope())?.electors;
    let maps = maps::all(&ops::maps::map_data(&app.db, page.scope())?);
    let mut election_view = ElectionView::from(&election);
    if let Some(codes) = page.scope().entity_codes() {
        // An OPL's board names only its own entities.
        election_view
            .entities
            .retain(|e| codes.iter().any(|c| e.starts_with(c.as_str())));
    }
    let received: i64 = p.daily.iter().map(|d| d.accepted).sum();
    let late: i64 = p.daily.iter().map(|d| d.late).sum();
    let notices = ops::notices::view::counts(&app.db, page.scope())
        .map_err(|e| PageError::new(Status::InternalServerError, e.to_string()))?;
    Ok(Template::render(
        "dashboard",
        context! {
            title: "Tablero",
            user: &page.user,
            csrf: csrf.0,
            election: election_view,
            maps,
            electors,
            received,
            late,
            notices,
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
    page: Page<AnyRole>,
    table: Result<Table, &str>,
    app: &State<App>,
) -> Result<CsvFile, PageError> {
    let table = table.map_err(|_| PageError::new(Status::NotFound, "Tabla desconocida."))?;
    let (_, p) = progress::progress(&app.db, page.scope())?;
    let body = match table {
        Table::ByEntity => progress::stage_csv(&p.by_entity, "Entidad"),
        Table::ByCountry => progress::stage_csv(&p.by_country, "País"),
        Table::Daily => progress::daily_csv(&p.daily),
    };
    Ok(CsvFile {
        body,
        kind: ContentType::CSV,
        disposition: Header::new(
            "Content-Disposition",
            format!("attachment; filename=\"{}\"", table.file_name()),
        ),
    })
}
