//! The demo election behind `serve --demo`: settings, a synthetic list, and staff accounts.

use chrono::{DateTime, Utc};
use rand::RngCore;

use super::demo_data::{write_demo_csv, DemoSpec};
use super::errors::{AccountError, TaskError};
use super::import::{import_lnere, Observer};
use super::{election, users, Actor, OpsError, Result};
use crate::domain::role::Role;
use crate::domain::scope::Scope;
use crate::storage::{self, Db};

/// The demo election: the four local elections of the PEL 2021-2022, moved to a date
/// `DEMO_DAYS_AHEAD` days after the demo starts so that reception is open.
pub const DEMO_ELECTION: &str = r#"name = "Demostración: Proceso Electoral Local (perfil PEL 2021-2022)"
election_day = "{day}"
polls_open = "08:00"
timezone = "America/Mexico_City"
max_electors_per_mec = 750
entities = ["01", "10", "20", "28"]

[return_address]
name = "Instituto Nacional Electoral (VMRE)"
line1 = "Viaducto Tlalpan 100"
line2 = "Arenal Tepepan"
city = "Tlalpan, Ciudad de México"
region = "CDMX"
postal_code = "14610"
country = "MX"
"#;

pub const DEMO_DAYS_AHEAD: i64 = 12;

/// The demo election file for a demo started on `today` (local date).
pub fn demo_election_toml(today: chrono::NaiveDate) -> String {
    let day = today + chrono::Duration::days(DEMO_DAYS_AHEAD);
    DEMO_ELECTION.replace("{day}", &day.format("%Y-%m-%d").to_string())
}

/// Size of the demo list: the PEL 2021-2022 postal registrants (Nov 2021 cut).
pub const DEMO_ELECTORS: usize = 1_517;

/// The demo staff: one account per role, and Oaxaca's OPL (a viewer limited to entity 20,
/// the scoped board).
pub const DEMO_USERS: [(&str, Role, Option<&str>); 6] = [
    ("admin", Role::Admin, None),
    ("envios", Role::Shipping, None),
    ("recepcion", Role::Reception, None),
    ("sync", Role::Sync, None),
    ("consulta", Role::Viewer, None),
    ("opl-oaxaca", Role::Viewer, Some("20")),
];

/// Loads the demo election and list when the database has no election yet.
/// Returns whether anything was created.
pub fn seed_if_empty(db: &Db, now: DateTime<Utc>) -> Result<bool> {
    if db
        .read(|c| storage::election::load(c).map_err(OpsError::from))?
        .is_some()
    {
        return Ok(false);
    }
    let actor = Actor::system();
    let today = now
        .with_timezone(&chrono_tz::America::Mexico_City)
        .date_naive();
    election::load(db, &demo_election_toml(today), &actor, now)?;
    let mut csv = Vec::new();
    let spec = DemoSpec {
        electors: DEMO_ELECTORS,
        seed: 2022,
        entities: Vec::new(),
    };
    write_demo_csv(&spec, &mut csv).map_err(|e| TaskError::DemoData(e.to_string()))?;
    let mut first_error = None;
    import_lnere(
        db,
        csv.as_slice(),
        "demo-lnere.csv",
        &actor,
        now,
        Observer {
            progress: &mut |_| {},
            error: &mut |e| {
                first_error.get_or_insert_with(|| e.to_string());
            },
        },
    )
    .map_err(|e| TaskError::DemoData(format!("{e}: {}", first_error.unwrap_or_default())))?;
    Ok(true)
}

/// Gives every demo account a fresh random password and returns them for printing.
pub fn reset_demo_users(db: &Db, now: DateTime<Utc>) -> Result<Vec<(String, Role, String)>> {
    let mut out = Vec::new();
    for (name, role, entities) in DEMO_USERS {
        let mut bytes = [0u8; 9];
        rand::rng().fill_bytes(&mut bytes);
        let password = format!("demo-{}", hex::encode(bytes));
        let scope = match entities {
            Some(list) => Scope::parse_list(list).map_err(AccountError::from)?,
            None => Scope::National,
        };
        users::add_scoped_user(db, name, role, &scope, &password, &Actor::system(), now)?;
        out.push((name.to_string(), role, password));
    }
    Ok(out)
}
