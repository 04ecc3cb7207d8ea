//! Where the app may send a browser next: the one check of every redirect target taken from a
//! request (`next` after login, `back` after a form). Only same-site relative paths pass: one
//! leading `/`, no scheme or host, no backslash, no whitespace or control characters, and a
//! valid origin-form URI so that the redirect itself cannot fail after the work is done.

use rocket::http::uri::Origin;

/// The longest target accepted.
pub const MAX_LEN: usize = 300;

/// A checked same-site path (with an optional query).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LocalPath(String);

/// Why a target was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RedirectError {
    #[error("destino de redirección no permitido: debe ser una ruta de este sitio")]
    NotLocal,
}

/// The characters of a path and query (RFC 3986 unreserved, sub-delims, `:@/?` and `%`
/// escapes): no space, quote, angle bracket, backslash or anything beyond ASCII.
fn allowed(c: char) -> bool {
    c.is_ascii_alphanumeric() || "-._~!$&'()*+,;=:@/?%".contains(c)
}

impl LocalPath {
    /// Accepts `/path?query` on this site only.
    pub fn parse(target: &str) -> Result<LocalPath, RedirectError> {
        let mut chars = target.chars();
        let local = chars.next() == Some('/')
            && !matches!(chars.next(), Some('/') | Some('\\'))
            && target.len() <= MAX_LEN
            && target.chars().all(allowed)
            && Origin::parse(target).is_ok();
        if local {
            Ok(LocalPath(target.to_string()))
        } else {
            Err(RedirectError::NotLocal)
        }
    }

    /// A target a form may carry: none, or a checked one (a refused one is an error, to be
    /// answered before the handler changes anything).
    pub fn optional(target: Option<&str>) -> Result<Option<LocalPath>, RedirectError> {
        target.map(LocalPath::parse).transpose()
    }

    /// The checked target, or `fallback` when there is none or it is refused.
    pub fn or(target: Option<&str>, fallback: &str) -> LocalPath {
        target
            .and_then(|t| LocalPath::parse(t).ok())
            .unwrap_or_else(|| LocalPath(fallback.to_string()))
    }

    /// The path with `key=value` appended to its query (value URL-safe by construction).
    pub fn with_param(&self, key: &str, value: &str) -> String {
        let sep = if self.0.contains('?') { '&' } else { '?' };
        format!("{}{sep}{key}={value}", self.0)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for LocalPath {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_same_site_paths_pass() {
        for ok in ["/", "/queues", "/peps/PEP-1?x=1", "/search?q=a%20b"] {
            assert_eq!(LocalPath::parse(ok).map(|p| p.0), Ok(ok.to_string()));
        }
        for bad in [
            "",
            "queues",
            "//evil.example",
            "/\\evil.example",
            "/a\\b",
            "https://evil.example",
            "/a b",
            "/a\nLocation: x",
            "/a\u{7f}",
            "/x\"y",
            "/x<y>",
        ] {
            assert!(LocalPath::parse(bad).is_err(), "{bad:?}");
        }
        assert!(LocalPath::parse(&format!("/{}", "a".repeat(MAX_LEN))).is_err());
    }

    #[test]
    fn a_refused_target_falls_back_and_params_join_the_query() {
        assert_eq!(LocalPath::or(Some("//evil"), "/").as_str(), "/");
        assert_eq!(LocalPath::or(None, "/batches").as_str(), "/batches");
        assert_eq!(LocalPath::optional(None), Ok(None));
        assert!(LocalPath::optional(Some("//evil")).is_err());
        let p = LocalPath::parse("/queues").unwrap();
        assert_eq!(p.with_param("reissued", "PEP-2"), "/queues?reissued=PEP-2");
        let p = LocalPath::parse("/search?q=x").unwrap();
        assert_eq!(
            p.with_param("reissued", "PEP-2"),
            "/search?q=x&reissued=PEP-2"
        );
    }
}
