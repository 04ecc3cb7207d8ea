//! The installation secrets, for the use cases: the key file itself lives in
//! [`storage::keys`](crate::storage::keys), beside the database that reads its audit key.

use std::path::Path;

use super::Result;

pub use crate::storage::keys::{key_path_for, Secrets};

/// Loads the key file, creating it (mode 0600) when absent. Returns whether it was created.
pub fn load_or_create(path: &Path) -> Result<(Secrets, bool)> {
    Ok(crate::storage::keys::load_or_create(path)?)
}

/// Loads an existing key file; refuses one that others can read or that is malformed.
pub fn load(path: &Path) -> Result<Secrets> {
    Ok(crate::storage::keys::load(path)?)
}
