//! The election table: the one row of settings of this electoral process.

use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use rusqlite::{params, Connection, OptionalExtension, Transaction};

use super::{ts, Result, StorageError};
use crate::domain::election::{default_purge_after, Election, ReturnAddress};

/// Inserts or replaces the election settings.
pub fn save(tx: &Transaction, e: &Election, now: DateTime<Utc>) -> Result<()> {
    let entities = serde_json::to_string(&e.entities).expect("strings serialize");
    let ret = e
        .return_address
        .as_ref()
        .map(|r| serde_json::to_string(r).expect("strings serialize"));
    tx.execute(
        "INSERT INTO election (id, name, election_day, polls_open, timezone, receipt_cutoff,
                               max_electors_per_mec, entities, return_address, updated_at,
                               purge_after)
         VALUES (1, ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)
         ON CONFLICT (id) DO UPDATE SET
           name = excluded.name, election_day = excluded.election_day,
           polls_open = excluded.polls_open, timezone = excluded.timezone,
           receipt_cutoff = excluded.receipt_cutoff,
           max_electors_per_mec = excluded.max_electors_per_mec,
           entities = excluded.entities, return_address = excluded.return_address,
           updated_at = excluded.updated_at, purge_after = excluded.purge_after",
        params![
            e.name,
            e.election_day.format("%Y-%m-%d").to_string(),
            e.polls_open.format("%H:%M").to_string(),
            e.timezone.name(),
            ts(e.receipt_cutoff),
            e.max_electors_per_mec,
            entities,
            ret,
            ts(now),
            e.purge_after.format("%Y-%m-%d").to_string()
        ],
    )?;
    Ok(())
}

/// The election, or `None` before `init`.
pub fn load(conn: &Connection) -> Result<Option<Election>> {
    let row = conn
        .prepare_cached(
            "SELECT name, election_day, polls_open, timezone, receipt_cutoff,
                    max_electors_per_mec, entities, return_address, purge_after
             FROM election WHERE id = 1",
        )?
        .query_row([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, DateTime<Utc>>(4)?,
                r.get::<_, u32>(5)?,
                r.get::<_, String>(6)?,
                r.get::<_, Option<String>>(7)?,
                r.get::<_, Option<String>>(8)?,
            ))
        })
        .optional()?;
    let Some((name, day, open, tz, cutoff, max, entities, ret, purge)) = row else {
        return Ok(None);
    };
    let bad = |what: &str| StorageError::Corrupt(format!("election.{what}"));
    let election_day =
        NaiveDate::parse_from_str(&day, "%Y-%m-%d").map_err(|_| bad("election_day"))?;
    let purge_after = match purge {
        None => default_purge_after(election_day),
        Some(p) => NaiveDate::parse_from_str(&p, "%Y-%m-%d").map_err(|_| bad("purge_after"))?,
    };
    Ok(Some(Election {
        name,
        election_day,
        purge_after,
        polls_open: NaiveTime::parse_from_str(&open, "%H:%M").map_err(|_| bad("polls_open"))?,
        timezone: tz.parse().map_err(|_| bad("timezone"))?,
        receipt_cutoff: cutoff,
        max_electors_per_mec: max,
        entities: serde_json::from_str(&entities).map_err(|_| bad("entities"))?,
        return_address: ret
            .map(|r| serde_json::from_str::<ReturnAddress>(&r))
            .transpose()
            .map_err(|_| bad("return_address"))?,
    }))
}

/// Canonical JSON of the settings, for audit digests.
pub fn canonical(e: &Election) -> Vec<u8> {
    serde_json::to_vec(&serde_json::json!({
        "name": e.name,
        "election_day": e.election_day.to_string(),
        "polls_open": e.polls_open.format("%H:%M").to_string(),
        "timezone": e.timezone.name(),
        "receipt_cutoff": ts(e.receipt_cutoff),
        "max_electors_per_mec": e.max_electors_per_mec,
        "entities": e.entities,
        "return_address": e.return_address,
    }))
    .expect("json values serialize")
}
