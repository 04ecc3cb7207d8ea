//! Staff accounts, bearer tokens and web sessions: creation, login, logout, authentication,
//! and each account's entity scope (only viewers may be limited to entities: an OPL's board).

use std::sync::OnceLock;

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use base64::Engine;
use chrono::{DateTime, Duration, Utc};
use rand::RngCore;
use sha2::{Digest, Sha256};

use super::errors::AccountError;
use super::{Actor, OpsError, Result};
use crate::domain::role::Role;
use crate::domain::scope::Scope;
use crate::storage::{audit, users, Db};

/// How long a web session lasts (a reception shift).
pub const SESSION_HOURS: i64 = 12;
pub const MIN_PASSWORD: usize = 12;

pub use super::principal::Principal;

/// Only a viewer may be limited to entities: the other roles act on the whole list (ship,
/// receive, sync, administer), and a partial view of what they act on would mislead them.
pub fn check_scope(role: Role, scope: &Scope) -> Result<()> {
    if *scope != Scope::National && role != Role::Viewer {
        return Err(AccountError::ScopedRole(role).into());
    }
    Ok(())
}

fn check_name(name: &str) -> Result<()> {
    let ok = (1..=40).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"._-".contains(&b));
    if !ok {
        return Err(AccountError::BadName(name.to_string()).into());
    }
    Ok(())
}

pub fn hash_password(password: &str) -> String {
    let mut salt = [0u8; 16];
    rand::rng().fill_bytes(&mut salt);
    let salt = SaltString::encode_b64(&salt).expect("16 bytes is a valid salt");
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .expect("argon2 with default parameters cannot fail")
        .to_string()
}

fn verify_password(hash: &str, password: &str) -> bool {
    PasswordHash::new(hash)
        .map(|h| {
            Argon2::default()
                .verify_password(password.as_bytes(), &h)
                .is_ok()
        })
        .unwrap_or(false)
}

/// Creates a national user or resets an existing one's password and role (its sessions end).
pub fn add_user(
    db: &Db,
    name: &str,
    role: Role,
    password: &str,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<bool> {
    add_scoped_user(db, name, role, &Scope::National, password, actor, now)
}

/// As [`add_user`], limited to `scope` (a viewer only).
pub fn add_scoped_user(
    db: &Db,
    name: &str,
    role: Role,
    scope: &Scope,
    password: &str,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<bool> {
    check_name(name)?;
    check_scope(role, scope)?;
    if password.chars().count() < MIN_PASSWORD {
        return Err(AccountError::ShortPassword(MIN_PASSWORD).into());
    }
    let hash = hash_password(password);
    db.write(|tx| {
        let (_, existed) = users::upsert_user(tx, name, role, scope, &hash, now)?;
        let after = format!(
            "{{\"name\":\"{name}\",\"role\":\"{role}\",\"scope\":\"{}\"}}",
            shown(scope)
        );
        audit::append(
            tx,
            &audit::AuditEntry {
                actor: actor.as_str(),
                action: if existed { "user.reset" } else { "user.create" },
                subject: &format!("user:{name}"),
                before: None,
                after: Some(after.as_bytes()),
                detail: &format!("rol {role}, alcance {}", shown(scope)),
            },
            now,
        )?;
        Ok(existed)
    })
}

fn sha_hex(s: &str) -> String {
    hex::encode(Sha256::digest(s.as_bytes()))
}

fn random_secret(prefix: &str) -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    format!(
        "{prefix}{}",
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
    )
}

/// "nacional" or the list of entities, as audit details say it.
fn shown(scope: &Scope) -> String {
    scope.to_list().unwrap_or_else(|| "nacional".into())
}

/// Creates a national bearer token; the token itself is returned once and only its hash is
/// stored.
pub fn create_token(
    db: &Db,
    name: &str,
    role: Role,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<String> {
    create_scoped_token(db, name, role, &Scope::National, actor, now)
}

/// As [`create_token`], limited to `scope` (a viewer only).
pub fn create_scoped_token(
    db: &Db,
    name: &str,
    role: Role,
    scope: &Scope,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<String> {
    check_name(name)?;
    check_scope(role, scope)?;
    let token = random_secret("pep_");
    db.write(|tx| {
        if users::token_exists(tx, name)? {
            return Err(OpsError::from(AccountError::TokenTaken(name.to_string())));
        }
        users::insert_token(tx, name, role, scope, &sha_hex(&token), now)?;
        audit::append(
            tx,
            &audit::AuditEntry {
                actor: actor.as_str(),
                action: "token.create",
                subject: &format!("token:{name}"),
                detail: &format!("rol {role}, alcance {}", shown(scope)),
                ..Default::default()
            },
            now,
        )?;
        Ok(())
    })?;
    Ok(token)
}

/// Revokes the live token of that name: from the next request on it authenticates nothing.
pub fn revoke_token(db: &Db, name: &str, actor: &Actor, now: DateTime<Utc>) -> Result<()> {
    db.write(|tx| {
        if !users::revoke_token(tx, name, now)? {
            return Err(AccountError::NoSuchToken(name.to_string()).into());
        }
        audit::append(
            tx,
            &audit::AuditEntry {
                actor: actor.as_str(),
                action: "token.revoke",
                subject: &format!("token:{name}"),
                detail: "revocado",
                ..Default::default()
            },
            now,
        )?;
        Ok(())
    })
}

/// The principal behind a bearer token, if it is live.
pub fn authenticate_token(db: &Db, token: &str) -> Result<Option<Principal>> {
    if !token.starts_with("pep_") || token.len() > 100 {
        return Ok(None);
    }
    let found = db.read(|c| users::token_by_hash(c, &sha_hex(token)))?;
    Ok(found.map(|t| Principal::new(t.name, t.role, "token", t.scope)))
}

/// Checks a password and opens a session; returns the session secret for the cookie. The
/// browser's `previous` session, if any, ends in the same transaction (sessions rotate on
/// login: a secret known before it is worth nothing after).
///
/// Two times: the session's life counts from `now` on the wall clock (a person's working
/// hours, not the campaign's: a demo at ×3600 must not end a session within seconds), while
/// the audit record is stamped `audit_at`, on the app's clock like every other record, so the
/// trail stays in order on a simulated clock.
pub fn login(
    db: &Db,
    name: &str,
    password: &str,
    previous: Option<&str>,
    now: DateTime<Utc>,
    audit_at: DateTime<Utc>,
) -> Result<Option<(String, Principal)>> {
    static DUMMY: OnceLock<String> = OnceLock::new();
    let user = db.read(|c| users::user_by_name(c, name))?;
    let Some(user) = user.filter(|u| !u.disabled) else {
        // Same work as a real check, so timing does not tell which names exist.
        verify_password(
            DUMMY.get_or_init(|| hash_password("dummy-password")),
            password,
        );
        return Ok(None);
    };
    if !verify_password(&user.password_hash, password) {
        return Ok(None);
    }
    let secret = random_secret("");
    db.write(|tx| {
        if let Some(previous) = previous {
            users::delete_session(tx, &sha_hex(previous))?;
        }
        users::insert_session(
            tx,
            &sha_hex(&secret),
            user.id,
            now,
            now + Duration::hours(SESSION_HOURS),
        )?;
        audit::append(
            tx,
            &audit::AuditEntry {
                actor: &format!("user:{}", user.name),
                action: "session.login",
                subject: &format!("user:{}", user.name),
                ..Default::default()
            },
            audit_at,
        )?;
        Ok::<_, OpsError>(())
    })?;
    Ok(Some((
        secret,
        Principal::new(user.name, user.role, "user", user.scope),
    )))
}

/// The user behind a live session secret.
pub fn session(db: &Db, secret: &str, now: DateTime<Utc>) -> Result<Option<Principal>> {
    let user = db.read(|c| users::session_user(c, &sha_hex(secret), now))?;
    Ok(user.map(|u| Principal::new(u.name, u.role, "user", u.scope)))
}

/// Ends a session (audited when it existed, at `now` on the app's clock).
pub fn logout(db: &Db, secret: &str, now: DateTime<Utc>) -> Result<()> {
    db.write(|tx| {
        if let Some(user) = users::delete_session(tx, &sha_hex(secret))? {
            let who = format!("user:{user}");
            audit::append(
                tx,
                &audit::AuditEntry {
                    actor: &who,
                    action: "session.logout",
                    subject: &who,
                    ..Default::default()
                },
                now,
            )?;
        }
        Ok(())
    })
}

/// Ends every session of a user (an admin's "sign out everywhere"); audited. Returns how many
/// sessions were live.
pub fn end_sessions(db: &Db, name: &str, actor: &Actor, now: DateTime<Utc>) -> Result<usize> {
    db.write(|tx| {
        let Some(n) = users::delete_user_sessions(tx, name)? else {
            return Err(AccountError::NoSuchUser(name.to_string()).into());
        };
        audit::append(
            tx,
            &audit::AuditEntry {
                actor: actor.as_str(),
                action: "session.end_all",
                subject: &format!("user:{name}"),
                detail: &format!("{n} sesiones cerradas"),
                ..Default::default()
            },
            now,
        )?;
        Ok(n)
    })
}

/// An account as the administration lists it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct AccountView {
    pub name: String,
    pub role: Role,
    /// `user` or `token`.
    pub kind: &'static str,
    pub disabled: bool,
    /// "20" or "07,20"; `None` for national.
    pub scope: Option<String>,
}

/// Every user, then every live token, each by name, with their scopes.
pub fn accounts(db: &Db) -> Result<Vec<AccountView>> {
    let (people, tokens) =
        db.read(|c| -> Result<_> { Ok((users::list_users(c)?, users::list_tokens(c)?)) })?;
    let people = people.into_iter().map(|u| AccountView {
        scope: u.scope.to_list(),
        name: u.name,
        role: u.role,
        kind: "user",
        disabled: u.disabled,
    });
    let tokens = tokens.into_iter().map(|t| AccountView {
        scope: t.scope.to_list(),
        name: t.name,
        role: t.role,
        kind: "token",
        disabled: false,
    });
    Ok(people.chain(tokens).collect())
}

/// Changes a user's scope (a viewer only); audited; the user's sessions end, so that nothing
/// already open keeps the old scope.
pub fn set_user_scope(
    db: &Db,
    name: &str,
    scope: &Scope,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<()> {
    db.write(|tx| {
        let Some(user) = users::user_by_name(tx, name)? else {
            return Err(AccountError::NoSuchUser(name.to_string()).into());
        };
        check_scope(user.role, scope)?;
        users::set_user_scope(tx, name, scope)?;
        audit::append(
            tx,
            &audit::AuditEntry {
                actor: actor.as_str(),
                action: "user.scope",
                subject: &format!("user:{name}"),
                detail: &format!("alcance {} (antes {})", shown(scope), shown(&user.scope)),
                ..Default::default()
            },
            now,
        )?;
        Ok(())
    })
}
