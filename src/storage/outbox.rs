//! The outbox of notices to electors (tables `outbox`, `notice_optouts`, `outbox_counts`):
//! enqueueing inside the caller's transaction, claiming due notices under a lease, recording
//! what a send did, and opt-outs. Reading for screens is in [`super::outbox_views`].

use chrono::{DateTime, Utc};
use rusqlite::types::{FromSql, FromSqlError, FromSqlResult, ToSql, ToSqlOutput, ValueRef};
use rusqlite::{params, Connection, OptionalExtension, Transaction};

use super::{ts, Result};
use crate::domain::notice::{Channel, Guia, NoticeKind, NoticeState};
use crate::domain::pep::PepId;
use crate::domain::tracking::Carrier;

macro_rules! named {
    ($ty:ty, $what:literal) => {
        impl ToSql for $ty {
            fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
                Ok(ToSqlOutput::from(self.as_str()))
            }
        }

        impl FromSql for $ty {
            fn column_result(value: ValueRef<'_>) -> FromSqlResult<Self> {
                let s = value.as_str()?;
                <$ty>::parse(s).map_err(FromSqlError::other)
            }
        }
    };
}

named!(NoticeKind, "tipo de aviso");
named!(Channel, "canal");
named!(NoticeState, "estado de aviso");

/// The columns an insert takes from the PEP and its elector: one row per channel the elector
/// can be reached on; `opted_out` from the start for an elector who unsubscribed.
const ENQUEUE: &str = "
    INSERT OR IGNORE INTO outbox (pep, entity, kind, channel, state, created_at, due_at)
    SELECT p.id, p.entity, ?2, c.channel,
           CASE WHEN o.elector_id IS NULL THEN 'pending' ELSE 'opted_out' END, ?3, ?3
      FROM peps p
      JOIN electors e ON e.id = p.elector_id
      JOIN (SELECT 'email' AS channel UNION ALL SELECT 'sms') c
      LEFT JOIN notice_optouts o ON o.elector_id = e.id
     WHERE p.id = ?1
       AND ((c.channel = 'email' AND coalesce(e.email, '') != '')
         OR (c.channel = 'sms' AND coalesce(e.phone, '') != ''))";

/// Writes notice `kind` for the PEP whose row id is `pep` (once per channel, ever).
/// Returns how many rows were new.
pub fn enqueue(tx: &Transaction, pep: i64, kind: NoticeKind, now: DateTime<Utc>) -> Result<usize> {
    Ok(tx
        .prepare_cached(ENQUEUE)?
        .execute(params![pep, kind, ts(now)])?)
}

/// The PEPs whose outbound leg was delivered in (`?2`, `?1`] and that qualify for a reminder.
const REMINDER_SCAN: &str = "
    SELECT p.id FROM legs l JOIN peps p ON p.id = l.pep
     WHERE l.direction = 'outbound' AND l.status = 'delivered'
       AND l.status_at <= ?1 AND l.status_at > ?2
       AND p.voided_at IS NULL AND p.stage = 'delivered'
       AND NOT EXISTS (SELECT 1 FROM outbox x WHERE x.pep = p.id AND x.kind = 'reminder')";

/// Reminders for every active PEP delivered at or before `delivered_by` (and after `after`,
/// when given: a sender's later scans look only at what newly qualifies) whose return has not
/// moved (stage still `delivered`). Returns how many rows were new.
pub fn enqueue_reminders(
    tx: &Transaction,
    after: Option<DateTime<Utc>>,
    delivered_by: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<usize> {
    let peps: Vec<i64> = {
        // `status_at > ''` for a full scan: one range of `legs_delivered_at` either way.
        let mut stmt = tx.prepare_cached(REMINDER_SCAN)?;
        let after = after.map(ts).unwrap_or_default();
        let rows = stmt.query_map(params![ts(delivered_by), after], |r| r.get(0))?;
        rows.collect::<rusqlite::Result<_>>()?
    };
    let mut n = 0;
    for p in peps {
        n += enqueue(tx, p, NoticeKind::Reminder, now)?;
    }
    Ok(n)
}

/// A reissue voided the PEP: what it still had to say is no longer true (the undeliverable
/// notice, which tells how to correct the address, stays).
pub fn cancel_pending(tx: &Transaction, pep: i64) -> Result<usize> {
    Ok(tx.execute(
        "UPDATE outbox SET state = 'cancelled', lease_until = NULL
          WHERE pep = ?1 AND state = 'pending' AND kind != 'undeliverable'",
        [pep],
    )?)
}

/// A notice due for sending, with what wording it needs.
#[derive(Debug, Clone)]
pub struct Due {
    pub id: i64,
    pub pep_id: PepId,
    pub kind: NoticeKind,
    pub channel: Channel,
    pub attempts: u32,
    pub given_name: String,
    /// The e-mail or the phone, by channel (`None` once personal data was purged).
    pub address: Option<String>,
    pub country: String,
    pub region: Option<String>,
    pub outbound: Option<Guia>,
    pub return_guia: Option<Guia>,
    pub delivered_at: Option<DateTime<Utc>>,
    pub received_at: Option<DateTime<Utc>>,
    /// The PEP is voided, or (for a reminder) the envelope moved or arrived since.
    pub stale: bool,
}

const DUE_SELECT: &str = "
    SELECT o.id, p.pep_id, o.kind, o.channel, o.attempts, e.given_names,
           CASE o.channel WHEN 'email' THEN e.email ELSE e.phone END, e.country, e.region,
           lo.carrier, lo.tracking, lr.carrier, lr.tracking,
           CASE WHEN lo.status = 'delivered' THEN lo.status_at END, c.received_at,
           (p.voided_at IS NOT NULL AND o.kind != 'undeliverable')
             OR (o.kind = 'reminder' AND p.stage != 'delivered')
      FROM outbox o
      JOIN peps p ON p.id = o.pep
      JOIN electors e ON e.id = p.elector_id
      LEFT JOIN legs lo ON lo.pep = p.id AND lo.direction = 'outbound'
      LEFT JOIN legs lr ON lr.pep = p.id AND lr.direction = 'return'
      LEFT JOIN checkins c ON c.pep = p.id";

fn guia(carrier: Option<Carrier>, tracking: Option<String>) -> Option<Guia> {
    Some(Guia {
        carrier: carrier?,
        tracking: tracking?,
    })
}

fn due_row(r: &rusqlite::Row) -> rusqlite::Result<Due> {
    Ok(Due {
        id: r.get(0)?,
        pep_id: r.get(1)?,
        kind: r.get(2)?,
        channel: r.get(3)?,
        attempts: r.get(4)?,
        given_name: r.get(5)?,
        address: r
            .get::<_, Option<String>>(6)?
            .filter(|a| !a.trim().is_empty()),
        country: r.get(7)?,
        region: r.get(8)?,
        outbound: guia(r.get(9)?, r.get(10)?),
        return_guia: guia(r.get(11)?, r.get(12)?),
        delivered_at: r.get(13)?,
        received_at: r.get(14)?,
        stale: r.get(15)?,
    })
}

/// Up to `limit` notices on `channel` that are due at `now`: pending and due, or claimed under
/// a lease that has expired before they were handed to the provider (their sender died with
/// them unsent: see [`unconfirm_expired`] for those it had handed). Oldest first. Each arm
/// reads at most `limit` rows of the `(state, channel, due_at)` index, however long the queue
/// and however many notices of other channels wait.
pub fn due(
    tx: &Transaction,
    channel: Channel,
    now: DateTime<Utc>,
    limit: usize,
) -> Result<Vec<Due>> {
    let mut stmt = tx.prepare_cached(&due_sql())?;
    let rows = stmt.query_map(params![ts(now), channel, limit as i64], due_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

fn due_sql() -> String {
    format!(
        "{DUE_SELECT}
          WHERE o.id IN (
                SELECT id FROM (SELECT id FROM outbox
                                 WHERE state = 'pending' AND due_at <= ?1 AND channel = ?2
                                 ORDER BY due_at, id LIMIT ?3)
                UNION ALL
                SELECT id FROM (SELECT id FROM outbox
                                 WHERE state = 'sending' AND lease_until <= ?1
                                   AND handed_at IS NULL AND channel = ?2
                                 ORDER BY due_at, id LIMIT ?3))
          ORDER BY o.due_at, o.id LIMIT ?3"
    )
}

/// One notice with what wording it needs, whatever its state (the outbox viewer).
pub fn describe(conn: &Connection, id: i64) -> Result<Due> {
    Ok(conn.query_row(&format!("{DUE_SELECT} WHERE o.id = ?1"), [id], due_row)?)
}

/// Claims notice `id` for `claimer` until `lease_until` (one more attempt) and records it as
/// handed to its provider at `now`: the record that must exist before the provider can accept
/// it. A sender commits a whole group so, then sends it (see `ops::notices::sender`).
pub fn claim_handed(
    tx: &Transaction,
    id: i64,
    claimer: &str,
    lease_until: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<()> {
    tx.prepare_cached(
        "UPDATE outbox SET state = 'sending', attempts = attempts + 1, lease_until = ?2,
                claimed_by = ?3, handed_at = ?4
          WHERE id = ?1",
    )?
    .execute(params![id, ts(lease_until), claimer, ts(now)])?;
    Ok(())
}

/// Claims whose lease expired after they were handed to the provider: their sender died (or
/// stalled) between handing and recording the answer, so each may have arrived. They become
/// `unconfirmed` rather than being sent again. Returns how many.
pub fn unconfirm_expired(tx: &Transaction, now: DateTime<Utc>) -> Result<usize> {
    Ok(tx.execute(
        "UPDATE outbox SET state = 'unconfirmed', lease_until = NULL,
                last_error = 'entregado al proveedor sin respuesta registrada: pudo haber llegado'
          WHERE state = 'sending' AND lease_until <= ?1 AND handed_at IS NOT NULL",
        [ts(now)],
    )?)
}

/// Staff decided to send again the `unconfirmed` notices inside `scope` (of PEP row `pep`
/// only, when given): they become pending, due at `now`, untouched by the sender that handed
/// them (a late answer from it no longer counts). Returns their ids.
pub fn resend_unconfirmed(
    tx: &Transaction,
    pep: Option<i64>,
    scope: &crate::domain::scope::Scope,
    now: DateTime<Utc>,
) -> Result<Vec<i64>> {
    let sql = format!(
        "UPDATE outbox SET state = 'pending', due_at = :now, lease_until = NULL, handed_at = NULL,
                claimed_by = NULL, last_error = 'reenvío decidido por el personal'
          WHERE state = 'unconfirmed' AND (:pep IS NULL OR pep = :pep) AND {}
          RETURNING id",
        super::scope_clause("entity", ":scope")
    );
    let mut stmt = tx.prepare(&sql)?;
    let rows = stmt.query_map(
        rusqlite::named_params! {":now": ts(now), ":pep": pep, ":scope": scope},
        |r| r.get(0),
    )?;
    let mut ids: Vec<i64> = rows.collect::<rusqlite::Result<_>>()?;
    ids.sort_unstable();
    Ok(ids)
}

/// Leaves a notice pending until `due_at` (quiet hours, a rate limit, a retry).
/// `refund`: the try that was claimed does not count (a rate limit, a release untried).
pub fn postpone(
    tx: &Transaction,
    id: i64,
    due_at: DateTime<Utc>,
    error: Option<&str>,
    refund: bool,
) -> Result<()> {
    tx.prepare_cached(
        "UPDATE outbox SET due_at = ?2, lease_until = NULL, handed_at = NULL,
                last_error = coalesce(?3, last_error),
                attempts = CASE WHEN ?4 AND state = 'sending' AND attempts > 0
                                THEN attempts - 1 ELSE attempts END,
                state = 'pending'
          WHERE id = ?1 AND (state = 'pending' OR state = 'sending')",
    )?
    .execute(params![id, ts(due_at), error, refund])?;
    Ok(())
}

/// A notice leaves the queue for good: `failed`, `cancelled` (stale) or `opted_out`.
pub fn close(tx: &Transaction, id: i64, state: NoticeState, error: Option<&str>) -> Result<()> {
    tx.execute(
        "UPDATE outbox SET state = ?2, lease_until = NULL, last_error = coalesce(?3, last_error)
          WHERE id = ?1 AND (state = 'pending' OR state = 'sending')",
        params![id, state, error],
    )?;
    Ok(())
}

/// Records a sent notice and the provider's id for it (also one another pass had meanwhile
/// found `unconfirmed`: the answer settles it). Returns false when the notice was no longer
/// this sender's.
pub fn mark_sent(
    tx: &Transaction,
    id: i64,
    claimer: &str,
    provider_id: &str,
    now: DateTime<Utc>,
) -> Result<bool> {
    let n = tx
        .prepare_cached(
            "UPDATE outbox SET state = 'sent', sent_at = ?3, provider_id = ?4, lease_until = NULL,
                    last_error = NULL
              WHERE id = ?1 AND (state = 'sending' OR state = 'unconfirmed') AND claimed_by = ?2",
        )?
        .execute(params![id, claimer, ts(now), provider_id])?;
    Ok(n == 1)
}

/// How an elector opted out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OptOutVia {
    Link,
    Sms,
}

impl OptOutVia {
    pub fn as_str(self) -> &'static str {
        match self {
            OptOutVia::Link => "link",
            OptOutVia::Sms => "sms",
        }
    }
}

/// Records that the elector of PEP row `pep` wants no more notices, and closes the pending
/// ones. Returns the elector's row id when the opt-out is new (`None`: already opted out).
pub fn opt_out(
    tx: &Transaction,
    pep: i64,
    via: OptOutVia,
    now: DateTime<Utc>,
) -> Result<Option<i64>> {
    let (elector, entity): (i64, String) = tx.query_row(
        "SELECT elector_id, entity FROM peps WHERE id = ?1",
        [pep],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    let new = tx.execute(
        "INSERT OR IGNORE INTO notice_optouts (elector_id, entity, at, via) VALUES (?1, ?2, ?3, ?4)",
        params![elector, entity, ts(now), via.as_str()],
    )?;
    if new == 0 {
        return Ok(None);
    }
    tx.execute(
        "UPDATE outbox SET state = 'opted_out', lease_until = NULL
          WHERE state = 'pending' AND pep IN (SELECT id FROM peps WHERE elector_id = ?1)",
        [elector],
    )?;
    Ok(Some(elector))
}

/// The PEP row id of a public PEP id.
pub fn pep_row(conn: &Connection, pep: &PepId) -> Result<Option<i64>> {
    Ok(conn
        .query_row("SELECT id FROM peps WHERE pep_id = ?1", [pep], |r| r.get(0))
        .optional()?)
}

/// The PEPs (row id, public id, phone) that were sent an SMS: who may answer "BAJA".
pub fn texted(conn: &Connection) -> Result<Vec<(i64, PepId, String)>> {
    let mut stmt = conn.prepare(
        "SELECT p.id, p.pep_id, e.phone FROM outbox o
           JOIN peps p ON p.id = o.pep JOIN electors e ON e.id = p.elector_id
          WHERE o.channel = 'sms' AND o.state = 'sent' AND e.phone IS NOT NULL
          GROUP BY p.id",
    )?;
    let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

#[cfg(test)]
mod tests;
