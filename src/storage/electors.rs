//! The electors, imports and elector_counts tables: writing an import, counting the list.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use rusqlite::{params, CachedStatement, Connection, ErrorCode, Transaction};

use super::{ts, Result};
use crate::domain::elector::Elector;

/// Why a row could not be inserted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Conflict {
    /// The same key appears earlier in this file, at this line.
    InFile(u64),
    /// The key was imported before.
    InDatabase,
}

/// Inserts the rows of one import inside the caller's transaction.
pub struct ImportWriter<'tx> {
    tx: &'tx Transaction<'tx>,
    insert: CachedStatement<'tx>,
    import_id: i64,
    counts: HashMap<(String, String), i64>,
    rows: i64,
}

impl<'tx> ImportWriter<'tx> {
    pub fn begin(
        tx: &'tx Transaction<'tx>,
        file_name: &str,
        actor: &str,
        now: DateTime<Utc>,
    ) -> Result<Self> {
        tx.execute(
            "INSERT INTO imports (file_name, file_sha256, rows, imported_at, actor)
             VALUES (?1, '', 0, ?2, ?3)",
            params![file_name, ts(now), actor],
        )?;
        let import_id = tx.last_insert_rowid();
        let insert = tx.prepare_cached(
            "INSERT INTO electors (elector_key, given_names, paternal_surname, maternal_surname,
                entity, address_line1, address_line2, city, region, postal_code, country,
                email, phone, import_id, source_line)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)",
        )?;
        Ok(ImportWriter {
            tx,
            insert,
            import_id,
            counts: HashMap::new(),
            rows: 0,
        })
    }

    pub fn import_id(&self) -> i64 {
        self.import_id
    }

    /// Inserts one elector; a repeated key is reported, not an error.
    pub fn insert(&mut self, e: &Elector, line: u64) -> Result<Option<Conflict>> {
        let a = &e.address;
        let res = self.insert.execute(params![
            e.key.as_str(),
            e.given_names,
            e.paternal_surname,
            e.maternal_surname,
            e.entity,
            a.line1,
            a.line2,
            a.city,
            a.region,
            a.postal_code,
            a.country,
            e.email,
            e.phone,
            self.import_id,
            line as i64
        ]);
        match res {
            Ok(_) => {
                self.rows += 1;
                *self
                    .counts
                    .entry((e.entity.clone(), a.country.clone()))
                    .or_default() += 1;
                Ok(None)
            }
            Err(err) if err.sqlite_error_code() == Some(ErrorCode::ConstraintViolation) => {
                let (import_id, line): (i64, i64) = self.tx.query_row(
                    "SELECT import_id, source_line FROM electors WHERE elector_key = ?1",
                    [e.key.as_str()],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )?;
                Ok(Some(if import_id == self.import_id {
                    Conflict::InFile(line as u64)
                } else {
                    Conflict::InDatabase
                }))
            }
            Err(err) => Err(err.into()),
        }
    }

    /// Records the file digest and row count and folds the counts into elector_counts.
    pub fn finish(self, file_sha256: &str) -> Result<i64> {
        self.tx.execute(
            "UPDATE imports SET file_sha256 = ?1, rows = ?2 WHERE id = ?3",
            params![file_sha256, self.rows, self.import_id],
        )?;
        let mut up = self.tx.prepare_cached(
            "INSERT INTO elector_counts (entity, country, n) VALUES (?1, ?2, ?3)
             ON CONFLICT (entity, country) DO UPDATE SET n = n + excluded.n",
        )?;
        for ((entity, country), n) in &self.counts {
            up.execute(params![entity, country, n])?;
        }
        Ok(self.rows)
    }
}

/// One cell of the list counts.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct CountRow {
    pub entity: String,
    pub country: String,
    pub n: i64,
}

/// The list counts by entity and country (from the maintained counts table), of the entities
/// inside `scope`.
pub fn counts(conn: &Connection, scope: &crate::domain::scope::Scope) -> Result<Vec<CountRow>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT entity, country, n FROM elector_counts WHERE n > 0 AND {}
          ORDER BY entity, country",
        super::scope_clause("entity", "?1")
    ))?;
    let rows = stmt.query_map([scope], |r| {
        Ok(CountRow {
            entity: r.get(0)?,
            country: r.get(1)?,
            n: r.get(2)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Number of electors per entity among the given ones (used when entities change).
pub fn count_in_entity(conn: &Connection, entity: &str) -> Result<i64> {
    Ok(conn.query_row(
        "SELECT coalesce(sum(n), 0) FROM elector_counts WHERE entity = ?1",
        [entity],
        |r| r.get(0),
    )?)
}
