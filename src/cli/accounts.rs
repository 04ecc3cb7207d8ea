//! `user add`, `user logout`, `token create` and `token revoke`: the accounts of people
//! (password, web session) and of programs (bearer token, JSON API). `--entity` limits a
//! viewer to entities (repeatable, or a comma list: `--entity 07 --entity 20`, `--entity 07,20`).

use std::io::{BufRead, IsTerminal};
use std::path::Path;
use std::process::ExitCode;

use chrono::Utc;
use clap::Subcommand;

use crate::domain::role::Role;
use crate::domain::scope::Scope;
use crate::ops::{users, Actor};

/// The scope the `--entity` options give: national when there are none.
fn scope_of(entities: &[String]) -> anyhow::Result<Scope> {
    if entities.is_empty() {
        return Ok(Scope::National);
    }
    Scope::parse_list(&entities.join(",")).map_err(|e| anyhow::anyhow!("--entity: {e}"))
}

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Create a user, or reset an existing user's role and password (read from stdin)
    Add {
        #[arg(long)]
        name: String,
        /// admin, shipping, reception, sync or viewer
        #[arg(long)]
        role: Role,
        /// Limit a viewer to this entity (INEGI code); repeatable or a comma list
        #[arg(long = "entity", value_name = "CODE")]
        entities: Vec<String>,
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
        /// Limit a viewer token to this entity (INEGI code); repeatable or a comma list
        #[arg(long = "entity", value_name = "CODE")]
        entities: Vec<String>,
    },
    /// Revoke a token: requests bearing it are refused from then on
    Revoke {
        #[arg(long)]
        name: String,
    },
}

pub fn user(db_path: &Path, c: UserCommand) -> anyhow::Result<ExitCode> {
    let db = super::open_existing(db_path)?;
    let (name, role, scope) = match c {
        UserCommand::Add {
            name,
            role,
            entities,
        } => (name, role, scope_of(&entities)?),
        UserCommand::Logout { name } => {
            let n = users::end_sessions(&db, &name, &Actor::cli(), Utc::now())?;
            eprintln!("usuario {name}: {n} sesiones cerradas");
            return Ok(ExitCode::SUCCESS);
        }
    };
    // Refused before the password is asked for.
    users::check_scope(role, &scope)?;
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
    let existed = users::add_scoped_user(
        &db,
        &name,
        role,
        &scope,
        password,
        &Actor::cli(),
        Utc::now(),
    )?;
    eprintln!(
        "usuario {name} ({role}, {}) {}",
        scope_label(&scope),
        if existed { "actualizado" } else { "creado" }
    );
    Ok(ExitCode::SUCCESS)
}

pub fn token(db_path: &Path, c: TokenCommand) -> anyhow::Result<ExitCode> {
    let db = super::open_existing(db_path)?;
    match c {
        TokenCommand::Create {
            name,
            role,
            entities,
        } => {
            let scope = scope_of(&entities)?;
            let token =
                users::create_scoped_token(&db, &name, role, &scope, &Actor::cli(), Utc::now())?;
            println!("{token}");
            eprintln!(
                "token {name} ({role}, {}) creado: guárdelo ahora, no se vuelve a mostrar",
                scope_label(&scope)
            );
        }
        TokenCommand::Revoke { name } => {
            users::revoke_token(&db, &name, &Actor::cli(), Utc::now())?;
            eprintln!("token {name} revocado");
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn scope_label(scope: &Scope) -> String {
    scope
        .to_list()
        .map_or_else(|| "nacional".into(), |l| format!("entidades {l}"))
}
