//! Finding PEPs from one search box: a PEP id, an elector key, a tracking number, or words of
//! the elector's name. Searching by personal data (name, elector key) and seeing it is for the
//! roles that handle addresses (administration and shipping); others search by PEP id or guía.

use serde::Serialize;

use super::errors::SearchError;
use super::Result;
use crate::domain::elector::ElectorKey;
use crate::domain::pep::PepId;
use crate::domain::personal::{Casework, PersonalData};
use crate::domain::tracking::TrackingNumber;
use crate::domain::{entity, geo};
use crate::storage::search::{self as store, Hit};
use crate::storage::Db;

/// Results per page.
pub const PAGE_SIZE: usize = 25;

/// What the search box was given.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Query {
    PepId(PepId),
    ElectorKey(String),
    Tracking(TrackingNumber),
    Name(String),
}

impl Query {
    /// The kind of query, in Spanish.
    pub fn kind_es(&self) -> &'static str {
        match self {
            Query::PepId(_) => "identificador de PEP",
            Query::ElectorKey(_) => "clave de elector",
            Query::Tracking(_) => "número de guía",
            Query::Name(_) => "nombre",
        }
    }

    fn personal(&self) -> bool {
        matches!(self, Query::ElectorKey(_) | Query::Name(_))
    }
}

/// Reads the search text: a PEP id or an elector key when it parses as one, a tracking number
/// when it is letters and digits with at least one digit (spaces aside), a name otherwise.
pub fn classify(text: &str) -> Option<Query> {
    let t = text.trim();
    if t.is_empty() {
        return None;
    }
    let upper = t.to_uppercase();
    if let Ok(id) = PepId::parse(&upper) {
        return Some(Query::PepId(id));
    }
    if let Ok(key) = ElectorKey::parse(&upper) {
        return Some(Query::ElectorKey(key.as_str().to_string()));
    }
    if let Ok(n) = TrackingNumber::parse(&upper) {
        return Some(Query::Tracking(n));
    }
    Some(Query::Name(t.chars().take(100).collect()))
}

/// One PEP found, as listed: personal fields only for roles that may see them.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct HitView {
    pub pep_id: String,
    pub generation: u32,
    pub stage: &'static str,
    pub stage_label: &'static str,
    pub voided: bool,
    pub entity: String,
    pub country: String,
    pub name: Option<String>,
    pub elector_key: Option<String>,
    pub city: Option<String>,
}

fn view(h: Hit, leave: Option<&PersonalData<Casework>>) -> HitView {
    let reveal = leave.is_some();
    HitView {
        stage: h.stage.as_str(),
        stage_label: h.stage.label_es(),
        entity: entity::entity(&h.entity).map_or(h.entity.clone(), |e| e.name.to_string()),
        country: geo::country(&h.country).map_or(h.country.clone(), |c| c.name_es.to_string()),
        name: reveal.then_some(h.name),
        elector_key: reveal.then(|| h.elector_key.to_string()),
        city: reveal.then_some(h.city),
        pep_id: h.pep_id.to_string(),
        generation: h.generation,
        voided: h.voided,
    }
}

/// One page of results.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Results {
    pub kind: &'static str,
    pub hits: Vec<HitView>,
    /// 1-based.
    pub page: usize,
    pub more: bool,
}

/// Runs the search; only with `leave` may the caller search by and see personal data.
pub fn search(
    db: &Db,
    q: &Query,
    page: usize,
    scope: &crate::domain::scope::Scope,
    leave: Option<&PersonalData<Casework>>,
) -> Result<Results> {
    if q.personal() && leave.is_none() {
        return Err(SearchError::Reserved(q.kind_es()).into());
    }
    let page = page.clamp(1, 10_000);
    let mut hits = db.read(|c| match q {
        Query::PepId(id) => store::by_pep_id(c, id, scope),
        Query::ElectorKey(k) => store::by_elector_key(c, k, scope),
        Query::Tracking(n) => store::by_tracking(c, n.as_str(), scope),
        Query::Name(words) => {
            store::by_name(c, words, scope, PAGE_SIZE + 1, (page - 1) * PAGE_SIZE)
        }
    })?;
    let more = hits.len() > PAGE_SIZE;
    hits.truncate(PAGE_SIZE);
    Ok(Results {
        kind: q.kind_es(),
        hits: hits.into_iter().map(|h| view(h, leave)).collect(),
        page,
        more,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_search_box_tells_pep_ids_keys_guias_and_names_apart() {
        assert_eq!(
            classify(" pep-0000123-1 "),
            Some(Query::PepId(PepId::new(123, 1)))
        );
        assert!(
            matches!(classify("1Z 999 AA1 0123456784"), Some(Query::Tracking(n)) if n.as_str() == "1Z999AA10123456784")
        );
        assert!(matches!(classify("794612345678"), Some(Query::Tracking(_))));
        assert_eq!(
            classify("gaprma85031209m700"),
            Some(Query::ElectorKey("GAPRMA85031209M700".into()))
        );
        assert!(matches!(
            classify("María José García"),
            Some(Query::Name(_))
        ));
        assert_eq!(classify("   "), None);
    }
}
