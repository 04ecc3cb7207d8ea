//! The leg_events, leg_polls and carrier_calls tables, and the tracking columns of legs:
//! picking the legs due for a poll, storing events once, moving a leg's status, keeping each
//! leg's polling state and each carrier's calls per day.

use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::{params, Connection, OptionalExtension, Row, Transaction};

use super::{ts, Result};
use crate::domain::pep::PepId;
use crate::domain::tracking::{Carrier, Direction, LegState, LegStatus, TrackingEvent};

mod lookups;

pub use lookups::{events, leg, leg_origin, one_due, LegOrigin, StoredEvent};

/// `next_poll_at` of a final leg: never due.
pub const NEVER: &str = "9999";

/// A leg with what polling it needs.
#[derive(Debug, Clone, PartialEq)]
pub struct DueLeg {
    pub id: i64,
    /// The PEP's row id, and its public id.
    pub pep: i64,
    pub pep_id: PepId,
    pub direction: Direction,
    pub carrier: Carrier,
    pub tracking: String,
    pub state: LegState,
    pub last_event_at: Option<DateTime<Utc>>,
    pub since: DateTime<Utc>,
    pub poll_day: Option<NaiveDate>,
    pub polls_today: u32,
    pub failures: u32,
    pub visible: bool,
    /// For a return leg: its PEP's outbound leg was delivered.
    pub partner_delivered: bool,
    pub next_poll_at: String,
    /// Until when the carrier pushes this leg's events (an active subscription), if it does.
    pub push_until: Option<DateTime<Utc>>,
}

impl DueLeg {
    /// The carrier pushes this leg's events at `now`: the poller is only its safety net.
    pub fn pushed(&self, now: DateTime<Utc>) -> bool {
        self.push_until.is_some_and(|t| t > now)
    }
}

/// Where the previous page of due legs ended.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Cursor {
    pub next_poll_at: String,
    pub id: i64,
}

impl Cursor {
    pub fn after(leg: &DueLeg) -> Cursor {
        Cursor {
            next_poll_at: leg.next_poll_at.clone(),
            id: leg.id,
        }
    }
}

/// The columns of a [`DueLeg`], as a literal so that lookups build their SQL at compile time.
macro_rules! due_select {
    () => {
        "
    SELECT l.id, p.pep_id, l.direction, l.carrier, l.tracking, l.status, l.status_at,
           l.newest_at, l.last_event_at, lp.since, lp.poll_day, lp.polls_today, lp.failures,
           lp.visible,
           l.direction = 'return'
             AND EXISTS (SELECT 1 FROM legs o WHERE o.pep = l.pep AND o.direction = 'outbound'
                                                AND o.status = 'delivered'),
           lp.next_poll_at,
           (SELECT s.expires_at FROM leg_subscriptions s WHERE s.leg = l.id AND s.state = 'active'),
           l.pep
      FROM leg_polls lp JOIN legs l ON l.id = lp.leg JOIN peps p ON p.id = l.pep"
    };
}
pub(crate) use due_select;

pub(super) const DUE_SELECT: &str = due_select!();

type RawDue = (
    i64,
    PepId,
    Direction,
    Carrier,
    String,
    LegStatus,
    Option<DateTime<Utc>>,
    Option<DateTime<Utc>>,
    Option<DateTime<Utc>>,
    DateTime<Utc>,
    Option<NaiveDate>,
    u32,
    u32,
    bool,
    bool,
    String,
);

/// A due row: the [`RawDue`] tuple, then the columns past a tuple's 16 (until when pushed,
/// the PEP's row id).
pub(super) type DueRow = (RawDue, Option<DateTime<Utc>>, i64);

pub(super) fn raw_due(r: &Row) -> rusqlite::Result<DueRow> {
    Ok((r.try_into()?, r.get(16)?, r.get(17)?))
}

pub(super) fn to_due((raw, push_until, pep): DueRow) -> DueLeg {
    let (
        id,
        pep_id,
        dir,
        carrier,
        tracking,
        status,
        status_at,
        newest,
        last,
        since,
        day,
        today,
        failures,
        visible,
        partner,
        next,
    ) = raw;
    DueLeg {
        id,
        pep,
        pep_id,
        direction: dir,
        carrier,
        tracking,
        state: LegState {
            status,
            status_at,
            newest,
        },
        last_event_at: last,
        since,
        poll_day: day,
        polls_today: today,
        failures,
        visible,
        partner_delivered: partner,
        next_poll_at: next,
        push_until,
    }
}

const NOT_FINAL: &str = "l.status NOT IN ('delivered', 'return_to_sender')";

/// The next page of `carrier`'s legs not yet final: those due by `now`, most overdue first;
/// or, with `all`, every one of them in id order.
pub fn due_legs(
    conn: &Connection,
    carrier: Carrier,
    now: DateTime<Utc>,
    all: bool,
    after: &Cursor,
    limit: usize,
) -> Result<Vec<DueLeg>> {
    let sql = if all {
        format!(
            "{DUE_SELECT} WHERE l.carrier = ?1 AND {NOT_FINAL} AND l.id > ?3
             ORDER BY l.id LIMIT ?5"
        )
    } else {
        format!(
            // Read along the due index (`+l.carrier`: not along the carrier's legs, which
            // is every leg of a one-courier campaign), so a page costs what it returns.
            "{DUE_SELECT} WHERE +l.carrier = ?1 AND {NOT_FINAL} AND lp.next_poll_at <= ?4
               AND (lp.next_poll_at, lp.leg) > (?2, ?3)
             ORDER BY lp.next_poll_at, lp.leg LIMIT ?5"
        )
    };
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map(
        params![
            carrier.as_str(),
            after.next_poll_at,
            after.id,
            ts(now),
            limit as i64
        ],
        raw_due,
    )?;
    Ok(rows
        .map(|r| r.map(to_due))
        .collect::<rusqlite::Result<_>>()?)
}

/// Whether `carrier` carries any leg at all (through the legs' number index). A pass skips a
/// carrier that carries none: its due-index walk would read every other carrier's due legs
/// to return nothing (in a one-courier campaign, twice per pass).
pub fn carries_any_leg(conn: &Connection, carrier: Carrier) -> Result<bool> {
    Ok(conn
        .prepare_cached("SELECT EXISTS (SELECT 1 FROM legs WHERE carrier = ?1)")?
        .query_row([carrier.as_str()], |r| r.get(0))?)
}

/// How many of `carrier`'s legs a pass would poll.
pub fn count_due(
    conn: &Connection,
    carrier: Carrier,
    now: DateTime<Utc>,
    all: bool,
) -> Result<i64> {
    let sql = format!(
        "SELECT COUNT(*) FROM leg_polls lp JOIN legs l ON l.id = lp.leg
          WHERE l.carrier = ?1 AND {NOT_FINAL} AND (?2 OR lp.next_poll_at <= ?3)"
    );
    Ok(conn.query_row(&sql, params![carrier.as_str(), all, ts(now)], |r| r.get(0))?)
}

/// Stores those of a leg's `events` not stored yet (the same leg, time, code, text and place
/// count once, within `events` too); the new ones, in the order given. The leg's stored events
/// are read once and compared in place (no copies): a carrier repeats a shipment's whole
/// history in every answer and push, so most of `events` are already stored.
pub fn insert_new_events<'a>(
    tx: &Transaction,
    leg: i64,
    events: &'a [TrackingEvent],
    now: DateTime<Utc>,
) -> Result<Vec<&'a TrackingEvent>> {
    let times: Vec<String> = events.iter().map(|e| ts(e.at)).collect();
    let mut known = vec![false; events.len()];
    let mut stored = tx
        .prepare_cached("SELECT at, raw_code, raw_text, location FROM leg_events WHERE leg = ?1")?;
    let mut rows = stored.query([leg])?;
    while let Some(r) = rows.next()? {
        let text = |i| -> rusqlite::Result<&str> { Ok(r.get_ref(i)?.as_str()?) };
        let (at, code, text, place) = (text(0)?, text(1)?, text(2)?, text(3)?);
        for (i, e) in events.iter().enumerate() {
            known[i] = known[i]
                || (times[i] == at
                    && e.raw_code == code
                    && e.raw_text == text
                    && e.location == place);
        }
    }
    let mut insert = tx.prepare_cached(
        "INSERT OR IGNORE INTO leg_events (leg, at, status, raw_code, raw_text, location, recorded_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?;
    let recorded = ts(now);
    let mut fresh = Vec::new();
    for (i, e) in events.iter().enumerate() {
        // A repeat inside `events` is caught by the unique key: it inserts nothing.
        if known[i] {
            continue;
        }
        let n = insert.execute(params![
            leg,
            times[i],
            e.status.as_str(),
            e.raw_code,
            e.raw_text,
            e.location,
            recorded
        ])?;
        if n == 1 {
            fresh.push(e);
        }
    }
    Ok(fresh)
}

/// The newest stored event with a known status once `fresh` are stored beside a leg whose
/// newest was `stored` (what the leg's `newest_at` holds; `apply` weighs the next event
/// against it).
pub fn newest_known<'a>(
    stored: Option<DateTime<Utc>>,
    fresh: impl IntoIterator<Item = &'a TrackingEvent>,
) -> Option<DateTime<Utc>> {
    fresh
        .into_iter()
        .filter(|e| e.status != LegStatus::Unknown)
        .map(|e| e.at)
        .chain(stored)
        .max()
}

/// Writes a leg's status, the time of the event that set it, and the times of its newest
/// stored event and of its newest one with a known status (`(last, newest known)`); recomputes
/// its PEP's stage when the status is not the one `leg` was read with (a stage follows
/// statuses only).
pub fn set_leg_state(
    tx: &Transaction,
    leg: &DueLeg,
    state: &LegState,
    (last_event_at, newest_at): (Option<DateTime<Utc>>, Option<DateTime<Utc>>),
    now: DateTime<Utc>,
) -> Result<()> {
    tx.prepare_cached(
        "UPDATE legs SET status = ?2, status_at = ?3, last_event_at = ?4, newest_at = ?5,
                updated_at = ?6
          WHERE id = ?1",
    )?
    .execute(params![
        leg.id,
        state.status.as_str(),
        state.status_at.map(ts),
        last_event_at.map(ts),
        newest_at.map(ts),
        ts(now)
    ])?;
    if state.status != leg.state.status {
        super::stage::refresh_stage(tx, &[leg.pep])?;
    }
    Ok(())
}

/// The polling state after a poll.
#[derive(Debug, Clone, PartialEq)]
pub struct PollRecord {
    /// `None`: never again (final).
    pub next_poll_at: Option<DateTime<Utc>>,
    pub since: DateTime<Utc>,
    pub day: NaiveDate,
    pub polls_today: u32,
    pub fetches: u32,
    pub failures: u32,
    pub visible: bool,
    pub last_error: Option<String>,
}

pub fn record_poll(tx: &Transaction, leg: i64, p: &PollRecord, now: DateTime<Utc>) -> Result<()> {
    tx.prepare_cached(
        "UPDATE leg_polls SET next_poll_at = ?2, since = ?3, last_poll_at = ?4, poll_day = ?5,
                polls_today = ?6, polls_total = polls_total + ?7, failures = ?8, visible = ?9,
                last_error = ?10
          WHERE leg = ?1",
    )?
    .execute(params![
        leg,
        p.next_poll_at.map_or(NEVER.to_string(), ts),
        ts(p.since),
        ts(now),
        p.day.format("%Y-%m-%d").to_string(),
        p.polls_today,
        p.fetches,
        p.failures,
        p.visible,
        p.last_error
    ])?;
    Ok(())
}

/// Counts `n` calls to `carrier` on `day`.
pub fn add_carrier_calls(tx: &Transaction, carrier: Carrier, day: NaiveDate, n: u32) -> Result<()> {
    tx.prepare_cached(
        "INSERT INTO carrier_calls (carrier, day, calls) VALUES (?1, ?2, ?3)
         ON CONFLICT (carrier, day) DO UPDATE SET calls = calls + excluded.calls",
    )?
    .execute(params![
        carrier.as_str(),
        day.format("%Y-%m-%d").to_string(),
        n
    ])?;
    Ok(())
}

pub fn carrier_calls(conn: &Connection, carrier: Carrier, day: NaiveDate) -> Result<u32> {
    Ok(conn
        .query_row(
            "SELECT calls FROM carrier_calls WHERE carrier = ?1 AND day = ?2",
            params![carrier.as_str(), day.format("%Y-%m-%d").to_string()],
            |r| r.get(0),
        )
        .optional()?
        .unwrap_or(0))
}

#[cfg(test)]
mod tests;
