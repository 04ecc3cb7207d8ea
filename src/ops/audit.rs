//! The audit trail's use cases: verifying the keyed chain, issuing and checking signed
//! checkpoints, reading the trail page by page, and taking online backups.

use std::ops::ControlFlow;
use std::path::Path;

use chrono::{DateTime, Utc};
use ed25519_dalek::VerifyingKey;

use super::errors::AuditError;
use super::{Actor, OpsError, Result};
use crate::domain::audit::{AuditRecord, ChainBreak, ChainVerifier, LogDigest};
use crate::domain::checkpoint::{Checkpoint, HoldsCheck};
use crate::storage::{audit, Db};

/// Records per page of the trail.
pub const PAGE_SIZE: i64 = 100;

/// How often (in records) a long verification reports its progress.
const PROGRESS_EVERY: i64 = 4096;

/// `Ok(Ok(n))`: the chain of `n` records is intact; `Ok(Err(break))`: where it breaks.
pub fn verify(db: &Db) -> Result<Result<i64, ChainBreak>> {
    verify_with_progress(db, &mut |_| {})
}

/// As [`verify`], calling `progress` with the number of records checked now and then.
pub fn verify_with_progress(
    db: &Db,
    progress: &mut dyn FnMut(i64),
) -> Result<Result<i64, ChainBreak>> {
    let key = db.secrets()?.audit_key.clone();
    let mut verifier = ChainVerifier::new(key);
    let mut broken = None;
    let (head_seq, head_hash) = db.read(|c| {
        audit::stream(c, |r| {
            if r.seq % PROGRESS_EVERY == 0 {
                progress(r.seq);
            }
            match verifier.push(r) {
                Ok(()) => ControlFlow::Continue(()),
                Err(e) => {
                    broken = Some(e);
                    ControlFlow::Break(())
                }
            }
        })
    })?;
    Ok(match broken {
        Some(e) => Err(e),
        None => verifier.finish(head_seq, &head_hash),
    })
}

/// Signs the current head of an intact chain with the installation's checkpoint key and
/// keeps it; refuses to vouch for a broken chain.
pub fn checkpoint(db: &Db, now: DateTime<Utc>) -> Result<Checkpoint> {
    let secrets = db.secrets()?;
    let mut verifier = ChainVerifier::new(secrets.audit_key.clone());
    let mut log = LogDigest::default();
    let mut broken = None;
    let (head_seq, head_hash) = db.read(|c| {
        audit::stream(c, |r| match verifier.push(r) {
            Ok(()) => {
                log.push(r);
                ControlFlow::Continue(())
            }
            Err(e) => {
                broken = Some(e);
                ControlFlow::Break(())
            }
        })
    })?;
    let intact = match broken {
        Some(e) => Err(e),
        None => verifier.finish(head_seq, &head_hash),
    };
    if let Err(e) = intact {
        return Err(AuditError::Broken(e.to_string()).into());
    }
    let cp = Checkpoint::sign(
        head_seq,
        &head_hash,
        &log.finish(),
        now,
        &secrets.checkpoint_key(),
    );
    db.write(|tx| audit::insert_checkpoint(tx, &cp))?;
    Ok(cp)
}

/// The public key that checks this installation's checkpoints.
pub fn public_key(db: &Db) -> Result<VerifyingKey> {
    Ok(db.secrets()?.checkpoint_key().verifying_key())
}

/// Checks a checkpoint with the public key alone, then that the log still holds it.
/// A signature that does not match is refused (`Invalid`): the file proves nothing.
pub fn check_checkpoint(
    db: &Db,
    cp: &Checkpoint,
    key: &VerifyingKey,
) -> Result<Result<(), ChainBreak>> {
    cp.verify(key)
        .map_err(|e| AuditError::BadCheckpoint(e.to_string()))?;
    let mut check = HoldsCheck::new(cp);
    db.read(|c| audit::stream(c, |r| check.push(r)))?;
    Ok(check.finish())
}

/// The checkpoint issued last, if any.
pub fn latest_checkpoint(db: &Db) -> Result<Option<Checkpoint>> {
    Ok(db.read(audit::latest_checkpoint)?)
}

/// One page of the trail, newest first.
#[derive(Debug, serde::Serialize)]
pub struct AuditPage {
    /// 1-based; clamped to the pages there are.
    pub page: i64,
    pub pages: i64,
    pub total: i64,
    pub records: Vec<AuditRecord>,
}

/// Page `page` (1 = the newest [`PAGE_SIZE`] records).
pub fn page(db: &Db, page: i64) -> Result<AuditPage> {
    db.read(|c| {
        let (total, _) = audit::head(c)?;
        let pages = ((total + PAGE_SIZE - 1) / PAGE_SIZE).max(1);
        let page = page.clamp(1, pages);
        let records = audit::page(c, total - (page - 1) * PAGE_SIZE, PAGE_SIZE)?;
        Ok(AuditPage {
            page,
            pages,
            total,
            records,
        })
    })
}

/// Copies the live database to `dest` through SQLite's online backup; refuses to overwrite.
pub fn backup(db: &Db, dest: &Path, actor: &Actor, now: DateTime<Utc>) -> Result<()> {
    if dest.exists() {
        return Err(AuditError::BackupExists(dest.to_path_buf()).into());
    }
    db.write(|tx| {
        audit::append(
            tx,
            &audit::AuditEntry {
                actor: actor.as_str(),
                action: "db.backup",
                subject: "database",
                detail: &dest.display().to_string(),
                ..Default::default()
            },
            now,
        )?;
        Ok::<_, OpsError>(())
    })?;
    db.backup_to(dest)?;
    Ok(())
}

/// Answers when the database does (health checks).
pub fn ping(db: &Db) -> Result<()> {
    db.read(audit::ping)?;
    Ok(())
}
