//! `audit verify | checkpoint | pubkey`, `backup`, `restore` and `purge --personal-data`.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use chrono::Utc;
use clap::{Args, Subcommand};

use crate::domain::checkpoint::{self, Checkpoint};
use crate::ops::{self, Actor};

#[derive(Debug, Subcommand)]
pub enum AuditCommand {
    /// Exit 0 exactly when the audit chain is intact (needs the key file); with --checkpoint,
    /// exactly when the log still holds that signed checkpoint (needs the public key only)
    Verify(VerifyArgs),
    /// Sign the current head of the chain and print the checkpoint (TOML) to publish
    Checkpoint,
    /// Print the public key (PEM) that checks this installation's checkpoints
    Pubkey,
}

#[derive(Debug, Args)]
pub struct VerifyArgs {
    /// A checkpoint file printed by `audit checkpoint`
    #[arg(long)]
    checkpoint: Option<PathBuf>,
    /// The public key (PEM from `audit pubkey`) to check the checkpoint with
    /// [default: the one of this installation's key file]
    #[arg(long, requires = "checkpoint")]
    pubkey: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct BackupArgs {
    /// Destination file (must not exist)
    file: PathBuf,
}

#[derive(Debug, Args)]
pub struct RestoreArgs {
    /// The backup to restore
    file: PathBuf,
    /// The latest published checkpoint (TOML from `audit checkpoint`) the copy must hold
    /// [default: the newest one the current database recorded]
    #[arg(long)]
    checkpoint: Option<PathBuf>,
    /// The public key (PEM) that checks --checkpoint [default: this installation's]
    #[arg(long, requires = "checkpoint")]
    pubkey: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct PurgeArgs {
    /// Remove names, addresses, postal codes, e-mails and phones of every elector
    #[arg(long, required = true)]
    personal_data: bool,
}

pub fn audit(db_path: &Path, c: AuditCommand) -> anyhow::Result<ExitCode> {
    let db = super::open_existing(db_path)?;
    match c {
        AuditCommand::Verify(VerifyArgs {
            checkpoint: Some(file),
            pubkey,
        }) => verify_checkpoint(&db, &file, pubkey.as_deref()),
        AuditCommand::Verify(_) => verify(&db),
        AuditCommand::Checkpoint => {
            let cp = ops::audit::checkpoint(&db, Utc::now())?;
            print!("{}", cp.to_text());
            eprintln!(
                "punto de control firmado: registro {}; publíquelo junto con la clave de `audit pubkey`",
                cp.seq
            );
            Ok(ExitCode::SUCCESS)
        }
        AuditCommand::Pubkey => {
            print!(
                "{}",
                checkpoint::public_key_pem(&ops::audit::public_key(&db)?)
            );
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn verify(db: &crate::storage::Db) -> anyhow::Result<ExitCode> {
    match ops::audit::verify(db)? {
        Ok(n) => {
            println!("ok {n}");
            eprintln!("bitácora íntegra: {n} registros encadenados");
            Ok(ExitCode::SUCCESS)
        }
        Err(e) => {
            println!("broken {}", e.seq);
            eprintln!("bitácora ALTERADA: {e}");
            Ok(ExitCode::from(2))
        }
    }
}

fn verify_checkpoint(
    db: &crate::storage::Db,
    file: &Path,
    pubkey: Option<&Path>,
) -> anyhow::Result<ExitCode> {
    let (cp, key) = checkpoint_and_key(file, pubkey, || {
        ops::audit::public_key(db).context("sin --pubkey se usa la clave de instalación")
    })?;
    match ops::audit::check_checkpoint(db, &cp, &key)? {
        Ok(()) => {
            println!("ok {}", cp.seq);
            eprintln!(
                "la bitácora contiene el punto de control: registro {} con la cabeza firmada",
                cp.seq
            );
            Ok(ExitCode::SUCCESS)
        }
        Err(e) => {
            println!("broken {}", e.seq);
            eprintln!("la bitácora ya NO contiene el punto de control: {e}");
            Ok(ExitCode::from(2))
        }
    }
}

pub fn backup(db_path: &Path, a: BackupArgs) -> anyhow::Result<ExitCode> {
    let db = super::open_existing(db_path)?;
    ops::audit::backup(&db, &a.file, &Actor::cli(), Utc::now())?;
    eprintln!("copia consistente escrita en {}", a.file.display());
    Ok(ExitCode::SUCCESS)
}

pub fn restore(db_path: &Path, a: RestoreArgs) -> anyhow::Result<ExitCode> {
    let published = match &a.checkpoint {
        None => None,
        Some(file) => Some(read_checkpoint(db_path, file, a.pubkey.as_deref())?),
    };
    let r = ops::restore::restore(db_path, &a.file, published, &Actor::cli(), Utc::now())?;
    if let Some(old) = &r.replaced {
        eprintln!("la base anterior quedó en {}", old.display());
    }
    match r.checkpoint_seq {
        Some(seq) => eprintln!(
            "restaurada: {} registros de bitácora íntegros, contiene el punto de control {seq}",
            r.records
        ),
        None => eprintln!(
            "restaurada: {} registros de bitácora íntegros (no hay punto de control publicado)",
            r.records
        ),
    }
    Ok(ExitCode::SUCCESS)
}

/// A checkpoint file and the key that checks it: the PEM file `pubkey`, else `installation`.
fn checkpoint_and_key(
    file: &Path,
    pubkey: Option<&Path>,
    installation: impl FnOnce() -> anyhow::Result<ed25519_dalek::VerifyingKey>,
) -> anyhow::Result<(Checkpoint, ed25519_dalek::VerifyingKey)> {
    let text = std::fs::read_to_string(file).with_context(|| file.display().to_string())?;
    let cp = Checkpoint::parse(&text).map_err(|e| anyhow::anyhow!("{}: {e}", file.display()))?;
    let key = match pubkey {
        Some(p) => {
            let pem = std::fs::read_to_string(p).with_context(|| p.display().to_string())?;
            checkpoint::parse_public_key(&pem)
                .map_err(|e| anyhow::anyhow!("{}: {e}", p.display()))?
        }
        None => installation()?,
    };
    Ok((cp, key))
}

/// A checkpoint file, its signature checked with `pubkey` or the installation's key.
fn read_checkpoint(
    db_path: &Path,
    file: &Path,
    pubkey: Option<&Path>,
) -> anyhow::Result<Checkpoint> {
    let (cp, key) = checkpoint_and_key(file, pubkey, || {
        let secrets = ops::keys::load(&ops::keys::key_path_for(db_path))?;
        Ok(secrets.checkpoint_key().verifying_key())
    })?;
    cp.verify(&key)
        .map_err(|e| anyhow::anyhow!("{}: {e}", file.display()))?;
    Ok(cp)
}

pub fn purge(db_path: &Path, a: PurgeArgs) -> anyhow::Result<ExitCode> {
    debug_assert!(a.personal_data);
    let db = super::open_existing(db_path)?;
    let p = ops::purge::purge_personal_data(&db, &Actor::cli(), Utc::now())?;
    println!(
        "purged {} electors, {} event places, {} document files",
        p.erased.electors,
        p.erased.event_places,
        p.erased.document_files + p.document_files_removed
    );
    eprintln!(
        "datos personales borrados; base compactada de {} a {} bytes",
        p.bytes_before, p.bytes_after
    );
    let policy = ops::backups::BackupPolicy::from_env(db_path, 60).map_err(anyhow::Error::msg)?;
    if let Some(policy) = policy {
        let n = ops::backups::shred_scheduled(&policy)?;
        eprintln!(
            "{n} copias programadas de {} (anteriores al borrado) destruidas; las copias hechas \
             a mano con `backup` son responsabilidad de quien las guarda",
            policy.dir.display()
        );
    }
    Ok(ExitCode::SUCCESS)
}
