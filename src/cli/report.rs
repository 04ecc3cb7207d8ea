//! `report [--as-of DATETIME] --out FILE`: INE's tables as PDF or XLSX, by the file's
//! extension, cut at a past moment or now.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use chrono::Utc;
use clap::Args;

use crate::domain::scope::Scope;
use crate::ops::reports::{self, Cut};

#[derive(Debug, Args)]
pub struct ReportArgs {
    /// The cut, in the election's time zone: a date (the end of that day), `YYYY-MM-DDTHH:MM`,
    /// or an RFC 3339 instant [default: now]
    #[arg(long, value_name = "DATETIME")]
    as_of: Option<String>,
    /// The file to write: `.pdf` or `.xlsx`
    #[arg(long, value_name = "FILE")]
    out: PathBuf,
}

pub fn report(db_path: &Path, a: ReportArgs) -> anyhow::Result<ExitCode> {
    reports::Format::of_path(&a.out)?;
    let db = super::open_existing(db_path)?;
    let now = Utc::now();
    let at = match &a.as_of {
        Some(text) => {
            let e = reports::election(&db)?;
            Cut::parse(text, &e)
                .map_err(|m| anyhow::anyhow!("--as-of: {m}"))?
                .at
        }
        None => now,
    };
    // scope: from the account (issue 13 item 4): a `--entity` option would narrow it here.
    let cut = reports::write_file(&db, &Scope::National, at, &a.out, now)?;
    eprintln!(
        "informe con corte al {} escrito en {}",
        cut.label,
        a.out.display()
    );
    Ok(ExitCode::SUCCESS)
}
