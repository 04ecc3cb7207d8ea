//! Names the report tables print: entities and countries in Spanish, and the entities a scope
//! shows as rows or columns.

use crate::domain::election::Election;
use crate::domain::entity::{self, EntityCode};
use crate::domain::geo;
use crate::domain::scope::Scope;

pub fn entity_name(code: &str) -> String {
    entity::entity(code).map_or(code.to_string(), |e| e.name.to_string())
}

pub fn country_name(code: &str) -> String {
    geo::country(code).map_or(code.to_string(), |c| c.name_es.to_string())
}

/// The election's entities inside the scope, in code order: the rows (or columns) a table
/// shows even when they have nothing yet.
pub fn scope_entities(e: &Election, scope: &Scope) -> Vec<String> {
    let mut codes: Vec<String> = e
        .entities
        .iter()
        .filter(|c| EntityCode::parse(c).is_ok_and(|code| scope.allows(code)))
        .cloned()
        .collect();
    codes.sort();
    codes
}
