//! The users, tokens and sessions tables, with each account's entity scope (stored as the
//! comma list of [`Scope::to_list`], NULL for national).

use chrono::{DateTime, Utc};
use rusqlite::{params, Connection, OptionalExtension, Transaction};

use super::{ts, Result, StorageError};
use crate::domain::role::Role;
use crate::domain::scope::Scope;

/// The scope stored in a `scope` column; text that is not a list of entities is corrupt data.
fn stored_scope(text: Option<String>) -> Result<Scope> {
    match text {
        None => Ok(Scope::National),
        Some(t) => {
            Scope::parse_list(&t).map_err(|e| StorageError::Corrupt(format!("alcance «{t}»: {e}")))
        }
    }
}

/// A staff account as stored (the password hash stays in this module's callers' hands).
#[derive(Debug, Clone)]
pub struct UserRow {
    pub id: i64,
    pub name: String,
    pub role: Role,
    pub password_hash: String,
    pub disabled: bool,
    pub scope: Scope,
}

/// Creates a user, or replaces the password, role and scope of an existing one; returns the id
/// and whether it existed.
pub fn upsert_user(
    tx: &Transaction,
    name: &str,
    role: Role,
    scope: &Scope,
    password_hash: &str,
    now: DateTime<Utc>,
) -> Result<(i64, bool)> {
    let existing: Option<i64> = tx
        .query_row("SELECT id FROM users WHERE name = ?1", [name], |r| r.get(0))
        .optional()?;
    if let Some(id) = existing {
        tx.execute(
            "UPDATE users SET role = ?1, password_hash = ?2, disabled = 0, scope = ?4
             WHERE id = ?3",
            params![role, password_hash, id, scope.to_list()],
        )?;
        tx.execute("DELETE FROM sessions WHERE user_id = ?1", [id])?;
        return Ok((id, true));
    }
    tx.execute(
        "INSERT INTO users (name, role, password_hash, created_at, scope)
         VALUES (?1, ?2, ?3, ?4, ?5)",
        params![name, role, password_hash, ts(now), scope.to_list()],
    )?;
    Ok((tx.last_insert_rowid(), false))
}

pub fn user_by_name(conn: &Connection, name: &str) -> Result<Option<UserRow>> {
    user_where(conn, "name = ?1", &name)
}

fn user_where(conn: &Connection, cond: &str, arg: &dyn rusqlite::ToSql) -> Result<Option<UserRow>> {
    let row = conn
        .query_row(
            &format!("SELECT {USER_COLUMNS} FROM users WHERE {cond}"),
            [arg],
            user_row,
        )
        .optional()?;
    row.map(|(u, scope)| finish_user(u, scope)).transpose()
}

const USER_COLUMNS: &str = "id, name, role, password_hash, disabled, scope";

fn user_row(r: &rusqlite::Row) -> rusqlite::Result<(UserRow, Option<String>)> {
    Ok((
        UserRow {
            id: r.get(0)?,
            name: r.get(1)?,
            role: r.get(2)?,
            password_hash: r.get(3)?,
            disabled: r.get(4)?,
            scope: Scope::National,
        },
        r.get(5)?,
    ))
}

fn finish_user(mut u: UserRow, scope: Option<String>) -> Result<UserRow> {
    u.scope = stored_scope(scope)?;
    Ok(u)
}

/// Every user, by name (the administration's list).
pub fn list_users(conn: &Connection) -> Result<Vec<UserRow>> {
    let mut stmt = conn.prepare(&format!("SELECT {USER_COLUMNS} FROM users ORDER BY name"))?;
    let rows = stmt
        .query_map([], user_row)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    rows.into_iter().map(|(u, s)| finish_user(u, s)).collect()
}

/// A live token as listed: name, role and scope.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenRow {
    pub name: String,
    pub role: Role,
    pub scope: Scope,
}

/// Every live (not revoked) token, by name.
pub fn list_tokens(conn: &Connection) -> Result<Vec<TokenRow>> {
    let mut stmt = conn
        .prepare("SELECT name, role, scope FROM tokens WHERE revoked_at IS NULL ORDER BY name")?;
    let rows = stmt
        .query_map([], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, Role>(1)?, r.get(2)?))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    rows.into_iter()
        .map(|(name, role, s)| {
            Ok(TokenRow {
                name,
                role,
                scope: stored_scope(s)?,
            })
        })
        .collect()
}

/// Sets a user's scope; false when there is no such user. Its sessions end, so that the next
/// request is already answered inside the new scope.
pub fn set_user_scope(tx: &Transaction, name: &str, scope: &Scope) -> Result<bool> {
    let id: Option<i64> = tx
        .query_row("SELECT id FROM users WHERE name = ?1", [name], |r| r.get(0))
        .optional()?;
    let Some(id) = id else { return Ok(false) };
    tx.execute(
        "UPDATE users SET scope = ?2 WHERE id = ?1",
        params![id, scope.to_list()],
    )?;
    tx.execute("DELETE FROM sessions WHERE user_id = ?1", [id])?;
    Ok(true)
}

/// Stores a new bearer token's hash; fails on a repeated name.
pub fn insert_token(
    tx: &Transaction,
    name: &str,
    role: Role,
    scope: &Scope,
    token_hash: &str,
    now: DateTime<Utc>,
) -> Result<i64> {
    tx.execute(
        "INSERT INTO tokens (name, role, token_hash, created_at, scope)
         VALUES (?1, ?2, ?3, ?4, ?5)",
        params![name, role, token_hash, ts(now), scope.to_list()],
    )?;
    Ok(tx.last_insert_rowid())
}

/// Marks the live token of that name revoked; false when there is none.
pub fn revoke_token(tx: &Transaction, name: &str, now: DateTime<Utc>) -> Result<bool> {
    let n = tx.execute(
        "UPDATE tokens SET revoked_at = ?2 WHERE name = ?1 AND revoked_at IS NULL",
        params![name, ts(now)],
    )?;
    Ok(n > 0)
}

pub fn token_exists(conn: &Connection, name: &str) -> Result<bool> {
    Ok(conn
        .query_row("SELECT 1 FROM tokens WHERE name = ?1", [name], |_| Ok(()))
        .optional()?
        .is_some())
}

/// The name, role and scope of a live (not revoked) token, by hash.
pub fn token_by_hash(conn: &Connection, token_hash: &str) -> Result<Option<TokenRow>> {
    // Every API request asks this: keep the statement prepared.
    let row: Option<(String, Role, Option<String>)> = conn
        .prepare_cached(
            "SELECT name, role, scope FROM tokens WHERE token_hash = ?1 AND revoked_at IS NULL",
        )?
        .query_row([token_hash], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .optional()?;
    row.map(|(name, role, s)| {
        Ok(TokenRow {
            name,
            role,
            scope: stored_scope(s)?,
        })
    })
    .transpose()
}

pub fn insert_session(
    tx: &Transaction,
    id_hash: &str,
    user_id: i64,
    now: DateTime<Utc>,
    expires: DateTime<Utc>,
) -> Result<()> {
    tx.execute(
        "INSERT INTO sessions (id, user_id, created_at, expires_at) VALUES (?1, ?2, ?3, ?4)",
        params![id_hash, user_id, ts(now), ts(expires)],
    )?;
    Ok(())
}

/// The user behind a live session.
pub fn session_user(
    conn: &Connection,
    id_hash: &str,
    now: DateTime<Utc>,
) -> Result<Option<UserRow>> {
    let user_id: Option<i64> = conn
        .query_row(
            "SELECT user_id FROM sessions WHERE id = ?1 AND expires_at > ?2",
            params![id_hash, ts(now)],
            |r| r.get(0),
        )
        .optional()?;
    match user_id {
        Some(id) => Ok(user_where(conn, "id = ?1", &id)?.filter(|u| !u.disabled)),
        None => Ok(None),
    }
}

/// Deletes a session; returns the name of the user it belonged to.
pub fn delete_session(tx: &Transaction, id_hash: &str) -> Result<Option<String>> {
    let user: Option<String> = tx
        .query_row(
            "SELECT u.name FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.id = ?1",
            [id_hash],
            |r| r.get(0),
        )
        .optional()?;
    tx.execute("DELETE FROM sessions WHERE id = ?1", [id_hash])?;
    Ok(user)
}

/// Deletes every session of the user of that name; `None` when there is no such user.
pub fn delete_user_sessions(tx: &Transaction, name: &str) -> Result<Option<usize>> {
    let id: Option<i64> = tx
        .query_row("SELECT id FROM users WHERE name = ?1", [name], |r| r.get(0))
        .optional()?;
    match id {
        Some(id) => Ok(Some(
            tx.execute("DELETE FROM sessions WHERE user_id = ?1", [id])?,
        )),
        None => Ok(None),
    }
}
