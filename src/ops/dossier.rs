//! The whole story of one PEP for its page: what it is and where it stands, both legs with
//! every carrier event, the receipt of its envelope, the reissues before and after it, one
//! merged timeline, and the audit records about it. Times in the election's time zone; the
//! elector's personal data and the cities of carrier events only with leave to see them.

use chrono::{DateTime, Utc};
use serde::Serialize;

use super::{OpsError, Result};
use crate::domain::election::Election;
use crate::domain::pep::PepId;
use crate::domain::personal::{carrier_place, Casework, PersonalData};
use crate::domain::stage::Stage;
use crate::domain::{entity, geo};
use crate::storage::dossier::{self as store, CheckinRow, ElectorRow, LegRow, PepRecord};
use crate::storage::{audit, election, tracking, ts, Db, StorageError};

/// Audit records shown at most.
const AUDIT_SHOWN: i64 = 200;

#[derive(Debug, Clone, Serialize)]
pub struct EventView {
    pub local: String,
    pub status: &'static str,
    pub status_label: &'static str,
    pub code: String,
    pub text: String,
    pub location: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct LegView {
    pub direction: &'static str,
    pub carrier: &'static str,
    pub tracking: String,
    pub status: &'static str,
    pub status_label: &'static str,
    pub status_local: Option<String>,
    pub events: Vec<EventView>,
}

#[derive(Debug, Clone, Serialize)]
pub struct CheckinView {
    pub late: bool,
    pub label: &'static str,
    pub seq: i64,
    pub received_local: String,
    pub station: String,
    pub operator: String,
    pub mec: Option<i64>,
}

#[derive(Debug, Clone, Serialize)]
pub struct TimelineEntry {
    #[serde(skip)]
    pub at: String,
    pub local: String,
    pub what: String,
    pub detail: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct AuditView {
    pub seq: i64,
    pub local: String,
    pub actor: String,
    pub action: String,
    pub detail: String,
}

/// Everything the PEP page shows.
#[derive(Debug, Clone, Serialize)]
pub struct Dossier {
    pub pep_id: String,
    pub generation: u32,
    pub stage: &'static str,
    pub stage_label: &'static str,
    pub entity: String,
    pub country: String,
    pub created_local: String,
    pub voided_local: Option<String>,
    pub void_reason: Option<String>,
    pub batch: Option<String>,
    /// `None` for roles that may not see personal data.
    pub elector: Option<ElectorView>,
    pub legs: Vec<LegView>,
    pub checkin: Option<CheckinView>,
    pub replaces: Option<String>,
    pub replaced_by: Option<String>,
    pub timeline: Vec<TimelineEntry>,
    pub audit: Vec<AuditView>,
    /// Not voided and no envelope accepted: a reissue is possible.
    pub can_reissue: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct ElectorView {
    pub name: String,
    pub elector_key: String,
    pub address: Vec<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub voted: bool,
    pub mec: Option<i64>,
}

fn local(e: &Election, t: &str) -> String {
    DateTime::parse_from_rfc3339(t)
        .map_or_else(|_| t.to_string(), |t| e.local(t.with_timezone(&Utc)))
}

fn elector_view(r: ElectorRow, country: &str) -> ElectorView {
    let mut address = vec![r.address_line1];
    address.extend(r.address_line2);
    let region = r.region.map(|x| format!(" {x}")).unwrap_or_default();
    address.push(format!("{}{region} {}", r.city, r.postal_code));
    address.push(country.to_string());
    ElectorView {
        name: r.name,
        elector_key: r.elector_key,
        address,
        email: r.email,
        phone: r.phone,
        voted: r.voted_at.is_some(),
        mec: r.mec,
    }
}

/// The PEP page of `id`; `leave` shows the elector's personal data and event cities.
pub fn dossier(db: &Db, id: &PepId, leave: Option<&PersonalData<Casework>>) -> Result<Dossier> {
    db.read(|c| {
        let tx = c.unchecked_transaction().map_err(StorageError::from)?;
        let e = election::load(&tx)?.ok_or(OpsError::NoElection)?;
        let p =
            store::pep(&tx, id)?.ok_or_else(|| OpsError::NotFound(format!("no existe el {id}")))?;
        let mut legs = Vec::new();
        for l in store::legs(&tx, p.id)? {
            let events = tracking::events(&tx, l.id)?;
            legs.push((l, events));
        }
        let checkin = store::checkin(&tx, p.id)?;
        let generations = store::generations(&tx, p.elector_id)?;
        let records = audit::for_subject(&tx, &format!("pep:{id}"), AUDIT_SHOWN)?;
        Ok(assemble(&e, p, legs, checkin, generations, records, leave))
    })
}

type LegWithEvents = (LegRow, Vec<tracking::StoredEvent>);

fn assemble(
    e: &Election,
    p: PepRecord,
    legs: Vec<LegWithEvents>,
    checkin: Option<CheckinRow>,
    generations: Vec<(String, u32, Option<String>)>,
    records: Vec<crate::domain::audit::AuditRecord>,
    leave: Option<&PersonalData<Casework>>,
) -> Dossier {
    let timeline = timeline(e, &p, &legs, checkin.as_ref(), leave);
    let find_gen = |g: u32| generations.iter().find(|x| x.1 == g).map(|x| x.0.clone());
    let country = geo::country(&p.country).map_or(p.country.clone(), |c| c.name_es.to_string());
    Dossier {
        generation: p.generation,
        stage: p.stage.as_str(),
        stage_label: p.stage.label_es(),
        entity: entity::entity(&p.entity)
            .map_or(p.entity.clone(), |x| format!("{} {}", p.entity, x.name)),
        created_local: local(e, &p.created_at),
        voided_local: p.voided_at.as_deref().map(|t| local(e, t)),
        void_reason: p.void_reason.clone(),
        batch: p
            .batch
            .as_ref()
            .map(|(id, name, _)| format!("{name} (lote {id})")),
        legs: legs
            .iter()
            .map(|(l, ev)| leg_view(e, l, ev, leave))
            .collect(),
        checkin: checkin.map(|c| CheckinView {
            late: c.late,
            label: if c.late { "EXTEMPORÁNEO" } else { "ACEPTADO" },
            seq: c.seq,
            received_local: local(e, &c.received_at),
            station: c.station,
            operator: c.operator,
            mec: c.mec,
        }),
        replaces: p.generation.checked_sub(1).and_then(find_gen),
        replaced_by: find_gen(p.generation + 1),
        audit: records
            .into_iter()
            .map(|r| AuditView {
                seq: r.seq,
                local: local(e, &r.at),
                actor: r.actor,
                action: r.action,
                detail: r.detail,
            })
            .collect(),
        can_reissue: !matches!(p.stage, Stage::Voided | Stage::Received),
        elector: leave.map(|_| elector_view(p.elector.clone(), &country)),
        country,
        timeline,
        pep_id: p.pep_id,
    }
}

fn leg_view(
    e: &Election,
    l: &LegRow,
    events: &[tracking::StoredEvent],
    leave: Option<&PersonalData<Casework>>,
) -> LegView {
    LegView {
        direction: l.direction.label_es(),
        carrier: l.carrier.label(),
        tracking: l.tracking.clone(),
        status: l.status.as_str(),
        status_label: l.status.label_es(),
        status_local: l.status_at.as_deref().map(|t| local(e, t)),
        events: events
            .iter()
            .map(|s| EventView {
                local: e.local(s.event.at),
                status: s.event.status.as_str(),
                status_label: s.event.status.label_es(),
                code: s.event.raw_code.clone(),
                text: s.event.raw_text.clone(),
                location: carrier_place(&s.event.location, leave),
            })
            .collect(),
    }
}

/// Every dated fact about the PEP, oldest first.
fn timeline(
    e: &Election,
    p: &PepRecord,
    legs: &[LegWithEvents],
    checkin: Option<&CheckinRow>,
    leave: Option<&PersonalData<Casework>>,
) -> Vec<TimelineEntry> {
    let entry = |at: &str, what: String, detail: String| TimelineEntry {
        at: at.to_string(),
        local: local(e, at),
        what,
        detail,
    };
    let mut out = vec![entry(
        &p.created_at,
        format!("PEP generado (generación {})", p.generation),
        String::new(),
    )];
    if let Some((_, name, at)) = &p.batch {
        out.push(entry(
            at,
            "Incluido en un lote de envío".into(),
            name.clone(),
        ));
    }
    for (l, events) in legs {
        for s in events {
            let code = if s.event.raw_code.is_empty() {
                String::new()
            } else {
                format!(" [{}]", s.event.raw_code)
            };
            out.push(entry(
                &ts(s.event.at),
                format!(
                    "{} · {} {}",
                    l.direction.label_es(),
                    l.carrier.label(),
                    l.tracking
                ),
                format!(
                    "{}{code} {}",
                    s.event.raw_text,
                    carrier_place(&s.event.location, leave)
                )
                .trim()
                .to_string(),
            ));
        }
    }
    if let Some(c) = checkin {
        let what = if c.late {
            "Sobre-Postal-Voto recibido EXTEMPORÁNEO"
        } else {
            "Sobre-Postal-Voto recibido en plazo"
        };
        let detail = format!("estación {}, folio {}", c.station, c.seq);
        out.push(entry(&c.received_at, what.into(), detail));
    }
    if let Some(at) = &p.voided_at {
        let reason = p.void_reason.clone().unwrap_or_default();
        out.push(entry(at, "Anulado por reposición".into(), reason));
    }
    out.sort_by(|a, b| a.at.cmp(&b.at));
    out
}
