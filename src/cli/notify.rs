//! `notify [--once]`: the notice sender from the command line (cron runs `--once`);
//! `notify --resend-unconfirmed [--pep PEP_ID]`: staff put the notices a killed sender left
//! `unconfirmed` back in the queue (audited; the next pass sends them).

use std::path::Path;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use clap::Args;

use crate::channels::config::NoticeConfig;
use crate::domain::pep::PepId;
use crate::domain::scope::Scope;
use crate::ops::notices::resend::{self, Resend};
use crate::ops::notices::sender::{self, Sender};
use crate::ops::Actor;

#[derive(Debug, Args)]
pub struct NotifyArgs {
    /// One pass over the notices that are due, then exit (without it: keep sending)
    #[arg(long)]
    once: bool,
    /// Seconds between passes when not `--once`
    #[arg(long, default_value_t = 30)]
    every: u64,
    /// Put the `unconfirmed` notices back in the queue (each may already have reached its
    /// elector: they may arrive twice), audited; sends nothing itself
    #[arg(long, conflicts_with = "once")]
    resend_unconfirmed: bool,
    /// With --resend-unconfirmed: only this PEP's notices
    #[arg(long, value_name = "PEP_ID", requires = "resend_unconfirmed")]
    pep: Option<String>,
}

/// `notify --resend-unconfirmed [--pep PEP_ID]`.
fn resend(db_path: &Path, pep: Option<&str>) -> anyhow::Result<ExitCode> {
    let db = super::open_existing(db_path)?;
    let pep = pep
        .map(|p| PepId::parse(p).map_err(|e| anyhow::anyhow!("--pep: {e}")))
        .transpose()?;
    let done = resend::unconfirmed(
        &db,
        pep.as_ref(),
        &Scope::National,
        &Actor::cli(),
        chrono::Utc::now(),
    )?;
    match done {
        Resend::NoSuchPep => {
            eprintln!(
                "no existe el PEP {}",
                pep.map(|p| p.to_string()).unwrap_or_default()
            );
            Ok(ExitCode::FAILURE)
        }
        Resend::Queued(ids) => {
            println!(
                "avisos sin confirmar puestos de nuevo en cola: {} (el siguiente envío los manda)",
                ids.len()
            );
            Ok(ExitCode::SUCCESS)
        }
    }
}

pub fn notify(db_path: &Path, a: NotifyArgs) -> anyhow::Result<ExitCode> {
    if a.resend_unconfirmed {
        return resend(db_path, a.pep.as_deref());
    }
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
