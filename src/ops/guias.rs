//! Attaching courier guías (tracking numbers) to PEPs: both legs per PEP, each number checked
//! for its carrier's format and check digit; all rows or none.

use std::collections::HashMap;
use std::io::Read;

use chrono::{DateTime, Utc};
use rusqlite::{params, OptionalExtension, Transaction};

use super::import::RowError;
use super::{Actor, OpsError, Result};
use crate::domain::pep::PepId;
use crate::domain::tracking::{validate_tracking, Carrier};
use crate::storage::{audit, peps, ts, StorageError};

pub const HEADER: [&str; 4] = ["pep_id", "carrier", "outbound_tracking", "return_tracking"];

/// One valid row, ready to store.
struct Guia {
    pep: i64,
    carrier: Carrier,
    outbound: String,
    ret: String,
}

/// Imports the guías file; every refused field is passed to `on_error`, and then nothing is stored.
pub fn import_guias(
    db: &crate::storage::Db,
    input: impl Read,
    file_name: &str,
    actor: &Actor,
    now: DateTime<Utc>,
    on_error: &mut dyn FnMut(&RowError),
) -> Result<i64> {
    db.write(|tx| {
        let mut errors = 0u64;
        let mut report = |line: u64, field: &'static str, reason: String| {
            errors += 1;
            on_error(&RowError {
                line,
                field,
                reason,
            });
        };
        let mut rdr = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(input);
        let mut rec = csv::StringRecord::new();
        let mut rows: Vec<Guia> = Vec::new();
        let mut seen_pep: HashMap<i64, u64> = HashMap::new();
        let mut seen_number: HashMap<String, u64> = HashMap::new();
        let mut first = true;
        loop {
            let line = rdr.position().line();
            match rdr.read_record(&mut rec) {
                Ok(false) => break,
                Ok(true) => {}
                Err(e) => {
                    report(line, "row", format!("no es CSV UTF-8 válido: {e}"));
                    continue;
                }
            }
            if std::mem::take(&mut first) {
                if rec.iter().collect::<Vec<_>>() != HEADER {
                    report(
                        line,
                        "header",
                        format!("se esperaba «{}»", HEADER.join(",")),
                    );
                    break;
                }
                continue;
            }
            if rec.len() != HEADER.len() {
                report(
                    line,
                    "row",
                    format!("tiene {} campos, se esperaban 4", rec.len()),
                );
                continue;
            }
            match check_row(tx, &rec, line, &mut seen_pep, &mut seen_number)? {
                Ok(g) => rows.push(g),
                Err(errs) => errs.into_iter().for_each(|(f, r)| report(line, f, r)),
            }
        }
        if first {
            report(1, "header", "archivo vacío".into());
        }
        if errors > 0 {
            return Err(OpsError::Invalid(format!(
                "{errors} errores en {file_name}: no se asignó ninguna guía"
            )));
        }
        let mut stored = 0;
        for g in &rows {
            stored += store(tx, g, now)?;
        }
        let detail = format!(
            "{stored} PEP con guías nuevas de {file_name} ({} filas)",
            rows.len()
        );
        audit::append(
            tx,
            &audit::AuditEntry {
                actor: actor.as_str(),
                action: "guias.import",
                subject: "guias",
                detail: &detail,
                ..Default::default()
            },
            now,
        )?;
        Ok(stored)
    })
}

type RowCheck = std::result::Result<Guia, Vec<(&'static str, String)>>;

fn check_row(
    tx: &Transaction,
    rec: &csv::StringRecord,
    line: u64,
    seen_pep: &mut HashMap<i64, u64>,
    seen_number: &mut HashMap<String, u64>,
) -> Result<RowCheck> {
    let mut errs: Vec<(&'static str, String)> = Vec::new();
    let field = |i: usize| rec.get(i).unwrap_or("").trim();
    let pep = match PepId::parse(field(0)) {
        Err(e) => {
            errs.push(("pep_id", e.to_string()));
            None
        }
        Ok(id) => match peps::find(tx, &id)? {
            None => {
                errs.push(("pep_id", format!("no existe el {id}")));
                None
            }
            Some(p) if p.voided_at.is_some() => {
                errs.push(("pep_id", format!("{id} está anulado (repuesto)")));
                None
            }
            Some(p) => {
                if let Some(first) = seen_pep.insert(p.id, line) {
                    errs.push((
                        "pep_id",
                        format!("{id} repetido: ya aparece en la línea {first}"),
                    ));
                }
                Some(p)
            }
        },
    };
    let carrier: Option<Carrier> = field(1)
        .parse()
        .map_err(|e: String| errs.push(("carrier", e)))
        .ok();
    let mut numbers = Vec::new();
    for (i, name) in [(2, "outbound_tracking"), (3, "return_tracking")] {
        let n = field(i).to_string();
        if let Some(c) = carrier {
            if let Err(e) = validate_tracking(c, &n) {
                errs.push((name, e));
                continue;
            }
            if let Some(first) = seen_number.insert(format!("{c}:{n}"), line) {
                errs.push((
                    name,
                    format!("guía {n} repetida: ya aparece en la línea {first}"),
                ));
                continue;
            }
            if let Some(other) = used_by_other(tx, c, &n, pep.as_ref().map(|p| p.id))? {
                errs.push((name, format!("guía {n} ya asignada a {other}")));
            }
        }
        numbers.push(n);
    }
    if errs.is_empty() {
        let (pep, carrier) = (pep.expect("checked"), carrier.expect("checked"));
        if numbers[0] == numbers[1] {
            return Ok(Err(vec![(
                "return_tracking",
                "la guía de regreso debe ser distinta de la de ida".into(),
            )]));
        }
        if let Some(reason) = conflicting_legs(tx, pep.id, carrier, &numbers)? {
            return Ok(Err(vec![("pep_id", reason)]));
        }
        let ret = numbers.pop().expect("two numbers");
        let outbound = numbers.pop().expect("two numbers");
        return Ok(Ok(Guia {
            pep: pep.id,
            carrier,
            outbound,
            ret,
        }));
    }
    Ok(Err(errs))
}

fn used_by_other(
    tx: &Transaction,
    c: Carrier,
    n: &str,
    pep: Option<i64>,
) -> Result<Option<String>> {
    Ok(tx
        .query_row(
            "SELECT p.pep_id FROM legs l JOIN peps p ON p.id = l.pep
             WHERE l.carrier = ?1 AND l.tracking = ?2 AND l.pep IS NOT ?3",
            params![c.as_str(), n, pep],
            |r| r.get(0),
        )
        .optional()
        .map_err(StorageError::from)?)
}

/// A PEP whose legs already carry other numbers is refused (guías are not silently replaced).
fn conflicting_legs(
    tx: &Transaction,
    pep: i64,
    c: Carrier,
    numbers: &[String],
) -> Result<Option<String>> {
    let mut stmt = tx
        .prepare_cached("SELECT direction, carrier, tracking FROM legs WHERE pep = ?1")
        .map_err(StorageError::from)?;
    let legs: Vec<(String, String, String)> = stmt
        .query_map([pep], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .and_then(|rows| rows.collect())
        .map_err(StorageError::from)?;
    for (dir, carrier, tracking) in legs {
        let want = if dir == "outbound" {
            &numbers[0]
        } else {
            &numbers[1]
        };
        if carrier != c.as_str() || &tracking != want {
            return Ok(Some(format!("ya tiene guía de {dir} {carrier} {tracking}")));
        }
    }
    Ok(None)
}

/// Inserts the PEP's two legs (no change when they are already there). Returns 1 when new.
fn store(tx: &Transaction, g: &Guia, now: DateTime<Utc>) -> Result<i64> {
    let mut n = 0;
    for (dir, number) in [("outbound", &g.outbound), ("return", &g.ret)] {
        n += tx
            .execute(
                "INSERT OR IGNORE INTO legs (pep, direction, carrier, tracking, updated_at)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
                params![g.pep, dir, g.carrier.as_str(), number, ts(now)],
            )
            .map_err(StorageError::from)?;
    }
    crate::storage::stage::refresh_stage(tx, &[g.pep])?;
    Ok(i64::from(n > 0))
}
