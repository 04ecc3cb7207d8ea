//! The document store's files on disk (`<db>.docs/cache/batch-N/`): which render makes which
//! file, the fingerprint of what a render read, and the blocking work of one job: load the
//! files of a batch back when their stored SHA-256 still matches, or else render them once
//! (`ops::documents::render`, audited there) and write them owner-only, whole or not at all.
//! Runs on a blocking thread, never on a request thread.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use chrono::{DateTime, Utc};
use sha2::{Digest, Sha256};

use super::{documents, Actor, Result};
use crate::documents::LabelLayout;
use crate::domain::document::BatchDocument;
use crate::storage::doc_cache::{self, StoredFile};
use crate::storage::files;
use crate::storage::Db;

/// The render that makes this file.
pub fn set_of(file: BatchDocument) -> DocSet {
    match file {
        BatchDocument::Labels4x6 => DocSet::Thermal,
        _ => DocSet::Letter,
    }
}

/// One render of a batch and the files kept from it: the letter-sheet render keeps the
/// manifest, the labels and the courier file; the thermal render keeps its 4 × 6 labels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DocSet {
    Letter,
    Thermal,
}

impl DocSet {
    pub fn layout(self) -> LabelLayout {
        match self {
            DocSet::Letter => LabelLayout::LetterSheet,
            DocSet::Thermal => LabelLayout::Thermal4x6,
        }
    }

    pub fn files(self) -> &'static [BatchDocument] {
        match self {
            DocSet::Letter => &[
                BatchDocument::Manifest,
                BatchDocument::Labels,
                BatchDocument::CourierCsv,
            ],
            DocSet::Thermal => &[BatchDocument::Labels4x6],
        }
    }
}

/// One file's bytes as verified or rendered, shared by every request that serves it.
#[derive(Debug, Clone)]
pub struct Doc {
    pub file: BatchDocument,
    pub bytes: Arc<[u8]>,
    /// Hex SHA-256 of `bytes`.
    pub sha256: String,
    pub peps: usize,
}

/// The outcome of one job: the files of its set, and whether they were rendered (and so
/// already audited as printed) rather than loaded from disk.
#[derive(Debug)]
pub struct Produced {
    pub docs: Vec<Doc>,
    pub rendered: bool,
}

/// What a job needs: the database, the code key, and the store's directory.
#[derive(Debug, Clone)]
pub struct Ctx {
    pub db: Arc<Db>,
    pub key: [u8; 32],
    pub dir: PathBuf,
}

/// Hex SHA-256 of everything a render depends on: this program's version, the batch, its
/// stamp (renewed by the database on every change the documents print), the label layout,
/// and which code key signs the labels.
pub fn fingerprint(batch_id: i64, stamp: &[u8], set: DocSet, key: &[u8; 32]) -> String {
    let mut h = Sha256::new();
    h.update(b"pep-tracker batch documents 1\0");
    h.update(env!("CARGO_PKG_VERSION").as_bytes());
    h.update(batch_id.to_le_bytes());
    h.update((stamp.len() as u64).to_le_bytes());
    h.update(stamp);
    h.update(format!("{:?}", set.layout()).as_bytes());
    h.update(Sha256::digest(key));
    hex::encode(h.finalize())
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

fn batch_dir(dir: &Path, batch_id: i64) -> PathBuf {
    dir.join(format!("batch-{batch_id}"))
}

/// The files of `set` from disk when each is recorded under `fp` and its bytes hash to the
/// recorded digest; otherwise a fresh render, written and recorded. `actor` is audited as
/// having printed them when they are rendered.
pub fn load_or_render(
    ctx: &Ctx,
    batch_id: i64,
    set: DocSet,
    fp: &str,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<Produced> {
    if let Some(docs) = load(ctx, batch_id, set, fp)? {
        return Ok(Produced {
            docs,
            rendered: false,
        });
    }
    let rendered = match documents::render(&ctx.db, &ctx.key, batch_id, set.layout(), actor, now) {
        Ok(r) => r,
        Err(e) => {
            // What is on disk is stale (or corrupt) and the batch no longer renders, say after
            // its personal data was purged: nothing of it is kept.
            discard(ctx, batch_id, set);
            return Err(e);
        }
    };
    let docs: Vec<Doc> = set
        .files()
        .iter()
        .map(|&file| {
            let bytes: &[u8] = match file {
                BatchDocument::Manifest => &rendered.manifest,
                BatchDocument::CourierCsv => &rendered.courier,
                BatchDocument::Labels | BatchDocument::Labels4x6 => &rendered.labels,
            };
            Doc {
                file,
                sha256: sha256_hex(bytes),
                bytes: Arc::from(bytes),
                peps: rendered.peps,
            }
        })
        .collect();
    // The documents are printed and audited: a disk or database problem below costs only a
    // render next time, so it is logged and the request is still served.
    if let Err(e) = keep(ctx, batch_id, fp, &docs, now) {
        log::warn!("documentos del lote {batch_id}: no se guardaron: {e}");
    }
    Ok(Produced {
        docs,
        rendered: true,
    })
}

/// The recorded, intact files of the set; `None` when any is missing, stale or corrupt.
fn load(ctx: &Ctx, batch_id: i64, set: DocSet, fp: &str) -> Result<Option<Vec<Doc>>> {
    let mut docs = Vec::new();
    for &file in set.files() {
        let stored = ctx
            .db
            .read(|c| doc_cache::stored_file(c, batch_id, file.file_name()))?;
        let Some(stored) = stored.filter(|s| s.fingerprint == fp) else {
            return Ok(None);
        };
        let path = batch_dir(&ctx.dir, batch_id).join(file.file_name());
        let bytes = match std::fs::read(&path) {
            Ok(b) => b,
            Err(e) => {
                log::warn!("{}: {e}; se vuelve a generar", path.display());
                return Ok(None);
            }
        };
        let sha256 = sha256_hex(&bytes);
        if bytes.len() as u64 != stored.size || sha256 != stored.sha256 {
            log::warn!(
                "{}: el contenido no coincide con su SHA-256 registrado; se vuelve a generar",
                path.display()
            );
            return Ok(None);
        }
        docs.push(Doc {
            file,
            bytes: Arc::from(bytes),
            sha256,
            peps: stored.peps,
        });
    }
    Ok(Some(docs))
}

/// Removes the set's files from disk (a missing file is already gone).
fn discard(ctx: &Ctx, batch_id: i64, set: DocSet) {
    for f in set.files() {
        let path = batch_dir(&ctx.dir, batch_id).join(f.file_name());
        match std::fs::remove_file(&path) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => log::warn!("{}: {e}", path.display()),
        }
    }
}

/// Writes each file owner-only beside its final name, renames it into place, then records
/// the digests.
fn keep(
    ctx: &Ctx,
    batch_id: i64,
    fp: &str,
    docs: &[Doc],
    now: DateTime<Utc>,
) -> std::result::Result<(), String> {
    let dir = batch_dir(&ctx.dir, batch_id);
    files::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    for d in docs {
        files::replace(&dir, d.file.file_name(), &d.bytes)
            .map_err(|e| format!("{}: {e}", dir.join(d.file.file_name()).display()))?;
    }
    let rows: Vec<StoredFile> = docs
        .iter()
        .map(|d| StoredFile {
            file: d.file.file_name().to_string(),
            fingerprint: fp.to_string(),
            sha256: d.sha256.clone(),
            size: d.bytes.len() as u64,
            peps: d.peps,
        })
        .collect();
    ctx.db
        .write(|tx| doc_cache::record_files(tx, batch_id, &rows, now))
        .map_err(|e| e.to_string())
}
