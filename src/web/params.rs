//! The web edge parses once: path segments, form fields and JSON fields straight into domain
//! types (`PepId`, `EntityCode`, `BatchDocument`, `StationName`, `ScanId`) and the scanned
//! text, each with the limit its domain type states. Handlers never see the raw strings.

use rocket::form::{self, FromFormField, ValueField};
use rocket::request::FromParam;
use serde::{Deserialize, Deserializer};
use utoipa::openapi::schema::{ObjectBuilder, Schema, Type};
use utoipa::openapi::RefOr;

use crate::domain::checkin::{BadStationName, StationName};
use crate::domain::code::MAX_SCAN_LEN;
use crate::domain::document::{BatchDocument, UnknownDocument};
use crate::domain::entity::{BadEntityCode, EntityCode};
use crate::domain::pep::{BadPepId, PepId};
use crate::domain::scan_id::ScanId;

impl<'a> FromParam<'a> for PepId {
    type Error = BadPepId;
    fn from_param(param: &'a str) -> Result<Self, Self::Error> {
        PepId::parse(param)
    }
}

impl<'a> FromParam<'a> for EntityCode {
    type Error = BadEntityCode;
    fn from_param(param: &'a str) -> Result<Self, Self::Error> {
        EntityCode::parse(param)
    }
}

impl<'a> FromParam<'a> for BatchDocument {
    type Error = UnknownDocument;
    fn from_param(param: &'a str) -> Result<Self, Self::Error> {
        BatchDocument::parse(param)
    }
}

#[rocket::async_trait]
impl<'v> FromFormField<'v> for StationName {
    fn from_value(field: ValueField<'v>) -> form::Result<'v, Self> {
        StationName::parse(field.value).map_err(|e| form::Error::validation(e.to_string()).into())
    }
}

impl<'de> Deserialize<'de> for StationName {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let raw = String::deserialize(d)?;
        StationName::parse(&raw).map_err(|e: BadStationName| serde::de::Error::custom(e))
    }
}

impl utoipa::PartialSchema for StationName {
    fn schema() -> RefOr<Schema> {
        ObjectBuilder::new()
            .schema_type(Type::String)
            .description(Some(format!(
                "Nombre de la estación: de 1 a {} caracteres, no todo espacios, sin caracteres de control.",
                StationName::MAX_CHARS
            )))
            .min_length(Some(1))
            .max_length(Some(StationName::MAX_CHARS))
            .pattern(Some(r"^[^\x00-\x1f\x7f-\x9f]*[^\s\x00-\x1f\x7f-\x9f][^\x00-\x1f\x7f-\x9f]*$"))
            .examples(["mesa-1"])
            .into()
    }
}

impl utoipa::ToSchema for StationName {}

impl<'de> Deserialize<'de> for ScanId {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let raw = String::deserialize(d)?;
        ScanId::parse(&raw).map_err(serde::de::Error::custom)
    }
}

impl utoipa::PartialSchema for ScanId {
    fn schema() -> RefOr<Schema> {
        ObjectBuilder::new()
            .schema_type(Type::String)
            .description(Some(format!(
                "Identificador que la estación da al escaneo antes de enviarlo (de {} a {} letras, \
                 dígitos o guiones; un UUID sirve). Un identificador ya visto responde su primer \
                 veredicto y no registra nada; el corte se juzga con la hora en que el servidor \
                 vio el escaneo por primera vez.",
                ScanId::MIN_LEN,
                ScanId::MAX_LEN
            )))
            .min_length(Some(ScanId::MIN_LEN))
            .max_length(Some(ScanId::MAX_LEN))
            .pattern(Some(format!(
                "^[A-Za-z0-9-]{{{},{}}}$",
                ScanId::MIN_LEN,
                ScanId::MAX_LEN
            )))
            .examples(["0b6f3c1e-2d4a-4f7b-9c8d-1e2f3a4b5c6d"])
            .into()
    }
}

impl utoipa::ToSchema for ScanId {}

/// The text a scan station sends: a QR read or a code typed by hand, at most
/// [`MAX_SCAN_LEN`] bytes. Not yet a code: garbage within the limit gets an "invalid" verdict.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScanText(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("code: más de {MAX_SCAN_LEN} caracteres")]
pub struct ScanTooLong;

impl ScanText {
    pub fn parse(raw: &str) -> Result<ScanText, ScanTooLong> {
        if raw.len() > MAX_SCAN_LEN {
            return Err(ScanTooLong);
        }
        Ok(ScanText(raw.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[rocket::async_trait]
impl<'v> FromFormField<'v> for ScanText {
    fn from_value(field: ValueField<'v>) -> form::Result<'v, Self> {
        ScanText::parse(field.value).map_err(|e| form::Error::validation(e.to_string()).into())
    }
}

impl<'de> Deserialize<'de> for ScanText {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let raw = String::deserialize(d)?;
        ScanText::parse(&raw).map_err(serde::de::Error::custom)
    }
}

impl utoipa::PartialSchema for ScanText {
    fn schema() -> RefOr<Schema> {
        ObjectBuilder::new()
            .schema_type(Type::String)
            .description(Some(
                "El código leído del QR, o el código legible tecleado a mano.",
            ))
            .max_length(Some(MAX_SCAN_LEN))
            .examples(["7K2M9Q-4TX1BC-8HNR0D"])
            .into()
    }
}

impl utoipa::ToSchema for ScanText {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scanned_text_is_refused_only_beyond_its_limit() {
        assert!(ScanText::parse(&"A".repeat(MAX_SCAN_LEN)).is_ok());
        assert_eq!(
            ScanText::parse(&"A".repeat(MAX_SCAN_LEN + 1)),
            Err(ScanTooLong)
        );
    }

    #[test]
    fn a_station_name_in_json_is_read_with_its_domain_rule() {
        let ok: StationName = serde_json::from_str(r#"" mesa-1 ""#).unwrap();
        assert_eq!(ok.as_str(), "mesa-1");
        assert!(serde_json::from_str::<StationName>(r#""  ""#).is_err());
    }
}
