//! The installation secrets, kept out of the database in a key file readable by its owner only.
//!
//! `cookie_key` encrypts the web session cookies; `code_key` signs return-envelope codes.

use std::io::Write;
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};

use rand::RngCore;

use super::errors::KeyFileError;
use super::{OpsError, Result};

/// The secrets of one installation. `Debug` never shows them.
#[derive(Clone)]
pub struct Secrets {
    pub cookie_key: [u8; 64],
    pub code_key: [u8; 32],
}

impl std::fmt::Debug for Secrets {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secrets(***)")
    }
}

impl Secrets {
    fn generate() -> Secrets {
        let mut s = Secrets {
            cookie_key: [0; 64],
            code_key: [0; 32],
        };
        let mut rng = rand::rng();
        rng.fill_bytes(&mut s.cookie_key);
        rng.fill_bytes(&mut s.code_key);
        s
    }
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

/// Loads the key file, creating it (mode 0600) when absent. Returns whether it was created.
pub fn load_or_create(path: &Path) -> Result<(Secrets, bool)> {
    if path.exists() {
        return Ok((load(path)?, false));
    }
    let s = Secrets::generate();
    let text = format!(
        "# pep-tracker installation secrets: keep private, back up apart from the database\ncookie_key = \"{}\"\ncode_key = \"{}\"\n",
        hex::encode(s.cookie_key),
        hex::encode(s.code_key)
    );
    let io = |source| KeyFileError::Io {
        path: path.to_path_buf(),
        source,
    };
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
    let bad = |reason: String| -> OpsError {
        KeyFileError::Unusable {
            path: path.to_path_buf(),
            reason,
        }
        .into()
    };
    let meta = std::fs::metadata(path).map_err(|e| {
        bad(format!(
            "{e} (¿se ejecutó `pep-tracker init` para esta base de datos?)"
        ))
    })?;
    if meta.permissions().mode() & 0o077 != 0 {
        return Err(bad("permisos demasiado abiertos: use chmod 600".into()));
    }
    let text = std::fs::read_to_string(path).map_err(|e| bad(e.to_string()))?;
    let table: toml::Table = text.parse().map_err(|_| bad("no es TOML válido".into()))?;
    let get = |k: &str, len: usize| -> Result<Vec<u8>> {
        let v = table
            .get(k)
            .and_then(|v| v.as_str())
            .ok_or_else(|| bad(format!("{k}: falta")))?;
        let bytes = hex::decode(v).map_err(|_| bad(format!("{k}: no es hexadecimal")))?;
        if bytes.len() != len {
            return Err(bad(format!("{k}: debe tener {len} bytes")));
        }
        Ok(bytes)
    };
    let mut s = Secrets {
        cookie_key: [0; 64],
        code_key: [0; 32],
    };
    s.cookie_key.copy_from_slice(&get("cookie_key", 64)?);
    s.code_key.copy_from_slice(&get("code_key", 32)?);
    Ok(s)
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
        assert_eq!(format!("{a:?}"), "Secrets(***)");
    }

    #[test]
    fn a_key_file_readable_by_others_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("k.key");
        load_or_create(&path).unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
        assert!(load(&path).unwrap_err().to_string().contains("chmod 600"));
    }
}
