//! Which roles each route admits: one type per policy, and the table the tests walk.

use crate::domain::role::Role;

/// A set of admitted roles, as a type so guards can name it: `Page<Shipping>`.
pub trait Policy: Send + Sync + 'static {
    const ROLES: &'static [Role];
}

macro_rules! policy {
    ($(#[$doc:meta])* $name:ident = [$($role:ident),+]) => {
        $(#[$doc])*
        pub struct $name;
        impl Policy for $name {
            const ROLES: &'static [Role] = &[$(Role::$role),+];
        }
    };
}

policy!(
    /// Every signed-in role.
    AnyRole = [Admin, Shipping, Reception, Sync, Viewer]
);
policy!(
    /// Administration only.
    AdminOnly = [Admin]
);
policy!(
    /// The shipping desk.
    Shipping = [Admin, Shipping]
);
policy!(
    /// The reception desk of the postal MEC.
    Reception = [Admin, Reception]
);
policy!(
    /// The lists reception prints, which name electors: only roles with leave to see
    /// personal data for them (`domain::personal::PrintedRecords`) and a reason to print.
    ReceptionRecords = [Admin, Reception]
);
policy!(
    /// Oversight of reception: its desk, administration and read-only observers.
    Oversight = [Admin, Reception, Viewer]
);
policy!(
    /// Courier tracking and its exception queues: the shipping desk and observers.
    Tracking = [Admin, Shipping, Viewer]
);
policy!(
    /// The courier sync job.
    SyncJob = [Admin, Sync]
);

/// Routes used with a bearer token rather than a session: the JSON API and the metrics.
pub fn takes_token(path: &str) -> bool {
    path.starts_with("/api/") || path == "/metrics"
}

/// Who may use a route: nobody signed in is needed, or one of these roles.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    Public,
    Roles(&'static [Role]),
    /// No account: the carrier's own signature or credential (`web::hooks`); any request
    /// without it, signed in or not, is refused.
    Carrier,
}

/// Every mounted route with its access rule. A test walks this table with every role and
/// checks that the app allows and denies exactly as written, and that no route is missing.
pub const ROUTES: &[(&str, &str, Access)] = &[
    ("GET", "/healthz", Access::Public),
    ("GET", "/metrics", Access::Roles(SyncJob::ROLES)),
    ("GET", "/login", Access::Public),
    ("POST", "/login", Access::Public),
    ("POST", "/logout", Access::Roles(AnyRole::ROLES)),
    ("GET", "/consulta", Access::Public),
    ("POST", "/consulta", Access::Public),
    ("GET", "/", Access::Roles(AnyRole::ROLES)),
    ("GET", "/dashboard/<table>", Access::Roles(AnyRole::ROLES)),
    ("GET", "/search", Access::Roles(AnyRole::ROLES)),
    ("GET", "/peps/<pep_id>", Access::Roles(AnyRole::ROLES)),
    ("GET", "/audit", Access::Roles(AdminOnly::ROLES)),
    ("POST", "/audit/verify", Access::Roles(AdminOnly::ROLES)),
    ("GET", "/audit/checkpoint", Access::Roles(AdminOnly::ROLES)),
    ("GET", "/api/v1/stats", Access::Roles(AnyRole::ROLES)),
    (
        "GET",
        "/api/v1/peps/<pep_id>",
        Access::Roles(AnyRole::ROLES),
    ),
    ("POST", "/api/v1/lookup", Access::Public),
    ("GET", "/api/openapi.json", Access::Public),
    ("GET", "/static/<path..>", Access::Public),
    ("GET", "/batches", Access::Roles(AnyRole::ROLES)),
    ("POST", "/batches", Access::Roles(Shipping::ROLES)),
    (
        "GET",
        "/batches/<id>/<file>",
        Access::Roles(Shipping::ROLES),
    ),
    (
        "POST",
        "/peps/<pep_id>/reissue",
        Access::Roles(Shipping::ROLES),
    ),
    ("GET", "/station", Access::Roles(Reception::ROLES)),
    ("POST", "/station", Access::Roles(Reception::ROLES)),
    ("POST", "/station/scan", Access::Roles(Reception::ROLES)),
    ("POST", "/api/v1/checkins", Access::Roles(Reception::ROLES)),
    ("GET", "/reception", Access::Roles(Oversight::ROLES)),
    (
        "GET",
        "/reception/reconciliation.csv",
        Access::Roles(Oversight::ROLES),
    ),
    (
        "GET",
        "/reception/mec/<entity>/<mec>/lista.pdf",
        Access::Roles(ReceptionRecords::ROLES),
    ),
    (
        "GET",
        "/reception/mec/<entity>/<mec>/acta.pdf",
        Access::Roles(Oversight::ROLES),
    ),
    (
        "GET",
        "/reception/late.pdf",
        Access::Roles(ReceptionRecords::ROLES),
    ),
    ("GET", "/settings/cutoff", Access::Roles(AdminOnly::ROLES)),
    ("POST", "/settings/cutoff", Access::Roles(AdminOnly::ROLES)),
    ("GET", "/queues", Access::Roles(Tracking::ROLES)),
    ("GET", "/users", Access::Roles(AdminOnly::ROLES)),
    (
        "POST",
        "/users/<name>/scope",
        Access::Roles(AdminOnly::ROLES),
    ),
    ("GET", "/informes", Access::Roles(AnyRole::ROLES)),
    ("GET", "/informes/<file>", Access::Roles(AnyRole::ROLES)),
    ("GET", "/baja/<token>", Access::Public),
    ("POST", "/baja/<token>", Access::Public),
    ("POST", "/hooks/sms", Access::Public),
    ("GET", "/avisos", Access::Roles(Shipping::ROLES)),
    (
        "POST",
        "/peps/<pep_id>/avisos/reenviar",
        Access::Roles(Shipping::ROLES),
    ),
    // Carrier pushes: no account, authenticated by the carrier's signature or credential.
    ("POST", "/hooks/ups", Access::Carrier),
    ("POST", "/hooks/fedex", Access::Carrier),
    ("POST", "/hooks/dhl", Access::Carrier),
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::personal::{PersonalData, PrintedRecords};

    #[test]
    fn every_role_admitted_to_the_printed_lists_has_leave_to_see_what_they_name() {
        for &role in ReceptionRecords::ROLES {
            assert!(PersonalData::<PrintedRecords>::of(role).is_some(), "{role}");
        }
        assert!(!ReceptionRecords::ROLES.contains(&Role::Viewer));
    }
}
