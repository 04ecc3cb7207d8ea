//! The election file as written (TOML, keys in docs/election-file.md): a serde struct that refuses
//! unknown keys, read with the path of any bad key kept, then turned into an [`Election`] by
//! `TryFrom`, which checks every value.

use chrono::{NaiveDate, NaiveDateTime, NaiveTime};
use chrono_tz::Tz;
use serde::Deserialize;

use super::{
    default_cutoff_local, default_purge_after, err, local_to_utc, Election, ElectionError,
    ReturnAddress,
};
use crate::domain::entity;

/// The election file's keys, as typed in the file.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ElectionFile {
    pub name: String,
    /// `AAAA-MM-DD`.
    pub election_day: String,
    /// `HH:MM`, local time.
    pub polls_open: String,
    /// IANA name, e.g. `America/Mexico_City`.
    pub timezone: String,
    /// `AAAA-MM-DDTHH:MM`, local time; by default polls open minus one day.
    pub receipt_cutoff: Option<String>,
    pub max_electors_per_mec: i64,
    /// INEGI entity codes, `"01"` to `"32"`.
    pub entities: Vec<String>,
    /// `AAAA-MM-DD`: from this day personal data may be purged; by default 60 days after
    /// election day.
    pub purge_after: Option<String>,
    pub return_address: Option<ReturnAddressFile>,
}

/// The `[return_address]` table.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReturnAddressFile {
    pub name: String,
    pub line1: String,
    pub line2: Option<String>,
    pub city: String,
    pub region: String,
    pub postal_code: String,
    pub country: String,
}

impl ElectionFile {
    /// Reads the TOML text; a refused key is named by its path (`return_address.line1`).
    pub fn parse(text: &str) -> Result<ElectionFile, ElectionError> {
        let de = toml::Deserializer::parse(text).map_err(|e| err("toml", e.message()))?;
        serde_path_to_error::deserialize(de).map_err(|e| {
            let path = e.path().to_string();
            let message = e.inner().message().to_string();
            refused(&path, &message)
        })
    }
}

/// The Spanish error for a serde refusal at `path` (`.` is the top of the file).
fn refused(path: &str, message: &str) -> ElectionError {
    // The key named in serde's own message: "missing field `x`", "unknown field `x`, ...".
    let named = message.split('`').nth(1).unwrap_or_default();
    let key = |k: &str| match path {
        "." | "" => k.to_string(),
        p => format!("{p}.{k}"),
    };
    if message.starts_with("missing field") {
        return err(&key(named), "falta");
    }
    // An unknown key's path already ends with the key itself.
    if message.starts_with("unknown field") {
        return err(path, "campo desconocido");
    }
    let field = path.split('[').next().unwrap_or(path);
    if !message.starts_with("invalid type") {
        return err(field, message);
    }
    let reason = match (field, path.contains('[')) {
        ("max_electors_per_mec", _) => "debe ser un número entero",
        ("entities", false) => "debe ser una lista de claves INEGI",
        ("entities", true) => "cada entidad es texto, p. ej. \"01\"",
        ("return_address", _) => "debe ser una tabla [return_address]",
        _ => "debe ser texto",
    };
    err(field, reason)
}

impl TryFrom<ElectionFile> for Election {
    type Error = ElectionError;

    fn try_from(f: ElectionFile) -> Result<Election, ElectionError> {
        let name = f.name.trim();
        if name.is_empty() || name.chars().count() > 120 {
            return Err(err("name", "debe tener entre 1 y 120 caracteres"));
        }
        let election_day = NaiveDate::parse_from_str(&f.election_day, "%Y-%m-%d")
            .map_err(|_| err("election_day", "fecha esperada como AAAA-MM-DD"))?;
        let polls_open = NaiveTime::parse_from_str(&f.polls_open, "%H:%M")
            .map_err(|_| err("polls_open", "hora esperada como HH:MM"))?;
        let timezone: Tz = f.timezone.parse().map_err(|_| {
            err(
                "timezone",
                format!(
                    "«{}» no es una zona horaria IANA (p. ej. America/Mexico_City)",
                    f.timezone
                ),
            )
        })?;
        let cutoff_local = match &f.receipt_cutoff {
            None => default_cutoff_local(election_day, polls_open),
            Some(s) => NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M").map_err(|_| {
                err(
                    "receipt_cutoff",
                    "fecha y hora esperadas como AAAA-MM-DDTHH:MM",
                )
            })?,
        };
        let receipt_cutoff =
            local_to_utc(timezone, cutoff_local).map_err(|r| err("receipt_cutoff", r))?;
        let opening = local_to_utc(timezone, election_day.and_time(polls_open))
            .map_err(|r| err("polls_open", r))?;
        if receipt_cutoff >= opening {
            return Err(err(
                "receipt_cutoff",
                "debe ser anterior a la apertura de la votación",
            ));
        }
        let max = u32::try_from(f.max_electors_per_mec)
            .ok()
            .filter(|m| (1..=100_000).contains(m))
            .ok_or_else(|| err("max_electors_per_mec", "debe estar entre 1 y 100000"))?;
        let purge_after = purge_after(f.purge_after.as_deref(), election_day)?;
        Ok(Election {
            name: name.to_string(),
            election_day,
            purge_after,
            polls_open,
            timezone,
            receipt_cutoff,
            max_electors_per_mec: max,
            entities: entities(f.entities)?,
            return_address: f.return_address.map(ReturnAddress::try_from).transpose()?,
        })
    }
}

/// The purge date as written, or the default; never on or before election day.
fn purge_after(text: Option<&str>, election_day: NaiveDate) -> Result<NaiveDate, ElectionError> {
    let Some(text) = text else {
        return Ok(default_purge_after(election_day));
    };
    let day = NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .map_err(|_| err("purge_after", "fecha esperada como AAAA-MM-DD"))?;
    if day <= election_day {
        return Err(err(
            "purge_after",
            "debe ser posterior a la jornada electoral",
        ));
    }
    Ok(day)
}

fn entities(list: Vec<String>) -> Result<Vec<String>, ElectionError> {
    let mut out: Vec<String> = Vec::with_capacity(list.len());
    for code in list {
        if entity::entity(&code).is_none() {
            return Err(err(
                "entities",
                format!("«{code}» no es una clave INEGI de entidad (01 a 32)"),
            ));
        }
        if out.contains(&code) {
            return Err(err("entities", format!("«{code}» aparece dos veces")));
        }
        out.push(code);
    }
    if out.is_empty() {
        return Err(err("entities", "al menos una entidad"));
    }
    out.sort();
    Ok(out)
}

impl TryFrom<ReturnAddressFile> for ReturnAddress {
    type Error = ElectionError;

    /// Trims every value; a required one left blank is missing, a blank `line2` is none.
    fn try_from(f: ReturnAddressFile) -> Result<ReturnAddress, ElectionError> {
        let req = |k: &str, v: String| {
            let v = v.trim();
            if v.is_empty() {
                return Err(err(&format!("return_address.{k}"), "falta"));
            }
            Ok(v.to_string())
        };
        Ok(ReturnAddress {
            name: req("name", f.name)?,
            line1: req("line1", f.line1)?,
            line2: f
                .line2
                .map(|l| l.trim().to_string())
                .filter(|l| !l.is_empty()),
            city: req("city", f.city)?,
            region: req("region", f.region)?,
            postal_code: req("postal_code", f.postal_code)?,
            country: req("country", f.country)?,
        })
    }
}
