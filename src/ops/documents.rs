//! The documents of a batch: validate the whole batch first (the 2018 lesson: a bad label file
//! misaddressed 44,197 return waybills), then write manifest.pdf, labels.pdf and courier.csv.
//! Any problem → nothing is written and every problem is listed.

use std::collections::HashMap;
use std::path::Path;

use chrono::{DateTime, Utc};

use super::errors::{BatchError, DocumentsError};
use super::{Actor, OpsError, Result};
use crate::documents::{self, BatchHeader, LabelLayout, PepLine};
use crate::domain::code::{self, EnvelopeCode};
use crate::domain::document::BatchDocument;
use crate::domain::election::Election;
use crate::domain::{geo, lnere};
use crate::storage::peps::{self, BatchPep};
use crate::storage::{audit, election, Db};

/// The three files of a batch, in memory.
pub struct BatchDocuments {
    pub manifest: Vec<u8>,
    pub labels: Vec<u8>,
    pub courier: Vec<u8>,
    pub peps: usize,
}

/// Refusal with every problem found (nothing was written).
pub fn problems_error(problems: Vec<String>) -> OpsError {
    DocumentsError::Refused { problems }.into()
}

/// Checks the batch and renders its documents; audited as printed by `actor`.
pub fn render(
    db: &Db,
    key: &[u8; 32],
    batch_id: i64,
    layout: LabelLayout,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<BatchDocuments> {
    let (elec, batch, rows) = db.read(|c| -> Result<_> {
        let e = election::load(c)?.ok_or(OpsError::NoElection)?;
        let b = peps::batch(c, batch_id)?.ok_or(BatchError::NoSuchBatch(batch_id))?;
        Ok((e, b, peps::batch_peps(c, batch_id)?))
    })?;
    let header = BatchHeader {
        election: elec.name.clone(),
        batch_name: batch.name.clone(),
        batch_id,
        generated_on: elec.local(now),
        generated_at: now,
        return_address: elec
            .return_address
            .as_ref()
            .map_or_else(Vec::new, documents::return_address_lines),
    };
    let (lines, mut problems) = validate(&elec, key, &rows);
    if lines.len() as i64 + batch.voided != batch.peps {
        problems.push(format!(
            "cuentas: {} PEP en el lote, {} válidos + {} anulados",
            batch.peps,
            lines.len(),
            batch.voided
        ));
    }
    problems.extend(
        documents::label_problems(&header, &lines, layout)
            .into_iter()
            .map(|e| e.to_string()),
    );
    if !problems.is_empty() {
        return Err(problems_error(problems));
    }
    let pdf = DocumentsError::Render;
    let docs = BatchDocuments {
        manifest: documents::manifest_pdf(&header, &lines).map_err(pdf)?,
        labels: documents::labels_pdf(&header, &lines, layout).map_err(pdf)?,
        courier: documents::courier_csv(&lines),
        peps: lines.len(),
    };
    db.write(|tx| {
        let detail = format!(
            "lote «{}»: {} PEP, etiquetas {layout:?}",
            batch.name, docs.peps
        );
        audit::append(
            tx,
            &audit::AuditEntry {
                actor: actor.as_str(),
                action: "batch.documents",
                subject: &format!("batch:{batch_id}"),
                after: Some(&docs.labels),
                detail: &detail,
                ..Default::default()
            },
            now,
        )?;
        Ok::<_, OpsError>(())
    })?;
    Ok(docs)
}

/// One file of a batch, after the whole batch passes validation (see [`render`]).
pub fn file(
    db: &Db,
    key: &[u8; 32],
    batch_id: i64,
    doc: BatchDocument,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<Vec<u8>> {
    let layout = match doc {
        BatchDocument::Labels4x6 => LabelLayout::Thermal4x6,
        _ => LabelLayout::LetterSheet,
    };
    let docs = render(db, key, batch_id, layout, actor, now)?;
    Ok(match doc {
        BatchDocument::Manifest => docs.manifest,
        BatchDocument::CourierCsv => docs.courier,
        BatchDocument::Labels | BatchDocument::Labels4x6 => docs.labels,
    })
}

/// Renders and writes `DIR/manifest.pdf`, `DIR/labels.pdf` and `DIR/courier.csv`.
pub fn write(
    db: &Db,
    key: &[u8; 32],
    batch_id: i64,
    dir: &Path,
    layout: LabelLayout,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<usize> {
    let docs = render(db, key, batch_id, layout, actor, now)?;
    let io = |source| DocumentsError::Io {
        path: dir.to_path_buf(),
        source,
    };
    crate::storage::files::create_dir_all(dir).map_err(io)?;
    // Write beside, then rename: a reader never sees half a file.
    for (name, bytes) in [
        ("manifest.pdf", &docs.manifest),
        ("labels.pdf", &docs.labels),
        ("courier.csv", &docs.courier),
    ] {
        let tmp = dir.join(format!(".{name}.tmp"));
        crate::storage::files::write(&tmp, bytes).map_err(io)?;
        std::fs::rename(&tmp, dir.join(name)).map_err(io)?;
    }
    Ok(docs.peps)
}

/// Every problem of the batch, and the label lines of its active PEPs.
fn validate(e: &Election, key: &[u8; 32], rows: &[BatchPep]) -> (Vec<PepLine>, Vec<String>) {
    let mut problems = Vec::new();
    if e.return_address.is_none() {
        problems.push("la elección no tiene dirección de retorno: agregue [return_address] al archivo de la elección y ejecute init".into());
    }
    let active: Vec<&BatchPep> = rows.iter().filter(|r| r.pep.voided_at.is_none()).collect();
    if active.is_empty() {
        problems.push("el lote no tiene PEP vigentes".into());
    }
    let mut seen: HashMap<i64, String> = HashMap::new();
    let mut lines = Vec::with_capacity(active.len());
    for r in active {
        let id = r.pep.pep_id.to_string();
        if let Some(first) = seen.insert(r.pep.elector_id, id.clone()) {
            problems.push(format!(
                "{id}: el mismo elector ya está en el lote como {first}"
            ));
        }
        match check_pep(r, key) {
            Ok(line) => lines.push(line),
            Err(errs) => problems.extend(errs.into_iter().map(|p| format!("{id}: {p}"))),
        }
    }
    (lines, problems)
}

fn check_pep(r: &BatchPep, key: &[u8; 32]) -> std::result::Result<PepLine, Vec<String>> {
    let e = r.elector.as_ref().map_err(|err| vec![err.to_string()])?;
    let a = &e.address;
    // The same field rules as the import: a row edited since then is caught here.
    let fields = [
        e.key.as_str(),
        &e.given_names,
        &e.paternal_surname,
        e.maternal_surname.as_deref().unwrap_or(""),
        &e.entity,
        &a.line1,
        a.line2.as_deref().unwrap_or(""),
        &a.city,
        a.region.as_deref().unwrap_or(""),
        &a.postal_code,
        &a.country,
        e.email.as_deref().unwrap_or(""),
        e.phone.as_deref().unwrap_or(""),
    ];
    let mut errs: Vec<String> = match lnere::parse_row(&fields, std::slice::from_ref(&e.entity)) {
        Ok(_) => Vec::new(),
        Err(list) => list
            .into_iter()
            .map(|f| format!("{}: {}", f.field, f.reason))
            .collect(),
    };
    let id = r.pep.code_id;
    let code = EnvelopeCode::issue(key, id);
    if code::parse(code.as_str()).and_then(|u| u.verify(key)).ok() != Some(id) {
        errs.push(
            "el código del sobre no se verifica (code_id fuera de rango o clave distinta)".into(),
        );
    }
    for text in [&e.full_name(), &a.line1, &a.city] {
        let bad = documents::unsupported_chars(text);
        if !bad.is_empty() {
            errs.push(format!(
                "caracteres que la fuente no puede imprimir: {bad:?}"
            ));
        }
    }
    if !errs.is_empty() {
        return Err(errs);
    }
    Ok(PepLine {
        pep_id: r.pep.pep_id.to_string(),
        recipient: e.full_name(),
        address_lines: std::iter::once(a.line1.clone())
            .chain(a.line2.clone())
            .collect(),
        city: a.city.clone(),
        region: a.region.clone(),
        postal_code: a.postal_code.clone(),
        country: a.country.clone(),
        country_name: geo::country(&a.country).map_or(a.country.clone(), |c| c.name_es.to_string()),
        phone: e.phone.clone(),
        email: e.email.clone(),
        guia: r.guia.clone(),
        code,
    })
}
