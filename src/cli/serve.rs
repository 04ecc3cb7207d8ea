//! `serve [--demo]`: the web application.

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use chrono::Utc;
use clap::Args;

use crate::ops::{self, demo};
use crate::storage::Db;
use crate::web;

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Fill the database (default db/demo.sqlite3) with a demo election when empty
    #[arg(long)]
    demo: bool,
}

pub fn run(db_arg: Option<PathBuf>, a: ServeArgs) -> anyhow::Result<ExitCode> {
    let path = match (&db_arg, a.demo) {
        (Some(p), _) => p.clone(),
        (None, true) => PathBuf::from("db/demo.sqlite3"),
        (None, false) => PathBuf::from(super::DEFAULT_DB),
    };
    let key_path = ops::keys::key_path_for(&path);
    let db = if a.demo {
        let db = Db::open(&path)?;
        ops::keys::load_or_create(&key_path)?;
        let now = Utc::now();
        if demo::seed_if_empty(&db, now)? {
            eprintln!(
                "demo: elección y {} electores de demostración cargados",
                demo::DEMO_ELECTORS
            );
        }
        let creds = demo::reset_demo_users(&db, now)?;
        print_credentials(&creds);
        db
    } else {
        super::open_existing(&path)?
    };
    let secrets = ops::keys::load(&key_path)?;
    let rocket = web::build(Arc::new(db), &secrets);
    rocket::execute(async move {
        let ignited = rocket.ignite().await?;
        let cfg = ignited.config();
        eprintln!(
            "pep-tracker en http://{}:{}/ (base de datos {})",
            cfg.address,
            cfg.port,
            path.display()
        );
        ignited.launch().await.map(|_| ())
    })?;
    Ok(ExitCode::SUCCESS)
}

fn print_credentials(creds: &[(String, crate::domain::role::Role, String)]) {
    eprintln!("credenciales de demostración (nuevas en cada arranque):");
    for (name, role, password) in creds {
        eprintln!("  {role:<10} usuario {name:<10} contraseña {password}");
    }
}
