//! Importing the LNERE postal list: streamed through the one CSV reader
//! ([`crate::domain::csv_rows`]), validated row by row, all rows or none.

use std::io::Read;

use chrono::{DateTime, Utc};
use sha2::{Digest, Sha256};

use super::errors::ImportError;
use super::{Actor, OpsError, Result};
use crate::domain::csv_rows::{self, FieldError, RowOutcome};
pub use crate::domain::csv_rows::{Observer, RowError};
use crate::domain::lnere;
use crate::storage::electors::{Conflict, ImportWriter};
use crate::storage::{audit, election, peps, reception, Db};

/// What a successful import did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportReport {
    pub import_id: i64,
    pub rows: i64,
    pub file_sha256: String,
}

/// Reads `input` (the LNERE CSV of docs/csv-formats.md) and imports every row, or none when any row is bad.
pub fn import_lnere(
    db: &Db,
    input: impl Read,
    file_name: &str,
    actor: &Actor,
    now: DateTime<Utc>,
    obs: Observer,
) -> Result<ImportReport> {
    let mut hashing = Hashing {
        inner: input,
        sha: Sha256::new(),
    };
    db.write(|tx| {
        let elec = election::load(tx)?.ok_or(OpsError::NoElection)?;
        let mut writer = ImportWriter::begin(tx, file_name, actor.as_str(), now)?;
        let read = csv_rows::read_all(
            &mut hashing,
            &lnere::HEADER,
            |line, fields| insert_row(&mut writer, line, fields, &elec.entities),
            obs,
        );
        read.map_err(|e| ImportError::of_file(e, file_name, "importó ninguna fila"))?;
        let sha = hex::encode(hashing.sha.clone().finalize());
        let import_id = writer.import_id();
        let rows = writer.finish(&sha)?;
        if rows == 0 {
            return Err(ImportError::Empty(file_name.to_string()).into());
        }
        if reception::any_checkin(tx)? {
            return Err(ImportError::ReceptionStarted.into());
        }
        let peps = peps::create_for_import(tx, import_id, now)?;
        reception::assign_mecs(tx, elec.max_electors_per_mec)?;
        if peps != rows {
            return Err(ImportError::Mismatch {
                peps: peps as u64,
                rows: rows as u64,
            }
            .into());
        }
        let detail = format!("{rows} electores importados de {file_name}, {peps} PEP generados");
        audit::append(
            tx,
            &audit::AuditEntry {
                actor: actor.as_str(),
                action: "lnere.import",
                subject: &format!("import:{import_id}"),
                before: None,
                after: Some(sha.as_bytes()),
                detail: &detail,
            },
            now,
        )?;
        Ok(ImportReport {
            import_id,
            rows,
            file_sha256: sha,
        })
    })
}

/// Validates one row and inserts its elector; a key already seen is a refused field.
fn insert_row(
    writer: &mut ImportWriter,
    line: u64,
    fields: &[&str],
    entities: &[String],
) -> RowOutcome<OpsError> {
    let elector = match lnere::parse_row(fields, entities) {
        Ok(elector) => elector,
        Err(errs) => return Ok(Err(errs)),
    };
    let reason = match writer.insert(&elector, line)? {
        None => return Ok(Ok(())),
        Some(Conflict::InFile(first)) => {
            format!("{} repetida: ya aparece en la línea {first}", elector.key)
        }
        Some(Conflict::InDatabase) => format!("{} ya está en la lista importada", elector.key),
    };
    Ok(Err(vec![FieldError::new("elector_key", reason)]))
}

struct Hashing<R> {
    inner: R,
    sha: Sha256,
}

impl<R: Read> Read for Hashing<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.sha.update(&buf[..n]);
        Ok(n)
    }
}
