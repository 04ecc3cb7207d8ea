//! One PEP for API clients: its stage, both courier legs with their events, and the receipt
//! of its envelope. Carries no name, address or elector key; the places of carrier events
//! keep their city only for clients with leave to see personal data.

use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;

use super::errors::PepError;
use super::Result;
use crate::domain::pep::PepId;
use crate::domain::personal::{carrier_place, Casework, PersonalData};
use crate::domain::stage::{self, Receipt, Stage, StageFacts};
use crate::domain::tracking::{Carrier, Direction, LegStatus, TrackingEvent};
use crate::storage::pep_record::{self, CheckinRecord, LegRecord, PepRecord};
use crate::storage::Db;

/// A courier leg of the PEP.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct LegView {
    pub carrier: Carrier,
    /// The guía (tracking number).
    pub tracking: String,
    pub status: LegStatus,
    /// When the event that set `status` happened.
    pub status_at: Option<DateTime<Utc>>,
    /// The carrier's events, oldest first.
    pub events: Vec<TrackingEvent>,
}

/// The receipt of the PEP's envelope at reception.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct CheckinView {
    /// `accepted` (before the cutoff) or `late`.
    pub outcome: Receipt,
    pub received_at: DateTime<Utc>,
    pub station: String,
    /// Endorsement number written on the envelope.
    pub sequence: i64,
    /// The postal MEC that counts it (none for a late envelope).
    pub mec: Option<i64>,
}

/// `GET /api/v1/peps/{pep_id}`.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct PepView {
    #[schema(example = "PEP-0000123-1")]
    pub pep_id: String,
    /// The PEP's overall stage.
    pub status: Stage,
    /// The stage in Spanish, for screens.
    pub status_label: &'static str,
    #[schema(minimum = 1)]
    pub generation: u32,
    /// Replaced by a reissue: its return code is refused at reception.
    pub voided: bool,
    /// Id of its shipping batch.
    pub batch: Option<i64>,
    pub outbound: Option<LegView>,
    #[serde(rename = "return")]
    pub return_leg: Option<LegView>,
    pub checkin: Option<CheckinView>,
}

fn leg_view(leg: LegRecord) -> LegView {
    LegView {
        carrier: leg.carrier,
        tracking: leg.tracking,
        status: leg.status,
        status_at: leg.status_at,
        events: leg.events,
    }
}

fn checkin_view(c: CheckinRecord) -> CheckinView {
    CheckinView {
        outcome: c.receipt,
        received_at: c.received_at,
        station: c.station,
        sequence: c.seq,
        mec: c.mec,
    }
}

/// The view of a stored PEP, its stage decided by [`stage::stage`].
pub fn view(record: PepRecord) -> PepView {
    let mut outbound = None;
    let mut return_leg = None;
    for leg in record.legs {
        match leg.direction {
            Direction::Outbound => outbound = Some(leg_view(leg)),
            Direction::Return => return_leg = Some(leg_view(leg)),
        }
    }
    let checkin = record.checkin.map(checkin_view);
    let voided = record.voided_at.is_some();
    let status = stage::stage(&StageFacts {
        voided,
        in_batch: record.batch.is_some(),
        outbound: outbound.as_ref().map(|l: &LegView| l.status),
        return_leg: return_leg.as_ref().map(|l: &LegView| l.status),
        checkin: checkin.as_ref().map(|c| c.outcome),
    });
    PepView {
        pep_id: record.pep_id.to_string(),
        status,
        status_label: status.label_es(),
        generation: record.pep_id.generation,
        voided,
        batch: record.batch.map(|b| b.id),
        outbound,
        return_leg,
        checkin,
    }
}

/// The PEP `id` when inside `scope` (not found otherwise); without `leave`, carrier event
/// places show only their country.
pub fn pep_view(
    db: &Db,
    id: &PepId,
    scope: &crate::domain::scope::Scope,
    leave: Option<&PersonalData<Casework>>,
) -> Result<PepView> {
    let record = db.read(|c| pep_record::by_pep_id_in(c, id, scope))?;
    let mut v = record
        .map(view)
        .ok_or_else(|| PepError::NotFound(id.to_string()))?;
    for leg in [&mut v.outbound, &mut v.return_leg].into_iter().flatten() {
        for ev in &mut leg.events {
            ev.location = carrier_place(&ev.location, leave);
        }
    }
    Ok(v)
}
