//! The PEP (Paquete Electoral Postal): its public id and generation.
//!
//! A PEP id names the elector's list number and the generation: `PEP-0000123-1`. A reissue
//! voids generation N and creates generation N+1 for the same elector. The id carries no
//! personal data (the list number is internal to this installation).

use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PepId {
    pub elector: i64,
    pub generation: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("«{0}» no es un identificador de PEP (PEP-0000123-1)")]
pub struct BadPepId(pub String);

impl PepId {
    pub fn new(elector: i64, generation: u32) -> PepId {
        PepId {
            elector,
            generation,
        }
    }

    pub fn parse(s: &str) -> Result<PepId, BadPepId> {
        let bad = || BadPepId(s.chars().take(40).collect());
        let rest = s.strip_prefix("PEP-").ok_or_else(bad)?;
        let (num, generation) = rest.split_once('-').ok_or_else(bad)?;
        let digits =
            |t: &str| !t.is_empty() && t.len() <= 12 && t.bytes().all(|b| b.is_ascii_digit());
        if num.len() < 7 || !digits(num) || !digits(generation) || generation.starts_with('0') {
            return Err(bad());
        }
        let elector: i64 = num.parse().map_err(|_| bad())?;
        let generation: u32 = generation.parse().map_err(|_| bad())?;
        let id = PepId::new(elector, generation);
        // Only the canonical spelling is accepted (no extra leading zeros).
        if id.to_string() != s || elector < 1 {
            return Err(bad());
        }
        Ok(id)
    }
}

impl fmt::Display for PepId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PEP-{:07}-{}", self.elector, self.generation)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pep_id_prints_and_parses_back() {
        let id = PepId::new(123, 1);
        assert_eq!(id.to_string(), "PEP-0000123-1");
        assert_eq!(PepId::parse("PEP-0000123-1"), Ok(id));
        assert_eq!(PepId::parse("PEP-12345678-2").unwrap().elector, 12_345_678);
    }

    #[test]
    fn non_canonical_or_garbage_ids_are_refused() {
        for s in [
            "",
            "PEP-",
            "PEP-123-1",
            "PEP-0000123",
            "PEP-0000123-0",
            "PEP-0000123-01",
            "pep-0000123-1",
            "PEP-00000123-1",
            "PEP-0000000-1",
            "PEP-0000123-1x",
            "PEP-0000123--1",
            "PEP-+000123-1",
        ] {
            assert!(PepId::parse(s).is_err(), "{s}");
        }
    }
}
