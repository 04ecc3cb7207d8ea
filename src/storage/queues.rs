//! The exception queues of courier tracking, as queries: PEPs to reissue (outbound returned to
//! sender, or in exception since a given time), return envelopes not yet moving, and legs with
//! no news since a given time. Each queue gives its total and its first rows, inside an
//! entity scope.

use chrono::{DateTime, Utc};
use rusqlite::{params_from_iter, types::Value, Connection, Row, ToSql};

use super::{scope_clause, ts, Result};
use crate::domain::pep::PepId;
use crate::domain::scope::Scope;
use crate::domain::tracking::{Carrier, Direction, LegStatus};

/// One leg in a queue.
#[derive(Debug, Clone, PartialEq)]
pub struct QueueRow {
    pub pep_id: PepId,
    pub entity: String,
    pub country: String,
    pub direction: Direction,
    pub carrier: Carrier,
    pub tracking: String,
    pub status: LegStatus,
    pub status_at: Option<DateTime<Utc>>,
    pub last_event_at: Option<DateTime<Utc>>,
    /// The carrier's words for its newest event.
    pub last_event: String,
}

/// A queue: how many legs are in it, and the first of them.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Queue {
    pub total: i64,
    pub rows: Vec<QueueRow>,
}

const FROM: &str = "FROM legs l JOIN peps p ON p.id = l.pep JOIN electors e ON e.id = p.elector_id
                    JOIN leg_polls lp ON lp.leg = l.id";

const COLUMNS: &str = "p.pep_id, e.entity, e.country, l.direction, l.carrier, l.tracking, l.status,
    l.status_at, l.last_event_at,
    COALESCE((SELECT ev.raw_text FROM leg_events ev WHERE ev.leg = l.id
              ORDER BY ev.at DESC, ev.id DESC LIMIT 1), '')";

fn row(r: &Row) -> rusqlite::Result<QueueRow> {
    Ok(QueueRow {
        pep_id: r.get(0)?,
        entity: r.get(1)?,
        country: r.get(2)?,
        direction: r.get(3)?,
        carrier: r.get(4)?,
        tracking: r.get(5)?,
        status: r.get(6)?,
        status_at: r.get(7)?,
        last_event_at: r.get(8)?,
        last_event: r.get(9)?,
    })
}

fn queue(
    conn: &Connection,
    filter: &str,
    order: &str,
    args: Vec<Value>,
    scope: &Scope,
    limit: usize,
) -> Result<Queue> {
    // The scope is the last parameter, after the queue's own.
    let inside = scope_clause("e.entity", &format!("?{}", args.len() + 1));
    let filter = format!("({filter}) AND {inside}");
    let mut args: Vec<&dyn ToSql> = args.iter().map(|v| v as &dyn ToSql).collect();
    args.push(scope);
    let total: i64 = conn.query_row(
        &format!("SELECT count(*) {FROM} WHERE {filter}"),
        params_from_iter(args.iter()),
        |r| r.get(0),
    )?;
    let mut stmt = conn.prepare(&format!(
        "SELECT {COLUMNS} {FROM} WHERE {filter} ORDER BY {order} LIMIT {limit}"
    ))?;
    let rows = stmt
        .query_map(params_from_iter(args.iter()), row)?
        .collect::<rusqlite::Result<_>>()?;
    Ok(Queue { total, rows })
}

/// Outbound legs of live PEPs returned to sender, or in exception since `exception_before`.
pub fn to_reissue(
    conn: &Connection,
    exception_before: DateTime<Utc>,
    scope: &Scope,
    limit: usize,
) -> Result<Queue> {
    queue(
        conn,
        // The status list lets the (direction, status) index find the two kinds.
        "l.direction = 'outbound' AND p.voided_at IS NULL
         AND l.status IN ('return_to_sender', 'exception')
         AND (l.status = 'return_to_sender' OR l.status_at <= ?1)",
        "l.status_at, p.pep_id",
        vec![Value::Text(ts(exception_before))],
        scope,
        limit,
    )
}

/// Return legs of live PEPs not yet received whose envelope has not started moving.
pub fn not_moving_returns(conn: &Connection, scope: &Scope, limit: usize) -> Result<Queue> {
    queue(
        conn,
        "l.direction = 'return' AND l.status IN ('unknown', 'pre_transit') AND p.voided_at IS NULL
         AND NOT EXISTS (SELECT 1 FROM checkins c WHERE c.pep = p.id)",
        "e.entity, p.pep_id",
        Vec::new(),
        scope,
        limit,
    )
}

/// Legs on their way (not final) with no event since `stale_before`: moving legs whose newest
/// scan is that old, and outbound legs the carrier never scanned since tracking began then.
/// Return envelopes not yet posted are not stuck (see [`not_moving_returns`]).
pub fn stuck(
    conn: &Connection,
    stale_before: DateTime<Utc>,
    scope: &Scope,
    limit: usize,
) -> Result<Queue> {
    queue(
        conn,
        "l.status NOT IN ('delivered', 'return_to_sender')
         AND ((l.last_event_at <= ?1
               AND NOT (l.direction = 'return' AND l.status IN ('unknown', 'pre_transit')))
           OR (l.direction = 'outbound' AND l.last_event_at IS NULL AND lp.since <= ?1))",
        "COALESCE(l.last_event_at, lp.since), p.pep_id",
        vec![Value::Text(ts(stale_before))],
        scope,
        limit,
    )
}
