//! `batch create`, `batch documents`, `import-guias` and `reissue`: the shipping desk.

use std::path::Path;
use std::process::ExitCode;

use chrono::Utc;
use clap::{Args, Subcommand};

use crate::domain::elector::Address;
use crate::domain::lnere::parse_correction;
use crate::domain::pep::PepId;
use crate::ops::{self, batches::NewBatch, Actor};

#[derive(Debug, Subcommand)]
pub enum BatchCommand {
    /// Create a shipping batch of PEPs not yet in a batch; prints the batch id
    Create {
        #[arg(long)]
        name: String,
        /// INEGI entity code
        #[arg(long)]
        entity: Option<String>,
        /// ISO 3166-1 alpha-2 country of residence
        #[arg(long)]
        country: Option<String>,
    },
    /// Validate a batch and write DIR/manifest.pdf, DIR/labels.pdf and DIR/courier.csv
    Documents {
        /// The batch id
        batch: i64,
        #[arg(long)]
        out: std::path::PathBuf,
        /// Label layout: US-Letter sheets (letter) or 4x6 in thermal labels (thermal)
        #[arg(long, value_enum, default_value_t = Layout::Letter)]
        layout: Layout,
    },
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum Layout {
    Letter,
    Thermal,
}

impl From<Layout> for crate::documents::LabelLayout {
    fn from(l: Layout) -> Self {
        match l {
            Layout::Letter => crate::documents::LabelLayout::LetterSheet,
            Layout::Thermal => crate::documents::LabelLayout::Thermal4x6,
        }
    }
}

#[derive(Debug, Args)]
pub struct ReissueArgs {
    /// The PEP to void, e.g. PEP-0000123-1
    pep_id: String,
    /// Why (audited)
    #[arg(long)]
    reason: String,
    /// The corrected address (TOML, keys as the list's address columns): the replacement PEP
    /// goes there, the old address is kept in the address history
    #[arg(long, value_name = "FILE.toml")]
    address_file: Option<std::path::PathBuf>,
}

pub fn batch(db_path: &Path, c: BatchCommand) -> anyhow::Result<ExitCode> {
    let db = super::open_existing(db_path)?;
    match c {
        BatchCommand::Create {
            name,
            entity,
            country,
        } => {
            let spec = NewBatch::parse(&name, entity.as_deref(), country.as_deref())?;
            let (id, n) = ops::batches::create(&db, &spec, &Actor::cli(), Utc::now())?;
            println!("{id}");
            eprintln!("lote {id} «{name}» creado con {n} PEP");
        }
        BatchCommand::Documents { batch, out, layout } => {
            let secrets = ops::keys::load(&ops::keys::key_path_for(db_path))?;
            let n = ops::documents::write(
                &db,
                &secrets.code_key,
                batch,
                &out,
                layout.into(),
                &Actor::cli(),
                Utc::now(),
            )?;
            eprintln!(
                "lote {batch}: {n} PEP; manifest.pdf, labels.pdf y courier.csv en {}",
                out.display()
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}

pub fn reissue(db_path: &Path, a: ReissueArgs) -> anyhow::Result<ExitCode> {
    let db = super::open_existing(db_path)?;
    let id = PepId::parse(a.pep_id.trim()).map_err(|e| anyhow::anyhow!("pep_id: {e}"))?;
    let corrected = match &a.address_file {
        Some(path) => Some(read_address_file(path)?),
        None => None,
    };
    let new = ops::reissue::reissue(
        &db,
        &id,
        &a.reason,
        corrected.as_ref(),
        &Actor::cli(),
        Utc::now(),
    )?;
    println!("{new}");
    let to = if corrected.is_some() {
        " al domicilio corregido"
    } else {
        ""
    };
    eprintln!("{} anulado; nuevo PEP {new} (fuera de lote){to}", a.pep_id);
    Ok(ExitCode::SUCCESS)
}

/// Reads and checks a correction file; every problem goes to stderr as `line N: field: reason`.
fn read_address_file(path: &Path) -> anyhow::Result<Address> {
    let text =
        std::fs::read_to_string(path).map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
    parse_correction(&text).map_err(|errors| {
        for e in &errors {
            eprintln!("{e}");
        }
        anyhow::anyhow!(
            "{}: {} errores; no se cambió nada",
            path.display(),
            errors.len()
        )
    })
}

#[derive(Debug, Args)]
pub struct GuiasArgs {
    /// CSV with header pep_id,carrier,outbound_tracking,return_tracking
    file: std::path::PathBuf,
}

pub fn import_guias(db_path: &Path, a: GuiasArgs) -> anyhow::Result<ExitCode> {
    use std::io::Write;
    let db = super::open_existing(db_path)?;
    let file =
        std::fs::File::open(&a.file).map_err(|e| anyhow::anyhow!("{}: {e}", a.file.display()))?;
    let name = a.file.display().to_string();
    let mut stderr = std::io::stderr().lock();
    let n = ops::guias::import_guias(&db, file, &name, &Actor::cli(), Utc::now(), &mut |e| {
        let _ = writeln!(stderr, "{e}");
    })?;
    println!("{n}");
    eprintln!("guías asignadas a {n} PEP");
    Ok(ExitCode::SUCCESS)
}
