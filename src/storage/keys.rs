//! The installation key file: the secrets kept beside the database but never in it, readable
//! by its owner only.
//!
//! `cookie_key` encrypts the web session cookies; `code_key` signs return-envelope codes;
//! `audit_key` keys the audit chain's HMAC; `signing_key` is the seed of the Ed25519 key that
//! signs audit checkpoints. Key files written before the last two existed lack them: they are
//! then derived, deterministically and without rewriting the file, as HMAC-SHA256 of a fixed
//! label under `code_key` ([`derive`]), so an old key file and its backups keep meaning the
//! same keys.

use std::io::Write;
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use ed25519_dalek::SigningKey;
use hmac::{Hmac, Mac};
use rand::RngCore;
use sha2::Sha256;

use crate::domain::audit::AuditKey;

/// Why the key file cannot be used.
#[derive(Debug, thiserror::Error)]
#[error("{path}: {reason}")]
pub struct KeyFileError {
    path: PathBuf,
    reason: String,
}

type Result<T> = std::result::Result<T, KeyFileError>;

/// The labels under which keys missing from an old key file are derived from `code_key`.
const AUDIT_LABEL: &str = "pep-tracker/audit-chain-key/v1";
const SIGNING_LABEL: &str = "pep-tracker/checkpoint-signing-key/v1";

/// The secrets of one installation. `Debug` never shows them.
#[derive(Clone)]
pub struct Secrets {
    pub cookie_key: [u8; 64],
    pub code_key: [u8; 32],
    pub audit_key: AuditKey,
    /// The Ed25519 seed that signs audit checkpoints.
    pub signing_key: [u8; 32],
}

impl std::fmt::Debug for Secrets {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secrets(***)")
    }
}

impl Secrets {
    fn generate() -> Secrets {
        let mut rng = rand::rng();
        let mut cookie_key = [0; 64];
        let mut code_key = [0; 32];
        let mut audit_key = [0; 32];
        let mut signing_key = [0; 32];
        rng.fill_bytes(&mut cookie_key);
        rng.fill_bytes(&mut code_key);
        rng.fill_bytes(&mut audit_key);
        rng.fill_bytes(&mut signing_key);
        Secrets {
            cookie_key,
            code_key,
            audit_key: AuditKey::new(audit_key),
            signing_key,
        }
    }

    /// The key that signs audit checkpoints.
    pub fn checkpoint_key(&self) -> SigningKey {
        SigningKey::from_bytes(&self.signing_key)
    }
}

/// HMAC-SHA256 of `label` under `code_key`: a key missing from an old key file.
pub fn derive(code_key: &[u8; 32], label: &str) -> [u8; 32] {
    let mut m = <Hmac<Sha256> as Mac>::new_from_slice(code_key)
        .unwrap_or_else(|_| unreachable!("HMAC accepts keys of any length"));
    m.update(label.as_bytes());
    m.finalize().into_bytes().into()
}

/// The key file of a database: `PEP_KEY_FILE`, else the database path with `.key` appended.
pub fn key_path_for(db: &Path) -> PathBuf {
    match std::env::var_os("PEP_KEY_FILE") {
        Some(p) if !p.is_empty() => PathBuf::from(p),
        _ => {
            let mut p = db.as_os_str().to_owned();
            p.push(".key");
            PathBuf::from(p)
        }
    }
}

fn error(path: &Path, reason: impl ToString) -> KeyFileError {
    KeyFileError {
        path: path.to_path_buf(),
        reason: reason.to_string(),
    }
}

/// Loads the key file, creating it (mode 0600) when absent. Returns whether it was created.
pub fn load_or_create(path: &Path) -> Result<(Secrets, bool)> {
    if path.exists() {
        return Ok((load(path)?, false));
    }
    let s = Secrets::generate();
    let text = format!(
        "# pep-tracker installation secrets: keep private, back up apart from the database\n\
         cookie_key = \"{}\"\ncode_key = \"{}\"\naudit_key = \"{}\"\nsigning_key = \"{}\"\n",
        hex::encode(s.cookie_key),
        hex::encode(s.code_key),
        hex::encode(s.audit_key.as_bytes()),
        hex::encode(s.signing_key)
    );
    let io = |e: std::io::Error| error(path, e);
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
        .map_err(io)?;
    f.write_all(text.as_bytes()).map_err(io)?;
    f.sync_all().map_err(io)?;
    Ok((s, true))
}

/// Loads an existing key file; refuses one that others can read or that is malformed.
pub fn load(path: &Path) -> Result<Secrets> {
    let meta = std::fs::metadata(path).map_err(|e| {
        error(
            path,
            format!("{e} (¿se ejecutó `pep-tracker init` para esta base de datos?)"),
        )
    })?;
    if meta.permissions().mode() & 0o077 != 0 {
        return Err(error(path, "permisos demasiado abiertos: use chmod 600"));
    }
    let text = std::fs::read_to_string(path).map_err(|e| error(path, e))?;
    let table: toml::Table = text.parse().map_err(|_| error(path, "no es TOML válido"))?;
    let get = |k: &str, len: usize| -> Result<Option<Vec<u8>>> {
        let Some(v) = table.get(k) else {
            return Ok(None);
        };
        let v = v
            .as_str()
            .ok_or_else(|| error(path, format!("{k}: debe ser texto")))?;
        let bytes = hex::decode(v).map_err(|_| error(path, format!("{k}: no es hexadecimal")))?;
        if bytes.len() != len {
            return Err(error(path, format!("{k}: debe tener {len} bytes")));
        }
        Ok(Some(bytes))
    };
    let required =
        |k: &str, len: usize| get(k, len)?.ok_or_else(|| error(path, format!("{k}: falta")));
    let mut cookie_key = [0; 64];
    let mut code_key = [0; 32];
    cookie_key.copy_from_slice(&required("cookie_key", 64)?);
    code_key.copy_from_slice(&required("code_key", 32)?);
    let or_derived = |k: &str, label: &str| -> Result<[u8; 32]> {
        Ok(match get(k, 32)? {
            Some(b) => <[u8; 32]>::try_from(b.as_slice()).map_err(|_| error(path, k))?,
            None => derive(&code_key, label),
        })
    };
    Ok(Secrets {
        audit_key: AuditKey::new(or_derived("audit_key", AUDIT_LABEL)?),
        signing_key: or_derived("signing_key", SIGNING_LABEL)?,
        cookie_key,
        code_key,
    })
}

/// The key file of one database, read the first time a secret is needed (a database can be
/// opened before `init` writes its key file, and a copy can be read without one).
#[derive(Debug)]
pub struct LazySecrets {
    path: PathBuf,
    secrets: OnceLock<Secrets>,
}

impl LazySecrets {
    pub fn new(path: PathBuf) -> LazySecrets {
        LazySecrets {
            path,
            secrets: OnceLock::new(),
        }
    }

    pub fn get(&self) -> Result<&Secrets> {
        if let Some(s) = self.secrets.get() {
            return Ok(s);
        }
        let loaded = load(&self.path)?;
        Ok(self.secrets.get_or_init(|| loaded))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_created_key_file_is_private_and_loads_back() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("k.key");
        let (a, created) = load_or_create(&path).unwrap();
        assert!(created);
        let mode = std::fs::metadata(&path).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
        let (b, created) = load_or_create(&path).unwrap();
        assert!(!created);
        assert_eq!(a.code_key, b.code_key);
        assert_eq!(a.audit_key, b.audit_key);
        assert_eq!(a.signing_key, b.signing_key);
        assert_eq!(format!("{a:?}"), "Secrets(***)");
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.contains("audit_key = ") && text.contains("signing_key = "));
    }

    #[test]
    fn a_key_file_readable_by_others_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("k.key");
        load_or_create(&path).unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
        assert!(load(&path).unwrap_err().to_string().contains("chmod 600"));
    }

    #[test]
    fn an_old_key_file_gets_its_audit_keys_derived_the_same_way_every_time() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("old.key");
        let code_key = [5u8; 32];
        let text = format!(
            "cookie_key = \"{}\"\ncode_key = \"{}\"\n",
            hex::encode([4u8; 64]),
            hex::encode(code_key)
        );
        std::fs::write(&path, text).unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
        let a = load(&path).unwrap();
        let b = load(&path).unwrap();
        assert_eq!(a.audit_key, b.audit_key);
        assert_eq!(a.signing_key, b.signing_key);
        assert_eq!(a.audit_key.as_bytes(), &derive(&code_key, AUDIT_LABEL));
        assert_ne!(a.audit_key.as_bytes(), &a.signing_key);
        assert_ne!(a.audit_key.as_bytes(), &code_key);
    }

    #[test]
    fn a_malformed_audit_key_is_refused_not_derived() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("k.key");
        let text = format!(
            "cookie_key = \"{}\"\ncode_key = \"{}\"\naudit_key = \"abcd\"\n",
            hex::encode([4u8; 64]),
            hex::encode([5u8; 32])
        );
        std::fs::write(&path, text).unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
        let err = load(&path).unwrap_err().to_string();
        assert!(err.contains("audit_key: debe tener 32 bytes"), "{err}");
    }
}
