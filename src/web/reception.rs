//! Reception of returned envelopes: the scan station (form and no-reload JSON), the
//! check-in API, reconciliation, and the lists reception prints (the cutoff setting is in
//! `web::cutoff`).

use rocket::form::{self, Form, FromForm};
use rocket::http::{ContentType, Status};
use rocket::serde::json::{Error as JsonError, Json};
use rocket::{get, post, routes, Route, State};
use rocket_dyn_templates::{context, Template};
use serde::Deserialize;

use super::auth::{Api, Page};
use super::csrf::CsrfToken;
use super::error::{json_body, ApiError, ErrorBody, PageError};
use super::params::ScanText;
use super::policy::{Oversight, Reception, ReceptionRecords};
use super::App;
use crate::domain::checkin::StationName;
use crate::domain::entity::{BadEntityCode, EntityCode};
use crate::domain::personal::{PersonalData, PrintedRecords};
use crate::domain::scan_id::ScanId;
use crate::ops::checkin::{CheckinResult, Station};
use crate::ops::{self, OpsError};

pub fn routes() -> Vec<Route> {
    routes![
        station_page,
        station_post,
        station_scan,
        api_checkin,
        api_checkin_not_json,
        reconciliation,
        reconciliation_csv,
        mec_list_pdf,
        mec_act_pdf,
        late_pdf
    ]
}

/// The one door to the check-in rule for web callers: the app's check-in writer.
async fn submit(app: &App, code: &ScanText, who: Station) -> Result<CheckinResult, OpsError> {
    app.checkins.submit(&app.code_key, code.as_str(), who).await
}

#[derive(FromForm)]
pub struct ScanForm<'r> {
    csrf: String,
    /// Kept as a result so that a bad name is answered in the route's own format.
    station: form::Result<'r, StationName>,
    code: ScanText,
    /// The station's name for this scan (the station page sends one; a repeat of it answers
    /// the first verdict).
    scan_id: Option<form::Result<'r, ScanId>>,
    /// When the station says it scanned (RFC 3339): recorded, never judged.
    scanned_at: Option<form::Result<'r, Claimed>>,
}

type Instant = chrono::DateTime<chrono::Utc>;

/// A time the browser claims, read at the edge.
pub struct Claimed(Instant);

#[rocket::async_trait]
impl<'v> form::FromFormField<'v> for Claimed {
    fn from_value(field: form::ValueField<'v>) -> form::Result<'v, Self> {
        chrono::DateTime::parse_from_rfc3339(field.value)
            .map(|t| Claimed(t.with_timezone(&chrono::Utc)))
            .map_err(|_| form::Error::validation("scanned_at: fecha RFC 3339").into())
    }
}

#[rocket::async_trait]
impl<'v> form::FromFormField<'v> for ScanId {
    fn from_value(field: form::ValueField<'v>) -> form::Result<'v, Self> {
        ScanId::parse(field.value).map_err(|e| form::Error::validation(e.to_string()).into())
    }
}

/// The first error of a form field, worded for the station.
fn field_error(errors: &form::Errors<'_>, what: &str) -> String {
    errors
        .iter()
        .next()
        .map_or_else(|| format!("{what}: no válido"), |e| e.kind.to_string())
}

/// An optional form field: absent is None (Rocket hands an absent field to
/// `Option<form::Result<_>>` as a "missing" error), a value that does not parse is refused.
fn optional<'a, T>(
    field: &'a Option<form::Result<'_, T>>,
    what: &str,
) -> Result<Option<&'a T>, String> {
    match field {
        Some(Ok(v)) => Ok(Some(v)),
        Some(Err(e))
            if e.iter()
                .all(|e| matches!(e.kind, form::error::ErrorKind::Missing)) =>
        {
            Ok(None)
        }
        Some(Err(e)) => Err(field_error(e, what)),
        None => Ok(None),
    }
}

impl ScanForm<'_> {
    /// The scan id and the claimed scan time, when sent, or why one was refused.
    fn named(&self) -> Result<(Option<ScanId>, Option<Instant>), String> {
        let id = optional(&self.scan_id, "scan_id")?.cloned();
        let at = optional(&self.scanned_at, "scanned_at")?.map(|c| c.0);
        Ok((id, at))
    }

    /// The station, or the reason its name was refused.
    fn station(&self) -> Result<&StationName, String> {
        self.station.as_ref().map_err(|errors| {
            errors
                .iter()
                .next()
                .map_or_else(|| "station: no válido".to_string(), |e| e.kind.to_string())
        })
    }
}

fn station_view(
    app: &App,
    page: &Page<Reception>,
    csrf: &str,
    station: &str,
    last: Option<&CheckinResult>,
) -> Result<Template, PageError> {
    let e = ops::election::current(&app.db)?;
    let counters =
        ops::reconcile::operator_counters(&app.db, page.user.actor().as_str(), app.clock.now())?;
    Ok(Template::render(
        "station",
        context! {
            title: "Estación de recepción",
            user: &page.user,
            csrf,
            station,
            last,
            counters,
            cutoff_local: e.local(e.receipt_cutoff),
            cutoff_utc: crate::storage::ts(e.receipt_cutoff),
        },
    ))
}

#[get("/station?<station>")]
pub fn station_page(
    page: Page<Reception>,
    csrf: CsrfToken,
    app: &State<App>,
    station: Option<String>,
) -> Result<Template, PageError> {
    let station = station.unwrap_or_default();
    station_view(app, &page, &csrf.0, station.trim(), None)
}

/// Plain form post: answers the whole page with the verdict (works without JavaScript).
#[post("/station", data = "<form>")]
pub async fn station_post(
    page: Page<Reception>,
    csrf: CsrfToken,
    form: Form<ScanForm<'_>>,
    app: &State<App>,
) -> Result<Template, PageError> {
    csrf.check(&form.csrf)?;
    let station = form
        .station()
        .map_err(|m| PageError::new(Status::UnprocessableEntity, m))?;
    let who = Station::at(station, page.user.actor().as_str());
    let result = submit(app, &form.code, who).await?;
    station_view(app, &page, &csrf.0, station.as_str(), Some(&result))
}

/// The station page's script posts here and repaints without reloading.
#[post("/station/scan", data = "<form>")]
pub async fn station_scan(
    page: Page<Reception>,
    csrf: CsrfToken,
    form: Form<ScanForm<'_>>,
    app: &State<App>,
) -> Result<Json<CheckinResult>, ApiError> {
    if csrf.check(&form.csrf).is_err() {
        return Err(ApiError {
            status: Status::Forbidden,
            message: "CSRF: recargue la página".into(),
        });
    }
    let station = form
        .station()
        .map_err(|m| ApiError::new(Status::UnprocessableEntity, m))?;
    let who = Station::at(station, page.user.actor().as_str());
    let (scan_id, claimed) = form
        .named()
        .map_err(|m| ApiError::new(Status::UnprocessableEntity, m))?;
    let result = match scan_id {
        Some(id) => {
            app.checkins
                .submit_named(&app.code_key, form.code.as_str(), who, id, claimed)
                .await?
        }
        None => submit(app, &form.code, who).await?,
    };
    Ok(Json(result))
}

/// A scanned return-envelope code and the station that scanned it.
#[derive(Deserialize, utoipa::ToSchema)]
pub struct CheckinRequest {
    /// The code read from the QR, or the human-readable code typed by hand.
    #[schema(inline)]
    code: ScanText,
    /// Name of the scan station (limits in its schema).
    #[schema(inline)]
    station: StationName,
    /// The station's name for this scan, optional: sent again (after a network cut, a lost
    /// answer) it answers the first verdict and records nothing (limits in its schema).
    #[serde(default)]
    #[schema(inline)]
    scan_id: Option<ScanId>,
}

/// Checks in one returned envelope: the verdict of the scan-station rule. With a `scan_id`
/// the scan is decided exactly once: a repeat of the id answers the first verdict
/// (`repeated`), and the cutoff is judged on when the server first saw it (`seen_at`).
#[utoipa::path(
    post,
    path = "/api/v1/checkins",
    tag = "api",
    security(("bearer" = [])),
    request_body(content = CheckinRequest, content_type = "application/json"),
    responses(
        (status = 200, description = "El veredicto (también para códigos inválidos o desconocidos)", body = CheckinResult),
        (status = 400, description = "JSON mal formado", body = ErrorBody),
        (status = 401, description = "Falta el token o no es válido", body = ErrorBody),
        (status = 403, description = "El rol del token no recibe sobres", body = ErrorBody),
        (status = 413, description = "Cuerpo demasiado grande", body = ErrorBody),
        (status = 415, description = "El cuerpo no es application/json", body = ErrorBody),
        (status = 422, description = "Campos faltantes o no válidos", body = ErrorBody),
        (status = 503, description = "La base de datos no responde", body = ErrorBody),
    )
)]
#[post("/api/v1/checkins", format = "json", data = "<req>")]
pub async fn api_checkin(
    client: Api<Reception>,
    req: Result<Json<CheckinRequest>, JsonError<'_>>,
    app: &State<App>,
) -> Result<Json<CheckinResult>, ApiError> {
    let req = json_body(req)?;
    let who = Station::at(&req.station, client.client.actor().as_str());
    let result = match req.scan_id {
        Some(id) => {
            app.checkins
                .submit_named(&app.code_key, req.code.as_str(), who, id, None)
                .await?
        }
        None => submit(app, &req.code, who).await?,
    };
    Ok(Json(result))
}

/// The same route with a body that is not declared as JSON.
#[post("/api/v1/checkins", rank = 2)]
pub fn api_checkin_not_json(_client: Api<Reception>) -> ApiError {
    ApiError::new(
        Status::UnsupportedMediaType,
        "envíe el cuerpo como application/json",
    )
}

#[get("/reception")]
pub fn reconciliation(
    page: Page<Oversight>,
    csrf: CsrfToken,
    app: &State<App>,
) -> Result<Template, PageError> {
    let r = ops::reconcile::reconcile(&app.db, page.scope())?;
    let records = page.leave::<PrintedRecords>().is_some();
    Ok(Template::render(
        "reconciliation",
        context! { title: "Conciliación de la recepción", user: &page.user, csrf: csrf.0, r, records },
    ))
}

#[get("/reception/reconciliation.csv")]
pub fn reconciliation_csv(
    page: Page<Oversight>,
    app: &State<App>,
) -> Result<(ContentType, Vec<u8>), PageError> {
    let r = ops::reconcile::reconcile(&app.db, page.scope())?;
    Ok((ContentType::CSV, ops::reconcile::reconciliation_csv(&r)))
}

/// Leave for the lists reception prints, or 403 (the route's policy admits only roles that
/// have it; this is the check the use case itself demands).
fn records_leave<P: super::policy::Policy>(
    page: &Page<P>,
) -> Result<PersonalData<PrintedRecords>, PageError> {
    page.leave().ok_or_else(|| {
        PageError::new(
            Status::Forbidden,
            "Esta lista contiene datos personales: su rol no puede descargarla.",
        )
    })
}

/// `lista.pdf`: the electors of one MEC with VOTÓ marks (names and elector keys).
#[get("/reception/mec/<entity>/<mec>/lista.pdf")]
pub fn mec_list_pdf(
    page: Page<ReceptionRecords>,
    entity: Result<EntityCode, BadEntityCode>,
    mec: i64,
    app: &State<App>,
) -> Result<(ContentType, Vec<u8>), PageError> {
    let leave = records_leave(&page)?;
    let entity = entity.map_err(|e| PageError::new(Status::NotFound, e.to_string()))?;
    let actor = page.user.actor();
    let pdf = ops::reception_docs::mec_list(
        &app.db,
        entity,
        mec,
        page.scope(),
        &leave,
        &actor,
        app.clock.now(),
    )?;
    Ok((ContentType::PDF, pdf))
}

/// `acta.pdf`: the custody hand-off act of one MEC (counts only).
#[get("/reception/mec/<entity>/<mec>/acta.pdf")]
pub fn mec_act_pdf(
    page: Page<Oversight>,
    entity: Result<EntityCode, BadEntityCode>,
    mec: i64,
    app: &State<App>,
) -> Result<(ContentType, Vec<u8>), PageError> {
    let entity = entity.map_err(|e| PageError::new(Status::NotFound, e.to_string()))?;
    let actor = page.user.actor();
    let pdf = ops::reception_docs::custody_act(
        &app.db,
        entity,
        mec,
        page.scope(),
        &actor,
        app.clock.now(),
    )?;
    Ok((ContentType::PDF, pdf))
}

/// "Relación de sobres extemporáneos" (senders' names and cities).
#[get("/reception/late.pdf")]
pub fn late_pdf(
    page: Page<ReceptionRecords>,
    app: &State<App>,
) -> Result<(ContentType, Vec<u8>), PageError> {
    let leave = records_leave(&page)?;
    Ok((
        ContentType::PDF,
        ops::reception_docs::late_list(&app.db, &leave, &page.user.actor(), app.clock.now())?,
    ))
}
