//! The queries behind INE's report tables (`ops::reports`): the list's electors grouped by
//! entity, sex marker and birth date; electors by country and entity; the PEP funnel by entity
//! and the three transit times of each PEP, all as they stood at a cut instant.
//!
//! Every query is computed inside a [`Scope`] (bound as `:scope`, filtered by
//! [`scope_clause`]) and, where time matters, at a cut (bound as `:cut`, a stored time from
//! [`ts`]): only carrier events whose time (`leg_events.at`, when it happened), check-ins whose
//! `received_at` and reissues whose `voided_at` are at or before the cut count, and only PEPs
//! created by then exist. Stored times are fixed-width UTC text, so text comparison is time
//! order.

use chrono::{DateTime, Utc};
use rusqlite::{named_params, Connection};

use super::{scope_clause, ts, Result};
use crate::domain::scope::Scope;

/// Electors of one entity with one sex marker and one birth date as the key writes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProfileGroup {
    pub entity: String,
    /// Position 15 of the elector key (`H`, `M`, or another marker).
    pub sex: String,
    /// Positions 7–12 of the elector key (YYMMDD).
    pub birth: String,
    pub n: i64,
}

/// The list's electors grouped by entity, sex marker and birth date (a few thousand groups
/// per entity at most, whatever the size of the list).
pub fn elector_profile(conn: &Connection, scope: &Scope) -> Result<Vec<ProfileGroup>> {
    let sql = format!(
        "SELECT entity, substr(elector_key, 15, 1), substr(elector_key, 7, 6), count(*)
           FROM electors WHERE {}
          GROUP BY 1, 2, 3 ORDER BY 1, 2, 3",
        scope_clause("entity", ":scope")
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map(named_params! {":scope": scope}, |r| {
        Ok(ProfileGroup {
            entity: r.get(0)?,
            sex: r.get(1)?,
            birth: r.get(2)?,
            n: r.get(3)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Electors of one entity living in one country.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CountryEntityCount {
    pub country: String,
    pub entity: String,
    pub n: i64,
}

/// Electors by country of residence and entity, from the list itself.
pub fn electors_by_country(conn: &Connection, scope: &Scope) -> Result<Vec<CountryEntityCount>> {
    let sql = format!(
        "SELECT country, entity, count(*) FROM electors WHERE {}
          GROUP BY country, entity ORDER BY country, entity",
        scope_clause("entity", ":scope")
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map(named_params! {":scope": scope}, |r| {
        Ok(CountryEntityCount {
            country: r.get(0)?,
            entity: r.get(1)?,
            n: r.get(2)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The PEP funnel of one entity at the cut (each count is of PEPs; a PEP counts in every step
/// it had reached by the cut).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FunnelCounts {
    pub entity: String,
    /// PEPs created (first issues and replacements).
    pub generated: i64,
    /// Outbound leg picked up by the carrier (any status past "label created").
    pub shipped: i64,
    /// Outbound leg delivered to the elector.
    pub delivered: i64,
    /// Either leg returned to sender.
    pub undeliverable: i64,
    /// PEPs voided by a reissue.
    pub reissued: i64,
    /// Return leg picked up by the carrier.
    pub returning: i64,
    /// Envelopes checked in before the receipt cutoff.
    pub on_time: i64,
    /// Envelopes checked in after it.
    pub late: i64,
}

/// An event of the PEP's leg in `direction`, with one of `statuses`, at or before the cut.
fn leg_event(direction: &str, statuses: &str) -> String {
    format!(
        "EXISTS (SELECT 1 FROM legs l JOIN leg_events e ON e.leg = l.id
                  WHERE l.pep = p.id {direction} AND e.at <= :cut AND e.status IN ({statuses}))"
    )
}

const MOVING: &str =
    "'in_transit', 'out_for_delivery', 'exception', 'delivered', 'return_to_sender'";

/// The funnel by entity at `cut`.
pub fn funnel(conn: &Connection, scope: &Scope, cut: DateTime<Utc>) -> Result<Vec<FunnelCounts>> {
    let out = "AND l.direction = 'outbound'";
    let back = "AND l.direction = 'return'";
    let checkin = |outcome: &str| {
        format!(
            "EXISTS (SELECT 1 FROM checkins c WHERE c.pep = p.id AND c.outcome = '{outcome}'
                      AND c.received_at <= :cut)"
        )
    };
    let sql = format!(
        "SELECT p.entity, count(*), sum({shipped}), sum({delivered}), sum({undeliverable}),
                sum(p.voided_at IS NOT NULL AND p.voided_at <= :cut), sum({returning}),
                sum({on_time}), sum({late})
           FROM peps p WHERE p.created_at <= :cut AND {scope}
          GROUP BY p.entity ORDER BY p.entity",
        shipped = leg_event(out, MOVING),
        delivered = leg_event(out, "'delivered'"),
        undeliverable = leg_event("", "'return_to_sender'"),
        returning = leg_event(back, MOVING),
        on_time = checkin("accepted"),
        late = checkin("late"),
        scope = scope_clause("p.entity", ":scope"),
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map(named_params! {":scope": scope, ":cut": ts(cut)}, |r| {
        Ok(FunnelCounts {
            entity: r.get(0)?,
            generated: r.get(1)?,
            shipped: r.get(2)?,
            delivered: r.get(3)?,
            undeliverable: r.get(4)?,
            reissued: r.get(5)?,
            returning: r.get(6)?,
            on_time: r.get(7)?,
            late: r.get(8)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The three transit times of one PEP, in days, each present when both of its ends had
/// happened by the cut.
#[derive(Debug, Clone, PartialEq)]
pub struct PepTimes {
    pub entity: String,
    /// From the first outbound movement to the outbound delivery.
    pub to_delivery: Option<f64>,
    /// From the outbound delivery to the first movement of the return leg (the pickup).
    pub to_pickup: Option<f64>,
    /// From the return pickup to the check-in at reception.
    pub to_reception: Option<f64>,
}

/// The first time the PEP's leg in `direction` had one of `statuses`, by the cut.
fn first_event(direction: &str, statuses: &str) -> String {
    format!(
        "(SELECT min(e.at) FROM legs l JOIN leg_events e ON e.leg = l.id
           WHERE l.pep = p.id AND l.direction = '{direction}' AND e.at <= :cut
             AND e.status IN ({statuses}))"
    )
}

/// The transit times of every PEP inside the scope that had at least shipped by the cut.
pub fn transit_times(
    conn: &Connection,
    scope: &Scope,
    cut: DateTime<Utc>,
) -> Result<Vec<PepTimes>> {
    let sql = format!(
        "WITH t AS (
           SELECT p.entity AS entity, {shipped} AS shipped, {delivered} AS delivered,
                  {picked} AS picked,
                  (SELECT c.received_at FROM checkins c
                    WHERE c.pep = p.id AND c.received_at <= :cut) AS received
             FROM peps p WHERE p.created_at <= :cut AND {scope})
         SELECT entity, julianday(delivered) - julianday(shipped),
                julianday(picked) - julianday(delivered),
                julianday(received) - julianday(picked)
           FROM t WHERE shipped IS NOT NULL OR picked IS NOT NULL ORDER BY entity",
        shipped = first_event("outbound", MOVING),
        delivered = first_event("outbound", "'delivered'"),
        picked = first_event("return", MOVING),
        scope = scope_clause("p.entity", ":scope"),
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map(named_params! {":scope": scope, ":cut": ts(cut)}, |r| {
        Ok(PepTimes {
            entity: r.get(0)?,
            to_delivery: r.get(1)?,
            to_pickup: r.get(2)?,
            to_reception: r.get(3)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}
