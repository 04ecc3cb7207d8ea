//! `GET /api/openapi.json`: the OpenAPI 3.1 document of `/api/v1`, generated from the
//! handlers' `#[utoipa::path]` annotations and the `ToSchema` types they answer.

use std::sync::LazyLock;

use rocket::http::ContentType;
use rocket::{get, routes, Route};
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

use super::{api, lookup_api, reception};

pub fn routes() -> Vec<Route> {
    routes![openapi_json]
}

/// Declares the bearer scheme the paths name as `"bearer"`.
struct BearerScheme;

impl Modify for BearerScheme {
    fn modify(&self, doc: &mut utoipa::openapi::OpenApi) {
        let components = doc.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some(
                        "Token creado con `pep-tracker token create --name NOMBRE --role ROL`",
                    ))
                    .build(),
            ),
        );
    }
}

#[derive(OpenApi)]
#[openapi(
    info(
        title = "pep-tracker",
        description = "Logística del voto postal desde el extranjero: PEP, guías y recepción de sobres.",
    ),
    paths(api::stats, api::pep, reception::api_checkin, lookup_api::lookup),
    modifiers(&BearerScheme),
    tags((name = "api", description = "API JSON con token de portador"))
)]
pub struct ApiDoc;

/// The document, built once.
pub static DOCUMENT: LazyLock<String> = LazyLock::new(|| {
    ApiDoc::openapi()
        .to_pretty_json()
        .expect("the OpenAPI document serializes")
});

/// The OpenAPI document (public: it holds no data).
#[get("/openapi.json")]
pub fn openapi_json() -> (ContentType, &'static str) {
    (ContentType::JSON, DOCUMENT.as_str())
}
