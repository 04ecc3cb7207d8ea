//! `notify [--once]`: the notice sender from the command line (cron runs `--once`).

use std::path::Path;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use clap::Args;

use crate::channels::config::NoticeConfig;
use crate::ops::notices::sender::{self, Sender};

#[derive(Debug, Args)]
pub struct NotifyArgs {
    /// One pass over the notices that are due, then exit (without it: keep sending)
    #[arg(long)]
    once: bool,
    /// Seconds between passes when not `--once`
    #[arg(long, default_value_t = 30)]
    every: u64,
}

pub fn notify(db_path: &Path, a: NotifyArgs) -> anyhow::Result<ExitCode> {
    let db = Arc::new(super::open_existing(db_path)?);
    let cfg = NoticeConfig::from_env()?;
    if !cfg.sends() {
        eprintln!(
            "ningún canal configurado (PEP_SMTP_URL, PEP_SMS_BASE_URL…): los avisos se guardan y se muestran, no se envían"
        );
    }
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    // lettre's connection pool starts its reaper task on the runtime it is built in.
    let _runtime = rt.enter();
    let sender = Arc::new(Sender::new(db, crate::clock::wall(), cfg)?);
    if !a.once {
        eprintln!("enviando avisos cada {} s; Ctrl-C para salir", a.every);
        rt.block_on(sender::spawn(sender, Duration::from_secs(a.every.max(1))))?;
        return Ok(ExitCode::SUCCESS);
    }
    let r = rt.block_on(sender.pass())?;
    println!(
        "enviados {}; reintentos {}; fallidos {}; aplazados {}; cancelados {}; recordatorios nuevos {}",
        r.sent, r.retried, r.failed, r.deferred, r.cancelled, r.reminders
    );
    Ok(ExitCode::SUCCESS)
}
