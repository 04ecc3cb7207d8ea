//! The `pep-tracker` command line: one clap subcommand per operator task, each `run(args)`.

mod accounts;
mod carriers;
mod drill;
mod list;
mod logs;
mod maintenance;
pub mod memory;
mod notify;
mod reception;
mod report;
mod serve;
mod shipping;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::storage::Db;

/// Logistics of Mexico's postal vote from abroad (PEP tracking and envelope reception).
#[derive(Debug, Parser)]
#[command(name = "pep-tracker", version)]
pub struct Cli {
    /// The database of the electoral process [default: db/pep-tracker.sqlite3]
    #[arg(long, env = "PEP_DB", global = true)]
    db: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Create or migrate the database and load the election settings
    Init(list::InitArgs),
    /// Write a synthetic LNERE postal CSV, distributed like the real lists
    DemoData(list::DemoDataArgs),
    /// Import the LNERE postal list: all rows or none
    ImportLnere(list::ImportArgs),
    /// Staff accounts
    #[command(subcommand)]
    User(accounts::UserCommand),
    /// API bearer tokens
    #[command(subcommand)]
    Token(accounts::TokenCommand),
    /// The audit trail
    #[command(subcommand)]
    Audit(maintenance::AuditCommand),
    /// Write an online, consistent copy of the database
    Backup(maintenance::BackupArgs),
    /// Put a checked backup in place of the database (stop `serve` first)
    Restore(maintenance::RestoreArgs),
    /// Remove every elector's personal data for good (from the election's `purge_after` day)
    Purge(maintenance::PurgeArgs),
    /// Shipping batches
    #[command(subcommand)]
    Batch(shipping::BatchCommand),
    /// Attach courier tracking numbers (both legs) to PEPs: all rows or none
    ImportGuias(shipping::GuiasArgs),
    /// Void a PEP's return code and issue a replacement PEP
    Reissue(shipping::ReissueArgs),
    /// Check in a returned envelope (the scan-station rule)
    Checkin(reception::CheckinArgs),
    /// Run the web application
    Serve(serve::ServeArgs),
    /// Poll the couriers for the shipments that are due
    Sync(carriers::SyncArgs),
    /// A local server speaking the FedEx, UPS and DHL tracking wire formats
    CarrierSim(carriers::SimArgs),
    /// A whole campaign on a simulated clock in an empty database: summary, documents, report
    Drill(drill::DrillArgs),
    /// INE's tables as PDF or XLSX (by the file's extension), cut at a moment
    Report(report::ReportArgs),
    /// Send the notices to electors that are due (e-mail, SMS)
    Notify(notify::NotifyArgs),
}

const DEFAULT_DB: &str = "db/pep-tracker.sqlite3";

impl Cli {
    fn db_path(&self) -> PathBuf {
        self.db.clone().unwrap_or_else(|| PathBuf::from(DEFAULT_DB))
    }
}

/// Opens the database, which must already exist (created by `init`).
fn open_existing(path: &Path) -> anyhow::Result<Db> {
    if !path.exists() {
        anyhow::bail!(
            "{}: no existe; créela con `pep-tracker init --election ARCHIVO.toml`",
            path.display()
        );
    }
    Ok(Db::open(path)?)
}

/// Parses the arguments, runs the command, and turns errors into a message and exit code 1.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    if let Err(e) = logs::init() {
        eprintln!("error: {e}");
        return ExitCode::FAILURE;
    }
    let db = cli.db_path();
    let result = match cli.command {
        Command::Init(a) => list::init(&db, a),
        Command::DemoData(a) => list::demo_data(a),
        Command::ImportLnere(a) => list::import(&db, a),
        Command::User(c) => accounts::user(&db, c),
        Command::Token(c) => accounts::token(&db, c),
        Command::Audit(c) => maintenance::audit(&db, c),
        Command::Backup(a) => maintenance::backup(&db, a),
        Command::Restore(a) => maintenance::restore(&db, a),
        Command::Purge(a) => maintenance::purge(&db, a),
        Command::Batch(c) => shipping::batch(&db, c),
        Command::ImportGuias(a) => shipping::import_guias(&db, a),
        Command::Reissue(a) => shipping::reissue(&db, a),
        Command::Checkin(a) => reception::checkin(&db, a),
        Command::Serve(a) => serve::run(cli.db, a),
        Command::Sync(a) => carriers::sync(&db, a),
        Command::CarrierSim(a) => carriers::carrier_sim(&db, a),
        Command::Drill(a) => drill::run(&db, a),
        Command::Report(a) => report::report(&db, a),
        Command::Notify(a) => notify::notify(&db, a),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}
