//! The database: opening, pragmas, migrations, and the one owner of the connections.
//!
//! One writer connection (SQLite serializes writers anyway) and a small pool of readers.
//! Files beside this one hold the queries of each table group, turning rows into domain values.

pub mod addresses;
pub mod audit;
pub mod campaign;
mod checkpoints;
pub mod copies;
pub mod depths;
pub mod doc_cache;
pub mod election;
pub mod electors;
pub mod files;
pub mod guias;
pub mod inbox;
pub mod keys;
pub mod lookup;
pub mod maps;
pub mod outbox;
pub mod outbox_views;
pub mod pep_record;
pub mod peps;
pub mod purge;
pub mod queues;
pub mod reception;
pub mod reports;
pub mod scan_ids;
pub mod schema;
pub mod search;
pub mod sql_types;
pub mod stage;
pub mod subscriptions;
pub mod tallies;
pub mod tracking;
pub mod users;

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};

use rusqlite::{Connection, Transaction};

/// Errors of the storage layer.
#[derive(Debug, thiserror::Error)]
pub enum StorageError {
    #[error("base de datos: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("migración de la base de datos: {0}")]
    Migration(#[from] rusqlite_migration::Error),
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("dato inconsistente en la base de datos: {0}")]
    Corrupt(String),
    #[error(transparent)]
    Keys(#[from] keys::KeyFileError),
}

pub type Result<T, E = StorageError> = std::result::Result<T, E>;

const READERS: usize = 4;

/// The database of one electoral process.
pub struct Db {
    path: PathBuf,
    writer: Mutex<Connection>,
    readers: Mutex<Vec<Connection>>,
    /// The key file beside the database, read when a secret is first needed.
    secrets: Arc<keys::LazySecrets>,
    /// Rehearsals only: checkpoints on a thread of their own.
    checkpointer: Option<checkpoints::Checkpointer>,
}

impl std::fmt::Debug for Db {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Db").field("path", &self.path).finish()
    }
}

impl Db {
    /// Opens (creating if needed) and migrates the database at `path`.
    pub fn open(path: &Path) -> Result<Db> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            files::create_dir_all(dir).map_err(|source| StorageError::Io {
                path: dir.to_path_buf(),
                source,
            })?;
        }
        // Owner-only from the first byte; SQLite gives -wal and -shm the same mode.
        files::touch_new(path).map_err(|source| StorageError::Io {
            path: path.to_path_buf(),
            source,
        })?;
        let mut writer = connect(path)?;
        // 64 MiB of page cache for the writer: a 2,000,000-row import touches random pages of
        // three indexes. Readers keep 2 MiB each (`connect`): a national drill's pushes made
        // five 64 MiB caches the bulk of its memory.
        writer.pragma_update(None, "cache_size", -65_536)?;
        // The writer's statement journals (a statement's undo within its transaction: one
        // that fires triggers or checks foreign keys) stay in memory instead of spilling to a
        // temporary file: they hold the pages one statement changes, and a drill's pushes
        // spent ~2 % of the whole run writing them to disk. (Readers keep SQLite's default:
        // a report's large sort may spill.)
        writer.pragma_update(None, "temp_store", "MEMORY")?;
        schema::migrations().to_latest(&mut writer)?;
        let secrets = Arc::new(keys::LazySecrets::new(keys::key_path_for(path)));
        audit::register_mac(&writer, secrets.clone())?;
        Ok(Db {
            path: path.to_path_buf(),
            writer: Mutex::new(writer),
            readers: Mutex::new(Vec::new()),
            secrets,
            checkpointer: None,
        })
    }

    /// Opens the database of a rehearsal (`drill`): as [`Db::open`], but a commit does not
    /// wait for the disk (`synchronous=NORMAL` under WAL). A crash of the process loses
    /// nothing; a power cut may lose the last commits, which a drill simply runs again. A
    /// real election's database is always opened with [`Db::open`] (every commit durable).
    pub fn open_rehearsal(path: &Path) -> Result<Db> {
        let mut db = Db::open(path)?;
        let writer = lock(&db.writer);
        writer.pragma_update(None, "synchronous", "NORMAL")?;
        // The checkpointer beside the writer copies each commit's frames on the other core,
        // and the WAL restarts once they are all copied. The writer checkpoints itself only
        // past 64,000 WAL pages (256 MiB), when readers kept the WAL from restarting: at
        // SQLite's 1,000 (or 16,000) it checkpointed after nearly every commit of a national
        // drill's pushes, copying on the writer what the other core would have copied.
        writer.pragma_update(None, "wal_autocheckpoint", 64_000)?;
        drop(writer);
        let side = connect(path)?;
        side.pragma_update(None, "synchronous", "NORMAL")?;
        let every = std::time::Duration::from_millis(50);
        db.checkpointer = Some(checkpoints::Checkpointer::start(side, every).map_err(
            |source| StorageError::Io {
                path: path.to_path_buf(),
                source,
            },
        )?);
        Ok(db)
    }

    /// The installation's secrets, from the key file beside the database.
    pub fn secrets(&self) -> Result<&keys::Secrets> {
        Ok(self.secrets.get()?)
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Runs `f` in one write transaction; commits when it returns `Ok` (durably: synchronous=FULL).
    pub fn write<T, E>(&self, f: impl FnOnce(&Transaction) -> Result<T, E>) -> Result<T, E>
    where
        E: From<StorageError>,
    {
        let mut conn = lock(&self.writer);
        let tx = conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
            .map_err(StorageError::from)?;
        let out = f(&tx)?;
        tx.commit().map_err(StorageError::from)?;
        drop(conn);
        if let Some(c) = &self.checkpointer {
            c.committed();
        }
        Ok(out)
    }

    /// Runs `f` on a reader connection (a consistent snapshot when `f` uses one transaction).
    pub fn read<T, E>(&self, f: impl FnOnce(&Connection) -> Result<T, E>) -> Result<T, E>
    where
        E: From<StorageError>,
    {
        let conn = match lock(&self.readers).pop() {
            Some(c) => c,
            None => connect(&self.path)?,
        };
        let out = f(&conn);
        let mut pool = lock(&self.readers);
        if pool.len() < READERS {
            pool.push(conn);
        }
        out
    }

    /// Folds the WAL into the database file and truncates it to zero bytes.
    pub fn compact_wal(&self) -> Result<()> {
        let conn = lock(&self.writer);
        conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
        Ok(())
    }

    /// Leaves no trace of deleted rows in the files: the WAL checkpointed into the database
    /// and truncated to zero bytes, the database rebuilt by `VACUUM` (free pages dropped), and
    /// the WAL truncated again. Runs on the writer connection, outside any transaction.
    pub fn compact_securely(&self) -> Result<()> {
        let conn = lock(&self.writer);
        lock(&self.readers).clear();
        conn.pragma_update(None, "secure_delete", "ON")?;
        conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
        conn.execute_batch("VACUUM")?;
        conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
        Ok(())
    }

    /// Writes a consistent copy of the live database to `dest` (SQLite online backup).
    pub fn backup_to(&self, dest: &Path) -> Result<()> {
        let src = connect(&self.path)?;
        files::touch_new(dest).map_err(|source| StorageError::Io {
            path: dest.to_path_buf(),
            source,
        })?;
        let mut dst = Connection::open(dest)?;
        // All pages in one step, inside one read transaction: a snapshot as of its start,
        // taken while writers go on (WAL), and never restarted by their commits.
        use rusqlite::backup::StepResult;
        let backup = rusqlite::backup::Backup::new(&src, &mut dst)?;
        for _ in 0..200 {
            match backup.step(-1)? {
                StepResult::Done => {
                    drop(backup);
                    // One self-contained file: no -wal or -shm beside the copy.
                    dst.pragma_update(None, "journal_mode", "DELETE")?;
                    return Ok(());
                }
                // A checkpoint or another copy holds a lock for a moment: wait, try again.
                _ => std::thread::sleep(std::time::Duration::from_millis(50)),
            }
        }
        Err(StorageError::Corrupt(
            "copia: la base siguió bloqueada 10 s".into(),
        ))
    }
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    // A panic while holding the lock leaves SQLite consistent (the transaction rolls back).
    m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

fn connect(path: &Path) -> Result<Connection> {
    let conn = Connection::open(path)?;
    conn.busy_timeout(std::time::Duration::from_secs(10))?;
    conn.pragma_update(None, "journal_mode", "WAL")?;
    conn.pragma_update(None, "synchronous", "FULL")?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    // 2 MiB of page cache per connection (SQLite's default); the writer gets more
    // (`Db::open`). Under WAL a reader's cache is emptied whenever a commit came since its
    // last read, which while anything writes is nearly every read: larger reader caches only
    // held more memory (a 40,000-elector drill peaked 58 MB higher with 16 MiB each, no faster).
    conn.pragma_update(None, "cache_size", -2_048)?;
    // People's names sort in Spanish order: `ORDER BY … COLLATE es`.
    conn.create_collation("es", crate::domain::collation::compare)?;
    Ok(conn)
}

/// A time as stored: RFC 3339 in UTC with milliseconds and a `Z`
/// (`2022-06-01T17:30:00.000Z`), a fixed-width text that sorts in time order.
/// The SQL condition that keeps rows whose entity-code `column` lies inside the
/// [`Scope`](crate::domain::scope::Scope) bound as the named parameter `param` (":scope"):
/// `NULL` keeps every row, a JSON array of codes keeps those entities.
pub fn scope_clause(column: &str, param: &str) -> String {
    format!("({param} IS NULL OR {column} IN (SELECT value FROM json_each({param})))")
}

pub fn ts(t: chrono::DateTime<chrono::Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

/// A time stored as text by [`ts`], read back; text that is not one is corrupt data.
pub fn stored_time(s: &str, what: &str) -> Result<chrono::DateTime<chrono::Utc>> {
    chrono::DateTime::parse_from_rfc3339(s)
        .map(|t| t.with_timezone(&chrono::Utc))
        .map_err(|_| StorageError::Corrupt(format!("{what}: «{s}»")))
}
