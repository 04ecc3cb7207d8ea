//! The inbox table: carrier pushes stored raw (after their authenticity was checked) before
//! they are answered, then taken oldest first by the inbox worker and marked done, or kept as
//! malformed for inspection.

use std::io::{Read, Write};

use chrono::{DateTime, Utc};
use flate2::read::DeflateDecoder;
use flate2::write::DeflateEncoder;
use flate2::Compression;
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
    /// The body as received; why not, when the stored body cannot be read back (the worker
    /// keeps such a push as malformed and moves on).
    pub body: std::result::Result<Vec<u8>, String>,
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

/// A push's body as the inbox keeps it: deflated, since a carrier's push repeats each
/// shipment's whole history (the bodies a 5,000-elector drill kept shrank sixfold). Made
/// before the body goes to the writer, so that compressing never holds the write lock.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Packed {
    deflated: Vec<u8>,
    raw_len: usize,
}

impl Packed {
    pub fn new(raw: &[u8]) -> Packed {
        let mut enc = DeflateEncoder::new(Vec::with_capacity(raw.len() / 4), Compression::fast());
        let deflated = enc
            .write_all(raw)
            .and_then(|()| enc.finish())
            .expect("deflating into memory cannot fail");
        Packed {
            deflated,
            raw_len: raw.len(),
        }
    }

    /// How many bytes the push had as received.
    pub fn raw_len(&self) -> usize {
        self.raw_len
    }
}

/// Stores a push; its id.
pub fn insert(
    tx: &Transaction,
    carrier: Carrier,
    body: &Packed,
    now: DateTime<Utc>,
) -> Result<i64> {
    tx.prepare_cached(
        "INSERT INTO inbox (carrier, received_at, body, encoding, raw_bytes)
         VALUES (?1, ?2, ?3, 'deflate', ?4)",
    )?
    .execute(params![
        carrier,
        ts(now),
        body.deflated,
        body.raw_len as i64
    ])?;
    Ok(tx.last_insert_rowid())
}

/// The oldest pending pushes (through `inbox_pending`: a national drill's inbox holds
/// hundreds of thousands of applied pushes).
const PENDING: &str = "SELECT id, carrier, received_at, body, encoding, raw_bytes FROM inbox
                        WHERE state = 'pending' ORDER BY id LIMIT ?1";

/// The oldest pending pushes, their bodies as received.
pub fn pending(conn: &Connection, limit: usize) -> Result<Vec<InboxItem>> {
    let mut stmt = conn.prepare_cached(PENDING)?;
    let rows = stmt.query_map([limit as i64], |r| {
        let (stored, raw_len): (Vec<u8>, Option<i64>) = (r.get(3)?, r.get(5)?);
        let body = match r.get_ref(4)?.as_str()? {
            "deflate" => inflate(&stored, raw_len.unwrap_or(0).max(0) as usize)
                .ok_or_else(|| "el cuerpo guardado no se puede descomprimir".to_string()),
            _ => Ok(stored),
        };
        Ok(InboxItem {
            id: r.get(0)?,
            carrier: r.get(1)?,
            received_at: r.get(2)?,
            body,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// A deflated body back, when it inflates to exactly `len` bytes.
fn inflate(deflated: &[u8], len: usize) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(len);
    let mut dec = DeflateDecoder::new(deflated).take(len as u64 + 1);
    dec.read_to_end(&mut out).ok()?;
    (out.len() == len).then_some(out)
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
        "SELECT id, carrier, received_at, COALESCE(error, ''), COALESCE(raw_bytes, length(body))
           FROM inbox
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

    #[test]
    fn a_push_is_stored_deflated_and_read_back_as_received() {
        use super::*;
        let mut conn = crate::storage::schema::latest_in_memory();
        let now = Utc::now();
        let body = br#"{"scanEvents": [{"eventType": "IT"}, {"eventType": "IT"}]}"#.repeat(200);
        let tx = conn.transaction().unwrap();
        let packed = Packed::new(&body);
        assert_eq!(packed.raw_len(), body.len());
        let id = insert(&tx, Carrier::Fedex, &packed, now).unwrap();
        let old = tx
            .query_row(
                "INSERT INTO inbox (carrier, received_at, body)
                 VALUES ('ups', '2024-05-01T10:00:00.000Z', X'7B7D')
                 RETURNING id",
                [],
                |r| r.get::<_, i64>(0),
            )
            .unwrap();
        let stored: i64 = tx
            .query_row("SELECT length(body) FROM inbox WHERE id = ?1", [id], |r| {
                r.get(0)
            })
            .unwrap();
        assert!(
            stored * 10 < body.len() as i64,
            "{stored} of {}",
            body.len()
        );
        let items = pending(&tx, 10).unwrap();
        assert_eq!(items.len(), 2);
        assert_eq!((items[0].id, &items[0].body), (id, &Ok(body.clone())));
        // A body stored before bodies were deflated is read as it is.
        assert_eq!((items[1].id, &items[1].body), (old, &Ok(b"{}".to_vec())));
        // A malformed one is listed with its size as received.
        mark_malformed(&tx, id, "no se pudo leer", now).unwrap();
        assert_eq!(malformed(&tx, 10).unwrap()[0].bytes, body.len());
        // A deflated body that does not inflate to its size is unreadable, not a shorter
        // push; the other pending pushes are still read.
        tx.execute(
            "UPDATE inbox SET state = 'pending', raw_bytes = raw_bytes + 1 WHERE id = ?1",
            [id],
        )
        .unwrap();
        let items = pending(&tx, 10).unwrap();
        assert!(items[0].body.is_err());
        assert_eq!(items[1].body, Ok(b"{}".to_vec()));
    }
}
