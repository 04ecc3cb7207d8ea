//! The time order every PEP must keep, checked over the database: generated ≤ batched ≤
//! printed ≤ outbound pickup ≤ outbound delivered ≤ return pickup ≤ return delivered ≤
//! check-in; a leg's first event (a label created) never before the printing. Milestones not
//! reached are skipped; each one reached must come no earlier than every one before it.

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::ops::Result;
use crate::storage::campaign::{each_pep_times, PepTimes};
use crate::storage::Db;

/// The outcome of the check.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct OrderReport {
    pub peps: u64,
    /// PEPs with at least one milestone before its cause.
    pub violations: u64,
    /// The first few, in words.
    pub examples: Vec<String>,
}

/// The milestones of one PEP in the order they must keep, by name.
fn chain(t: &PepTimes) -> [(&'static str, Option<DateTime<Utc>>); 8] {
    [
        ("generado", Some(t.generated)),
        ("en lote", t.batched),
        ("impreso", t.printed),
        ("recolección de ida", t.outbound.pickup),
        ("entrega de ida", t.outbound.delivered),
        ("recolección de vuelta", t.ret.pickup),
        ("entrega de vuelta", t.ret.delivered),
        ("recepción", t.checkin),
    ]
}

/// The first break of order in one PEP's milestones, in words.
pub fn first_violation(t: &PepTimes) -> Option<String> {
    let mut latest: Option<(&str, DateTime<Utc>)> = None;
    for (name, at) in chain(t) {
        let Some(at) = at else { continue };
        if let Some((before, bat)) = latest {
            if at < bat {
                return Some(format!("{}: {name} {at} antes de {before} {bat}", t.pep_id));
            }
        }
        latest = Some((name, at));
    }
    // A leg's first event (its label) may be as early as the printing, never earlier.
    let printed = t.printed.or(t.batched).unwrap_or(t.generated);
    for (leg, first) in [("ida", t.outbound.first), ("vuelta", t.ret.first)] {
        if let Some(first) = first.filter(|f| *f < printed) {
            return Some(format!(
                "{}: primer evento de {leg} {first} antes de la impresión {printed}",
                t.pep_id
            ));
        }
    }
    if t.checkin.is_some() && t.ret.delivered.is_none() {
        return Some(format!(
            "{}: recibido sin entrega de vuelta registrada",
            t.pep_id
        ));
    }
    None
}

/// Checks every PEP of the database.
pub fn check(db: &Db) -> Result<OrderReport> {
    let mut report = OrderReport::default();
    db.read(|c| {
        each_pep_times(c, &mut |t| {
            report.peps += 1;
            if let Some(v) = first_violation(&t) {
                report.violations += 1;
                if report.examples.len() < 20 {
                    report.examples.push(v);
                }
            }
        })
    })?;
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::pep::PepId;
    use crate::storage::campaign::LegTimes;
    use chrono::Duration;

    fn t(h: i64) -> Option<DateTime<Utc>> {
        let t0: DateTime<Utc> = "2030-04-01T15:00:00Z".parse().unwrap();
        Some(t0 + Duration::hours(h))
    }

    fn times() -> PepTimes {
        PepTimes {
            pep_id: PepId::new(7, 1),
            voided: false,
            generated: t(0).unwrap(),
            batched: t(1),
            printed: t(2),
            outbound: LegTimes {
                first: t(2),
                pickup: t(4),
                delivered: t(100),
            },
            ret: LegTimes {
                first: t(2),
                pickup: t(200),
                delivered: t(300),
            },
            checkin: t(303),
        }
    }

    #[test]
    fn a_pep_whose_milestones_follow_their_causes_passes() {
        assert_eq!(first_violation(&times()), None);
        let mut early = times();
        early.ret = LegTimes::default();
        early.checkin = None;
        assert_eq!(first_violation(&early), None);
    }

    #[test]
    fn a_check_in_before_the_return_delivery_is_caught() {
        let mut bad = times();
        bad.checkin = t(299);
        let v = first_violation(&bad).unwrap();
        assert!(v.contains("recepción"), "{v}");
    }

    #[test]
    fn a_label_before_the_printing_is_caught_even_with_later_steps_in_order() {
        let mut bad = times();
        bad.ret.first = t(1);
        assert!(first_violation(&bad).unwrap().contains("vuelta"));
        let mut skipped = times();
        skipped.outbound.delivered = None;
        skipped.ret.pickup = t(3);
        assert!(first_violation(&skipped)
            .unwrap()
            .contains("recolección de vuelta"));
    }
}
