//! Copies of the database on disk (backups, a file to restore): opened read-only to be
//! checked, never migrated or written.

use std::path::Path;

use rusqlite::{Connection, OpenFlags};

use super::Result;

/// Opens a copy read-only (no WAL, no migration: what is in the file is what is checked).
pub fn open_read_only(path: &Path) -> Result<Connection> {
    let conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    Ok(conn)
}

/// `PRAGMA integrity_check`: empty when the file is sound, else SQLite's findings.
pub fn integrity_problems(conn: &Connection) -> Result<Vec<String>> {
    let rows: Vec<String> = conn
        .prepare("PRAGMA integrity_check")?
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows.into_iter().filter(|r| r != "ok").collect())
}

/// The number of migrations the copy has applied (`PRAGMA user_version`).
pub fn schema_version(conn: &Connection) -> Result<i64> {
    Ok(conn.query_row("PRAGMA user_version", [], |r| r.get(0))?)
}
