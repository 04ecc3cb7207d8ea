//! What went wrong in each use case, one enum per use case, each variant saying what happened
//! with typed fields. They convert into [`super::OpsError`] with `From`; `web::error` maps each
//! variant to a status code in one place. The messages are the Spanish ones users read.

use std::path::PathBuf;

use super::OpsError;
use crate::domain::pep::PepId;

/// Creating or finding a shipping batch.
#[derive(Debug, thiserror::Error)]
pub enum BatchError {
    #[error("name: el nombre del lote debe tener de 1 a 80 caracteres")]
    BadName,
    #[error("name: {0}")]
    NameText(crate::domain::text::TextError),
    #[error("entity: «{entity}» no es una entidad de esta elección ({})", allowed.join(", "))]
    UnknownEntity {
        entity: String,
        allowed: Vec<String>,
    },
    #[error("entity: {0}")]
    BadEntity(crate::domain::entity::BadEntityCode),
    #[error("country: «{0}» no es un código ISO 3166-1 alfa-2")]
    UnknownCountry(String),
    #[error("name: ya existe un lote «{0}»")]
    NameTaken(String),
    #[error("no hay PEP sin lote que coincidan con esos filtros")]
    NothingToBatch,
    #[error("no existe el lote {0}")]
    NoSuchBatch(i64),
}

/// Printing a batch's documents.
#[derive(Debug, thiserror::Error)]
pub enum DocumentsError {
    /// The batch failed validation: every problem found; nothing was written.
    #[error("el lote no pasa la validación ({} problemas); no se generó nada:\n{}", problems.len(), problems.join("\n"))]
    Refused { problems: Vec<String> },
    /// Rendering failed after validation passed (a bug or a resource problem, not bad input).
    #[error("no se pudo generar el documento: {0}")]
    Render(#[from] crate::documents::DocumentError),
    /// The output directory could not be written.
    #[error("{}: {source}", path.display())]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    /// The document store or its audit writer stopped: the client may retry.
    #[error("documentos no disponibles: {0}; intente de nuevo")]
    Unavailable(&'static str),
    /// The download's audit record could not be written.
    #[error("no se pudo registrar la impresión en la auditoría: {0}")]
    AuditFailed(String),
}

/// Asking for one PEP by its id.
#[derive(Debug, thiserror::Error)]
pub enum PepError {
    /// Unknown, or not a PEP id at all: the API's one answer for both.
    #[error("no existe el PEP «{0}»")]
    NotFound(String),
    #[error("no existe el {0}")]
    Unknown(PepId),
    /// A page asked for something that is not a PEP id.
    #[error("{0}")]
    NotAnId(crate::domain::pep::BadPepId),
    #[error("{0} ya fue anulado por una reposición")]
    AlreadyVoided(PepId),
    #[error("el sobre de {0} ya se recibió: no se repone un PEP cuyo voto llegó")]
    AlreadyReceived(PepId),
    /// A form gave something that is not a PEP id.
    #[error("pep_id: {0}")]
    BadId(crate::domain::pep::BadPepId),
    #[error("reason: explique el motivo de la reposición (5 a 500 caracteres)")]
    BadReason,
    #[error("reason: {0}")]
    ReasonText(crate::domain::text::TextError),
    /// A corrected address that the list's rules refuse (every problem, `field: reason`).
    #[error("domicilio corregido: {}", .0.iter().map(|e| format!("{}: {}", e.field, e.reason)).collect::<Vec<_>>().join("; "))]
    BadAddress(Vec<crate::domain::lnere::FieldError>),
    #[error("domicilio corregido: es igual al domicilio al que se envió {0}")]
    AddressUnchanged(PepId),
}

/// Reading and recording a scan at reception.
#[derive(Debug, thiserror::Error)]
pub enum CheckinError {
    /// The station's name (its limits are stated once, in `StationName`).
    #[error(transparent)]
    BadStation(#[from] crate::domain::checkin::BadStationName),
    /// The writer that records scans is shutting down or gone: the client may retry.
    #[error("{0}")]
    Stopped(&'static str),
    /// The writer failed before it recorded the scan (its error, worded once for every
    /// scan of the group).
    #[error("{0}")]
    Failed(String),
}

/// Moving the receipt cutoff.
#[derive(Debug, thiserror::Error)]
pub enum CutoffError {
    #[error("reason: indique el motivo (acuerdo, oficio…) de 5 a 500 caracteres")]
    BadReason,
    #[error("reason: {0}")]
    ReasonText(crate::domain::text::TextError),
    #[error("receipt_cutoff: fecha y hora esperadas como AAAA-MM-DDTHH:MM")]
    BadFormat,
    #[error("receipt_cutoff: {0}")]
    NotALocalTime(String),
    #[error("{0}")]
    PollsOpening(String),
    #[error("receipt_cutoff: debe ser anterior a la apertura de la votación")]
    AfterPollsOpen,
    #[error("receipt_cutoff: es el corte vigente")]
    Unchanged,
}

/// Loading the election file (`init`).
#[derive(Debug, thiserror::Error)]
pub enum ElectionFileError {
    #[error(transparent)]
    Invalid(#[from] crate::domain::election::ElectionError),
    /// A return address the labels cannot print (it names the key).
    #[error(transparent)]
    ReturnAddress(crate::documents::DocumentError),
    #[error("name: esta base de datos es de la elección «{stored}»; use otra base (--db) para «{given}»")]
    OtherElection { stored: String, given: String },
    #[error("entities: la entidad {0} ya tiene electores importados y no puede quitarse")]
    EntityInUse(String),
}

/// Staff accounts and bearer tokens.
#[derive(Debug, thiserror::Error)]
pub enum AccountError {
    #[error("name: «{0}» debe tener de 1 a 40 caracteres a-z, 0-9, punto, guion o guion bajo")]
    BadName(String),
    #[error("password: al menos {0} caracteres")]
    ShortPassword(usize),
    #[error("name: ya existe un token «{0}»")]
    TokenTaken(String),
    #[error("name: no hay un token vigente «{0}»")]
    NoSuchToken(String),
    #[error("name: no existe el usuario «{0}»")]
    NoSuchUser(String),
    #[error("entity: solo una cuenta de consulta (viewer) puede limitarse a entidades, no una de rol {0}")]
    ScopedRole(crate::domain::role::Role),
    #[error("entity: {0}")]
    BadScope(#[from] crate::domain::scope::ScopeError),
}

/// Searching the list.
#[derive(Debug, thiserror::Error)]
pub enum SearchError {
    #[error("q: escriba qué buscar")]
    Empty,
    #[error("La búsqueda por {0} está reservada a administración y envíos; busque por identificador de PEP o número de guía.")]
    Reserved(&'static str),
}

/// The reception documents (MEC lists, custody act, late list).
#[derive(Debug, thiserror::Error)]
pub enum ReceptionDocsError {
    #[error("no existe la MEC {entity}-{mec}")]
    NoSuchMec { entity: String, mec: i64 },
    #[error("no se pudo generar el documento: {0}")]
    Render(#[from] crate::documents::DocumentError),
}

/// The key file: the storage layer reads and writes it (the database needs its audit key).
pub use crate::storage::keys::KeyFileError;

/// Background work of the demo and the poller.
#[derive(Debug, thiserror::Error)]
pub enum TaskError {
    /// A blocking task panicked or was cancelled.
    #[error("tarea interna interrumpida: {0}")]
    Interrupted(String),
    /// A generated demo file was refused by its own importer.
    #[error("{0}")]
    DemoData(String),
}

/// Importing a file of rows (the LNERE list, the guías): all rows or none.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("{errors} errores en {file}: no se {what}")]
    Refused {
        errors: u64,
        file: String,
        /// What did not happen, in words: «importó ninguna fila», «asignó ninguna guía».
        what: &'static str,
    },
    /// The input could not be read at all.
    #[error("line {line}: row: no se pudo leer el archivo: {reason}")]
    Read { line: u64, reason: String },
    #[error("{0}: el archivo no tiene filas de electores")]
    Empty(String),
    #[error("la recepción de sobres ya comenzó: la LNERE ya no puede cambiar")]
    ReceptionStarted,
    #[error("se generaron {peps} PEP para {rows} electores: importación revertida")]
    Mismatch { peps: u64, rows: u64 },
}

impl ImportError {
    /// The one answer to a file that was not taken: `what` did not happen to `file`; a row
    /// parser's own failure (the database) passes through as it was.
    pub fn of_file(
        e: crate::domain::csv_rows::CsvError<OpsError>,
        file: &str,
        what: &'static str,
    ) -> OpsError {
        use crate::domain::csv_rows::CsvError;
        match e {
            CsvError::Refused { errors } => ImportError::Refused {
                errors,
                file: file.to_string(),
                what,
            }
            .into(),
            CsvError::Read { line, reason } => ImportError::Read { line, reason }.into(),
            CsvError::Parser(e) => e,
        }
    }
}

/// The audit trail: checkpoints and backups.
#[derive(Debug, thiserror::Error)]
pub enum AuditError {
    #[error("la bitácora está ALTERADA ({0}): no se firma un punto de control")]
    Broken(String),
    #[error("punto de control: {0}")]
    BadCheckpoint(String),
    #[error("{}: ya existe; elija otro nombre", .0.display())]
    BackupExists(std::path::PathBuf),
}

/// Running the installation: scheduled backups, restoring one, purging personal data.
#[derive(Debug, thiserror::Error)]
pub enum MaintenanceError {
    #[error(
        "los datos personales se pueden borrar a partir del {purge_after} \
         (purge_after del archivo de la elección); hoy es {today}"
    )]
    TooEarly {
        purge_after: chrono::NaiveDate,
        today: chrono::NaiveDate,
    },
    #[error("{}: {reason}", .path.display())]
    File {
        path: std::path::PathBuf,
        reason: String,
    },
    #[error("{}: la copia no pasa la revisión: {reason}", .path.display())]
    BadCopy {
        path: std::path::PathBuf,
        reason: String,
    },
}
