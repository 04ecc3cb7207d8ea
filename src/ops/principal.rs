//! Who a request or command acts as: a signed-in staff member or an API token, with its role,
//! entity scope, and the web request it came with.

use super::Actor;
use crate::domain::role::Role;
use crate::domain::scope::Scope;

/// A signed-in staff member.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Principal {
    pub name: String,
    pub role: Role,
    /// `user` for people, `token` for API clients.
    pub kind: &'static str,
    /// The entities this account may see (read with the credential, once per request).
    #[serde(skip)]
    pub scope: Scope,
    /// The scope as shown ("20" or "07,20"); `None` for national.
    pub scope_list: Option<String>,
    /// The web request this credential came with (its id, for log lines of the use cases).
    #[serde(skip)]
    pub request_id: Option<String>,
}

impl Principal {
    pub(super) fn new(name: String, role: Role, kind: &'static str, scope: Scope) -> Principal {
        Principal {
            scope_list: scope.to_list(),
            name,
            role,
            kind,
            scope,
            request_id: None,
        }
    }

    /// The actor its changes are audited as, within its web request.
    pub fn actor(&self) -> Actor {
        let actor = match self.kind {
            "token" => Actor::token(&self.name),
            _ => Actor::user(&self.name),
        };
        actor.in_request(self.request_id.as_deref())
    }
}
