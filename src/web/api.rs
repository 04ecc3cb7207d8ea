//! The JSON API under `/api/v1` (bearer tokens).

use rocket::serde::json::Json;
use rocket::{get, routes, Route, State};

use super::auth::Api;
use super::error::ApiError;
use super::policy::AnyRole;
use super::App;
use crate::ops::{self, stats::Stats};

pub fn routes() -> Vec<Route> {
    routes![stats]
}

/// Counts by status, entity and country.
#[get("/stats")]
pub fn stats(_client: Api<AnyRole>, app: &State<App>) -> Result<Json<Stats>, ApiError> {
    Ok(Json(ops::stats::list_stats(&app.db)?))
}
