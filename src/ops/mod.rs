//! Use cases shared by web, CLI and poller. Each takes the database, the actor and `now`.

pub mod audit;
pub mod audit_job;
pub mod backups;
pub mod batches;
pub mod campaign;
pub mod checkin;
pub mod checkin_queue;
pub mod demo;
pub mod demo_data;
pub mod demo_live;
pub mod doc_files;
pub mod doc_store;
pub mod documents;
pub mod dossier;
pub mod election;
pub mod election_cutoff;
pub mod errors;
pub mod group_commit;
pub mod guias;
pub mod import;
pub mod inbox;
pub mod keys;
pub mod lookup;
pub mod maps;
pub mod metrics;
pub mod notices;
pub mod pep_view;
pub mod principal;
pub mod print_audit;
pub mod progress;
pub mod purge;
pub mod queues;
pub mod reception_docs;
pub mod reconcile;
pub mod reissue;
pub mod reports;
pub mod restore;
pub mod search;
pub mod stats;
pub mod subscriptions;
pub mod sync;
pub mod users;

use crate::storage::StorageError;

/// Any use case's error: the shared cases (the database, no election loaded) and each use
/// case's own enum (see [`errors`]), converted with `From`. `web::error` maps every variant to
/// one status code in one place.
#[derive(Debug, thiserror::Error)]
pub enum OpsError {
    #[error(transparent)]
    Storage(#[from] StorageError),
    #[error("no hay elección cargada: ejecute `pep-tracker init --election ARCHIVO.toml`")]
    NoElection,
    #[error(transparent)]
    Batch(#[from] errors::BatchError),
    #[error(transparent)]
    Documents(#[from] errors::DocumentsError),
    #[error(transparent)]
    Pep(#[from] errors::PepError),
    #[error(transparent)]
    Checkin(#[from] errors::CheckinError),
    #[error(transparent)]
    Cutoff(#[from] errors::CutoffError),
    #[error(transparent)]
    ElectionFile(#[from] errors::ElectionFileError),
    #[error(transparent)]
    Account(#[from] errors::AccountError),
    #[error(transparent)]
    Search(#[from] errors::SearchError),
    #[error(transparent)]
    ReceptionDocs(#[from] errors::ReceptionDocsError),
    #[error(transparent)]
    KeyFile(#[from] errors::KeyFileError),
    #[error(transparent)]
    Task(#[from] errors::TaskError),
    #[error(transparent)]
    Import(#[from] errors::ImportError),
    /// One error shared by every request that waited for the same background job.
    #[error(transparent)]
    Shared(std::sync::Arc<OpsError>),
    #[error(transparent)]
    Audit(#[from] errors::AuditError),
    #[error(transparent)]
    Maintenance(#[from] errors::MaintenanceError),
}

pub type Result<T, E = OpsError> = std::result::Result<T, E>;

/// Who makes a change, as written in the audit trail: `user:ana`, `token:poller`, `cli`, `system`;
/// for a web request, also the request's id, which the use case's log lines carry (never the
/// audit trail: the trail says who, the logs say which request).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    who: String,
    request: Option<String>,
}

impl Actor {
    fn named(who: String) -> Actor {
        Actor { who, request: None }
    }
    pub fn user(name: &str) -> Actor {
        Actor::named(format!("user:{name}"))
    }
    pub fn token(name: &str) -> Actor {
        Actor::named(format!("token:{name}"))
    }
    /// The command line, run by the operating-system user given (or unknown).
    pub fn cli() -> Actor {
        let who = std::env::var("USER").unwrap_or_else(|_| "?".into());
        Actor::named(format!("cli:{who}"))
    }
    pub fn system() -> Actor {
        Actor::named("system".into())
    }
    /// The same actor, acting within the web request `id`.
    pub fn in_request(mut self, id: Option<&str>) -> Actor {
        self.request = id.map(str::to_string);
        self
    }
    pub fn as_str(&self) -> &str {
        &self.who
    }
    pub fn request_id(&self) -> Option<&str> {
        self.request.as_deref()
    }
    /// A log line of the use case `what` done by this actor, with its request id (no personal
    /// data: `what` names the action and its public subject, e.g. a batch id).
    pub fn log(&self, what: &str) {
        tracing::info!(
            target: "pep_tracker::use_case",
            request_id = self.request_id().unwrap_or("-"),
            actor = %self.who,
            "{what}"
        );
    }
}

impl std::fmt::Display for Actor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.who)
    }
}
