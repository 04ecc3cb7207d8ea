//! Mexico's 32 federal entities (entidades federativas) with their INEGI two-digit codes,
//! Spanish names and usual abbreviations: the entity an elector abroad votes for.

/// A Mexican federal entity.
#[derive(Debug, PartialEq, Eq, Hash)]
pub struct Entity {
    /// INEGI code, two digits, "01" to "32".
    pub code: &'static str,
    /// Spanish name as shown to people ("Ciudad de México").
    pub name: &'static str,
    /// Usual abbreviation ("CDMX").
    pub abbr: &'static str,
}

/// The entity with this INEGI code. Exact two-digit match only: "9" or " 09" give `None`.
pub fn entity(code: &str) -> Option<&'static Entity> {
    ENTITIES.iter().find(|e| e.code == code)
}

/// The INEGI code of one of the 32 entities, checked: only [`EntityCode::parse`] makes one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct EntityCode(&'static Entity);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("«{0}» no es una clave de entidad (01 a 32)")]
pub struct BadEntityCode(pub String);

impl EntityCode {
    /// Exact two-digit codes only, as [`entity`].
    pub fn parse(code: &str) -> Result<EntityCode, BadEntityCode> {
        entity(code)
            .map(EntityCode)
            .ok_or_else(|| BadEntityCode(code.chars().take(8).collect()))
    }

    pub fn as_str(self) -> &'static str {
        self.0.code
    }

    pub fn entity(self) -> &'static Entity {
        self.0
    }
}

impl std::fmt::Display for EntityCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// All 32 entities, in INEGI code order.
pub fn entities() -> &'static [Entity] {
    ENTITIES
}

const fn e(code: &'static str, name: &'static str, abbr: &'static str) -> Entity {
    Entity { code, name, abbr }
}

/// Names are the common short forms ("Coahuila", "Michoacán", "Veracruz"); entity 15 is
/// "Estado de México" so it is never mistaken for the country.
static ENTITIES: &[Entity] = &[
    e("01", "Aguascalientes", "AGS"),
    e("02", "Baja California", "BC"),
    e("03", "Baja California Sur", "BCS"),
    e("04", "Campeche", "CAMP"),
    e("05", "Coahuila", "COAH"),
    e("06", "Colima", "COL"),
    e("07", "Chiapas", "CHIS"),
    e("08", "Chihuahua", "CHIH"),
    e("09", "Ciudad de México", "CDMX"),
    e("10", "Durango", "DGO"),
    e("11", "Guanajuato", "GTO"),
    e("12", "Guerrero", "GRO"),
    e("13", "Hidalgo", "HGO"),
    e("14", "Jalisco", "JAL"),
    e("15", "Estado de México", "MEX"),
    e("16", "Michoacán", "MICH"),
    e("17", "Morelos", "MOR"),
    e("18", "Nayarit", "NAY"),
    e("19", "Nuevo León", "NL"),
    e("20", "Oaxaca", "OAX"),
    e("21", "Puebla", "PUE"),
    e("22", "Querétaro", "QRO"),
    e("23", "Quintana Roo", "QROO"),
    e("24", "San Luis Potosí", "SLP"),
    e("25", "Sinaloa", "SIN"),
    e("26", "Sonora", "SON"),
    e("27", "Tabasco", "TAB"),
    e("28", "Tamaulipas", "TAMPS"),
    e("29", "Tlaxcala", "TLAX"),
    e("30", "Veracruz", "VER"),
    e("31", "Yucatán", "YUC"),
    e("32", "Zacatecas", "ZAC"),
];

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn there_are_32_entities_coded_01_to_32_in_order() {
        assert_eq!(entities().len(), 32);
        for (i, e) in entities().iter().enumerate() {
            assert_eq!(e.code, format!("{:02}", i + 1));
        }
    }

    #[test]
    fn names_and_abbreviations_are_unique_and_non_empty() {
        let names: HashSet<&str> = entities().iter().map(|e| e.name).collect();
        let abbrs: HashSet<&str> = entities().iter().map(|e| e.abbr).collect();
        assert_eq!((names.len(), abbrs.len()), (32, 32));
        for e in entities() {
            assert!(!e.name.is_empty() && !e.abbr.is_empty(), "{}", e.code);
            assert!(e.abbr.bytes().all(|b| b.is_ascii_uppercase()), "{}", e.abbr);
        }
    }

    #[test]
    fn the_entities_of_the_2021_2022_local_elections_are_where_expected() {
        let found = |code| entity(code).map(|e| (e.name, e.abbr));
        assert_eq!(found("01"), Some(("Aguascalientes", "AGS")));
        assert_eq!(found("10"), Some(("Durango", "DGO")));
        assert_eq!(found("20"), Some(("Oaxaca", "OAX")));
        assert_eq!(found("28"), Some(("Tamaulipas", "TAMPS")));
    }

    #[test]
    fn names_keep_their_accents() {
        assert_eq!(entity("09").unwrap().name, "Ciudad de México");
        assert_eq!(entity("19").unwrap().name, "Nuevo León");
        assert_eq!(entity("22").unwrap().name, "Querétaro");
        assert_eq!(entity("24").unwrap().name, "San Luis Potosí");
        assert_eq!(entity("31").unwrap().name, "Yucatán");
    }

    #[test]
    fn an_entity_code_parses_only_from_an_exact_code_of_the_table() {
        let c = EntityCode::parse("20").unwrap();
        assert_eq!((c.as_str(), c.entity().name), ("20", "Oaxaca"));
        for bad in ["1", "00", "33", " 01", "AGS", ""] {
            assert!(EntityCode::parse(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn lookup_takes_only_an_exact_two_digit_code() {
        assert_eq!(entity("32").map(|e| e.abbr), Some("ZAC"));
        for bad in ["1", "9", "00", "33", " 01", "01 ", "001", "AGS", ""] {
            assert_eq!(entity(bad), None, "{bad:?}");
        }
    }
}
