//! The signed one-click opt-out token of a notice e-mail: the PEP id and an HMAC-SHA256 tag
//! under the installation's opt-out key, so that nobody can unsubscribe another elector by
//! guessing a URL. `PEP-0000123-1.<22 characters>` (base64url of the tag's first 16 bytes).

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use hmac::{Hmac, Mac};
use sha2::Sha256;

use crate::domain::pep::PepId;

const TAG_BYTES: usize = 16;

fn tag(key: &[u8; 32], pep: &str) -> [u8; TAG_BYTES] {
    let mut m = <Hmac<Sha256> as Mac>::new_from_slice(key)
        .unwrap_or_else(|_| unreachable!("HMAC accepts keys of any length"));
    m.update(b"optout:");
    m.update(pep.as_bytes());
    let full = m.finalize().into_bytes();
    let mut out = [0; TAG_BYTES];
    out.copy_from_slice(&full[..TAG_BYTES]);
    out
}

/// The token for `pep` under `key`.
pub fn sign(key: &[u8; 32], pep: &PepId) -> String {
    let pep = pep.to_string();
    format!("{pep}.{}", URL_SAFE_NO_PAD.encode(tag(key, &pep)))
}

/// The PEP a token names, when its tag is genuine (compared in constant time).
pub fn verify(key: &[u8; 32], token: &str) -> Option<PepId> {
    let (pep, sig) = token.rsplit_once('.')?;
    let sig = URL_SAFE_NO_PAD.decode(sig).ok()?;
    let mut m = <Hmac<Sha256> as Mac>::new_from_slice(key).ok()?;
    m.update(b"optout:");
    m.update(pep.as_bytes());
    m.verify_truncated_left(&sig).ok()?;
    if sig.len() != TAG_BYTES {
        return None;
    }
    PepId::parse(pep).ok()
}
