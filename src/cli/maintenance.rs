//! `audit verify | checkpoint | pubkey` and `backup`.

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
    let text = std::fs::read_to_string(file).with_context(|| file.display().to_string())?;
    let cp = Checkpoint::parse(&text).map_err(|e| anyhow::anyhow!("{}: {e}", file.display()))?;
    let key = match pubkey {
        Some(p) => {
            let pem = std::fs::read_to_string(p).with_context(|| p.display().to_string())?;
            checkpoint::parse_public_key(&pem)
                .map_err(|e| anyhow::anyhow!("{}: {e}", p.display()))?
        }
        None => {
            ops::audit::public_key(db).context("sin --pubkey se usa la clave de instalación")?
        }
    };
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
