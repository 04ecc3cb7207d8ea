//! `user add`, `user logout`, `token create` and `token revoke`: the accounts of people
//! (password, web session) and of programs (bearer token, JSON API).

use std::io::{BufRead, IsTerminal};
use std::path::Path;
use std::process::ExitCode;

use chrono::Utc;
use clap::Subcommand;

use crate::domain::role::Role;
use crate::ops::{users, Actor};

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Create a user, or reset an existing user's role and password (read from stdin)
    Add {
        #[arg(long)]
        name: String,
        /// admin, shipping, reception, sync or viewer
        #[arg(long)]
        role: Role,
    },
    /// End every web session of a user (signed out everywhere; audited)
    Logout {
        #[arg(long)]
        name: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum TokenCommand {
    /// Create a bearer token for the API; printed once on stdout
    Create {
        #[arg(long)]
        name: String,
        /// admin, shipping, reception, sync or viewer
        #[arg(long)]
        role: Role,
    },
    /// Revoke a token: requests bearing it are refused from then on
    Revoke {
        #[arg(long)]
        name: String,
    },
}

pub fn user(db_path: &Path, c: UserCommand) -> anyhow::Result<ExitCode> {
    let db = super::open_existing(db_path)?;
    let (name, role) = match c {
        UserCommand::Add { name, role } => (name, role),
        UserCommand::Logout { name } => {
            let n = users::end_sessions(&db, &name, &Actor::cli(), Utc::now())?;
            eprintln!("usuario {name}: {n} sesiones cerradas");
            return Ok(ExitCode::SUCCESS);
        }
    };
    let stdin = std::io::stdin();
    if stdin.is_terminal() {
        eprint!(
            "contraseña para {name} (al menos {} caracteres): ",
            users::MIN_PASSWORD
        );
    }
    let mut password = String::new();
    stdin.lock().read_line(&mut password)?;
    let password = password.trim_end_matches(['\n', '\r']);
    if password.is_empty() {
        anyhow::bail!("password: se lee de la entrada estándar y llegó vacía");
    }
    let existed = users::add_user(&db, &name, role, password, &Actor::cli(), Utc::now())?;
    eprintln!(
        "usuario {name} ({role}) {}",
        if existed { "actualizado" } else { "creado" }
    );
    Ok(ExitCode::SUCCESS)
}

pub fn token(db_path: &Path, c: TokenCommand) -> anyhow::Result<ExitCode> {
    let db = super::open_existing(db_path)?;
    match c {
        TokenCommand::Create { name, role } => {
            let token = users::create_token(&db, &name, role, &Actor::cli(), Utc::now())?;
            println!("{token}");
            eprintln!("token {name} ({role}) creado: guárdelo ahora, no se vuelve a mostrar");
        }
        TokenCommand::Revoke { name } => {
            users::revoke_token(&db, &name, &Actor::cli(), Utc::now())?;
            eprintln!("token {name} revocado");
        }
    }
    Ok(ExitCode::SUCCESS)
}
