//! How much work waits in the inbox (carrier pushes not yet applied) and the outbox (notices
//! not yet sent), for the metrics.

use rusqlite::Connection;

use super::Result;

/// `(queue, items waiting)`: `inbox` and `outbox`.
pub fn queue_depths(conn: &Connection) -> Result<Vec<(String, i64)>> {
    let inbox: i64 = conn.query_row(
        "SELECT count(*) FROM inbox WHERE state = 'pending'",
        [],
        |r| r.get(0),
    )?;
    let outbox: i64 = conn.query_row(
        "SELECT coalesce(sum(n), 0) FROM outbox_counts WHERE state IN ('pending', 'sending')",
        [],
        |r| r.get(0),
    )?;
    Ok(vec![("inbox".into(), inbox), ("outbox".into(), outbox)])
}
