//! Reconciliation of reception: every scan accounted for, every accepted envelope marked
//! "votó" and routed to a MEC. Differences are shown, never hidden.

use serde::Serialize;

use super::Result;
use crate::domain::checkin::Outcome;
use crate::storage::tallies::{self, MecTally};
use crate::storage::Db;

/// One equality that must hold.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Check {
    pub what: &'static str,
    pub left: i64,
    pub right: i64,
    pub ok: bool,
    pub difference: i64,
}

fn check(what: &'static str, left: i64, right: i64) -> Check {
    Check {
        what,
        left,
        right,
        ok: left == right,
        difference: left - right,
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Reconciliation {
    pub scans_total: i64,
    /// Scans per outcome, every outcome listed (zero included).
    pub by_outcome: Vec<(Outcome, &'static str, i64)>,
    pub checks: Vec<Check>,
    pub all_ok: bool,
    pub mecs: Vec<MecTally>,
}

/// The reconciliation of the entities inside `scope` (a scan is inside when its PEP is).
pub fn reconcile(db: &Db, scope: &crate::domain::scope::Scope) -> Result<Reconciliation> {
    let (c, mecs) = db.read(|conn| {
        Ok::<_, crate::ops::OpsError>((
            tallies::reception_counts(conn, scope)?,
            tallies::mec_tallies(conn, scope)?,
        ))
    })?;
    let n = |o: Outcome| {
        c.scans_by_outcome
            .iter()
            .find(|(k, _)| *k == o)
            .map_or(0, |(_, v)| *v)
    };
    let by_outcome: Vec<_> = Outcome::ALL
        .iter()
        .map(|&o| (o, o.label_es(), n(o)))
        .collect();
    let sum: i64 = by_outcome.iter().map(|(_, _, v)| v).sum();
    let mec_table_sum: i64 = mecs.iter().map(|m| m.received).sum();
    let checks = vec![
        check("recibidos = aceptados + extemporáneos + duplicados + anulados + inválidos + desconocidos", c.scans_total, sum),
        check("escaneos aceptados = recepciones aceptadas", n(Outcome::Accepted), c.checkins_accepted),
        check("recepciones aceptadas = marcas «votó» en la lista", c.checkins_accepted, c.voted_marks),
        check("recepciones aceptadas = suma de sobres por MEC", c.checkins_accepted, c.mec_sum),
        check("suma por MEC = suma de la tabla de MEC", c.mec_sum, mec_table_sum),
        check("escaneos extemporáneos = recepciones extemporáneas", n(Outcome::Late), c.checkins_late),
    ];
    let all_ok = checks.iter().all(|k| k.ok);
    Ok(Reconciliation {
        scans_total: c.scans_total,
        by_outcome,
        checks,
        all_ok,
        mecs,
    })
}

/// The reconciliation as CSV (one line per check, then one per MEC).
pub fn reconciliation_csv(r: &Reconciliation) -> Vec<u8> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let _ = w.write_record(["kind", "what", "left", "right", "difference", "ok"]);
    for (o, _, n) in &r.by_outcome {
        let _ = w.write_record(["scans", o.as_str(), &n.to_string(), "", "", ""]);
    }
    for k in &r.checks {
        let _ = w.write_record([
            "check",
            k.what,
            &k.left.to_string(),
            &k.right.to_string(),
            &k.difference.to_string(),
            if k.ok { "yes" } else { "NO" },
        ]);
    }
    for m in &r.mecs {
        let what = format!("MEC {}-{}", m.entity, m.mec);
        let _ = w.write_record([
            "mec",
            &what,
            &m.electors.to_string(),
            &m.received.to_string(),
            "",
            "",
        ]);
    }
    w.into_inner().unwrap_or_default()
}

/// Scans by one operator in the 12 hours before `now`, per outcome (the station's session
/// counters).
pub fn operator_counters(
    db: &Db,
    operator: &str,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<Vec<(&'static str, &'static str, i64)>> {
    let since = now - chrono::Duration::hours(12);
    let rows = db.read(|c| tallies::operator_counts(c, operator, since))?;
    Ok(Outcome::ALL
        .iter()
        .map(|o| {
            let n = rows.iter().find(|(k, _)| k == o).map_or(0, |(_, v)| *v);
            (o.as_str(), o.label_es(), n)
        })
        .collect())
}
