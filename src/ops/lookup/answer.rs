//! The lookup's answer to the elector: the PEP's stage in words, both courier legs with their
//! carriers' public tracking pages, the last event's date and country, what to do now, the
//! receipt cutoff in the elector's own zone, and whether the envelope arrived in time. Built
//! from the PEP's record alone: no name, address, key or other person's data can get in.

use chrono::{DateTime, FixedOffset, Utc};
use chrono_tz::Tz;
use serde::Serialize;
use utoipa::ToSchema;

use super::words::{self, StepName};
use crate::domain::election::Election;
use crate::domain::lookup::{tracking_url, Lang};
use crate::domain::personal::carrier_place;
use crate::domain::stage::{self, Receipt, Stage, StageFacts};
use crate::domain::tracking::{Carrier, Direction, LegStatus};
use crate::storage::pep_record::{LegRecord, PepRecord};

/// One courier leg, as the elector may see it.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct LegAnswer {
    pub carrier: Carrier,
    /// The carrier's brand («FedEx»).
    pub carrier_name: &'static str,
    /// The guía (tracking number).
    pub tracking: String,
    /// The carrier's public tracking page for this guía.
    pub tracking_url: String,
    pub status: LegStatus,
    /// When the newest carrier event happened.
    pub last_event_at: Option<DateTime<Utc>>,
    /// Where it happened: the country only (ISO 3166-1 alpha-2), never the city.
    #[schema(example = "US")]
    pub last_event_country: Option<String>,
    /// `last_event_at` as the elector reads it, in the elector's zone and language.
    pub last_event_text: Option<String>,
}

/// One step of the way, for the page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct Step {
    pub label: &'static str,
    pub done: bool,
    pub when: Option<String>,
}

/// `POST /api/v1/lookup`: where the elector's package and envelope are.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct Answer {
    /// The PEP's stage.
    pub status: Stage,
    /// The stage in words, in the language asked for.
    pub status_text: &'static str,
    /// What to do now (undeliverable: how to get a new package; delivered: send the envelope
    /// back before the cutoff), when there is something to do.
    pub advice: Option<String>,
    pub outbound: Option<LegAnswer>,
    #[serde(rename = "return")]
    pub return_leg: Option<LegAnswer>,
    /// Once delivered and until received: the latest moment the envelope may reach INE (the
    /// receipt cutoff), in the elector's own time zone.
    pub send_back_by: Option<DateTime<FixedOffset>>,
    /// `send_back_by` in words, in the elector's zone and language.
    pub send_back_by_text: Option<String>,
    /// The elector's time zone (IANA), from the country and region of the registered address.
    #[schema(example = "America/Los_Angeles")]
    pub time_zone: String,
    /// Once the envelope was received: whether it arrived before the cutoff.
    pub received_in_time: Option<bool>,
    pub steps: Vec<Step>,
}

fn leg(l: &LegRecord, tz: Tz, lang: Lang) -> LegAnswer {
    let last = l.events.last();
    let at = last.map(|e| e.at).or(l.last_event_at);
    let country = last
        .map(|e| carrier_place(&e.location, None))
        .filter(|c| !c.is_empty());
    LegAnswer {
        carrier: l.carrier,
        carrier_name: l.carrier.label(),
        tracking: l.tracking.clone(),
        tracking_url: tracking_url(l.carrier, &l.tracking),
        status: l.status,
        last_event_at: at,
        last_event_country: country,
        last_event_text: at.map(|t| words::date(t, tz, lang)),
    }
}

/// The answer about PEP `p` for an elector living in zone `tz`.
pub fn build(p: &PepRecord, e: &Election, tz: Tz, lang: Lang) -> Answer {
    let stage = stage::stage(&StageFacts {
        voided: p.voided_at.is_some(),
        in_batch: p.batch.is_some(),
        outbound: p.leg(Direction::Outbound).map(|l| l.status),
        return_leg: p.leg(Direction::Return).map(|l| l.status),
        checkin: p.checkin.as_ref().map(|c| c.receipt),
    });
    let waiting = matches!(stage, Stage::Delivered | Stage::Returning);
    let deadline = words::date(e.receipt_cutoff, tz, lang);
    Answer {
        status: stage,
        status_text: words::stage(stage, lang),
        advice: words::advice(stage, &deadline, lang),
        outbound: p.leg(Direction::Outbound).map(|l| leg(l, tz, lang)),
        return_leg: p.leg(Direction::Return).map(|l| leg(l, tz, lang)),
        send_back_by: waiting.then(|| e.receipt_cutoff.with_timezone(&tz).fixed_offset()),
        send_back_by_text: waiting.then_some(deadline),
        time_zone: tz.name().to_string(),
        received_in_time: p.checkin.as_ref().map(|c| c.receipt == Receipt::OnTime),
        steps: if stage == Stage::Voided {
            Vec::new()
        } else {
            steps(p, tz, lang)
        },
    }
}

fn steps(p: &PepRecord, tz: Tz, lang: Lang) -> Vec<Step> {
    let out = p.leg(Direction::Outbound);
    let back = p.leg(Direction::Return);
    let moving = |l: &LegRecord| !matches!(l.status, LegStatus::Unknown | LegStatus::PreTransit);
    let delivered = out.filter(|l| l.status == LegStatus::Delivered);
    let step = |name, done, when: Option<DateTime<Utc>>| Step {
        label: words::step(name, lang),
        done,
        when: when.map(|t| words::day(t, tz, lang)),
    };
    let last = match &p.checkin {
        Some(c) if c.receipt == Receipt::OnTime => {
            step(StepName::ReceivedInTime, true, Some(c.received_at))
        }
        Some(c) => step(StepName::ReceivedLate, true, Some(c.received_at)),
        None => step(StepName::NotYetReceived, false, None),
    };
    vec![
        step(
            StepName::Prepared,
            p.batch.is_some(),
            p.batch.as_ref().map(|b| b.created_at),
        ),
        step(StepName::Shipped, out.is_some_and(moving), None),
        step(
            StepName::Delivered,
            delivered.is_some(),
            delivered.and_then(|l| l.status_at),
        ),
        step(StepName::Returning, back.is_some_and(moving), None),
        last,
    ]
}
