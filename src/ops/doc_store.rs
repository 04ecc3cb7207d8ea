//! The document store: a batch's manifest, labels and courier file rendered once, kept on disk
//! beside the database (`<db>.docs/cache/batch-N/`, owner-only, each file's SHA-256 recorded)
//! and redone when the batch changes (see migration 0009's stamps and
//! [`doc_files::fingerprint`]). Serving asks the database for the batch's stamp (one row),
//! then answers from memory; otherwise one job on a blocking thread loads the files back
//! (verifying each digest) or renders them, and every request for that batch waits for it
//! asynchronously, holding no request thread. Verified bytes stay in memory (up to
//! [`MEMORY_BUDGET`]), so a file is read and hashed once per process and what is served is
//! always what was verified. At most [`STREAMS`] bodies are sent at once. Every download is
//! audited as today (`batch.documents`, by the actor): a render by its own record, a stored
//! copy by one of its own ([`PrintAudit`]).

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use chrono::{DateTime, Utc};
use tokio::sync::{watch, OwnedSemaphorePermit, Semaphore};

use super::doc_files::{self, Ctx, Doc, DocSet, Produced};
use super::errors::{BatchError, DocumentsError};
use super::print_audit::{PrintAudit, PrintRecord};
use super::{Actor, OpsError, Result};
use crate::domain::document::BatchDocument;
use crate::storage::{doc_cache, Db};

/// Most bytes of verified documents kept in memory; the least recently served go first.
pub const MEMORY_BUDGET: usize = 256 << 20;

/// Most document bodies sent at once; other downloads wait their turn without a thread, so a
/// loop of downloads never fills the request workers' queues ahead of a check-in.
pub const STREAMS: usize = 2;

/// One job's outcome, shared by every request that waited for it.
type Outcome = std::result::Result<Arc<Produced>, Arc<OpsError>>;

/// The file served: its verified bytes and their SHA-256, and a turn to send them (held
/// until the body is dropped).
#[derive(Debug)]
pub struct Served {
    pub bytes: Arc<[u8]>,
    pub sha256: String,
    pub turn: OwnedSemaphorePermit,
}

struct Hot {
    fingerprint: String,
    doc: Doc,
    used: u64,
}

#[derive(Default)]
struct State {
    hot: HashMap<(i64, BatchDocument), Hot>,
    hot_bytes: usize,
    tick: u64,
    jobs: HashMap<(i64, DocSet, String), watch::Receiver<Option<Outcome>>>,
}

struct Shared {
    ctx: Ctx,
    audit: PrintAudit,
    state: Mutex<State>,
    renders: AtomicU64,
    streams: Arc<Semaphore>,
}

/// The handle web handlers fetch documents through (cheap to clone).
#[derive(Clone)]
pub struct DocStore {
    shared: Arc<Shared>,
}

/// The store's directory for the database at `db_path`: `<db>.docs/cache`.
pub fn dir_for(db_path: &Path) -> PathBuf {
    db_path.with_extension("docs").join("cache")
}

impl DocStore {
    /// A store over `db`, kept in [`dir_for`] its path, for labels signed with `key`.
    pub fn new(db: Arc<Db>, key: [u8; 32]) -> DocStore {
        let dir = dir_for(db.path());
        DocStore {
            shared: Arc::new(Shared {
                audit: PrintAudit::start(db.clone()),
                ctx: Ctx { db, key, dir },
                state: Mutex::new(State::default()),
                renders: AtomicU64::new(0),
                streams: Arc::new(Semaphore::new(STREAMS)),
            }),
        }
    }

    /// Renders done by this store since it started.
    pub fn renders(&self) -> u64 {
        self.shared.renders.load(Ordering::Relaxed)
    }

    /// The file of the batch as it stands now, audited as printed by `actor`.
    pub async fn fetch(
        &self,
        batch_id: i64,
        file: BatchDocument,
        actor: &Actor,
        now: DateTime<Utc>,
    ) -> Result<Served> {
        let ctx = &self.shared.ctx;
        let batch = ctx
            .db
            .read(|c| doc_cache::stamp(c, batch_id))?
            .ok_or(BatchError::NoSuchBatch(batch_id))?;
        let fp = doc_files::fingerprint(batch_id, &batch.stamp, doc_files::set_of(file), &ctx.key);
        let (doc, audited) = match self.hot(batch_id, file, &fp) {
            Some(doc) => (doc, false),
            None => {
                let (rx, leader) = self.job(batch_id, doc_files::set_of(file), fp, actor, now);
                let produced = wait(rx).await?;
                let doc = produced
                    .docs
                    .iter()
                    .find(|d| d.file == file)
                    .cloned()
                    .ok_or(DocumentsError::Unavailable("documento no generado"))?;
                (doc, leader && produced.rendered)
            }
        };
        if !audited {
            self.audit_copy(batch_id, &batch.name, &doc, actor, now)
                .await?;
        }
        let turn = self
            .shared
            .streams
            .clone()
            .acquire_owned()
            .await
            .map_err(|_| DocumentsError::Unavailable("el almacén de documentos se cerró"))?;
        Ok(Served {
            bytes: doc.bytes,
            sha256: doc.sha256,
            turn,
        })
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.shared
            .state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn hot(&self, batch_id: i64, file: BatchDocument, fp: &str) -> Option<Doc> {
        let mut st = self.lock();
        st.tick += 1;
        let tick = st.tick;
        let hot = st.hot.get_mut(&(batch_id, file))?;
        if hot.fingerprint != fp {
            return None;
        }
        hot.used = tick;
        Some(hot.doc.clone())
    }

    /// Joins the job making this set under this fingerprint, or starts it (then `true`: this
    /// request leads it, and a render it makes is audited under `actor`).
    fn job(
        &self,
        batch_id: i64,
        set: DocSet,
        fp: String,
        actor: &Actor,
        now: DateTime<Utc>,
    ) -> (watch::Receiver<Option<Outcome>>, bool) {
        let key = (batch_id, set, fp.clone());
        let mut st = self.lock();
        // A job whose thread died (its sender gone) is replaced rather than joined.
        if let Some(rx) = st.jobs.get(&key).filter(|rx| rx.has_changed().is_ok()) {
            return (rx.clone(), false);
        }
        let (tx, rx) = watch::channel(None);
        st.jobs.insert(key.clone(), rx.clone());
        drop(st);
        let store = self.clone();
        let actor = actor.clone();
        tokio::task::spawn_blocking(move || {
            let shared = &store.shared;
            let outcome = doc_files::load_or_render(&shared.ctx, batch_id, set, &fp, &actor, now)
                .map(Arc::new)
                .map_err(Arc::new);
            let mut st = store.lock();
            if let Ok(p) = &outcome {
                if p.rendered {
                    shared.renders.fetch_add(1, Ordering::Relaxed);
                }
                for d in &p.docs {
                    keep_hot(&mut st, batch_id, &fp, d);
                }
            }
            st.jobs.remove(&key);
            drop(st);
            let _ = tx.send(Some(outcome));
        });
        (rx, true)
    }

    /// Audits a download served from the store, as a render would have been (group commit:
    /// see [`PrintAudit`]).
    async fn audit_copy(
        &self,
        batch_id: i64,
        name: &str,
        doc: &Doc,
        actor: &Actor,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let detail = format!(
            "lote «{name}»: {}, {} PEP, copia guardada (sha256 {})",
            doc.file.file_name(),
            doc.peps,
            doc.sha256
        );
        self.shared
            .audit
            .record(PrintRecord {
                actor: actor.clone(),
                batch_id,
                detail,
                at: now,
            })
            .await
    }
}

/// Keeps a verified document in memory, evicting the least recently served beyond the budget.
fn keep_hot(st: &mut State, batch_id: i64, fp: &str, doc: &Doc) {
    if let Some(old) = st.hot.remove(&(batch_id, doc.file)) {
        st.hot_bytes -= old.doc.bytes.len();
    }
    let size = doc.bytes.len();
    if size > MEMORY_BUDGET {
        return;
    }
    while st.hot_bytes + size > MEMORY_BUDGET {
        let Some(oldest) = st.hot.iter().min_by_key(|(_, h)| h.used).map(|(k, _)| *k) else {
            break;
        };
        if let Some(gone) = st.hot.remove(&oldest) {
            st.hot_bytes -= gone.doc.bytes.len();
        }
    }
    st.tick += 1;
    let used = st.tick;
    st.hot_bytes += size;
    st.hot.insert(
        (batch_id, doc.file),
        Hot {
            fingerprint: fp.to_string(),
            doc: doc.clone(),
            used,
        },
    );
}

/// Waits, without holding a thread, for the job's outcome.
async fn wait(mut rx: watch::Receiver<Option<Outcome>>) -> Result<Arc<Produced>> {
    let outcome = rx
        .wait_for(Option::is_some)
        .await
        .map_err(|_| DocumentsError::Unavailable("la generación de documentos se detuvo"))?
        .clone();
    match outcome {
        Some(Ok(p)) => Ok(p),
        Some(Err(e)) => Err(OpsError::Shared(e)),
        None => Err(DocumentsError::Unavailable("documentos no generados").into()),
    }
}
