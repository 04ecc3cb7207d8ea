//! How domain values are written to and read from SQLite columns (`ToSql`/`FromSql`), so that
//! queries bind and return domain types and no raw column text leaves `storage/`.
//!
//! Enums are stored as their `as_str()` names, ids in their canonical text (`PEP-0000123-1`,
//! the 18-character elector key) and code ids as integers. A stored value that does not parse
//! is an error of the read (`FromSqlError`), never a silent default: the database is corrupt.
//! Times are read with rusqlite's `chrono` support (`DateTime<Utc>` from RFC 3339 text) and
//! written with [`super::ts`], which keeps the stored text sortable.

use rusqlite::types::{FromSql, FromSqlError, FromSqlResult, ToSql, ToSqlOutput, ValueRef};

use crate::domain::checkin::Outcome;
use crate::domain::code::CodeId;
use crate::domain::elector::ElectorKey;
use crate::domain::pep::PepId;
use crate::domain::role::Role;
use crate::domain::scope::Scope;
use crate::domain::stage::{Receipt, Stage};
use crate::domain::tracking::{Carrier, Direction, LegStatus};

/// A stored value that is not one of its type's values.
#[derive(Debug, thiserror::Error)]
#[error("valor inválido en la base de datos: {what} «{value}»")]
pub struct BadValue {
    pub what: &'static str,
    pub value: String,
}

fn bad(what: &'static str, value: &str) -> FromSqlError {
    FromSqlError::other(BadValue {
        what,
        value: value.chars().take(64).collect(),
    })
}

/// Stores each enum as its name and reads it back by that name.
macro_rules! named {
    ($ty:ty, $what:literal, $all:expr) => {
        impl ToSql for $ty {
            fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
                Ok(ToSqlOutput::from(self.as_str()))
            }
        }

        impl FromSql for $ty {
            fn column_result(value: ValueRef<'_>) -> FromSqlResult<Self> {
                let s = value.as_str()?;
                $all.into_iter()
                    .find(|v: &$ty| v.as_str() == s)
                    .ok_or_else(|| bad($what, s))
            }
        }
    };
}

named!(Carrier, "paquetería", Carrier::ALL);
named!(
    Direction,
    "dirección",
    [Direction::Outbound, Direction::Return]
);
named!(LegStatus, "estado de envío", LegStatus::ALL);
named!(Stage, "etapa", Stage::ALL);
named!(Outcome, "resultado de lectura", Outcome::ALL);
named!(Role, "rol", Role::ALL);

/// A receipt is stored in `checkins.outcome` with the names of the check-in outcomes.
fn receipt_name(r: Receipt) -> &'static str {
    match r {
        Receipt::OnTime => Outcome::Accepted.as_str(),
        Receipt::Late => Outcome::Late.as_str(),
    }
}

impl ToSql for Receipt {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(ToSqlOutput::from(receipt_name(*self)))
    }
}

impl FromSql for Receipt {
    fn column_result(value: ValueRef<'_>) -> FromSqlResult<Self> {
        let s = value.as_str()?;
        [Receipt::OnTime, Receipt::Late]
            .into_iter()
            .find(|r| receipt_name(*r) == s)
            .ok_or_else(|| bad("recepción", s))
    }
}

impl ToSql for PepId {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(ToSqlOutput::from(self.to_string()))
    }
}

impl FromSql for PepId {
    fn column_result(value: ValueRef<'_>) -> FromSqlResult<Self> {
        let s = value.as_str()?;
        PepId::parse(s).map_err(|_| bad("PEP", s))
    }
}

impl ToSql for ElectorKey {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(ToSqlOutput::from(self.as_str().to_string()))
    }
}

impl FromSql for ElectorKey {
    fn column_result(value: ValueRef<'_>) -> FromSqlResult<Self> {
        let s = value.as_str()?;
        ElectorKey::parse(s).map_err(|_| bad("clave de elector", s))
    }
}

impl ToSql for CodeId {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        // Below 2^40 by construction: always fits an i64.
        Ok(ToSqlOutput::from(self.get() as i64))
    }
}

impl FromSql for CodeId {
    fn column_result(value: ValueRef<'_>) -> FromSqlResult<Self> {
        let n = value.as_i64()?;
        u64::try_from(n)
            .ok()
            .and_then(CodeId::new)
            .ok_or(FromSqlError::OutOfRange(n))
    }
}

/// A scope binds as `NULL` (national) or a JSON array of entity codes, so that one clause
/// filters any query inside it: see [`super::scope_clause`].
impl ToSql for Scope {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(match self.entity_codes() {
            None => ToSqlOutput::from(rusqlite::types::Null),
            Some(codes) => {
                let items: Vec<String> = codes.iter().map(|c| format!("\"{c}\"")).collect();
                ToSqlOutput::from(format!("[{}]", items.join(",")))
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use chrono::{DateTime, TimeZone, Utc};
    use rusqlite::Connection;

    use super::*;

    fn roundtrip<T: ToSql + FromSql>(value: T) -> T {
        let conn = Connection::open_in_memory().unwrap();
        conn.query_row("SELECT ?1", [&value], |r| r.get(0)).unwrap()
    }

    fn read<T: FromSql>(sql_value: &str) -> rusqlite::Result<T> {
        let conn = Connection::open_in_memory().unwrap();
        conn.query_row("SELECT ?1", [sql_value], |r| r.get(0))
    }

    #[test]
    fn a_scope_keeps_exactly_its_entities() {
        let conn = Connection::open_in_memory().unwrap();
        let count = |scope: &Scope| -> i64 {
            let sql = format!(
                "SELECT count(*) FROM (SELECT '07' AS e UNION ALL SELECT '20' UNION ALL \
                 SELECT '09') WHERE {}",
                super::super::scope_clause("e", ":scope")
            );
            conn.query_row(&sql, rusqlite::named_params! {":scope": scope}, |r| {
                r.get(0)
            })
            .unwrap()
        };
        assert_eq!(count(&Scope::National), 3);
        assert_eq!(count(&Scope::parse_list("20").unwrap()), 1);
        assert_eq!(count(&Scope::parse_list("07,20").unwrap()), 2);
        assert_eq!(count(&Scope::parse_list("32").unwrap()), 0);
    }

    #[test]
    fn every_enum_value_is_stored_by_name_and_read_back() {
        for c in Carrier::ALL {
            assert_eq!(roundtrip(c), c);
        }
        for s in LegStatus::ALL {
            assert_eq!(roundtrip(s), s);
        }
        for s in Stage::ALL {
            assert_eq!(roundtrip(s), s);
        }
        for o in Outcome::ALL {
            assert_eq!(roundtrip(o), o);
        }
        for r in Role::ALL {
            assert_eq!(roundtrip(r), r);
        }
        assert_eq!(roundtrip(Direction::Return), Direction::Return);
        assert_eq!(read::<Direction>("outbound").unwrap(), Direction::Outbound);
        assert_eq!(read::<Receipt>("accepted").unwrap(), Receipt::OnTime);
        assert_eq!(read::<Receipt>("late").unwrap(), Receipt::Late);
        assert_eq!(roundtrip(Receipt::Late), Receipt::Late);
    }

    #[test]
    fn ids_are_stored_in_their_canonical_form() {
        let id = PepId::new(123, 2);
        assert_eq!(read::<String>(&id.to_string()).unwrap(), "PEP-0000123-2");
        assert_eq!(roundtrip(id.clone()), id);
        let key = ElectorKey::parse("GOMZLR80010109H400").unwrap();
        assert_eq!(roundtrip(key), key);
        let code = CodeId::new(1 << 39).unwrap();
        assert_eq!(roundtrip(code), code);
    }

    #[test]
    fn a_stored_value_that_does_not_parse_is_an_error_not_a_default() {
        assert!(read::<Direction>("sideways").is_err());
        assert!(read::<LegStatus>("lost").is_err());
        assert!(read::<Receipt>("duplicate").is_err());
        assert!(read::<PepId>("PEP-123-1").is_err());
        assert!(read::<ElectorKey>("nope").is_err());
        assert!(read::<DateTime<Utc>>("yesterday").is_err());
        let conn = Connection::open_in_memory().unwrap();
        let too_big: rusqlite::Result<CodeId> =
            conn.query_row("SELECT ?1", [1i64 << 41], |r| r.get(0));
        assert!(too_big.is_err());
    }

    #[test]
    fn times_as_stored_read_back_as_utc() {
        let t = Utc.with_ymd_and_hms(2024, 6, 1, 14, 0, 0).unwrap();
        let stored = super::super::ts(t);
        assert_eq!(read::<DateTime<Utc>>(&stored).unwrap(), t);
    }
}
