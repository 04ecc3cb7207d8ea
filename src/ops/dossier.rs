//! The whole story of one PEP for its page: what it is and where it stands, both legs with
//! every carrier event, the receipt of its envelope, the reissues before and after it, one
//! merged timeline, and the audit records about it. Times in the election's time zone; the
//! elector's personal data and the cities of carrier events only with leave to see them.

use chrono::{DateTime, Utc};
use serde::Serialize;

use super::errors::PepError;
use super::{OpsError, Result};
use crate::domain::audit::AuditRecord;
use crate::domain::election::Election;
use crate::domain::pep::PepId;
use crate::domain::personal::{carrier_place, Casework, PersonalData};
use crate::domain::stage::{Receipt, Stage};
use crate::domain::{entity, geo};
use crate::storage::pep_record::{self, ElectorRecord, Generation, LegRecord, PepRecord};
use crate::storage::subscriptions::{self, SubState, Subscription};
use crate::storage::{audit, election, stored_time, Db, StorageError};

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
    /// The push subscription's state, in words.
    pub push: String,
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
    pub at: DateTime<Utc>,
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

/// When an audit record was written: its text is part of the hashed record, so it stays a
/// string there; a time that does not parse is corrupt data, not a date to show as typed.
fn audit_time(r: &AuditRecord) -> Result<DateTime<Utc>> {
    Ok(stored_time(&r.at, "audit_log.at")?)
}

fn elector_view(r: ElectorRecord, country: &str) -> ElectorView {
    let mut address = vec![r.address_line1];
    address.extend(r.address_line2);
    let region = r.region.map(|x| format!(" {x}")).unwrap_or_default();
    address.push(format!("{}{region} {}", r.city, r.postal_code));
    address.push(country.to_string());
    ElectorView {
        name: r.name,
        elector_key: r.elector_key.to_string(),
        address,
        email: r.email,
        phone: r.phone,
        voted: r.voted_at.is_some(),
        mec: r.mec,
    }
}

/// Everything read for the page, in one snapshot.
struct Facts {
    record: PepRecord,
    elector: Option<ElectorRecord>,
    generations: Vec<Generation>,
    audit: Vec<AuditRecord>,
    /// Each leg's push subscription, by leg id.
    pushes: Vec<(i64, Subscription)>,
}

/// The PEP page of `id` when inside `scope` (unknown otherwise); `leave` shows the elector's
/// personal data and event cities.
pub fn dossier(
    db: &Db,
    id: &PepId,
    scope: &crate::domain::scope::Scope,
    leave: Option<&PersonalData<Casework>>,
) -> Result<Dossier> {
    db.read(|c| {
        let tx = c.unchecked_transaction().map_err(StorageError::from)?;
        let e = election::load(&tx)?.ok_or(OpsError::NoElection)?;
        let record = pep_record::by_pep_id_in(&tx, id, scope)?
            .ok_or_else(|| PepError::Unknown(id.clone()))?;
        let elector = match leave {
            Some(_) => pep_record::elector(&tx, record.elector_id)?,
            None => None,
        };
        let mut pushes = Vec::new();
        for l in &record.legs {
            if let Some(s) = subscriptions::of_leg(&tx, l.id)? {
                pushes.push((l.id, s));
            }
        }
        let facts = Facts {
            pushes,
            generations: pep_record::generations(&tx, record.elector_id)?,
            audit: audit::for_subject(&tx, &format!("pep:{id}"), AUDIT_SHOWN)?,
            elector,
            record,
        };
        assemble(&e, facts, leave)
    })
}

fn assemble(e: &Election, f: Facts, leave: Option<&PersonalData<Casework>>) -> Result<Dossier> {
    let p = &f.record;
    let timeline = timeline(e, p, leave);
    let find_gen = |g: u32| {
        f.generations
            .iter()
            .find(|x| x.pep_id.generation == g)
            .map(|x| x.pep_id.to_string())
    };
    let country = geo::country(&p.country).map_or(p.country.clone(), |c| c.name_es.to_string());
    let audit = f
        .audit
        .into_iter()
        .map(|r| {
            Ok(AuditView {
                seq: r.seq,
                local: e.local(audit_time(&r)?),
                actor: r.actor,
                action: r.action,
                detail: r.detail,
            })
        })
        .collect::<Result<_>>()?;
    Ok(Dossier {
        generation: p.pep_id.generation,
        stage: p.stage.as_str(),
        stage_label: p.stage.label_es(),
        entity: entity::entity(&p.entity)
            .map_or(p.entity.clone(), |x| format!("{} {}", p.entity, x.name)),
        created_local: e.local(p.created_at),
        voided_local: p.voided_at.map(|t| e.local(t)),
        void_reason: p.void_reason.clone(),
        batch: p
            .batch
            .as_ref()
            .map(|b| format!("{} (lote {})", b.name, b.id)),
        legs: p
            .legs
            .iter()
            .map(|l| {
                let sub = f.pushes.iter().find(|(id, _)| *id == l.id).map(|(_, s)| s);
                leg_view(e, l, sub, leave)
            })
            .collect(),
        checkin: p.checkin.as_ref().map(|c| {
            let late = c.receipt == Receipt::Late;
            CheckinView {
                late,
                label: if late { "EXTEMPORÁNEO" } else { "ACEPTADO" },
                seq: c.seq,
                received_local: e.local(c.received_at),
                station: c.station.clone(),
                operator: c.operator.clone(),
                mec: c.mec,
            }
        }),
        replaces: p.pep_id.generation.checked_sub(1).and_then(find_gen),
        replaced_by: find_gen(p.pep_id.generation + 1),
        audit,
        can_reissue: !matches!(p.stage, Stage::Voided | Stage::Received),
        elector: f.elector.map(|r| elector_view(r, &country)),
        country,
        timeline,
        pep_id: p.pep_id.to_string(),
    })
}

/// A leg's push subscription in words.
fn push_words(e: &Election, s: Option<&Subscription>) -> String {
    let Some(s) = s else {
        return "Sin suscripción push: se sigue por consulta".into();
    };
    match s.state {
        SubState::Active => format!(
            "Push activo hasta {}{}",
            e.local(s.expires_at),
            s.last_push_at
                .map(|t| format!("; último push {}", e.local(t)))
                .unwrap_or_default()
        ),
        SubState::Validating => "Push en validación con la paquetería".into(),
        SubState::Refused => "Push rechazado por la paquetería: se sigue por consulta".into(),
        SubState::Failed => format!(
            "Suscripción push fallida{}; se reintenta",
            s.last_error
                .as_ref()
                .map(|e| format!(" ({e})"))
                .unwrap_or_default()
        ),
    }
}

fn leg_view(
    e: &Election,
    l: &LegRecord,
    sub: Option<&Subscription>,
    leave: Option<&PersonalData<Casework>>,
) -> LegView {
    LegView {
        push: push_words(e, sub),
        direction: l.direction.label_es(),
        carrier: l.carrier.label(),
        tracking: l.tracking.clone(),
        status: l.status.as_str(),
        status_label: l.status.label_es(),
        status_local: l.status_at.map(|t| e.local(t)),
        // Newest first on the page.
        events: l
            .events
            .iter()
            .rev()
            .map(|ev| EventView {
                local: e.local(ev.at),
                status: ev.status.as_str(),
                status_label: ev.status.label_es(),
                code: ev.raw_code.clone(),
                text: ev.raw_text.clone(),
                location: carrier_place(&ev.location, leave),
            })
            .collect(),
    }
}

/// Every dated fact about the PEP, oldest first.
fn timeline(
    e: &Election,
    p: &PepRecord,
    leave: Option<&PersonalData<Casework>>,
) -> Vec<TimelineEntry> {
    let entry = |at: DateTime<Utc>, what: String, detail: String| TimelineEntry {
        at,
        local: e.local(at),
        what,
        detail,
    };
    let mut out = vec![entry(
        p.created_at,
        format!("PEP generado (generación {})", p.pep_id.generation),
        String::new(),
    )];
    if let Some(b) = &p.batch {
        out.push(entry(
            b.created_at,
            "Incluido en un lote de envío".into(),
            b.name.clone(),
        ));
    }
    for l in &p.legs {
        // Newest first, as the page always listed them (the sort below is stable).
        for ev in l.events.iter().rev() {
            let code = if ev.raw_code.is_empty() {
                String::new()
            } else {
                format!(" [{}]", ev.raw_code)
            };
            out.push(entry(
                ev.at,
                format!(
                    "{} · {} {}",
                    l.direction.label_es(),
                    l.carrier.label(),
                    l.tracking
                ),
                format!(
                    "{}{code} {}",
                    ev.raw_text,
                    carrier_place(&ev.location, leave)
                )
                .trim()
                .to_string(),
            ));
        }
    }
    if let Some(c) = &p.checkin {
        let what = match c.receipt {
            Receipt::Late => "Sobre-Postal-Voto recibido EXTEMPORÁNEO",
            Receipt::OnTime => "Sobre-Postal-Voto recibido en plazo",
        };
        let detail = format!("estación {}, folio {}", c.station, c.seq);
        out.push(entry(c.received_at, what.into(), detail));
    }
    if let Some(at) = p.voided_at {
        let reason = p.void_reason.clone().unwrap_or_default();
        out.push(entry(at, "Anulado por reposición".into(), reason));
    }
    out.sort_by_key(|x| x.at);
    out
}
