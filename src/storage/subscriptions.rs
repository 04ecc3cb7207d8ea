//! The leg_subscriptions table: each leg's push subscription with its carrier (validating,
//! active until a date, refused, failed), which legs need one made or renewed, DHL's
//! validation secrets waiting to be confirmed, and when a leg's last push arrived.

use chrono::{DateTime, Duration, Utc};
use rusqlite::{params, Connection, OptionalExtension, Transaction};

use super::{ts, Result, StorageError};
use crate::domain::tracking::Carrier;

/// A subscription's state, as stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SubState {
    /// Asked for; the carrier waits for us to confirm its validation message (DHL).
    Validating,
    /// The carrier pushes this leg's events until `expires_at`.
    Active,
    /// The carrier refused the number (invalid for push).
    Refused,
    /// The request failed; tried again later.
    Failed,
}

impl SubState {
    pub fn as_str(self) -> &'static str {
        match self {
            SubState::Validating => "validating",
            SubState::Active => "active",
            SubState::Refused => "refused",
            SubState::Failed => "failed",
        }
    }

    fn parse(s: &str) -> Result<SubState> {
        Ok(match s {
            "validating" => SubState::Validating,
            "active" => SubState::Active,
            "refused" => SubState::Refused,
            "failed" => SubState::Failed,
            other => return Err(StorageError::Corrupt(format!("suscripción «{other}»"))),
        })
    }
}

/// One leg's subscription.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Subscription {
    pub state: SubState,
    pub subscribed_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub last_push_at: Option<DateTime<Utc>>,
    pub last_error: Option<String>,
}

/// What a subscription request left for one leg.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SubRecord<'a> {
    pub state: SubState,
    pub external_id: Option<&'a str>,
    pub expires_at: DateTime<Utc>,
    pub error: Option<&'a str>,
}

/// A leg that needs a subscription made or renewed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Wanted {
    pub leg: i64,
    pub tracking: String,
}

/// `carrier`'s legs not yet final with no subscription, one expiring within `renew_before`,
/// or one that failed more than `retry_after` ago; oldest legs first.
pub fn wanted(
    conn: &Connection,
    carrier: Carrier,
    now: DateTime<Utc>,
    renew_before: Duration,
    retry_after: Duration,
    limit: usize,
) -> Result<Vec<Wanted>> {
    // Each reason through its own index (never a read of every leg): legs never asked for,
    // open subscriptions running out, failed ones due again.
    let mut stmt = conn.prepare_cached(
        "SELECT l.id, l.tracking FROM (
                SELECT leg FROM subscription_wanted
                UNION ALL
                SELECT leg FROM leg_subscriptions
                 WHERE state = 'active' AND leg_open = 1 AND expires_at <= ?2
                UNION ALL
                SELECT leg FROM leg_subscriptions
                 WHERE state = 'failed' AND leg_open = 1 AND updated_at <= ?3) AS w
          CROSS JOIN legs l ON l.id = w.leg
          WHERE l.carrier = ?1 AND l.status != 'delivered' AND l.status != 'return_to_sender'
          ORDER BY l.id LIMIT ?4",
    )?;
    let rows = stmt.query_map(
        params![
            carrier,
            ts(now + renew_before),
            ts(now - retry_after),
            limit as i64
        ],
        |r| {
            Ok(Wanted {
                leg: r.get(0)?,
                tracking: r.get(1)?,
            })
        },
    )?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Writes what a subscription request left for `leg`.
pub fn record(tx: &Transaction, leg: i64, rec: &SubRecord, now: DateTime<Utc>) -> Result<()> {
    tx.prepare_cached(
        "INSERT INTO leg_subscriptions
                (leg, state, external_id, subscribed_at, expires_at, attempts, last_error, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, 1, ?6, ?4)
         ON CONFLICT (leg) DO UPDATE SET state = excluded.state,
                external_id = COALESCE(excluded.external_id, external_id),
                subscribed_at = CASE WHEN excluded.state = 'active' OR excluded.state = 'validating'
                                     THEN excluded.subscribed_at ELSE subscribed_at END,
                expires_at = excluded.expires_at, attempts = attempts + 1,
                last_error = excluded.last_error, updated_at = excluded.updated_at",
    )?
    .execute(params![
        leg,
        rec.state.as_str(),
        rec.external_id,
        ts(now),
        ts(rec.expires_at),
        rec.error
    ])?;
    Ok(())
}

/// Keeps DHL's validation secret for the subscription `external_id`; `false` if no leg
/// waits for that subscription's validation.
pub fn set_challenge(
    tx: &Transaction,
    external_id: &str,
    secret: &str,
    now: DateTime<Utc>,
) -> Result<bool> {
    let n = tx
        .prepare_cached(
            "UPDATE leg_subscriptions SET challenge = ?2, updated_at = ?3
              WHERE external_id = ?1 AND state = 'validating'",
        )?
        .execute(params![external_id, secret, ts(now)])?;
    Ok(n > 0)
}

/// Subscriptions whose validation secret arrived and waits to be confirmed: (id, secret).
pub fn to_confirm(
    conn: &Connection,
    carrier: Carrier,
    limit: usize,
) -> Result<Vec<(String, String)>> {
    let mut stmt = conn.prepare_cached(
        "SELECT DISTINCT s.external_id, s.challenge
           FROM leg_subscriptions s INDEXED BY leg_subscriptions_validating
          CROSS JOIN legs l ON l.id = s.leg
          WHERE s.state = 'validating' AND s.challenge IS NOT NULL
            AND s.external_id IS NOT NULL AND l.carrier = ?1
          LIMIT ?2",
    )?;
    let rows = stmt.query_map(params![carrier, limit as i64], |r| {
        Ok((r.get(0)?, r.get(1)?))
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The carrier took our confirmation: the subscription's legs are pushed until `expires_at`
/// (or, with an error, the confirmation failed and the legs are asked for again later).
pub fn confirmed(
    tx: &Transaction,
    external_id: &str,
    outcome: std::result::Result<DateTime<Utc>, &str>,
    now: DateTime<Utc>,
) -> Result<usize> {
    let (state, expires, error) = match outcome {
        Ok(until) => ("active", Some(ts(until)), None),
        Err(e) => ("failed", None, Some(e)),
    };
    Ok(tx
        .prepare_cached(
            "UPDATE leg_subscriptions SET state = ?2, challenge = NULL,
                    expires_at = COALESCE(?3, expires_at), last_error = ?4, updated_at = ?5
              WHERE external_id = ?1 AND state = 'validating'",
        )?
        .execute(params![external_id, state, expires, error, ts(now)])?)
}

type SubRow = (
    String,
    DateTime<Utc>,
    DateTime<Utc>,
    Option<DateTime<Utc>>,
    Option<String>,
);

/// One leg's subscription, if it has one.
pub fn of_leg(conn: &Connection, leg: i64) -> Result<Option<Subscription>> {
    let row: Option<SubRow> = conn
        .prepare_cached(
            "SELECT s.state, s.subscribed_at, s.expires_at, p.last_push_at, s.last_error
               FROM leg_subscriptions s LEFT JOIN leg_polls p ON p.leg = s.leg
              WHERE s.leg = ?1",
        )?
        .query_row([leg], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
        })
        .optional()?;
    row.map(
        |(state, subscribed_at, expires_at, last_push_at, last_error)| {
            Ok(Subscription {
                state: SubState::parse(&state)?,
                subscribed_at,
                expires_at,
                last_push_at,
                last_error,
            })
        },
    )
    .transpose()
}

/// How many of `carrier`'s legs have a subscription in each state: (state, count).
pub fn counts(conn: &Connection, carrier: Carrier) -> Result<Vec<(String, i64)>> {
    let mut stmt = conn.prepare_cached(
        "SELECT s.state, COUNT(*) FROM leg_subscriptions s JOIN legs l ON l.id = s.leg
          WHERE l.carrier = ?1 GROUP BY s.state ORDER BY s.state",
    )?;
    let rows = stmt.query_map([carrier], |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The sweep before the cutoff: every pushed return leg not yet final is polled by `sweep_at`
/// at the latest (pushes would otherwise keep moving its safety-net poll on); how many moved.
pub fn clamp_pushed_returns(tx: &Transaction, sweep_at: DateTime<Utc>) -> Result<usize> {
    // Driven by the polls after the sweep (final legs, never polled again, left out), so a
    // pass reads the legs it may move, not every subscription.
    Ok(tx
        .prepare_cached(
            "UPDATE leg_polls SET next_poll_at = ?1
              WHERE next_poll_at > ?1 AND next_poll_at < ?2 AND EXISTS (
                    SELECT 1 FROM leg_subscriptions s JOIN legs l ON l.id = s.leg
                     WHERE s.leg = leg_polls.leg AND s.state = 'active' AND s.leg_open = 1
                       AND l.direction = 'return'
                       AND l.status != 'delivered' AND l.status != 'return_to_sender')",
        )?
        .execute(params![ts(sweep_at), super::tracking::NEVER])?)
}
