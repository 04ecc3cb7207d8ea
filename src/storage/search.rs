//! Finding PEPs: by PEP id, by elector key, by a leg's tracking number, or by words of the
//! elector's name through the accent-folding full-text index `elector_names`
//! (`db/migrations/0006_search.sql`). Every query is an index lookup; names page by id. Every
//! query runs inside an entity scope (in its SQL, pages included).

use rusqlite::{params, Connection};

use super::{scope_clause, Result};
use crate::domain::elector::ElectorKey;
use crate::domain::pep::PepId;
use crate::domain::scope::Scope;
use crate::domain::stage::Stage;

/// One PEP found, with its elector (callers decide who may see the personal fields).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hit {
    pub pep_id: PepId,
    pub generation: u32,
    pub stage: Stage,
    pub voided: bool,
    pub entity: String,
    pub country: String,
    /// Given names, paternal and maternal surnames.
    pub name: String,
    pub elector_key: ElectorKey,
    pub city: String,
}

const HIT: &str = "SELECT p.pep_id, p.generation, p.stage, p.voided_at IS NOT NULL, p.entity,
        p.country,
        e.given_names || ' ' || e.paternal_surname || coalesce(' ' || e.maternal_surname, ''),
        e.elector_key, e.city
     FROM peps p JOIN electors e ON e.id = p.elector_id";

fn hits(conn: &Connection, sql: &str, args: impl rusqlite::Params) -> Result<Vec<Hit>> {
    let mut stmt = conn.prepare_cached(sql)?;
    let rows = stmt.query_map(args, |r| {
        Ok(Hit {
            pep_id: r.get(0)?,
            generation: r.get(1)?,
            stage: r.get(2)?,
            voided: r.get(3)?,
            entity: r.get(4)?,
            country: r.get(5)?,
            name: r.get(6)?,
            elector_key: r.get(7)?,
            city: r.get(8)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

pub fn by_pep_id(conn: &Connection, id: &PepId, scope: &Scope) -> Result<Vec<Hit>> {
    let inside = scope_clause("p.entity", "?2");
    hits(
        conn,
        &format!("{HIT} WHERE p.pep_id = ?1 AND {inside}"),
        params![id, scope],
    )
}

/// Every PEP (every generation) of the elector with this key.
pub fn by_elector_key(conn: &Connection, key: &str, scope: &Scope) -> Result<Vec<Hit>> {
    let inside = scope_clause("p.entity", "?2");
    hits(
        conn,
        &format!("{HIT} WHERE e.elector_key = ?1 AND {inside} ORDER BY p.generation DESC"),
        params![key, scope],
    )
}

/// The PEP whose outbound or return leg carries this number (any carrier).
pub fn by_tracking(conn: &Connection, number: &str, scope: &Scope) -> Result<Vec<Hit>> {
    let inside = scope_clause("p.entity", "?2");
    hits(
        conn,
        &format!(
            "{HIT} WHERE p.id IN (SELECT l.pep FROM legs l
                 WHERE l.carrier IN ('fedex', 'ups', 'dhl') AND l.tracking = ?1) AND {inside}"
        ),
        params![number, scope],
    )
}

/// The full-text query for words of a name: every word must start a word of the name,
/// accents and case aside. `None` when there is no word to look for.
pub fn name_query(text: &str) -> Option<String> {
    let words: Vec<String> = text
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .take(8)
        .map(|w| format!("\"{w}\"*"))
        .collect();
    (!words.is_empty()).then(|| words.join(" "))
}

/// The newest PEP of each elector whose name matches, in list order, one page at a time.
pub fn by_name(
    conn: &Connection,
    text: &str,
    scope: &Scope,
    limit: usize,
    offset: usize,
) -> Result<Vec<Hit>> {
    let Some(q) = name_query(text) else {
        return Ok(Vec::new());
    };
    hits(
        conn,
        &format!(
            "WITH m AS (SELECT n.rowid AS id FROM elector_names n
                         JOIN electors x ON x.id = n.rowid
                         WHERE elector_names MATCH ?1 AND {}
                         ORDER BY n.rowid LIMIT ?2 OFFSET ?3)
             {HIT} JOIN m ON m.id = e.id
             WHERE p.generation = (SELECT max(q.generation) FROM peps q
                                    WHERE q.elector_id = e.id)
             ORDER BY e.id",
            scope_clause("x.entity", "?4")
        ),
        params![q, limit as i64, offset as i64, scope],
    )
}

#[cfg(test)]
mod tests {
    use super::name_query;

    #[test]
    fn a_name_query_keeps_words_as_quoted_prefixes_and_drops_punctuation() {
        assert_eq!(
            name_query("  García-López, María ").as_deref(),
            Some("\"García\"* \"López\"* \"María\"*")
        );
        assert_eq!(name_query("\"*) OR (").as_deref(), Some("\"OR\"*"));
        assert_eq!(name_query(" ,;- "), None);
    }
}
