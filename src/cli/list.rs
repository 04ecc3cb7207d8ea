//! `init`, `demo-data` and `import-lnere`: the election and the postal list.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use chrono::Utc;
use clap::Args;

use crate::ops::demo_data::{write_demo_csv, DemoSpec};
use crate::ops::election::Loaded;
use crate::ops::import::{import_lnere, Observer};
use crate::ops::{self, Actor};
use crate::storage::Db;

#[derive(Debug, Args)]
pub struct InitArgs {
    /// The election settings (TOML)
    #[arg(long)]
    election: PathBuf,
}

pub fn init(db_path: &Path, a: InitArgs) -> anyhow::Result<ExitCode> {
    let text = std::fs::read_to_string(&a.election)
        .with_context(|| format!("{}", a.election.display()))?;
    // Validate before creating anything on disk.
    crate::domain::election::Election::from_toml(&text)
        .map_err(|e| anyhow::anyhow!("{}: {e}", a.election.display()))?;
    let db = Db::open(db_path)?;
    let key_path = ops::keys::key_path_for(db_path);
    let (_, created) = ops::keys::load_or_create(&key_path)?;
    if created {
        eprintln!(
            "clave de instalación creada en {} (0600): respáldela aparte de la base de datos",
            key_path.display()
        );
    }
    let outcome = ops::election::load(&db, &text, &Actor::cli(), Utc::now())
        .map_err(|e| anyhow::anyhow!("{}: {e}", a.election.display()))?;
    let e = ops::election::current(&db)?;
    let what = match outcome {
        Loaded::Created => "cargada",
        Loaded::Updated => "actualizada",
        Loaded::Unchanged => "sin cambios",
    };
    eprintln!(
        "elección «{}» {what} en {}; corte de recepción: {} ({})",
        e.name,
        db_path.display(),
        e.local(e.receipt_cutoff),
        crate::storage::ts(e.receipt_cutoff)
    );
    Ok(ExitCode::SUCCESS)
}

#[derive(Debug, Args)]
pub struct DemoDataArgs {
    /// Number of electors
    #[arg(long)]
    electors: usize,
    /// Random seed: the same seed writes the same file
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Output file [default: standard output]
    #[arg(long)]
    out: Option<PathBuf>,
    /// INEGI entity codes, comma-separated [default: 01,10,20,28]
    #[arg(long, value_delimiter = ',')]
    entities: Vec<String>,
}

pub fn demo_data(a: DemoDataArgs) -> anyhow::Result<ExitCode> {
    for code in &a.entities {
        if crate::domain::entity::entity(code).is_none() {
            anyhow::bail!("--entities: «{code}» no es una clave INEGI de entidad (01 a 32)");
        }
    }
    let spec = DemoSpec {
        electors: a.electors,
        seed: a.seed,
        entities: a.entities,
    };
    let out: Box<dyn Write> = match &a.out {
        Some(p) => Box::new(File::create(p).with_context(|| format!("{}", p.display()))?),
        None => Box::new(std::io::stdout().lock()),
    };
    let mut out = BufWriter::with_capacity(1 << 16, out);
    write_demo_csv(&spec, &mut out)?;
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

#[derive(Debug, Args)]
pub struct ImportArgs {
    /// The LNERE postal CSV
    file: PathBuf,
}

pub fn import(db_path: &Path, a: ImportArgs) -> anyhow::Result<ExitCode> {
    let db = super::open_existing(db_path)?;
    let file = File::open(&a.file).with_context(|| format!("{}", a.file.display()))?;
    let size = file.metadata().map(|m| m.len()).unwrap_or(0);
    let bar = indicatif::ProgressBar::with_draw_target(
        Some(size),
        indicatif::ProgressDrawTarget::stderr(),
    );
    bar.set_style(
        indicatif::ProgressStyle::with_template(
            "{spinner} importando [{bar:40}] {bytes}/{total_bytes} {bytes_per_sec} ~{eta}",
        )
        .expect("static template")
        .progress_chars("=> "),
    );
    let name = a.file.display().to_string();
    let mut stderr = std::io::stderr().lock();
    let result = import_lnere(
        &db,
        file,
        &name,
        &Actor::cli(),
        Utc::now(),
        Observer {
            progress: &mut |b| bar.set_position(b),
            error: &mut |e| {
                bar.suspend(|| {
                    let _ = writeln!(stderr, "{e}");
                });
            },
        },
    );
    bar.finish_and_clear();
    let report = result?;
    println!("{}", report.rows);
    eprintln!(
        "{} electores importados (lote de importación {}, sha256 {})",
        report.rows, report.import_id, report.file_sha256
    );
    Ok(ExitCode::SUCCESS)
}
