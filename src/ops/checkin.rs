//! Check-in of a returned envelope: the one use case behind the API, the station page and
//! the `checkin` command. Durable before it answers (synchronous=FULL commit).

use chrono::{DateTime, Utc};
use rusqlite::Transaction;
use serde::Serialize;

use super::errors::CheckinError;
use super::{OpsError, Result};
use crate::clock::Clock;
use crate::domain::checkin::{self, Outcome, PepFacts, StationName, Verdict};
use crate::domain::code::{self, CodeId};
use crate::domain::election::Election;
use crate::domain::scan_id::ScanId;
use crate::storage::reception::{self, ScanContext, ScanTarget};
use crate::storage::scan_ids::{self, KeptVerdict};
use crate::storage::{audit, election, Db};

/// Who scans and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Station {
    pub station: String,
    pub operator: String,
}

impl Station {
    /// Checks a station name typed by staff (see [`StationName`]).
    pub fn new(station: &str, operator: &str) -> Result<Station> {
        let name = StationName::parse(station).map_err(CheckinError::BadStation)?;
        Ok(Station::at(&name, operator))
    }

    /// A station whose name was already read at the edge.
    pub fn at(station: &StationName, operator: &str) -> Station {
        Station {
            station: station.as_str().to_string(),
            operator: operator.to_string(),
        }
    }
}

/// The answer to one scan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct CheckinResult {
    pub outcome: Outcome,
    /// The outcome as the station screen shows it (Spanish).
    pub label: &'static str,
    /// Why, in Spanish.
    pub reason: String,
    /// The PEP the code names, when the code is genuine and known.
    pub pep_id: Option<String>,
    /// INEGI code of the elector's entity.
    pub entity: Option<String>,
    /// The postal MEC that counts an accepted envelope.
    pub mec: Option<i64>,
    /// Endorsement number written on the envelope (accepted and late).
    pub sequence: Option<i64>,
    /// RFC 3339, UTC.
    #[schema(format = DateTime)]
    pub received_at: String,
    /// The same instant in the election's time zone, for screens.
    pub received_local: String,
    pub station: String,
    /// The station-made scan id, when the station named the scan.
    pub scan_id: Option<String>,
    /// When the station says it scanned (RFC 3339, UTC): its claim, recorded, never judged.
    #[schema(format = DateTime)]
    pub scanned_at: Option<String>,
    /// When the server first saw a named scan (RFC 3339, UTC): the cutoff is judged on it.
    #[schema(format = DateTime)]
    pub seen_at: Option<String>,
    /// True when this scan id was decided before: the answer is that first verdict.
    pub repeated: bool,
}

/// A scan the station named before sending ([`ScanId`]), as the server first saw it.
#[derive(Debug, Clone)]
pub struct NamedScan {
    pub id: ScanId,
    /// The browser's claim of when it scanned.
    pub scanned_at: Option<DateTime<Utc>>,
    /// When the request reached the server.
    pub seen_at: DateTime<Utc>,
}

/// A scan read and its signature checked: pure work, done on the caller's thread before the
/// scan queues for the writer.
#[derive(Debug, Clone)]
pub struct Scan {
    input: String,
    code: std::result::Result<CodeId, Verdict>,
    named: Option<NamedScan>,
}

impl Scan {
    /// Reads a scanned or typed code and checks its check character and signature.
    pub fn read(key: &[u8; 32], input: &str) -> Scan {
        let parsed = code::parse(input.trim())
            .or_else(|_| code::parse_manual(input))
            .and_then(|c| c.verify(key));
        Scan {
            input: input.to_string(),
            code: checkin::check_code(parsed),
            named: None,
        }
    }

    /// The same scan under the station's scan id: decided once, however often it is sent.
    pub fn named(self, named: NamedScan) -> Scan {
        Scan {
            named: Some(named),
            ..self
        }
    }
}

/// What the database recorded for one scan; [`Recorded::answer`] words it.
#[derive(Debug, Clone)]
pub struct Recorded {
    verdict: Verdict,
    target: Option<ScanTarget>,
    sequence: Option<i64>,
    at: DateTime<Utc>,
    /// A named scan's kept verdict, and whether it was kept before this scan.
    named: Option<(ScanId, KeptVerdict, bool)>,
}

/// The first verdict on a named scan that was seen before.
fn repeat_of(tx: &Transaction, scan: &Scan) -> Result<Option<Recorded>> {
    let Some(n) = &scan.named else {
        return Ok(None);
    };
    Ok(scan_ids::kept(tx, &n.id)?.map(|k| Recorded {
        verdict: Verdict {
            outcome: k.outcome,
            reason: k.reason.clone(),
        },
        target: None,
        sequence: k.sequence,
        at: k.decided_at,
        named: Some((n.id.clone(), k, true)),
    }))
}

/// Keeps a named scan's first verdict beside its scans row.
fn keep_named(
    tx: &Transaction,
    scan: &Scan,
    row: i64,
    rec: &mut Recorded,
    who: &Station,
) -> Result<()> {
    let Some(n) = &scan.named else {
        return Ok(());
    };
    let t = rec.target.as_ref();
    let accepted = rec.verdict.outcome == Outcome::Accepted;
    let kept = KeptVerdict {
        outcome: rec.verdict.outcome,
        reason: rec.verdict.reason.clone(),
        pep_id: t.map(|t| t.pep_id.to_string()),
        entity: t.map(|t| t.entity.clone()),
        mec: t.and_then(|t| t.mec).filter(|_| accepted),
        sequence: rec.sequence,
        station: who.station.clone(),
        scanned_at: n.scanned_at,
        seen_at: n.seen_at,
        decided_at: rec.at,
    };
    scan_ids::keep(tx, &n.id, row, &kept)?;
    rec.named = Some((n.id.clone(), kept, false));
    Ok(())
}

/// Decides and records one scan inside `tx`, its audit record on `chain`. Only database
/// errors are errors.
fn record_tx(
    tx: &Transaction,
    chain: &mut audit::Chain,
    scan: &Scan,
    who: &Station,
    cutoff: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<Recorded> {
    if let Some(first) = repeat_of(tx, scan)? {
        return Ok(first);
    }
    // A named scan is judged on the time the server first saw it, never the browser's.
    let judged_at = scan.named.as_ref().map_or(now, |n| n.seen_at);
    let ctx = ScanContext {
        station: &who.station,
        operator: &who.operator,
        now,
    };
    let (verdict, target) = match &scan.code {
        Err(v) => (v.clone(), None),
        Ok(id) => {
            let target = reception::scan_target(tx, *id)?;
            let facts = target.as_ref().map(|t| PepFacts {
                voided: t.voided,
                prior: t.prior.clone(),
            });
            (checkin::decide(facts.as_ref(), judged_at, cutoff), target)
        }
    };
    let mut sequence = None;
    if matches!(verdict.outcome, Outcome::Accepted | Outcome::Late) {
        let t = target.as_ref().expect("a receipt has a target");
        let late = verdict.outcome == Outcome::Late;
        sequence = Some(reception::insert_checkin(tx, &ctx, t, late)?);
        crate::ops::notices::on_checkin(tx, t.pep, late, now)?;
    } else if verdict.outcome == Outcome::Duplicate {
        sequence = target.as_ref().and_then(|t| t.prior_seq);
    }
    let row = reception::insert_scan(
        tx,
        &ctx,
        &scan.input,
        verdict.outcome,
        target.as_ref().map(|t| t.pep),
    )?;
    let subject = target
        .as_ref()
        .map_or("scan".to_string(), |t| format!("pep:{}", t.pep_id));
    let detail = format!("estación {}; {}", who.station, verdict.reason);
    chain.append(
        &audit::AuditEntry {
            actor: &who.operator,
            action: &format!("checkin.{}", verdict.outcome.as_str()),
            subject: &subject,
            after: sequence
                .map(|s| s.to_string())
                .as_deref()
                .map(str::as_bytes),
            detail: &detail,
            ..Default::default()
        },
        now,
    )?;
    let mut rec = Recorded {
        verdict,
        target,
        sequence,
        at: now,
        named: None,
    };
    keep_named(tx, scan, row, &mut rec, who)?;
    Ok(rec)
}

impl Recorded {
    /// The answer to the station, with times in UTC and in the election's zone.
    pub fn answer(self, election: &Election, who: &Station) -> CheckinResult {
        if let Some((id, k, true)) = self.named {
            return repeated_answer(election, id, k);
        }
        let named = self.named.map(|(id, k, _)| (id, k));
        let accepted = self.verdict.outcome == Outcome::Accepted;
        let t = self.target;
        CheckinResult {
            outcome: self.verdict.outcome,
            label: self.verdict.outcome.label_es(),
            reason: self.verdict.reason,
            mec: t.as_ref().and_then(|t| t.mec).filter(|_| accepted),
            pep_id: t.as_ref().map(|t| t.pep_id.to_string()),
            entity: t.map(|t| t.entity),
            sequence: self.sequence,
            received_at: crate::storage::ts(self.at),
            received_local: election.local(self.at),
            station: who.station.clone(),
            scan_id: named.as_ref().map(|(id, _)| id.as_str().to_string()),
            scanned_at: named
                .as_ref()
                .and_then(|(_, k)| k.scanned_at)
                .map(crate::storage::ts),
            seen_at: named.map(|(_, k)| crate::storage::ts(k.seen_at)),
            repeated: false,
        }
    }
}

/// The answer to a scan id seen before: its first verdict, as first answered.
fn repeated_answer(election: &Election, id: ScanId, k: KeptVerdict) -> CheckinResult {
    CheckinResult {
        outcome: k.outcome,
        label: k.outcome.label_es(),
        reason: k.reason,
        pep_id: k.pep_id,
        entity: k.entity,
        mec: k.mec,
        sequence: k.sequence,
        received_at: crate::storage::ts(k.decided_at),
        received_local: election.local(k.decided_at),
        station: k.station,
        scan_id: Some(id.as_str().to_string()),
        scanned_at: k.scanned_at.map(crate::storage::ts),
        seen_at: Some(crate::storage::ts(k.seen_at)),
        repeated: true,
    }
}

/// One check-in in its own transaction at `clock`'s time: the command line's door (web
/// requests go through the group-commit writer, [`super::checkin_queue`]).
pub fn check_in(
    db: &Db,
    key: &[u8; 32],
    input: &str,
    who: &Station,
    clock: &dyn Clock,
) -> Result<CheckinResult> {
    let mut answers = check_in_all(db, key, &[input], who, || clock.now())?;
    Ok(answers.remove(0))
}

/// Scans in one transaction, each at the time `clock` gives inside it (tests and benchmarks
/// fill databases with it; [`check_in`] is the one-scan case).
pub fn check_in_all(
    db: &Db,
    key: &[u8; 32],
    inputs: &[&str],
    who: &Station,
    clock: impl Fn() -> DateTime<Utc>,
) -> Result<Vec<CheckinResult>> {
    let scans: Vec<Scan> = inputs.iter().map(|i| Scan::read(key, i)).collect();
    let (recorded, e) = db.write(|tx| record_all(tx, scans.iter().map(|s| (s, who)), clock))?;
    Ok(recorded.into_iter().map(|r| r.answer(&e, who)).collect())
}

/// Records scans in order inside `tx` against the election's cutoff, each at `clock()`, their
/// audit records chained together; also returns the election, for wording the answers.
pub fn record_all<'a>(
    tx: &Transaction,
    scans: impl IntoIterator<Item = (&'a Scan, &'a Station)>,
    clock: impl Fn() -> DateTime<Utc>,
) -> Result<(Vec<Recorded>, Election)> {
    let e = election::load(tx)?.ok_or(OpsError::NoElection)?;
    let recorded = audit::with_chain(tx, |chain| {
        scans
            .into_iter()
            .map(|(scan, who)| record_tx(tx, chain, scan, who, e.receipt_cutoff, clock()))
            .collect::<Result<Vec<_>>>()
    })?;
    Ok((recorded, e))
}
