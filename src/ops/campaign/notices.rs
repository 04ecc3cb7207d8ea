//! The campaign's notices to electors: the real sender (outbox, quiet hours, reminders) run
//! after every turn on the campaign's clock, every channel going to an in-process capture so
//! that nothing leaves the machine. At the end: the notices counted by kind and state in the
//! summary, a check that none was sent in its elector's quiet hours, and `DIR/avisos.csv`,
//! what would have been sent (no address and no name: the notice's id, PEP, kind, channel,
//! time, the elector's zone and the subject or SMS text).

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;
use std::time::Instant;

use serde::Serialize;

use super::phases::Summary;
use super::{CampaignError, Result, Timekeeper};
use crate::channels::capture::{CaptureChannel, Captured};
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
    capture: Arc<CaptureChannel>,
    quiet: Option<QuietHours>,
    tally: NoticeTally,
}

impl CampaignNotices {
    /// A drill's notices (a clock moved by hand); none for the demo, where `serve`'s own
    /// sender works on the same clock.
    pub fn for_drill(db: &Arc<Db>, time: &Timekeeper) -> Result<Option<CampaignNotices>> {
        if time.is_running() {
            return Ok(None);
        }
        CampaignNotices::start(db.clone(), time.clock()).map(Some)
    }

    /// A sender on the campaign's clock with the default rules (quiet hours 21:00–08:00,
    /// reminders), fast enough not to slow the drill (no provider to spare).
    fn start(db: Arc<Db>, clock: SharedClock) -> Result<CampaignNotices> {
        let cfg = NoticeConfig {
            smtp_rate: 1_000_000,
            sms_rate: 1_000_000,
            ..NoticeConfig::default()
        };
        let quiet = cfg.quiet_hours;
        let capture = Arc::new(CaptureChannel::new());
        let sender = Sender::capturing(db, clock, cfg, capture.clone()).map_err(ops_error)?;
        Ok(CampaignNotices {
            sender,
            capture,
            quiet,
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
    fn finish(mut self, db: &Db, dir: &Path) -> Result<NoticeTally> {
        let kept = self.capture.messages();
        self.tally.sent = kept.len();
        self.tally.sent_in_quiet_hours = kept
            .iter()
            .filter(|m| self.quiet.and_then(|q| q.release(m.at, m.zone)).is_some())
            .count();
        for (kind, state, n) in db.read(outbox_views::by_kind_state)? {
            self.tally
                .by_kind
                .entry(kind.as_str().to_string())
                .or_default()
                .insert(state.as_str().to_string(), n);
        }
        write_csv(&dir.join("avisos.csv"), &kept)?;
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
pub fn finish(
    notices: Option<CampaignNotices>,
    db: &Db,
    dir: &Path,
    summary: &mut Summary,
) -> Result<()> {
    if let Some(n) = notices {
        summary.notices = n.finish(db, dir)?;
    }
    Ok(())
}

fn ops_error(e: crate::ops::notices::NoticeOpsError) -> CampaignError {
    CampaignError::Notices(e.to_string())
}

/// `DIR/avisos.csv`: one row per message that would have been sent.
fn write_csv(path: &Path, kept: &[Captured]) -> Result<()> {
    let io = |source| CampaignError::Io {
        path: path.to_path_buf(),
        source,
    };
    let mut w = csv::Writer::from_writer(Vec::new());
    let header = [
        "aviso",
        "pep",
        "tipo",
        "canal",
        "enviado_utc",
        "hora_local",
        "zona",
        "texto",
    ];
    w.write_record(header).map_err(|e| io(e.into()))?;
    for m in kept {
        let local =
            m.at.with_timezone(&m.zone)
                .format("%Y-%m-%d %H:%M")
                .to_string();
        w.write_record([
            m.notice.to_string(),
            m.pep_id.to_string(),
            m.kind.as_str().to_string(),
            m.channel.as_str().to_string(),
            crate::storage::ts(m.at),
            local,
            m.zone.name().to_string(),
            m.words.clone(),
        ])
        .map_err(|e| io(e.into()))?;
    }
    let bytes = w
        .into_inner()
        .map_err(|e| io(std::io::Error::other(e.to_string())))?;
    if let Some(d) = path.parent() {
        crate::storage::files::create_dir_all(d).map_err(io)?;
    }
    crate::storage::files::write(path, &bytes).map_err(io)
}
