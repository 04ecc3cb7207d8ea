//! Serializable views of domain values for the templates (Spanish labels, local times).

use serde::Serialize;

use crate::domain::election::Election;
use crate::domain::entity;

#[derive(Debug, Serialize)]
pub struct ElectionView {
    pub name: String,
    pub election_day: String,
    pub polls_open: String,
    pub timezone: String,
    pub cutoff_local: String,
    pub cutoff_utc: String,
    pub max_electors_per_mec: u32,
    pub entities: Vec<String>,
}

impl From<&Election> for ElectionView {
    fn from(e: &Election) -> Self {
        ElectionView {
            name: e.name.clone(),
            election_day: e.election_day.format("%d/%m/%Y").to_string(),
            polls_open: e.polls_open.format("%H:%M").to_string(),
            timezone: e.timezone.name().to_string(),
            cutoff_local: e.local(e.receipt_cutoff),
            cutoff_utc: crate::storage::ts(e.receipt_cutoff),
            max_electors_per_mec: e.max_electors_per_mec,
            entities: e
                .entities
                .iter()
                .map(|c| entity::entity(c).map_or(c.clone(), |x| format!("{c} {}", x.name)))
                .collect(),
        }
    }
}

/// Tera filter `miles`: an integer with thousands separated as in Mexico (1,882,345).
pub fn thousands(
    value: &rocket_dyn_templates::tera::Value,
    _: &std::collections::HashMap<String, rocket_dyn_templates::tera::Value>,
) -> rocket_dyn_templates::tera::Result<rocket_dyn_templates::tera::Value> {
    let Some(n) = value.as_i64() else {
        return Ok(value.clone());
    };
    Ok(group_thousands(n).into())
}

/// An integer with thousands separated as in Mexico (1,882,345).
pub fn group_thousands(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 + 1);
    if n < 0 {
        out.push('-');
    }
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::thousands;

    #[test]
    fn counts_print_with_thousands_separated_by_commas() {
        let f = |n: i64| thousands(&n.into(), &Default::default()).unwrap();
        assert_eq!(f(0), "0");
        assert_eq!(f(999), "999");
        assert_eq!(f(1_000), "1,000");
        assert_eq!(f(1_882_345), "1,882,345");
        assert_eq!(f(-12_345), "-12,345");
    }
}
