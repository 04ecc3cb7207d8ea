//! The schema's history: the SQL migrations in `db/migrations`, applied in order on open, and
//! the one migration that needs code (0007, rewriting CHECK constraints in place).

use rusqlite::{params, Transaction};
use rusqlite_migration::{HookResult, Migrations, M};

const SQL: &[&str] = &[
    include_str!("../../db/migrations/0001_foundation.sql"),
    include_str!("../../db/migrations/0002_peps.sql"),
    include_str!("../../db/migrations/0003_reception.sql"),
    include_str!("../../db/migrations/0004_tracking.sql"),
    include_str!("../../db/migrations/0005_stage.sql"),
    include_str!("../../db/migrations/0006_search.sql"),
];
const CHECKS: &str = include_str!("../../db/migrations/0007_checks.sql");
const DOCUMENT_CACHE: &str = include_str!("../../db/migrations/0009_document_cache.sql");

/// Every migration, oldest first.
pub fn migrations() -> Migrations<'static> {
    let mut all: Vec<M<'static>> = SQL.iter().map(|sql| M::up(sql)).collect();
    all.push(M::up_with_hook(CHECKS, rewrite_in_list_checks));
    all.push(M::up(DOCUMENT_CACHE));
    Migrations::new(all)
}

/// Migration 0007. A CHECK of the form `col IN ('a', 'b', 'c', …)` makes SQLite build a
/// temporary b-tree of the list on every row it writes (3–5 µs each time, measured); the same
/// constraint as `col = 'a' OR col = 'b' OR …` costs a few comparisons. The constraints keep
/// their meaning, so only their text changes: SQLite's documented procedure for changing
/// constraints without rebuilding a table (writable_schema, then a new schema version). The
/// new schema is parsed again before the transaction ends; any problem rolls it all back.
fn rewrite_in_list_checks(tx: &Transaction) -> HookResult {
    let tables: Vec<(String, String)> = tx
        .prepare("SELECT name, sql FROM sqlite_schema WHERE type = 'table' AND sql IS NOT NULL")?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    let changes: Vec<(String, String)> = tables
        .into_iter()
        .filter_map(|(name, sql)| checks_without_in_lists(&sql).map(|new| (name, new)))
        .collect();
    if changes.is_empty() {
        return Ok(());
    }
    let version: i64 = tx.query_row("PRAGMA schema_version", [], |r| r.get(0))?;
    tx.pragma_update(None, "writable_schema", true)?;
    for (name, sql) in &changes {
        tx.execute(
            "UPDATE sqlite_schema SET sql = ?2 WHERE type = 'table' AND name = ?1",
            params![name, sql],
        )?;
    }
    tx.pragma_update(None, "schema_version", version + 1)?;
    tx.pragma_update(None, "writable_schema", false)?;
    // Preparing a write to each table parses the new schema: a constraint SQLite cannot read
    // fails here.
    for (name, _) in &changes {
        tx.prepare(&format!("DELETE FROM \"{name}\" WHERE 0"))?;
    }
    Ok(())
}

/// Rewrites every `CHECK (col IN ('a', 'b', …))` of a CREATE TABLE statement as
/// `CHECK (col = 'a' OR col = 'b' OR …)`; `None` when there is none. Other constraints and the
/// rest of the text are kept byte for byte.
pub fn checks_without_in_lists(sql: &str) -> Option<String> {
    let mut out = String::with_capacity(sql.len());
    let mut rest = sql;
    let mut changed = false;
    while let Some(at) = find_keyword(rest, "CHECK") {
        out.push_str(&rest[..at]);
        let from = &rest[at..];
        match in_list_check(from) {
            Some((column, values, len)) => {
                let terms: Vec<String> = values.iter().map(|v| format!("{column} = {v}")).collect();
                out.push_str("CHECK (");
                out.push_str(&terms.join(" OR "));
                out.push(')');
                rest = &from[len..];
                changed = true;
            }
            None => {
                out.push_str(&from[..5]);
                rest = &from[5..];
            }
        }
    }
    out.push_str(rest);
    changed.then_some(out)
}

fn find_keyword(s: &str, word: &str) -> Option<usize> {
    s.to_ascii_uppercase().find(word)
}

/// Parses `CHECK ( ident IN ( 'lit' , … ) )` at the start of `s`: the column, the literals
/// (quotes kept) and the length consumed.
fn in_list_check(s: &str) -> Option<(&str, Vec<&str>, usize)> {
    let mut p = Cursor { s, at: 5 };
    p.punct('(')?;
    let column = p.ident()?;
    if !p.ident()?.eq_ignore_ascii_case("IN") {
        return None;
    }
    p.punct('(')?;
    let mut values = vec![p.literal()?];
    loop {
        p.skip_ws();
        match p.s[p.at..].chars().next()? {
            ',' => {
                p.at += 1;
                values.push(p.literal()?);
            }
            ')' => {
                p.at += 1;
                break;
            }
            _ => return None,
        }
    }
    p.punct(')')?;
    Some((column, values, p.at))
}

struct Cursor<'a> {
    s: &'a str,
    at: usize,
}

impl<'a> Cursor<'a> {
    fn skip_ws(&mut self) {
        let rest = &self.s[self.at..];
        self.at += rest.len() - rest.trim_start().len();
    }

    fn punct(&mut self, c: char) -> Option<()> {
        self.skip_ws();
        self.s[self.at..].starts_with(c).then(|| self.at += 1)
    }

    fn ident(&mut self) -> Option<&'a str> {
        self.skip_ws();
        let rest = &self.s[self.at..];
        let len = rest
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .unwrap_or(rest.len());
        (len > 0).then(|| {
            self.at += len;
            &rest[..len]
        })
    }

    /// A single-quoted SQL string ('' inside is a quote).
    fn literal(&mut self) -> Option<&'a str> {
        self.skip_ws();
        let rest = &self.s[self.at..];
        if !rest.starts_with('\'') {
            return None;
        }
        let bytes = rest.as_bytes();
        let mut i = 1;
        loop {
            match bytes.get(i)? {
                b'\'' if bytes.get(i + 1) == Some(&b'\'') => i += 2,
                b'\'' => break,
                _ => i += 1,
            }
        }
        self.at += i + 1;
        Some(&rest[..=i])
    }
}

#[cfg(test)]
#[path = "schema_tests.rs"]
mod tests;
