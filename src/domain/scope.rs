//! Which part of the list an account may see: the whole country, or one or more entities (an
//! OPL's board). A role says what an account may do; a scope says over which electors. Queries
//! are computed inside the scope (storage binds it, see `storage::sql_types`), never filtered
//! after the fact.

use std::collections::BTreeSet;

use super::entity::{BadEntityCode, EntityCode};

/// The electors an account may see.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Scope {
    /// Every entity (INE's own staff).
    #[default]
    National,
    /// Only these entities, never empty, in code order.
    Entities(Vec<EntityCode>),
}

/// Why a scope could not be made.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ScopeError {
    #[error(transparent)]
    BadEntity(#[from] BadEntityCode),
    #[error("un alcance por entidad necesita al menos una entidad")]
    Empty,
}

impl Scope {
    /// The scope of these entities (duplicates folded); an empty list is refused, since a
    /// scope that sees nothing is a mistake, not a setting.
    pub fn entities(codes: impl IntoIterator<Item = EntityCode>) -> Result<Scope, ScopeError> {
        let set: BTreeSet<&'static str> = codes.into_iter().map(|c| c.as_str()).collect();
        if set.is_empty() {
            return Err(ScopeError::Empty);
        }
        let mut list = Vec::with_capacity(set.len());
        for code in set {
            list.push(EntityCode::parse(code)?);
        }
        Ok(Scope::Entities(list))
    }

    /// Parses a comma-separated list of entity codes ("20" or "07,20"), as the CLI's
    /// `--entity` and the stored column give it.
    pub fn parse_list(text: &str) -> Result<Scope, ScopeError> {
        let codes = text
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(EntityCode::parse)
            .collect::<Result<Vec<_>, _>>()?;
        Scope::entities(codes)
    }

    /// Whether electors of `entity` are inside.
    pub fn allows(&self, entity: EntityCode) -> bool {
        match self {
            Scope::National => true,
            Scope::Entities(list) => list.contains(&entity),
        }
    }

    /// The entities, or `None` for the national scope.
    pub fn entity_codes(&self) -> Option<&[EntityCode]> {
        match self {
            Scope::National => None,
            Scope::Entities(list) => Some(list),
        }
    }

    /// "07,20" for a scoped account, `None` for a national one (stored and shown this way).
    pub fn to_list(&self) -> Option<String> {
        self.entity_codes().map(|codes| {
            codes
                .iter()
                .map(|c| c.as_str())
                .collect::<Vec<_>>()
                .join(",")
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_are_checked_sorted_and_folded() {
        let s = Scope::parse_list("20, 07,20").unwrap();
        assert_eq!(s.to_list().as_deref(), Some("07,20"));
        assert!(s.allows(EntityCode::parse("07").unwrap()));
        assert!(!s.allows(EntityCode::parse("09").unwrap()));
        assert_eq!(Scope::parse_list(" , "), Err(ScopeError::Empty));
        assert!(matches!(
            Scope::parse_list("20,33"),
            Err(ScopeError::BadEntity(_))
        ));
        assert!(Scope::National.allows(EntityCode::parse("09").unwrap()));
        assert_eq!(Scope::National.to_list(), None);
    }
}
