//! `audit verify` and `backup`.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use chrono::Utc;
use clap::{Args, Subcommand};

use crate::ops::{self, Actor};

#[derive(Debug, Subcommand)]
pub enum AuditCommand {
    /// Exit 0 exactly when the audit chain is intact
    Verify,
}

#[derive(Debug, Args)]
pub struct BackupArgs {
    /// Destination file (must not exist)
    file: PathBuf,
}

pub fn audit(db_path: &Path, c: AuditCommand) -> anyhow::Result<ExitCode> {
    let AuditCommand::Verify = c;
    let db = super::open_existing(db_path)?;
    match ops::audit::verify(&db)? {
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

pub fn backup(db_path: &Path, a: BackupArgs) -> anyhow::Result<ExitCode> {
    let db = super::open_existing(db_path)?;
    ops::audit::backup(&db, &a.file, &Actor::cli(), Utc::now())?;
    eprintln!("copia consistente escrita en {}", a.file.display());
    Ok(ExitCode::SUCCESS)
}
