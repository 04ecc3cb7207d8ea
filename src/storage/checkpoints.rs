//! Checkpoints beside the writer, for rehearsal databases: a thread with a connection of its
//! own copies committed WAL frames into the database file every few milliseconds. A PASSIVE
//! checkpoint never blocks the writer or the readers, so the copying runs on another core
//! while the writer goes on; the writer's own checkpoint at `wal_autocheckpoint` then finds
//! nearly every frame copied already, and the WAL still restarts there.

use std::sync::{Arc, Condvar, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

use rusqlite::Connection;

/// The checkpointing thread; stopped (and joined) when dropped.
pub(super) struct Checkpointer {
    stop: Arc<(Mutex<bool>, Condvar)>,
    thread: Option<JoinHandle<()>>,
}

impl Checkpointer {
    /// Starts checkpointing through `conn` every `every`.
    pub(super) fn start(conn: Connection, every: Duration) -> std::io::Result<Checkpointer> {
        let stop = Arc::new((Mutex::new(false), Condvar::new()));
        let flag = stop.clone();
        let thread = std::thread::Builder::new()
            .name("wal-checkpoint".into())
            .spawn(move || run(&conn, &flag, every))?;
        Ok(Checkpointer {
            stop,
            thread: Some(thread),
        })
    }
}

fn run(conn: &Connection, stop: &(Mutex<bool>, Condvar), every: Duration) {
    let (lock, wake) = stop;
    let mut stopped = lock.lock().unwrap_or_else(|p| p.into_inner());
    while !*stopped {
        stopped = wake
            .wait_timeout(stopped, every)
            .unwrap_or_else(|p| p.into_inner())
            .0;
        if *stopped {
            break;
        }
        // Busy (another checkpoint running) comes back as a row, not an error.
        if let Err(e) = conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(())) {
            log::warn!("checkpoint del WAL: {e}");
        }
    }
}

impl Drop for Checkpointer {
    fn drop(&mut self) {
        let (lock, wake) = &*self.stop;
        *lock.lock().unwrap_or_else(|p| p.into_inner()) = true;
        wake.notify_all();
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn committed_frames_reach_the_database_file_without_the_writer_checkpointing() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("c.sqlite3");
        let writer = Connection::open(&path).unwrap();
        writer.pragma_update(None, "journal_mode", "WAL").unwrap();
        writer.pragma_update(None, "wal_autocheckpoint", 0).unwrap();
        writer.execute_batch("CREATE TABLE t (x BLOB)").unwrap();
        let before = std::fs::metadata(&path).unwrap().len();
        let side = Checkpointer::start(Connection::open(&path).unwrap(), Duration::from_millis(5))
            .unwrap();
        for _ in 0..50 {
            writer
                .execute("INSERT INTO t VALUES (zeroblob(4000))", [])
                .unwrap();
        }
        let grown = (0..400).any(|_| {
            std::thread::sleep(Duration::from_millis(5));
            std::fs::metadata(&path).unwrap().len() > before + 100 * 1024
        });
        drop(side);
        assert!(grown, "the database file never received the WAL's frames");
        let n: i64 = writer
            .query_row("SELECT COUNT(*) FROM t", [], |r| r.get(0))
            .unwrap();
        assert_eq!(n, 50);
    }
}
