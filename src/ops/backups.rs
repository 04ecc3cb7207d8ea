//! Backups you can trust: `serve` writes a copy every N minutes into a directory, checks it
//! (`PRAGMA integrity_check` and the keyed audit chain) and only then removes copies beyond
//! the newest K; `restore FILE` refuses a copy that fails those checks or whose chain does
//! not hold the latest published checkpoint, and otherwise puts it in place of the database.

use std::ops::ControlFlow;
use std::path::{Path, PathBuf};
use std::time::Duration;

use chrono::{DateTime, Utc};

use super::errors::MaintenanceError;
use super::{Actor, Result};
use crate::domain::audit::{AuditKey, ChainVerifier};
use crate::domain::checkpoint::{Checkpoint, HoldsCheck};
use crate::storage::{audit, copies, files, schema, Db};

/// Where and how often `serve` takes backups.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BackupPolicy {
    pub dir: PathBuf,
    pub every: Duration,
    /// Copies kept (the newest); at least one.
    pub keep: usize,
}

/// Scheduled copies are named `pep-tracker-<UTC time>.sqlite3`; nothing else in the
/// directory is ever removed.
const PREFIX: &str = "pep-tracker-";
const SUFFIX: &str = ".sqlite3";

impl BackupPolicy {
    /// From `PEP_BACKUP_DIR` (default `<db>.backups`), `PEP_BACKUP_EVERY_MINUTES` (default
    /// `default_minutes`: 60 in production, 2 in the demo; 0 turns scheduled backups off:
    /// `None`) and `PEP_BACKUP_KEEP` (default 24).
    pub fn from_env(
        db_path: &Path,
        default_minutes: u64,
    ) -> std::result::Result<Option<BackupPolicy>, String> {
        let number = |name: &str, default: u64| -> std::result::Result<u64, String> {
            match std::env::var(name) {
                Err(_) => Ok(default),
                Ok(v) => v
                    .trim()
                    .parse::<u64>()
                    .map_err(|_| format!("{name}: se espera un entero, no «{v}»")),
            }
        };
        let minutes = number("PEP_BACKUP_EVERY_MINUTES", default_minutes)?;
        let keep = number("PEP_BACKUP_KEEP", 24)?;
        if keep == 0 {
            return Err("PEP_BACKUP_KEEP: se conserva al menos una copia".into());
        }
        if minutes == 0 {
            return Ok(None);
        }
        let dir = std::env::var_os("PEP_BACKUP_DIR")
            .map(PathBuf::from)
            .unwrap_or_else(|| db_path.with_extension("backups"));
        Ok(Some(BackupPolicy {
            dir,
            every: Duration::from_secs(minutes * 60),
            keep: keep as usize,
        }))
    }
}

/// What one scheduled backup did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TakenBackup {
    pub path: PathBuf,
    /// Audit records in the checked copy.
    pub records: i64,
    /// Older copies removed after the check.
    pub removed: Vec<PathBuf>,
}

/// Takes one backup into `policy.dir`, checks it, then prunes to `policy.keep` copies. A copy
/// that fails its check is renamed `*.failed` and nothing older is removed.
pub fn take_scheduled(
    db: &Db,
    policy: &BackupPolicy,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<TakenBackup> {
    let io = |path: &Path| {
        let path = path.to_path_buf();
        move |e: std::io::Error| MaintenanceError::File {
            path,
            reason: e.to_string(),
        }
    };
    files::create_dir_all(&policy.dir).map_err(io(&policy.dir))?;
    let name = format!("{PREFIX}{}{SUFFIX}", now.format("%Y%m%dT%H%M%S%.3fZ"));
    let path = policy.dir.join(&name);
    super::audit::backup(db, &path, actor, now)?;
    let key = db.secrets()?.audit_key.clone();
    let records = match check_copy(&path, &key, None) {
        Ok(n) => n,
        Err(e) => {
            let _ = std::fs::rename(&path, path.with_extension("failed"));
            return Err(e);
        }
    };
    let removed = prune(&policy.dir, policy.keep).map_err(io(&policy.dir))?;
    Ok(TakenBackup {
        path,
        records,
        removed,
    })
}

/// The scheduled copies in `dir`, oldest first (their names sort by time).
fn scheduled_copies(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut copies: Vec<PathBuf> = std::fs::read_dir(dir)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with(PREFIX) && n.ends_with(SUFFIX))
        })
        .collect();
    copies.sort();
    Ok(copies)
}

/// Overwrites and removes every scheduled copy (after a purge of personal data, the copies
/// taken before it still hold them). A missing directory is nothing to do.
pub fn shred_scheduled(policy: &BackupPolicy) -> Result<usize> {
    let io = |e: std::io::Error| MaintenanceError::File {
        path: policy.dir.clone(),
        reason: e.to_string(),
    };
    let copies = match scheduled_copies(&policy.dir) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(0),
        other => other.map_err(io)?,
    };
    for p in &copies {
        files::shred_file(p).map_err(io)?;
    }
    Ok(copies.len())
}

/// Removes scheduled copies beyond the newest `keep`.
fn prune(dir: &Path, keep: usize) -> std::io::Result<Vec<PathBuf>> {
    let copies = scheduled_copies(dir)?;
    let excess = copies.len().saturating_sub(keep);
    let removed: Vec<PathBuf> = copies.into_iter().take(excess).collect();
    for p in &removed {
        std::fs::remove_file(p)?;
    }
    Ok(removed)
}

/// Checks a copy: sound file, this build's schema, an intact keyed audit chain, and (when
/// given) holding `checkpoint`. Returns the number of audit records.
pub fn check_copy(path: &Path, key: &AuditKey, checkpoint: Option<&Checkpoint>) -> Result<i64> {
    let bad = |reason: String| MaintenanceError::BadCopy {
        path: path.to_path_buf(),
        reason,
    };
    let conn = copies::open_read_only(path).map_err(|e| bad(e.to_string()))?;
    let problems = copies::integrity_problems(&conn).map_err(|e| bad(e.to_string()))?;
    if let Some(first) = problems.first() {
        return Err(bad(format!("integrity_check: {first}")).into());
    }
    let version = copies::schema_version(&conn).map_err(|e| bad(e.to_string()))?;
    if version != schema::version() {
        return Err(bad(format!(
            "esquema {version}, esta versión usa {}",
            schema::version()
        ))
        .into());
    }
    let records = verify_chain(&conn, key).map_err(bad)?;
    if let Some(cp) = checkpoint {
        let mut holds = HoldsCheck::new(cp);
        audit::stream(&conn, |r| holds.push(r)).map_err(|e| bad(e.to_string()))?;
        holds.finish().map_err(|e| {
            bad(format!(
                "no contiene el último punto de control publicado (registro {}): {e}",
                cp.seq
            ))
        })?;
    }
    Ok(records)
}

fn verify_chain(conn: &rusqlite::Connection, key: &AuditKey) -> std::result::Result<i64, String> {
    let mut verifier = ChainVerifier::new(key.clone());
    let mut broken = None;
    let (seq, hash) = audit::stream(conn, |r| match verifier.push(r) {
        Ok(()) => ControlFlow::Continue(()),
        Err(e) => {
            broken = Some(e);
            ControlFlow::Break(())
        }
    })
    .map_err(|e| e.to_string())?;
    if let Some(e) = broken {
        return Err(format!("bitácora alterada: {e}"));
    }
    verifier
        .finish(seq, &hash)
        .map_err(|e| format!("bitácora alterada: {e}"))
}

/// Takes a scheduled backup every `policy.every` until `shutdown` completes; failures are
/// logged and the next turn tries again (nothing older is removed after a failed check).
pub fn spawn_scheduled<S>(
    db: std::sync::Arc<Db>,
    policy: BackupPolicy,
    clock: crate::clock::SharedClock,
    shutdown: S,
) -> tokio::task::JoinHandle<()>
where
    S: std::future::Future<Output = ()> + Send + 'static,
{
    tokio::spawn(async move {
        let mut shutdown = std::pin::pin!(shutdown);
        loop {
            tokio::select! {
                _ = &mut shutdown => break,
                _ = tokio::time::sleep(policy.every) => {}
            }
            let (db, policy, now) = (db.clone(), policy.clone(), clock.now());
            let turn = tokio::task::spawn_blocking(move || {
                take_scheduled(&db, &policy, &Actor::system(), now)
            });
            match turn.await {
                Ok(Ok(t)) => log::info!(
                    "copia de respaldo {} revisada ({} registros de bitácora), {} antiguas quitadas",
                    t.path.display(),
                    t.records,
                    t.removed.len()
                ),
                Ok(Err(e)) => log::error!("copia de respaldo: {e}"),
                Err(e) => log::error!("copia de respaldo interrumpida: {e}"),
            }
        }
    })
}
