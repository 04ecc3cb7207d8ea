//! The printed documents of reception: per-MEC list, custody act, late list (audited). The
//! lists name electors, so they take leave to see personal data; the act has counts only.

use chrono::{DateTime, Utc};

use super::errors::ReceptionDocsError;
use super::{Actor, OpsError, Result};
use crate::documents::reception::{self as docs, LateRow, MecListRow, ReportMeta};
use crate::domain::entity::EntityCode;
use crate::domain::personal::{PersonalData, PrintedRecords};
use crate::domain::scope::Scope;
use crate::storage::{audit, election, tallies, Db};

fn meta(db: &Db, subject: String, now: DateTime<Utc>) -> Result<ReportMeta> {
    let e = db
        .read(|c| election::load(c).map_err(OpsError::from))?
        .ok_or(OpsError::NoElection)?;
    Ok(ReportMeta {
        election: e.name.clone(),
        subject,
        generated_on: e.local(now),
        generated_at: now,
    })
}

fn mec_subject(entity: EntityCode, mec: i64) -> String {
    format!("MEC postal {entity}-{mec} ({})", entity.entity().name)
}

fn audited(
    db: &Db,
    actor: &Actor,
    what: &str,
    subject: &str,
    bytes: &[u8],
    now: DateTime<Utc>,
) -> Result<()> {
    db.write(|tx| {
        audit::append(
            tx,
            &audit::AuditEntry {
                actor: actor.as_str(),
                action: what,
                subject,
                after: Some(bytes),
                ..Default::default()
            },
            now,
        )?;
        Ok(())
    })
}

fn pdf_err(e: crate::documents::DocumentError) -> OpsError {
    ReceptionDocsError::Render(e).into()
}

/// The MEC's electors; a MEC outside `scope` does not exist for the caller.
fn mec_rows(
    db: &Db,
    entity: EntityCode,
    mec: i64,
    scope: &Scope,
) -> Result<Vec<tallies::MecElector>> {
    let rows = db.read(|c| tallies::mec_electors(c, entity.as_str(), mec, scope))?;
    if rows.is_empty() {
        return Err(ReceptionDocsError::NoSuchMec {
            entity: entity.to_string(),
            mec,
        }
        .into());
    }
    Ok(rows)
}

/// The list of electors of one MEC with "VOTÓ" marks.
pub fn mec_list(
    db: &Db,
    entity: EntityCode,
    mec: i64,
    scope: &Scope,
    _leave: &PersonalData<PrintedRecords>,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<Vec<u8>> {
    let rows: Vec<MecListRow> = mec_rows(db, entity, mec, scope)?
        .into_iter()
        .map(|r| MecListRow {
            name: r.name,
            elector_key: r.elector_key,
            voted: r.voted,
            seq: r.seq,
        })
        .collect();
    let subject = mec_subject(entity, mec);
    let pdf = docs::mec_list_pdf(&meta(db, subject.clone(), now)?, &rows).map_err(pdf_err)?;
    audited(db, actor, "print.mec_list", &subject, &pdf, now)?;
    Ok(pdf)
}

/// The custody hand-off act of one MEC.
pub fn custody_act(
    db: &Db,
    entity: EntityCode,
    mec: i64,
    scope: &Scope,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<Vec<u8>> {
    let rows = mec_rows(db, entity, mec, scope)?;
    let voted = rows.iter().filter(|r| r.voted).count();
    let subject = mec_subject(entity, mec);
    let pdf = docs::custody_act_pdf(&meta(db, subject.clone(), now)?, rows.len(), voted)
        .map_err(pdf_err)?;
    audited(db, actor, "print.custody_act", &subject, &pdf, now)?;
    Ok(pdf)
}

/// The list of late envelopes for the destruction act.
pub fn late_list(
    db: &Db,
    _leave: &PersonalData<PrintedRecords>,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<Vec<u8>> {
    let e = db
        .read(|c| election::load(c).map_err(OpsError::from))?
        .ok_or(OpsError::NoElection)?;
    let rows: Vec<LateRow> = db
        .read(tallies::late_list)?
        .into_iter()
        .map(|r| LateRow {
            sender: r.sender,
            city: r.city,
            country: r.country,
            pep_id: r.pep_id.to_string(),
            received: e.local(r.received_at),
            station: r.station,
            seq: r.seq,
        })
        .collect();
    let pdf = docs::late_list_pdf(&meta(db, "Sobres extemporáneos".into(), now)?, &rows)
        .map_err(pdf_err)?;
    audited(db, actor, "print.late_list", "late", &pdf, now)?;
    Ok(pdf)
}
