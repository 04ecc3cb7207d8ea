//! The schema's history: the SQL files in `db/migrations`, applied in order when a database is
//! opened. `0001_initial.sql` is the whole schema of a new database; a later change to the
//! schema is a new numbered file appended to [`SQL`], never an edit of an applied one.

use rusqlite_migration::{Migrations, M};

/// Every migration, oldest first. A database records how many it has applied in
/// `PRAGMA user_version`.
const SQL: &[&str] = &[
    include_str!("../../db/migrations/0001_initial.sql"),
    include_str!("../../db/migrations/0002_audit_checkpoints.sql"),
    include_str!("../../db/migrations/0003_document_cache.sql"),
    include_str!("../../db/migrations/0004_address_history.sql"),
    include_str!("../../db/migrations/0005_account_scopes.sql"),
    include_str!("../../db/migrations/0006_push_inbox.sql"),
    include_str!("../../db/migrations/0007_outbox.sql"),
    include_str!("../../db/migrations/0008_scan_ids.sql"),
    include_str!("../../db/migrations/0011_purge_after.sql"),
    include_str!("../../db/migrations/0015_outbox_handed.sql"),
    include_str!("../../db/migrations/0016_notice_scans.sql"),
    include_str!("../../db/migrations/0017_scale_indexes.sql"),
    include_str!("../../db/migrations/0018_work_sets.sql"),
    include_str!("../../db/migrations/0019_push_on_polls.sql"),
    include_str!("../../db/migrations/0020_leg_newest.sql"),
    include_str!("../../db/migrations/0021_leg_newest_by_writer.sql"),
    include_str!("../../db/migrations/0022_inbox_deflate.sql"),
];

/// How many migrations this build knows (a database made by it has this `user_version`).
pub fn version() -> i64 {
    SQL.len() as i64
}

/// Every migration, oldest first.
pub fn migrations() -> Migrations<'static> {
    Migrations::new(SQL.iter().map(|sql| M::up(sql)).collect())
}

/// A fresh in-memory database at the latest schema, for the storage layer's tests.
#[cfg(test)]
pub(crate) fn latest_in_memory() -> rusqlite::Connection {
    let mut conn = rusqlite::Connection::open_in_memory().expect("an in-memory database opens");
    migrations()
        .to_latest(&mut conn)
        .expect("the migrations apply");
    conn
}

#[cfg(test)]
mod tests;
