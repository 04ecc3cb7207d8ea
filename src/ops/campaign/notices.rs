//! The campaign's notices to electors: the real sender (outbox, quiet hours, reminders) run
//! after every turn on the campaign's clock, every channel going to an in-process capture so
//! that nothing leaves the machine. At the end: the notices counted by kind and state in the
//! summary, a check that none was sent in its elector's quiet hours, and `DIR/avisos.csv`,
//! what would have been sent (no address and no name: the notice's id, PEP, kind, channel,
//! time, the elector's zone and the subject or SMS text).

use std::collections::BTreeMap;
use std::fs::File;
use std::io::BufWriter;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use serde::Serialize;

use super::phases::Summary;
use super::{CampaignError, Result, Timekeeper};
use crate::channels::capture::{CaptureChannel, CaptureSink, Captured};
use crate::channels::config::NoticeConfig;
use crate::clock::SharedClock;
use crate::domain::notice::QuietHours;
use crate::ops::notices::sender::{PassReport, Sender};
use crate::storage::{outbox_views, Db};

/// What the campaign's notices came to.
#[derive(Debug, Clone, Default, Serialize)]
pub struct NoticeTally {
    /// kind → state → notices, from the outbox at the end.
    pub by_kind: BTreeMap<String, BTreeMap<String, i64>>,
    /// Messages handed to the capture (what would have been sent).
    pub sent: usize,
    /// Times a notice was held for its elector's quiet hours.
    pub held_for_quiet_hours: usize,
    /// Messages handed while it was night for their elector (must be 0).
    pub sent_in_quiet_hours: usize,
    pub reminders: usize,
}

/// The sender of a campaign and what it has kept.
pub struct CampaignNotices {
    sender: Sender,
    log: Arc<Mutex<CsvLog>>,
    tally: NoticeTally,
}

/// `DIR/avisos.csv`, written as messages are handed, and the counts the tally needs.
struct CsvLog {
    path: PathBuf,
    csv: csv::Writer<BufWriter<File>>,
    quiet: Option<QuietHours>,
    sent: usize,
    in_quiet_hours: usize,
    /// The first write that failed (reported at the end; the drill then fails).
    error: Option<std::io::Error>,
}

/// The capture's sink: the campaign's log, shared with the campaign that reads it at the end.
struct LogSink(Arc<Mutex<CsvLog>>);

impl CaptureSink for LogSink {
    fn keep(&mut self, m: Captured) {
        let mut log = self.0.lock().unwrap_or_else(|e| e.into_inner());
        log.sent += 1;
        if log.quiet.and_then(|q| q.release(m.at, m.zone)).is_some() {
            log.in_quiet_hours += 1;
        }
        if log.error.is_none() {
            if let Err(e) = log.csv.write_record(row(&m)) {
                log.error = Some(e.into());
            }
        }
    }
}

impl CampaignNotices {
    /// A drill's notices (a clock moved by hand); none for the demo, where `serve`'s own
    /// sender works on the same clock.
    pub fn for_drill(
        db: &Arc<Db>,
        time: &Timekeeper,
        dir: &Path,
    ) -> Result<Option<CampaignNotices>> {
        if time.is_running() {
            return Ok(None);
        }
        CampaignNotices::start(db.clone(), time.clock(), dir).map(Some)
    }

    /// A sender on the campaign's clock with the default rules (quiet hours 21:00–08:00,
    /// reminders), fast enough not to slow the drill (no provider to spare).
    fn start(db: Arc<Db>, clock: SharedClock, dir: &Path) -> Result<CampaignNotices> {
        let cfg = NoticeConfig {
            smtp_rate: 1_000_000,
            sms_rate: 1_000_000,
            ..NoticeConfig::default()
        };
        let log = Arc::new(Mutex::new(CsvLog::create(
            &dir.join("avisos.csv"),
            cfg.quiet_hours,
        )?));
        let capture = CaptureChannel::into_sink(Box::new(LogSink(log.clone())));
        let sender = Sender::capturing(db, clock, cfg, Arc::new(capture)).map_err(ops_error)?;
        Ok(CampaignNotices {
            sender,
            log,
            tally: NoticeTally::default(),
        })
    }

    /// One sending pass at the clock's now.
    async fn pass(&mut self) -> Result<PassReport> {
        let r = self.sender.pass().await.map_err(ops_error)?;
        self.tally.held_for_quiet_hours += r.deferred;
        self.tally.reminders += r.reminders;
        Ok(r)
    }

    /// The tally at the end, and `DIR/avisos.csv`.
    fn finish(mut self, db: &Db) -> Result<NoticeTally> {
        {
            let mut log = self.log.lock().unwrap_or_else(|e| e.into_inner());
            self.tally.sent = log.sent;
            self.tally.sent_in_quiet_hours = log.in_quiet_hours;
            log.close()?;
        }
        for (kind, state, n) in db.read(outbox_views::by_kind_state)? {
            self.tally
                .by_kind
                .entry(kind.as_str().to_string())
                .or_default()
                .insert(state.as_str().to_string(), n);
        }
        Ok(self.tally)
    }
}

/// A turn's sending pass, timed as the phase "avisos" (nothing without notices).
pub async fn pass(notices: &mut Option<CampaignNotices>, summary: &mut Summary) -> Result<()> {
    if let Some(n) = notices {
        let t = Instant::now();
        n.pass().await?;
        summary.phases.add("avisos", t.elapsed());
    }
    Ok(())
}

/// The last word: the tally into the summary, and `DIR/avisos.csv`.
pub fn finish(notices: Option<CampaignNotices>, db: &Db, summary: &mut Summary) -> Result<()> {
    if let Some(n) = notices {
        summary.notices = n.finish(db)?;
    }
    Ok(())
}

fn ops_error(e: crate::ops::notices::NoticeOpsError) -> CampaignError {
    CampaignError::Notices(e.to_string())
}

impl CsvLog {
    /// Starts `path` with its header row.
    fn create(path: &Path, quiet: Option<QuietHours>) -> Result<CsvLog> {
        let io = |source| CampaignError::Io {
            path: path.to_path_buf(),
            source,
        };
        if let Some(d) = path.parent() {
            crate::storage::files::create_dir_all(d).map_err(io)?;
        }
        let file = crate::storage::files::create(path).map_err(io)?;
        let mut csv = csv::Writer::from_writer(BufWriter::new(file));
        csv.write_record(HEADER).map_err(|e| io(e.into()))?;
        Ok(CsvLog {
            path: path.to_path_buf(),
            csv,
            quiet,
            sent: 0,
            in_quiet_hours: 0,
            error: None,
        })
    }

    /// Flushes the file to disk, or the first error met while writing it.
    fn close(&mut self) -> Result<()> {
        let io = |source| CampaignError::Io {
            path: self.path.clone(),
            source,
        };
        if let Some(e) = self.error.take() {
            return Err(io(e));
        }
        self.csv.flush().map_err(io)?;
        self.csv.get_ref().get_ref().sync_all().map_err(io)
    }
}

/// One row per message that would have been sent.
const HEADER: [&str; 8] = [
    "aviso",
    "pep",
    "tipo",
    "canal",
    "enviado_utc",
    "hora_local",
    "zona",
    "texto",
];

fn row(m: &Captured) -> [String; 8] {
    let local = m.at.with_timezone(&m.zone).format("%Y-%m-%d %H:%M");
    [
        m.notice.to_string(),
        m.pep_id.to_string(),
        m.kind.as_str().to_string(),
        m.channel.as_str().to_string(),
        crate::storage::ts(m.at),
        local.to_string(),
        m.zone.name().to_string(),
        m.words.clone(),
    ]
}
