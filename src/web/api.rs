//! The JSON API under `/api/v1` (bearer tokens): the counts and one PEP. The check-in route
//! lives with reception; the OpenAPI document of them all in [`super::openapi`].

use rocket::http::Status;
use rocket::serde::json::Json;
use rocket::{get, routes, Route, State};

use super::auth::Api;
use super::error::{ApiError, ErrorBody};
use super::policy::AnyRole;
use super::App;
use crate::domain::pep::{BadPepId, PepId};
use crate::domain::personal::Casework;
use crate::ops::{self, pep_view::PepView, stats::Stats};

pub fn routes() -> Vec<Route> {
    routes![stats, pep]
}

/// The list counts by entity and country and, beside them, the PEPs by stage (the dashboard's
/// numbers): overall in `by_stage`, and for each entity and country in its own `by_stage`.
#[utoipa::path(
    get,
    path = "/api/v1/stats",
    tag = "api",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Conteos de la lista nominal y de los PEP por etapa (los del tablero), en total, por entidad y por país", body = Stats),
        (status = 401, description = "Falta el token o no es válido", body = ErrorBody),
        (status = 503, description = "La base de datos no responde", body = ErrorBody),
    )
)]
#[get("/stats")]
pub fn stats(client: Api<AnyRole>, app: &State<App>) -> Result<Json<Stats>, ApiError> {
    Ok(Json(ops::stats::list_stats(&app.db, client.scope())?))
}

/// One PEP: its stage, both courier legs with their events, and the receipt of its envelope.
/// No personal data: event places keep their city only for administration and shipping.
#[utoipa::path(
    get,
    path = "/api/v1/peps/{pep_id}",
    tag = "api",
    security(("bearer" = [])),
    params(
        ("pep_id" = String, Path,
            description = "Identificador del PEP; cualquier otro texto responde 404",
            pattern = "^PEP-[0-9]{7,12}-[1-9][0-9]{0,11}$",
            example = "PEP-0000123-1"),
    ),
    responses(
        (status = 200, description = "El PEP", body = PepView),
        (status = 401, description = "Falta el token o no es válido", body = ErrorBody),
        (status = 404, description = "No existe un PEP con ese identificador", body = ErrorBody),
        (status = 503, description = "La base de datos no responde", body = ErrorBody),
    )
)]
#[get("/peps/<pep_id>")]
pub fn pep(
    client: Api<AnyRole>,
    pep_id: Result<PepId, BadPepId>,
    app: &State<App>,
) -> Result<Json<PepView>, ApiError> {
    let id = pep_id.map_err(|e| ApiError::new(Status::NotFound, e.to_string()))?;
    let leave = client.leave::<Casework>();
    Ok(Json(ops::pep_view::pep_view(
        &app.db,
        &id,
        client.scope(),
        leave.as_ref(),
    )?))
}
