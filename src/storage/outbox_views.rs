//! Reading the outbox for screens: one PEP's notices, the dashboard's counts (inside the
//! viewer's scope, from the counts the triggers keep), and the latest notices for the outbox
//! viewer.

use chrono::{DateTime, Utc};
use rusqlite::{params, Connection};

use super::outbox::Due;
use super::{scope_clause, Result};
use crate::domain::notice::{Channel, NoticeKind, NoticeState};
use crate::domain::pep::PepId;
use crate::domain::scope::Scope;

/// One notice as staff see it.
#[derive(Debug, Clone, PartialEq)]
pub struct NoticeRow {
    pub id: i64,
    pub pep_id: PepId,
    pub kind: NoticeKind,
    pub channel: Channel,
    pub state: NoticeState,
    pub created_at: DateTime<Utc>,
    pub due_at: DateTime<Utc>,
    pub attempts: u32,
    pub sent_at: Option<DateTime<Utc>>,
    pub provider_id: Option<String>,
    pub last_error: Option<String>,
}

const ROW_SELECT: &str = "
    SELECT o.id, p.pep_id, o.kind, o.channel, o.state, o.created_at, o.due_at, o.attempts,
           o.sent_at, o.provider_id, o.last_error
      FROM outbox o JOIN peps p ON p.id = o.pep";

fn row(r: &rusqlite::Row) -> rusqlite::Result<NoticeRow> {
    Ok(NoticeRow {
        id: r.get(0)?,
        pep_id: r.get(1)?,
        kind: r.get(2)?,
        channel: r.get(3)?,
        state: r.get(4)?,
        created_at: r.get(5)?,
        due_at: r.get(6)?,
        attempts: r.get(7)?,
        sent_at: r.get(8)?,
        provider_id: r.get(9)?,
        last_error: r.get(10)?,
    })
}

/// The notices of one PEP, oldest first.
pub fn for_pep(conn: &Connection, pep: &PepId) -> Result<Vec<NoticeRow>> {
    let mut stmt = conn.prepare(&format!("{ROW_SELECT} WHERE p.pep_id = ?1 ORDER BY o.id"))?;
    let rows = stmt.query_map([pep], row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The latest `limit` notices (newest first), with what wording each needs.
pub fn latest(conn: &Connection, limit: usize) -> Result<Vec<(NoticeRow, Due)>> {
    let ids: Vec<i64> = {
        let mut stmt = conn.prepare("SELECT id FROM outbox ORDER BY id DESC LIMIT ?1")?;
        let rows = stmt.query_map([limit as i64], |r| r.get(0))?;
        rows.collect::<rusqlite::Result<_>>()?
    };
    let mut out = Vec::with_capacity(ids.len());
    for id in ids {
        let notice = conn.query_row(&format!("{ROW_SELECT} WHERE o.id = ?1"), [id], row)?;
        let due = super::outbox::describe(conn, id)?;
        out.push((notice, due));
    }
    Ok(out)
}

/// Notices per state, and electors who opted out, inside `scope`.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct NoticeCounts {
    pub pending: i64,
    pub sending: i64,
    pub sent: i64,
    pub failed: i64,
    pub cancelled: i64,
    pub opted_out_notices: i64,
    /// Handed to the provider by a sender that died before the answer: maybe arrived.
    pub unconfirmed: i64,
    /// Electors who asked for no more notices.
    pub opted_out: i64,
}

pub fn counts(conn: &Connection, scope: &Scope) -> Result<NoticeCounts> {
    let mut stmt = conn.prepare(&format!(
        "SELECT state, sum(n) FROM outbox_counts WHERE {} GROUP BY state",
        scope_clause("entity", ":scope")
    ))?;
    let mut c = NoticeCounts::default();
    let rows = stmt.query_map(rusqlite::named_params! {":scope": scope}, |r| {
        Ok((r.get::<_, NoticeState>(0)?, r.get::<_, i64>(1)?))
    })?;
    for r in rows {
        let (state, n) = r?;
        match state {
            NoticeState::Pending => c.pending = n,
            NoticeState::Sending => c.sending = n,
            NoticeState::Sent => c.sent = n,
            NoticeState::Failed => c.failed = n,
            NoticeState::Cancelled => c.cancelled = n,
            NoticeState::OptedOut => c.opted_out_notices = n,
            NoticeState::Unconfirmed => c.unconfirmed = n,
        }
    }
    c.opted_out = conn.query_row(
        &format!(
            "SELECT count(*) FROM notice_optouts WHERE {}",
            scope_clause("entity", ":scope")
        ),
        rusqlite::named_params! {":scope": scope},
        |r| r.get(0),
    )?;
    Ok(c)
}

/// Whether the elector of `pep` opted out, and when.
pub fn opted_out_at(conn: &Connection, pep: &PepId) -> Result<Option<DateTime<Utc>>> {
    use rusqlite::OptionalExtension;
    Ok(conn
        .query_row(
            "SELECT o.at FROM notice_optouts o JOIN peps p ON p.elector_id = o.elector_id
              WHERE p.pep_id = ?1",
            params![pep],
            |r| r.get(0),
        )
        .optional()?)
}

/// How many notices of each kind are in each state (every entity), sorted.
pub fn by_kind_state(conn: &Connection) -> Result<Vec<(NoticeKind, NoticeState, i64)>> {
    let mut stmt = conn.prepare(
        "SELECT kind, state, count(*) FROM outbox GROUP BY kind, state ORDER BY kind, state",
    )?;
    let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}
