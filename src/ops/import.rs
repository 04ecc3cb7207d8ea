//! Importing the LNERE postal list: streamed, validated row by row, all rows or none.

use std::io::Read;

use chrono::{DateTime, Utc};
use sha2::{Digest, Sha256};

use super::{Actor, OpsError, Result};
use crate::domain::lnere;
use crate::storage::electors::{Conflict, ImportWriter};
use crate::storage::{audit, election, peps, reception, Db};

/// One refused field of one line, printed as `line N: field: reason`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowError {
    pub line: u64,
    pub field: &'static str,
    pub reason: String,
}

impl std::fmt::Display for RowError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "line {}: {}: {}", self.line, self.field, self.reason)
    }
}

/// What a successful import did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportReport {
    pub import_id: i64,
    pub rows: i64,
    pub file_sha256: String,
}

/// Callbacks of a running import: bytes read so far, and each refused field as found.
pub struct Observer<'a> {
    pub progress: &'a mut dyn FnMut(u64),
    pub error: &'a mut dyn FnMut(&RowError),
}

/// Reads `input` (the CONTRACT.md CSV) and imports every row, or none when any row is bad.
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
        let mut rdr = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .buffer_capacity(1 << 16)
            .from_reader(&mut hashing);
        let mut writer = ImportWriter::begin(tx, file_name, actor.as_str(), now)?;
        let errors = read_rows(&mut rdr, &mut writer, &elec.entities, obs)?;
        drop(rdr);
        if errors > 0 {
            return Err(OpsError::Invalid(format!(
                "{errors} errores en {file_name}: no se importó ninguna fila"
            )));
        }
        let sha = hex::encode(hashing.sha.clone().finalize());
        let import_id = writer.import_id();
        let rows = writer.finish(&sha)?;
        if rows == 0 {
            return Err(OpsError::Invalid(format!(
                "{file_name}: el archivo no tiene filas de electores"
            )));
        }
        if reception::any_checkin(tx)? {
            return Err(OpsError::Conflict(
                "la recepción de sobres ya comenzó: la LNERE ya no puede cambiar".into(),
            ));
        }
        let peps = peps::create_for_import(tx, import_id, now)?;
        reception::assign_mecs(tx, elec.max_electors_per_mec)?;
        if peps != rows {
            return Err(OpsError::Conflict(format!(
                "se generaron {peps} PEP para {rows} electores: importación revertida"
            )));
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

/// Validates and inserts each row; returns the number of errors reported.
fn read_rows<R: Read>(
    rdr: &mut csv::Reader<R>,
    writer: &mut ImportWriter,
    entities: &[String],
    obs: Observer,
) -> Result<u64> {
    let mut errors = 0u64;
    let mut report = |e: RowError| {
        errors += 1;
        (obs.error)(&e);
    };
    let mut rec = csv::StringRecord::new();
    let mut header_seen = false;
    loop {
        let line = rdr.position().line();
        match rdr.read_record(&mut rec) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => match e.kind() {
                csv::ErrorKind::Utf8 { .. } => {
                    let line = e.position().map_or(line, |p| p.line());
                    report(RowError {
                        line,
                        field: "row",
                        reason: "no es texto UTF-8 válido".into(),
                    });
                    header_seen = true;
                    continue;
                }
                _ => return Err(OpsError::Invalid(format!("line {line}: row: {e}"))),
            },
        }
        let line = rec.position().map_or(line, |p| p.line());
        if line.is_multiple_of(4096) {
            (obs.progress)(rec.position().map_or(0, |p| p.byte()));
        }
        if !header_seen {
            header_seen = true;
            if let Err(e) = lnere::check_header(rec.iter()) {
                report(RowError {
                    line,
                    field: e.field,
                    reason: e.reason,
                });
                return Ok(errors);
            }
            continue;
        }
        let mut fields = [""; lnere::HEADER.len()];
        if rec.len() != fields.len() {
            report(RowError {
                line,
                field: "row",
                reason: format!("tiene {} campos, se esperaban {}", rec.len(), fields.len()),
            });
            continue;
        }
        fields.iter_mut().zip(rec.iter()).for_each(|(f, v)| *f = v);
        match lnere::parse_row(&fields, entities) {
            Err(errs) => errs.into_iter().for_each(|e| {
                report(RowError {
                    line,
                    field: e.field,
                    reason: e.reason,
                })
            }),
            Ok(elector) => match writer.insert(&elector, line)? {
                None => {}
                Some(c) => report(RowError {
                    line,
                    field: "elector_key",
                    reason: match c {
                        Conflict::InFile(first) => {
                            format!("{} repetida: ya aparece en la línea {first}", elector.key)
                        }
                        Conflict::InDatabase => {
                            format!("{} ya está en la lista importada", elector.key)
                        }
                    },
                }),
            },
        }
    }
    if !header_seen {
        report(RowError {
            line: 1,
            field: "header",
            reason: "archivo vacío".into(),
        });
    }
    Ok(errors)
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
