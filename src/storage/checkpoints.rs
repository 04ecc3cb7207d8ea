//! Checkpoints beside the writer, for rehearsal databases: a thread with a connection of its
//! own copies committed WAL frames into the database file as soon as the writer commits (and
//! every few milliseconds in any case). A PASSIVE checkpoint never blocks the writer or the
//! readers, so the copying runs on another core while the writer goes on. Once every frame is
//! copied, the writer's next transaction restarts the WAL from its start (SQLite does that on
//! its own when no reader still reads the WAL); the writer's own checkpoint, at a large
//! `wal_autocheckpoint`, is only a safety valve.

use std::sync::{Arc, Condvar, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

use rusqlite::Connection;

/// What the thread is told: stop, or a commit came (frames to copy).
#[derive(Default)]
struct Signal {
    stop: bool,
    committed: bool,
}

type Shared = Arc<(Mutex<Signal>, Condvar)>;

/// The checkpointing thread; stopped (and joined) when dropped.
pub(super) struct Checkpointer {
    signal: Shared,
    thread: Option<JoinHandle<()>>,
}

impl Checkpointer {
    /// Starts checkpointing through `conn` after each commit, and every `every` at least.
    pub(super) fn start(conn: Connection, every: Duration) -> std::io::Result<Checkpointer> {
        let signal: Shared = Arc::default();
        let theirs = signal.clone();
        let thread = std::thread::Builder::new()
            .name("wal-checkpoint".into())
            .spawn(move || run(&conn, &theirs, every))?;
        Ok(Checkpointer {
            signal,
            thread: Some(thread),
        })
    }

    /// The writer committed: its frames can be copied now.
    pub(super) fn committed(&self) {
        let (lock, wake) = &*self.signal;
        lock.lock().unwrap_or_else(|p| p.into_inner()).committed = true;
        wake.notify_one();
    }
}

fn run(conn: &Connection, signal: &(Mutex<Signal>, Condvar), every: Duration) {
    let (lock, wake) = signal;
    let mut state = lock.lock().unwrap_or_else(|p| p.into_inner());
    loop {
        if !state.committed && !state.stop {
            state = wake
                .wait_timeout(state, every)
                .unwrap_or_else(|p| p.into_inner())
                .0;
        }
        if state.stop {
            break;
        }
        state.committed = false;
        drop(state);
        // Busy (another checkpoint running) comes back as a row, not an error.
        if let Err(e) = conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(())) {
            log::warn!("checkpoint del WAL: {e}");
        }
        state = lock.lock().unwrap_or_else(|p| p.into_inner());
    }
}

impl Drop for Checkpointer {
    fn drop(&mut self) {
        let (lock, wake) = &*self.signal;
        lock.lock().unwrap_or_else(|p| p.into_inner()).stop = true;
        wake.notify_all();
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A WAL database whose writer never checkpoints, with one table, and its file's size.
    fn quiet_writer(path: &std::path::Path) -> (Connection, u64) {
        let writer = Connection::open(path).unwrap();
        writer.pragma_update(None, "journal_mode", "WAL").unwrap();
        writer.pragma_update(None, "wal_autocheckpoint", 0).unwrap();
        writer.execute_batch("CREATE TABLE t (x BLOB)").unwrap();
        (writer, std::fs::metadata(path).unwrap().len())
    }

    fn insert_50(writer: &Connection) {
        for _ in 0..50 {
            writer
                .execute("INSERT INTO t VALUES (zeroblob(4000))", [])
                .unwrap();
        }
    }

    /// Whether the file grows past `before` + 100 KiB within two seconds.
    fn file_grows(path: &std::path::Path, before: u64) -> bool {
        (0..400).any(|_| {
            std::thread::sleep(Duration::from_millis(5));
            std::fs::metadata(path).unwrap().len() > before + 100 * 1024
        })
    }

    #[test]
    fn a_commit_wakes_the_checkpointer_without_waiting_for_its_timer() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("c.sqlite3");
        let (writer, before) = quiet_writer(&path);
        let hour = Duration::from_secs(3600);
        let side = Checkpointer::start(Connection::open(&path).unwrap(), hour).unwrap();
        insert_50(&writer);
        assert!(
            !file_grows(&path, before),
            "copied before being told of a commit"
        );
        side.committed();
        let grown = file_grows(&path, before);
        drop(side);
        assert!(grown, "a commit did not wake the checkpointer");
    }

    #[test]
    fn a_rehearsal_writer_keeps_statement_journals_in_memory_and_rarely_checkpoints_itself() {
        let dir = tempfile::tempdir().unwrap();
        let db = super::super::Db::open_rehearsal(&dir.path().join("r.sqlite3")).unwrap();
        let pragma = |tx: &rusqlite::Transaction, name: &str| -> i64 {
            tx.query_row(&format!("PRAGMA {name}"), [], |r| r.get(0))
                .unwrap()
        };
        let (temp_store, autocheckpoint) = db
            .write(|tx| {
                Ok::<_, super::super::StorageError>((
                    pragma(tx, "temp_store"),
                    pragma(tx, "wal_autocheckpoint"),
                ))
            })
            .unwrap();
        assert_eq!((temp_store, autocheckpoint), (2, 64_000));
    }

    #[test]
    fn committed_frames_reach_the_database_file_without_the_writer_checkpointing() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("c.sqlite3");
        let (writer, before) = quiet_writer(&path);
        let side = Checkpointer::start(Connection::open(&path).unwrap(), Duration::from_millis(5))
            .unwrap();
        insert_50(&writer);
        let grown = file_grows(&path, before);
        drop(side);
        assert!(grown, "the database file never received the WAL's frames");
        let n: i64 = writer
            .query_row("SELECT COUNT(*) FROM t", [], |r| r.get(0))
            .unwrap();
        assert_eq!(n, 50);
    }
}
