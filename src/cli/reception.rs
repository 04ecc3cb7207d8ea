//! `checkin CODE --station NAME`: the scan-station rule from the command line.

use std::path::Path;
use std::process::ExitCode;

use clap::Args;

use crate::ops::checkin::{check_in, Station};
use crate::ops::{self, Actor};

#[derive(Debug, Args)]
pub struct CheckinArgs {
    /// The code read from the Sobre-Postal-Voto (QR or human-readable)
    code: String,
    /// The reception station
    #[arg(long)]
    station: String,
    /// Print the whole answer as JSON
    #[arg(long)]
    json: bool,
}

pub fn checkin(db_path: &Path, a: CheckinArgs) -> anyhow::Result<ExitCode> {
    let db = super::open_existing(db_path)?;
    let secrets = ops::keys::load(&ops::keys::key_path_for(db_path))?;
    let who = Station::new(&a.station, Actor::cli().as_str())?;
    let r = check_in(
        &db,
        &secrets.code_key,
        &a.code,
        &who,
        &crate::clock::WallClock,
    )?;
    if a.json {
        println!("{}", serde_json::to_string(&r)?);
    } else {
        let mut line = r.outcome.as_str().to_string();
        if let Some(p) = &r.pep_id {
            line.push_str(&format!(" {p}"));
        }
        if let (Some(e), Some(m)) = (&r.entity, r.mec) {
            line.push_str(&format!(" MEC {e}-{m}"));
        }
        if let Some(s) = r.sequence {
            line.push_str(&format!(" folio {s}"));
        }
        println!("{line}");
    }
    eprintln!("{}: {}", r.label, r.reason);
    Ok(ExitCode::SUCCESS)
}
