//! Structured logs (`tracing`): human-readable lines by default, one JSON object per line with
//! `PEP_LOG_FORMAT=json`; the level of pep-tracker's own lines from `PEP_LOG` (error, warn,
//! info — the default —, debug, trace). Other crates log at `warn` whatever `PEP_LOG` says,
//! and Rocket's server module not at all: Rocket and hyper write request lines and errors with
//! the path and query, which can carry names and elector keys; pep-tracker writes its own
//! request line with the route template instead (`web::observe`). Log lines never carry
//! personal data or secrets.

use tracing_subscriber::EnvFilter;

const LEVELS: &[&str] = &["error", "warn", "info", "debug", "trace"];

/// Installs the process's subscriber (also receiving `log` records); refuses a bad setting.
pub fn init() -> anyhow::Result<()> {
    let level = std::env::var("PEP_LOG").unwrap_or_else(|_| "info".into());
    let level = level.trim().to_ascii_lowercase();
    if !LEVELS.contains(&level.as_str()) {
        anyhow::bail!(
            "PEP_LOG: se espera uno de {}, no «{level}»",
            LEVELS.join(", ")
        );
    }
    let json = match std::env::var("PEP_LOG_FORMAT").as_deref().map(str::trim) {
        Err(_) | Ok("") | Ok("text") => false,
        Ok("json") => true,
        Ok(other) => anyhow::bail!("PEP_LOG_FORMAT: se espera text o json, no «{other}»"),
    };
    // Rocket's server module names the request's path and query even in its errors ("No
    // matching routes for GET /x?nombre=…"): silenced, our request line says what it needs.
    let filter = EnvFilter::new(format!("warn,rocket::server=off,pep_tracker={level}"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    let installed = if json {
        builder.json().flatten_event(true).try_init()
    } else {
        builder.try_init()
    };
    // Already installed (a test harness calling twice): keep the first.
    let _ = installed;
    Ok(())
}
