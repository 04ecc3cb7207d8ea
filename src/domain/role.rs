//! Staff roles and what each one may do.

use std::fmt;
use std::str::FromStr;

/// A role held by a user or a bearer token.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    Admin,
    Shipping,
    Reception,
    Sync,
    Viewer,
}

impl Role {
    pub const ALL: [Role; 5] = [
        Role::Admin,
        Role::Shipping,
        Role::Reception,
        Role::Sync,
        Role::Viewer,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Shipping => "shipping",
            Role::Reception => "reception",
            Role::Sync => "sync",
            Role::Viewer => "viewer",
        }
    }

    /// The role's name on Spanish screens.
    pub fn label_es(self) -> &'static str {
        match self {
            Role::Admin => "Administración",
            Role::Shipping => "Envíos",
            Role::Reception => "Recepción",
            Role::Sync => "Sincronización",
            Role::Viewer => "Consulta",
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.as_str())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("rol desconocido «{0}» (admin, shipping, reception, sync o viewer)")]
pub struct UnknownRole(pub String);

impl FromStr for Role {
    type Err = UnknownRole;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Role::ALL
            .into_iter()
            .find(|r| r.as_str() == s)
            .ok_or_else(|| UnknownRole(s.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_role_parses_back_from_its_name() {
        for r in Role::ALL {
            assert_eq!(r.as_str().parse::<Role>(), Ok(r));
        }
    }

    #[test]
    fn unknown_or_differently_cased_roles_are_refused() {
        assert!("Admin".parse::<Role>().is_err());
        assert!("root".parse::<Role>().is_err());
        assert!("".parse::<Role>().is_err());
    }
}
