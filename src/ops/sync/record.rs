//! Recording one carrier reply inside one transaction: new events stored once, the leg's
//! status moved by the domain rule and audited, the next poll scheduled.

use chrono::{DateTime, Utc};
use rusqlite::Transaction;

use super::{by_number, failure_text, PassReport};
use crate::carriers::{CallError, NumberResult, Tracked};
use crate::domain::tracking::schedule::{self, fetches_today, spread, PollContext};
use crate::domain::tracking::{apply, Carrier, LegState, TrackingEvent};
use crate::ops::{Actor, OpsError};
use crate::storage::audit::{self, AuditEntry, Chain};
use crate::storage::tracking::{self as store, DueLeg, PollRecord};
use crate::storage::ts;

/// Stores a reply (or a failed call) for the legs asked about.
pub(in crate::ops) fn store_reply(
    tx: &Transaction,
    carrier: Carrier,
    legs: &[DueLeg],
    result: Result<Vec<Tracked>, CallError>,
    attempts: u32,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<PassReport, OpsError> {
    let mut report = PassReport::default();
    store::add_carrier_calls(tx, carrier, now.date_naive(), attempts)?;
    let answers = match result {
        Ok(r) => Ok(by_number(r)),
        Err(e) => Err(failure_text(&e)),
    };
    audit::with_chain(tx, |chain| {
        for asked in legs {
            // The leg as it stands in this transaction, not as it was read before the call:
            // the inbox worker may have applied a push to it meanwhile.
            let Some(leg) = store::leg(chain.tx(), asked.id)? else {
                continue;
            };
            store_answer(chain, &leg, &answers, attempts, actor, now, &mut report)?;
        }
        Ok::<_, OpsError>(())
    })?;
    Ok(report)
}

/// What the reply said about one leg, recorded.
fn store_answer(
    chain: &mut Chain,
    leg: &DueLeg,
    answers: &Result<std::collections::HashMap<String, NumberResult>, String>,
    attempts: u32,
    actor: &Actor,
    now: DateTime<Utc>,
    report: &mut PassReport,
) -> Result<(), OpsError> {
    let tx = chain.tx();
    let answer = match answers {
        Ok(map) => map
            .get(&leg.tracking)
            .cloned()
            .ok_or_else(|| "la paquetería no respondió por este número".to_string()),
        Err(msg) => Err(msg.clone()),
    };
    match answer {
        Ok(NumberResult::Events(events)) => {
            record_events(chain, leg, &events, attempts, actor, now, report)?
        }
        Ok(NumberResult::NotYetVisible) if !leg.visible => {
            report.not_visible += 1;
            schedule_next(tx, leg, leg.state, false, attempts, now)?;
        }
        Ok(NumberResult::NotYetVisible) => failed(
            tx,
            leg,
            "la paquetería dejó de mostrar un envío ya visible".into(),
            attempts,
            now,
            report,
        )?,
        Ok(NumberResult::Failed(msg)) | Err(msg) => failed(tx, leg, msg, attempts, now, report)?,
    }
    Ok(())
}

fn record_events(
    chain: &mut Chain,
    leg: &DueLeg,
    events: &[TrackingEvent],
    attempts: u32,
    actor: &Actor,
    now: DateTime<Utc>,
    report: &mut PassReport,
) -> Result<(), OpsError> {
    let state = apply_events(chain, leg, events, actor, now, report)?;
    schedule_next(chain.tx(), leg, state, true, attempts, now)
}

/// What a carrier said about a leg, by poll or by push: new events stored once, the leg's
/// status moved by the domain rule (never back from a final one) and audited on `chain`. The
/// leg's state afterwards.
pub(in crate::ops) fn apply_events(
    chain: &mut Chain,
    leg: &DueLeg,
    events: &[TrackingEvent],
    actor: &Actor,
    now: DateTime<Utc>,
    report: &mut PassReport,
) -> Result<LegState, OpsError> {
    let tx = chain.tx();
    let mut fresh = store::insert_new_events(tx, leg.id, events, now)?;
    fresh.sort_by_key(|e| e.at);
    let state = fresh
        .iter()
        .fold(leg.state, |s, e| apply(s, e.status, e.at));
    let last = fresh.iter().map(|e| e.at).chain(leg.last_event_at).max();
    let newest = store::newest_known(leg.state.newest, fresh.iter().copied());
    if state != leg.state || last != leg.last_event_at || newest != leg.state.newest {
        store::set_leg_state(tx, leg, &state, (last, newest), now)?;
    }
    if state.status != leg.state.status {
        audit_change(chain, leg, &state, actor, now)?;
        let (from, to) = (leg.state.status, state.status);
        crate::ops::notices::on_leg_change(tx, leg.pep, leg.direction, from, to, now)?;
        report.status_changes += 1;
    }
    report.new_events += fresh.len();
    Ok(state)
}

fn canonical(s: &LegState) -> Vec<u8> {
    serde_json::to_vec(&serde_json::json!({
        "status": s.status.as_str(),
        "status_at": s.status_at.map(ts),
    }))
    .expect("json values serialize")
}

fn audit_change(
    chain: &mut Chain,
    leg: &DueLeg,
    to: &LegState,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<(), OpsError> {
    let subject = format!("pep:{}", leg.pep_id);
    let detail = format!(
        "{} {} {}: {} → {} (evento del {})",
        leg.direction.as_str(),
        leg.carrier,
        leg.tracking,
        leg.state.status,
        to.status,
        to.status_at.map(ts).unwrap_or_default()
    );
    let (before, after) = (canonical(&leg.state), canonical(to));
    chain.append(
        &AuditEntry {
            actor: actor.as_str(),
            action: "leg.status",
            subject: &subject,
            before: Some(&before),
            after: Some(&after),
            detail: &detail,
        },
        now,
    )?;
    Ok(())
}

/// A successful poll: the schedule decides the next one (never, once final).
fn schedule_next(
    tx: &Transaction,
    leg: &DueLeg,
    state: LegState,
    visible: bool,
    attempts: u32,
    now: DateTime<Utc>,
) -> Result<(), OpsError> {
    let fetched = fetches_today(leg.poll_day, leg.polls_today, now) + attempts;
    let since = if state.status != leg.state.status {
        now
    } else {
        leg.since
    };
    let ctx = PollContext {
        direction: leg.direction,
        status: state.status,
        unchanged_for: now - since,
        partner_delivered: leg.partner_delivered,
    };
    let next = if leg.pushed(now) {
        schedule::next_poll_pushed(&ctx, now, fetched, spread(leg.id))
    } else {
        schedule::next_poll(&ctx, now, fetched, spread(leg.id))
    };
    let rec = PollRecord {
        next_poll_at: next,
        since,
        day: now.date_naive(),
        polls_today: fetched,
        fetches: attempts,
        failures: 0,
        visible: visible || leg.visible,
        last_error: None,
    };
    Ok(store::record_poll(tx, leg.id, &rec, now)?)
}

/// A failed poll: nothing about the leg changes but its next try, sooner and backing off.
fn failed(
    tx: &Transaction,
    leg: &DueLeg,
    msg: String,
    attempts: u32,
    now: DateTime<Utc>,
    report: &mut PassReport,
) -> Result<(), OpsError> {
    report.failed += 1;
    let fetched = fetches_today(leg.poll_day, leg.polls_today, now) + attempts;
    let failures = leg.failures + 1;
    let rec = PollRecord {
        next_poll_at: Some(schedule::after_failure(failures, now, fetched)),
        since: leg.since,
        day: now.date_naive(),
        polls_today: fetched,
        fetches: attempts,
        failures,
        visible: leg.visible,
        last_error: Some(msg),
    };
    Ok(store::record_poll(tx, leg.id, &rec, now)?)
}
