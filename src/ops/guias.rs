//! Attaching courier guías (tracking numbers) to PEPs: both legs per PEP, each number checked
//! for its carrier's format and check digit; read by the one CSV reader
//! ([`crate::domain::csv_rows`]), all rows or none. The queries live in `storage::guias`.

use std::collections::HashMap;
use std::io::Read;

use chrono::{DateTime, Utc};
use rusqlite::Transaction;

use super::errors::ImportError;
use super::import::RowError;
use super::{Actor, OpsError, Result};
use crate::domain::csv_rows::{self, FieldError, Observer, RowOutcome};
use crate::domain::pep::PepId;
use crate::domain::tracking::{validate_tracking, Carrier, Direction};
use crate::storage::{audit, guias, peps};

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
        let mut check = Checker {
            tx,
            seen_pep: HashMap::new(),
            seen_number: HashMap::new(),
            rows: Vec::new(),
        };
        let obs = Observer {
            progress: &mut |_| {},
            error: on_error,
        };
        csv_rows::read_all(input, &HEADER, |line, f| check.row(line, f), obs)
            .map_err(|e| ImportError::of_file(e, file_name, "asignó ninguna guía"))?;
        let mut stored = 0;
        for g in &check.rows {
            let new = guias::insert_legs(tx, g.pep, g.carrier, &g.outbound, &g.ret, now)?;
            stored += i64::from(new);
        }
        let detail = format!(
            "{stored} PEP con guías nuevas de {file_name} ({} filas)",
            check.rows.len()
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

/// The rows checked so far, and what they used (a PEP or a number twice is refused).
struct Checker<'a, 'c> {
    tx: &'a Transaction<'c>,
    seen_pep: HashMap<i64, u64>,
    seen_number: HashMap<String, u64>,
    rows: Vec<Guia>,
}

impl Checker<'_, '_> {
    fn row(&mut self, line: u64, fields: &[&str]) -> RowOutcome<OpsError> {
        let mut errs: Vec<FieldError> = Vec::new();
        let field = |i: usize| fields[i].trim();
        let pep = self.pep(field(0), line, &mut errs)?;
        let carrier: Option<Carrier> = field(1)
            .parse()
            .map_err(|e: String| errs.push(FieldError::new("carrier", e)))
            .ok();
        let (outbound, ret) = (field(2).to_string(), field(3).to_string());
        for (name, n) in [("outbound_tracking", &outbound), ("return_tracking", &ret)] {
            if let Some(c) = carrier {
                if let Some(reason) = self.number_problem(c, n, line, pep)? {
                    errs.push(FieldError::new(name, reason));
                }
            }
        }
        let (Some(pep), Some(carrier), true) = (pep, carrier, errs.is_empty()) else {
            return Ok(Err(errs));
        };
        if outbound == ret {
            return Ok(Err(vec![FieldError::new(
                "return_tracking",
                "la guía de regreso debe ser distinta de la de ida",
            )]));
        }
        if let Some(reason) = self.conflicting_legs(pep, carrier, &outbound, &ret)? {
            return Ok(Err(vec![FieldError::new("pep_id", reason)]));
        }
        self.rows.push(Guia {
            pep,
            carrier,
            outbound,
            ret,
        });
        Ok(Ok(()))
    }

    /// The PEP's row id when it exists, is active and was not in an earlier row.
    fn pep(&mut self, text: &str, line: u64, errs: &mut Vec<FieldError>) -> Result<Option<i64>> {
        let mut refuse = |reason: String| {
            errs.push(FieldError::new("pep_id", reason));
            Ok(None)
        };
        let id = match PepId::parse(text) {
            Err(e) => return refuse(e.to_string()),
            Ok(id) => id,
        };
        match peps::find(self.tx, &id)? {
            None => refuse(format!("no existe el {id}")),
            Some(p) if p.voided_at.is_some() => refuse(format!("{id} está anulado (repuesto)")),
            Some(p) => match self.seen_pep.insert(p.id, line) {
                Some(first) => refuse(format!("{id} repetido: ya aparece en la línea {first}")),
                None => Ok(Some(p.id)),
            },
        }
    }

    /// Why `n` cannot be a guía of `carrier` for `pep`, if it cannot.
    fn number_problem(
        &mut self,
        c: Carrier,
        n: &str,
        line: u64,
        pep: Option<i64>,
    ) -> Result<Option<String>> {
        if let Err(e) = validate_tracking(c, n) {
            return Ok(Some(e));
        }
        if let Some(first) = self.seen_number.insert(format!("{c}:{n}"), line) {
            return Ok(Some(format!(
                "guía {n} repetida: ya aparece en la línea {first}"
            )));
        }
        Ok(guias::holder_of(self.tx, c, n, pep)?
            .map(|other| format!("guía {n} ya asignada a {other}")))
    }

    /// A PEP whose legs already carry other numbers is refused (guías are not silently replaced).
    fn conflicting_legs(
        &self,
        pep: i64,
        c: Carrier,
        outbound: &str,
        ret: &str,
    ) -> Result<Option<String>> {
        for leg in guias::legs_of(self.tx, pep)? {
            let want = match leg.direction {
                Direction::Outbound => outbound,
                Direction::Return => ret,
            };
            if leg.carrier != c || leg.tracking != want {
                return Ok(Some(format!(
                    "ya tiene guía de {} {} {}",
                    leg.direction.as_str(),
                    leg.carrier,
                    leg.tracking
                )));
            }
        }
        Ok(None)
    }
}
