//! The inbox table: carrier pushes stored raw (after their authenticity was checked) before
//! they are answered, then taken oldest first by the inbox worker and marked done, or kept as
//! malformed for inspection.

use chrono::{DateTime, Utc};
use rusqlite::{params, Connection, Transaction};

use super::tracking::{due_select, one_due, DueLeg};
use super::{ts, Result};
use crate::domain::tracking::Carrier;

/// One stored push.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InboxItem {
    pub id: i64,
    pub carrier: Carrier,
    pub received_at: DateTime<Utc>,
    pub body: Vec<u8>,
}

/// A push kept because it could not be read.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct MalformedPush {
    pub id: i64,
    pub carrier: Carrier,
    pub received_at: DateTime<Utc>,
    pub error: String,
    pub bytes: usize,
}

/// How many pushes are in each state.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct InboxCounts {
    pub pending: i64,
    pub done: i64,
    pub malformed: i64,
}

/// Stores a push; its id.
pub fn insert(tx: &Transaction, carrier: Carrier, body: &[u8], now: DateTime<Utc>) -> Result<i64> {
    tx.prepare_cached("INSERT INTO inbox (carrier, received_at, body) VALUES (?1, ?2, ?3)")?
        .execute(params![carrier, ts(now), body])?;
    Ok(tx.last_insert_rowid())
}

/// The oldest pending pushes (through `inbox_pending`: a national drill's inbox holds
/// hundreds of thousands of applied pushes).
const PENDING: &str = "SELECT id, carrier, received_at, body FROM inbox WHERE state = 'pending'
                        ORDER BY id LIMIT ?1";

/// The oldest pending pushes.
pub fn pending(conn: &Connection, limit: usize) -> Result<Vec<InboxItem>> {
    let mut stmt = conn.prepare_cached(PENDING)?;
    let rows = stmt.query_map([limit as i64], |r| {
        Ok(InboxItem {
            id: r.get(0)?,
            carrier: r.get(1)?,
            received_at: r.get(2)?,
            body: r.get(3)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// A push applied: `events` is how many events it carried for known legs.
pub fn mark_done(tx: &Transaction, id: i64, events: usize, now: DateTime<Utc>) -> Result<()> {
    tx.prepare_cached(
        "UPDATE inbox SET state = 'done', events = ?2, handled_at = ?3 WHERE id = ?1",
    )?
    .execute(params![id, events as i64, ts(now)])?;
    Ok(())
}

/// Empties the raw bodies of pushes applied before `before` (their events are stored; a
/// malformed push keeps its body for inspection); how many were emptied.
pub fn forget_applied(tx: &Transaction, before: DateTime<Utc>) -> Result<usize> {
    Ok(tx
        .prepare_cached(
            "UPDATE inbox SET body = X'' WHERE state = 'done' AND handled_at < ?1
               AND length(body) > 0",
        )?
        .execute([ts(before)])?)
}

/// A push that cannot be read: kept with the reason, out of the worker's way.
pub fn mark_malformed(tx: &Transaction, id: i64, error: &str, now: DateTime<Utc>) -> Result<()> {
    tx.prepare_cached(
        "UPDATE inbox SET state = 'malformed', error = ?2, handled_at = ?3 WHERE id = ?1",
    )?
    .execute(params![id, error, ts(now)])?;
    Ok(())
}

pub fn counts(conn: &Connection) -> Result<InboxCounts> {
    Ok(conn.query_row(
        "SELECT COALESCE(SUM(state = 'pending'), 0), COALESCE(SUM(state = 'done'), 0),
                COALESCE(SUM(state = 'malformed'), 0) FROM inbox",
        [],
        |r| {
            Ok(InboxCounts {
                pending: r.get(0)?,
                done: r.get(1)?,
                malformed: r.get(2)?,
            })
        },
    )?)
}

/// The newest malformed pushes, for inspection.
pub fn malformed(conn: &Connection, limit: usize) -> Result<Vec<MalformedPush>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, carrier, received_at, COALESCE(error, ''), length(body) FROM inbox
          WHERE state = 'malformed' ORDER BY id DESC LIMIT ?1",
    )?;
    let rows = stmt.query_map([limit as i64], |r| {
        Ok(MalformedPush {
            id: r.get(0)?,
            carrier: r.get(1)?,
            received_at: r.get(2)?,
            error: r.get(3)?,
            bytes: r.get::<_, i64>(4)? as usize,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The leg carrying `tracking` with `carrier`, with its polling state.
pub fn leg_by_number(
    conn: &Connection,
    carrier: Carrier,
    tracking: &str,
) -> Result<Option<DueLeg>> {
    const SQL: &str = concat!(due_select!(), " WHERE l.carrier = ?1 AND l.tracking = ?2");
    one_due(conn, SQL, params![carrier, tracking])
}

/// A push for `leg` arrived at `now`; for a pushed leg it also moves the safety-net poll on
/// (`Some(next poll, or never; since)`). No fetch was made: the poll counters stay.
pub fn pushed(
    tx: &Transaction,
    leg: i64,
    now: DateTime<Utc>,
    reschedule: Option<(Option<DateTime<Utc>>, DateTime<Utc>)>,
) -> Result<()> {
    match reschedule {
        Some((next_poll_at, since)) => tx
            .prepare_cached(
                "UPDATE leg_polls SET last_push_at = ?2, next_poll_at = ?3, since = ?4
                  WHERE leg = ?1",
            )?
            .execute(params![
                leg,
                ts(now),
                next_poll_at.map_or(super::tracking::NEVER.to_string(), ts),
                ts(since)
            ])?,
        None => tx
            .prepare_cached("UPDATE leg_polls SET last_push_at = ?2 WHERE leg = ?1")?
            .execute(params![leg, ts(now)])?,
    };
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_worker_reads_pending_pushes_through_their_index_not_the_whole_inbox() {
        let conn = crate::storage::schema::latest_in_memory();
        let plan: Vec<String> = conn
            .prepare(&format!("EXPLAIN QUERY PLAN {}", super::PENDING))
            .unwrap()
            .query_map([10], |r| r.get(3))
            .unwrap()
            .map(Result::unwrap)
            .collect();
        assert_eq!(plan, ["SCAN inbox USING INDEX inbox_pending"]);
    }
}
