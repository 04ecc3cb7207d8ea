//! Check-in of a returned envelope: the one use case behind the API, the station page and
//! the `checkin` command. Durable before it answers (synchronous=FULL commit).

use chrono::{DateTime, Utc};
use rusqlite::Transaction;
use serde::Serialize;

use super::{OpsError, Result};
use crate::domain::checkin::{self, Outcome, PepFacts};
use crate::domain::code;
use crate::domain::election::Election;
use crate::storage::reception::{self, ScanContext};
use crate::storage::{audit, election, Db};

/// Who scans and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Station {
    pub station: String,
    pub operator: String,
}

impl Station {
    /// Checks a station name typed by staff: 1–40 printable characters.
    pub fn new(station: &str, operator: &str) -> Result<Station> {
        let s = station.trim();
        if s.is_empty() || s.chars().count() > 40 || s.chars().any(char::is_control) {
            return Err(OpsError::Invalid(
                "station: nombre de estación de 1 a 40 caracteres".into(),
            ));
        }
        Ok(Station {
            station: s.to_string(),
            operator: operator.to_string(),
        })
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
}

/// Decides and records one scan inside `tx`. Only database errors are errors.
pub fn check_in_tx(
    tx: &Transaction,
    key: &[u8; 32],
    input: &str,
    who: &Station,
    election: &Election,
    now: DateTime<Utc>,
) -> Result<CheckinResult> {
    let cutoff = election.receipt_cutoff;
    let ctx = ScanContext {
        station: &who.station,
        operator: &who.operator,
        now,
    };
    let parsed = code::parse(input.trim())
        .or_else(|_| code::parse_manual(input))
        .and_then(|c| c.verify(key));
    let (verdict, target) = match checkin::check_code(parsed) {
        Err(v) => (v, None),
        Ok(id) => {
            let target = reception::scan_target(tx, id.get())?;
            let facts = target.as_ref().map(|t| PepFacts {
                voided: t.voided,
                prior: t.prior.clone(),
            });
            (checkin::decide(facts.as_ref(), now, cutoff), target)
        }
    };
    let mut sequence = None;
    if matches!(verdict.outcome, Outcome::Accepted | Outcome::Late) {
        let t = target.as_ref().expect("a receipt has a target");
        sequence = Some(reception::insert_checkin(
            tx,
            &ctx,
            t,
            verdict.outcome == Outcome::Late,
        )?);
    } else if verdict.outcome == Outcome::Duplicate {
        sequence = target.as_ref().and_then(|t| t.prior_seq);
    }
    reception::insert_scan(
        tx,
        &ctx,
        input,
        verdict.outcome,
        target.as_ref().map(|t| t.pep),
    )?;
    let subject = target
        .as_ref()
        .map_or("scan".to_string(), |t| format!("pep:{}", t.pep_id));
    let detail = format!("estación {}; {}", who.station, verdict.reason);
    audit::append(
        tx,
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
    let accepted = verdict.outcome == Outcome::Accepted;
    Ok(CheckinResult {
        outcome: verdict.outcome,
        label: verdict.outcome.label_es(),
        reason: verdict.reason,
        pep_id: target.as_ref().map(|t| t.pep_id.clone()),
        entity: target.as_ref().map(|t| t.entity.clone()),
        mec: if accepted {
            target.as_ref().and_then(|t| t.mec)
        } else {
            None
        },
        sequence,
        received_at: crate::storage::ts(now),
        received_local: election.local(now),
        station: who.station.clone(),
    })
}

/// One check-in in its own transaction (the CLI's door, and the naive baseline).
pub fn check_in(db: &Db, key: &[u8; 32], input: &str, who: &Station) -> Result<CheckinResult> {
    db.write(|tx| {
        let e = election::load(tx)?.ok_or(OpsError::NoElection)?;
        check_in_tx(tx, key, input, who, &e, Utc::now())
    })
}
