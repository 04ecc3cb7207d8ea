//! The election settings: parsing the election file and computing the receipt cutoff.

use chrono::{DateTime, Duration, LocalResult, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Utc};
use chrono_tz::Tz;

use super::entity;

/// A refused election setting: which field and why.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {reason}")]
pub struct ElectionError {
    pub field: String,
    pub reason: String,
}

fn err(field: &str, reason: impl Into<String>) -> ElectionError {
    ElectionError {
        field: field.to_string(),
        reason: reason.into(),
    }
}

/// Where returned envelopes travel to (printed on the return labels).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ReturnAddress {
    pub name: String,
    pub line1: String,
    pub line2: Option<String>,
    pub city: String,
    pub region: String,
    pub postal_code: String,
    pub country: String,
}

/// Validated settings of one electoral process.
#[derive(Debug, Clone, PartialEq)]
pub struct Election {
    pub name: String,
    pub election_day: NaiveDate,
    pub polls_open: NaiveTime,
    pub timezone: Tz,
    /// Envelopes received at or after this instant are late.
    pub receipt_cutoff: DateTime<Utc>,
    pub max_electors_per_mec: u32,
    pub entities: Vec<String>,
    pub return_address: Option<ReturnAddress>,
}

impl Election {
    /// Parses the election file (TOML, format in CONTRACT.md).
    pub fn from_toml(text: &str) -> Result<Election, ElectionError> {
        let table: toml::Table = text
            .parse()
            .map_err(|e: toml::de::Error| err("toml", e.message().to_string()))?;
        const KNOWN: [&str; 8] = [
            "name",
            "election_day",
            "polls_open",
            "timezone",
            "receipt_cutoff",
            "max_electors_per_mec",
            "entities",
            "return_address",
        ];
        if let Some(k) = table.keys().find(|k| !KNOWN.contains(&k.as_str())) {
            return Err(err(k, "campo desconocido"));
        }
        let name = string(&table, "name")?;
        if name.trim().is_empty() || name.chars().count() > 120 {
            return Err(err("name", "debe tener entre 1 y 120 caracteres"));
        }
        let election_day = NaiveDate::parse_from_str(&string(&table, "election_day")?, "%Y-%m-%d")
            .map_err(|_| err("election_day", "fecha esperada como AAAA-MM-DD"))?;
        let polls_open = NaiveTime::parse_from_str(&string(&table, "polls_open")?, "%H:%M")
            .map_err(|_| err("polls_open", "hora esperada como HH:MM"))?;
        let tz_name = string(&table, "timezone")?;
        let timezone: Tz = tz_name.parse().map_err(|_| {
            err(
                "timezone",
                format!("«{tz_name}» no es una zona horaria IANA (p. ej. America/Mexico_City)"),
            )
        })?;
        let cutoff_local = match table.get("receipt_cutoff") {
            None => default_cutoff_local(election_day, polls_open),
            Some(v) => {
                let s = v
                    .as_str()
                    .ok_or_else(|| err("receipt_cutoff", "debe ser texto"))?;
                NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M").map_err(|_| {
                    err(
                        "receipt_cutoff",
                        "fecha y hora esperadas como AAAA-MM-DDTHH:MM",
                    )
                })?
            }
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
        let max = table
            .get("max_electors_per_mec")
            .ok_or_else(|| err("max_electors_per_mec", "falta"))?
            .as_integer()
            .ok_or_else(|| err("max_electors_per_mec", "debe ser un número entero"))?;
        if !(1..=100_000).contains(&max) {
            return Err(err("max_electors_per_mec", "debe estar entre 1 y 100000"));
        }
        Ok(Election {
            name: name.trim().to_string(),
            election_day,
            polls_open,
            timezone,
            receipt_cutoff,
            max_electors_per_mec: max as u32,
            entities: entities(&table)?,
            return_address: return_address(&table)?,
        })
    }

    /// A cutoff instant shown in the election's time zone, e.g. `2022-06-04 08:00 CST`.
    pub fn local(&self, t: DateTime<Utc>) -> String {
        t.with_timezone(&self.timezone)
            .format("%Y-%m-%d %H:%M %Z")
            .to_string()
    }

    /// The receipt cutoff in local time, in the election file's own notation.
    pub fn cutoff_local_notation(&self) -> String {
        self.receipt_cutoff
            .with_timezone(&self.timezone)
            .format("%Y-%m-%dT%H:%M")
            .to_string()
    }
}

/// Polls open minus one day at the same local time (the rule of the law: 08:00 the day before).
pub fn default_cutoff_local(day: NaiveDate, polls_open: NaiveTime) -> NaiveDateTime {
    (day - Duration::days(1)).and_time(polls_open)
}

/// Resolves a local wall-clock time in `tz`; refuses times skipped by a DST change.
pub fn local_to_utc(tz: Tz, local: NaiveDateTime) -> Result<DateTime<Utc>, String> {
    match tz.from_local_datetime(&local) {
        LocalResult::Single(t) => Ok(t.with_timezone(&Utc)),
        LocalResult::Ambiguous(first, _) => Ok(first.with_timezone(&Utc)),
        LocalResult::None => Err(format!(
            "{local} no existe en {} (cambio de horario)",
            tz.name()
        )),
    }
}

fn string(table: &toml::Table, key: &str) -> Result<String, ElectionError> {
    match table.get(key) {
        None => Err(err(key, "falta")),
        Some(v) => v
            .as_str()
            .map(str::to_string)
            .ok_or_else(|| err(key, "debe ser texto")),
    }
}

fn entities(table: &toml::Table) -> Result<Vec<String>, ElectionError> {
    let list = table
        .get("entities")
        .ok_or_else(|| err("entities", "falta"))?
        .as_array()
        .ok_or_else(|| err("entities", "debe ser una lista de claves INEGI"))?;
    let mut out: Vec<String> = Vec::with_capacity(list.len());
    for v in list {
        let code = v
            .as_str()
            .ok_or_else(|| err("entities", "cada entidad es texto, p. ej. \"01\""))?;
        if entity::entity(code).is_none() {
            return Err(err(
                "entities",
                format!("«{code}» no es una clave INEGI de entidad (01 a 32)"),
            ));
        }
        if out.iter().any(|c| c == code) {
            return Err(err("entities", format!("«{code}» aparece dos veces")));
        }
        out.push(code.to_string());
    }
    if out.is_empty() {
        return Err(err("entities", "al menos una entidad"));
    }
    out.sort();
    Ok(out)
}

fn return_address(table: &toml::Table) -> Result<Option<ReturnAddress>, ElectionError> {
    let Some(v) = table.get("return_address") else {
        return Ok(None);
    };
    let t = v
        .as_table()
        .ok_or_else(|| err("return_address", "debe ser una tabla [return_address]"))?;
    let field = |k: &str, required: bool| -> Result<Option<String>, ElectionError> {
        let name = format!("return_address.{k}");
        match t.get(k).map(|v| v.as_str()) {
            Some(Some(s)) if !s.trim().is_empty() => Ok(Some(s.trim().to_string())),
            Some(None) => Err(err(&name, "debe ser texto")),
            _ if required => Err(err(&name, "falta")),
            _ => Ok(None),
        }
    };
    let known = [
        "name",
        "line1",
        "line2",
        "city",
        "region",
        "postal_code",
        "country",
    ];
    if let Some(k) = t.keys().find(|k| !known.contains(&k.as_str())) {
        return Err(err(&format!("return_address.{k}"), "campo desconocido"));
    }
    let req = |k: &str| field(k, true).map(|v| v.unwrap_or_default());
    Ok(Some(ReturnAddress {
        name: req("name")?,
        line1: req("line1")?,
        line2: field("line2", false)?,
        city: req("city")?,
        region: req("region")?,
        postal_code: req("postal_code")?,
        country: req("country")?,
    }))
}

#[cfg(test)]
mod tests;
