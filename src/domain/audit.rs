//! The audit trail's hash chain: how a record is hashed and how a chain is verified.
//!
//! Each record's hash is an HMAC-SHA256, under the installation's audit key, of its sequence
//! number, its fields and the previous record's hash, so an edited, deleted, inserted or
//! reordered record breaks the chain, and whoever can write the database file but not read the
//! key file cannot forge a chain that verifies. The head (last sequence number and hash) is
//! stored apart so that truncating the tail is detected too.
//!
//! Without the key, only the links can be checked ([`ChainLinks`]: consecutive numbers, each
//! record naming the previous hash); signed checkpoints (see `domain::checkpoint`) extend that
//! to the content of the records, for a party holding the public key alone.

use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};

/// The `prev_hash` of the first record.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// The secret key of the chain's HMAC. `Debug` never shows it.
#[derive(Clone, PartialEq, Eq)]
pub struct AuditKey([u8; 32]);

impl std::fmt::Debug for AuditKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("AuditKey(***)")
    }
}

impl AuditKey {
    pub fn new(bytes: [u8; 32]) -> AuditKey {
        AuditKey(bytes)
    }

    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }

    /// Hex HMAC-SHA256 of `message` under this key.
    pub fn mac(&self, message: &[u8]) -> String {
        let mut m = <Hmac<Sha256> as Mac>::new_from_slice(&self.0)
            .unwrap_or_else(|_| unreachable!("HMAC accepts keys of any length"));
        m.update(message);
        hex::encode(m.finalize().into_bytes())
    }

    /// Whether `hash` is this key's MAC of `message`, compared in constant time.
    pub fn verifies(&self, message: &[u8], hash: &str) -> bool {
        let Ok(tag) = hex::decode(hash) else {
            return false;
        };
        let mut m = <Hmac<Sha256> as Mac>::new_from_slice(&self.0)
            .unwrap_or_else(|_| unreachable!("HMAC accepts keys of any length"));
        m.update(message);
        m.verify_slice(&tag).is_ok()
    }
}

/// One audit record as stored.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct AuditRecord {
    pub seq: i64,
    /// RFC 3339 UTC timestamp.
    pub at: String,
    pub actor: String,
    pub action: String,
    pub subject: String,
    pub before_digest: Option<String>,
    pub after_digest: Option<String>,
    pub detail: String,
    pub prev_hash: String,
    pub hash: String,
}

impl AuditRecord {
    /// The bytes the record's hash covers: the sequence number, then each field and
    /// `prev_hash` length-prefixed, so that moving bytes between fields changes them.
    pub fn message(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(256);
        out.extend_from_slice(&self.seq.to_be_bytes());
        for field in [
            self.at.as_str(),
            &self.actor,
            &self.action,
            &self.subject,
            self.before_digest.as_deref().unwrap_or("-"),
            self.after_digest.as_deref().unwrap_or("-"),
            &self.detail,
            &self.prev_hash,
        ] {
            out.extend_from_slice(&(field.len() as u64).to_be_bytes());
            out.extend_from_slice(field.as_bytes());
        }
        out
    }

    /// The hash this record must carry under `key`, given its fields and `prev_hash`.
    pub fn compute_hash(&self, key: &AuditKey) -> String {
        key.mac(&self.message())
    }
}

/// SHA-256 of a state's canonical bytes (e.g. its JSON), for before/after digests.
pub fn digest(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// A SHA-256 over records 1..=n in order (each record's message and its hash), which anyone
/// can recompute from the records: a checkpoint signs it so that a party without the audit
/// key can still tell that the records it covers are unchanged.
#[derive(Debug, Clone, Default)]
pub struct LogDigest(Sha256);

impl LogDigest {
    pub fn push(&mut self, r: &AuditRecord) {
        let message = r.message();
        self.0.update((message.len() as u64).to_be_bytes());
        self.0.update(&message);
        self.0.update((r.hash.len() as u64).to_be_bytes());
        self.0.update(r.hash.as_bytes());
    }

    pub fn finish(self) -> String {
        hex::encode(self.0.finalize())
    }
}

/// Where and why a chain fails verification.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("registro {seq}: {reason}")]
pub struct ChainBreak {
    pub seq: i64,
    pub reason: String,
}

/// Checks the links of records in storage order, without the key: consecutive numbers from
/// 1, each record naming the previous record's hash.
#[derive(Debug)]
pub struct ChainLinks {
    next_seq: i64,
    prev_hash: String,
}

impl Default for ChainLinks {
    fn default() -> Self {
        ChainLinks {
            next_seq: 1,
            prev_hash: GENESIS.to_string(),
        }
    }
}

impl ChainLinks {
    /// Checks that `r` comes next, then moves past it.
    pub fn push(&mut self, r: &AuditRecord) -> Result<(), ChainBreak> {
        self.check(r)?;
        self.next_seq += 1;
        self.prev_hash.clone_from(&r.hash);
        Ok(())
    }

    fn check(&self, r: &AuditRecord) -> Result<(), ChainBreak> {
        let fail = |reason: String| ChainBreak { seq: r.seq, reason };
        if r.seq != self.next_seq {
            return Err(fail(format!(
                "se esperaba el número {} (registro faltante, insertado o reordenado)",
                self.next_seq
            )));
        }
        if r.prev_hash != self.prev_hash {
            return Err(fail("no encadena con el registro anterior".into()));
        }
        Ok(())
    }

    /// The sequence number and hash of the last record pushed (0 and [`GENESIS`] if none).
    pub fn last(&self) -> (i64, &str) {
        (self.next_seq - 1, &self.prev_hash)
    }
}

/// Checks records one by one in storage order: links and keyed hashes.
#[derive(Debug)]
pub struct ChainVerifier {
    links: ChainLinks,
    key: AuditKey,
}

impl ChainVerifier {
    pub fn new(key: AuditKey) -> ChainVerifier {
        ChainVerifier {
            links: ChainLinks::default(),
            key,
        }
    }

    pub fn push(&mut self, r: &AuditRecord) -> Result<(), ChainBreak> {
        // Links first: a missing or reordered record is reported as such, not as an edit.
        self.links.check(r)?;
        if !self.key.verifies(&r.message(), &r.hash) {
            return Err(ChainBreak {
                seq: r.seq,
                reason: "su contenido fue alterado (hash distinto)".into(),
            });
        }
        self.links.push(r)
    }

    /// Compares the end of the chain with the stored head (count and last hash).
    pub fn finish(self, head_seq: i64, head_hash: &str) -> Result<i64, ChainBreak> {
        let (last, hash) = self.links.last();
        if last != head_seq || hash != head_hash {
            return Err(ChainBreak {
                seq: last,
                reason: format!(
                    "la cadena termina en el registro {last} pero la cabeza registrada es {head_seq} (registros eliminados o añadidos al final)"
                ),
            });
        }
        Ok(last)
    }
}
/// A chain of `n` check-in records under the key `[7; 32]`, for tests.
#[cfg(test)]
pub(crate) fn sample_chain(n: i64) -> Vec<AuditRecord> {
    let key = AuditKey::new([7; 32]);
    let mut prev = GENESIS.to_string();
    (1..=n)
        .map(|seq| {
            let mut r = AuditRecord {
                seq,
                at: "2022-06-01T10:00:00Z".into(),
                actor: "user:ana".into(),
                action: "checkin.accepted".into(),
                subject: format!("pep:{seq}"),
                before_digest: None,
                after_digest: Some(digest(b"{}")),
                detail: String::new(),
                prev_hash: prev.clone(),
                hash: String::new(),
            };
            r.hash = r.compute_hash(&key);
            prev = r.hash.clone();
            r
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key() -> AuditKey {
        AuditKey::new([7; 32])
    }

    fn chain(n: i64) -> Vec<AuditRecord> {
        sample_chain(n)
    }

    fn verify(records: &[AuditRecord], head: (i64, &str)) -> Result<i64, ChainBreak> {
        let mut v = ChainVerifier::new(key());
        for r in records {
            v.push(r)?;
        }
        v.finish(head.0, head.1)
    }

    #[test]
    fn an_untouched_chain_verifies() {
        let c = chain(5);
        assert_eq!(verify(&c, (5, &c[4].hash)), Ok(5));
    }

    #[test]
    fn an_edited_field_is_detected_at_its_record() {
        let mut c = chain(5);
        c[2].actor = "user:eve".into();
        let head = c[4].hash.clone();
        assert_eq!(verify(&c, (5, &head)).unwrap_err().seq, 3);
    }

    #[test]
    fn a_deleted_record_in_the_middle_is_detected() {
        let mut c = chain(5);
        c.remove(1);
        let head = c[3].hash.clone();
        assert_eq!(verify(&c, (5, &head)).unwrap_err().seq, 3);
    }

    #[test]
    fn a_truncated_tail_is_detected_through_the_head() {
        let c = chain(5);
        let head = c[4].hash.clone();
        assert!(verify(&c[..4], (5, &head)).is_err());
    }

    #[test]
    fn swapped_records_are_detected() {
        let mut c = chain(5);
        c.swap(1, 2);
        let head = c[4].hash.clone();
        assert!(verify(&c, (5, &head)).is_err());
    }

    #[test]
    fn moving_bytes_between_fields_changes_the_hash() {
        let c = chain(1);
        let mut r = c[0].clone();
        r.actor = "user:an".into();
        r.action = "acheckin.accepted".into();
        assert_ne!(r.compute_hash(&key()), c[0].hash);
    }

    #[test]
    fn a_chain_rehashed_with_plain_sha256_is_refused() {
        // What an intruder without the key would do: edit, then recompute every hash.
        let mut c = chain(3);
        c[1].detail = "estación falsa".into();
        let mut prev = GENESIS.to_string();
        for r in &mut c {
            r.prev_hash = prev.clone();
            r.hash = digest(&r.message());
            prev = r.hash.clone();
        }
        let head = c[2].hash.clone();
        assert_eq!(verify(&c, (3, &head)).unwrap_err().seq, 1);
    }

    #[test]
    fn another_key_does_not_verify_the_chain() {
        let c = chain(2);
        let mut v = ChainVerifier::new(AuditKey::new([8; 32]));
        assert!(v.push(&c[0]).is_err());
        assert_eq!(format!("{:?}", key()), "AuditKey(***)");
    }

    #[test]
    fn the_links_alone_accept_an_untouched_chain_and_refuse_a_gap() {
        let c = chain(4);
        let mut links = ChainLinks::default();
        for r in &c {
            links.push(r).unwrap();
        }
        assert_eq!(links.last(), (4, c[3].hash.as_str()));
        let mut links = ChainLinks::default();
        links.push(&c[0]).unwrap();
        assert_eq!(links.push(&c[2]).unwrap_err().seq, 3);
    }

    #[test]
    fn the_log_digest_changes_with_any_record() {
        let c = chain(3);
        let of = |records: &[AuditRecord]| {
            let mut d = LogDigest::default();
            records.iter().for_each(|r| d.push(r));
            d.finish()
        };
        let mut edited = c.clone();
        edited[0].subject = "pep:9".into();
        assert_ne!(of(&c), of(&edited));
        assert_ne!(of(&c), of(&c[..2]));
        assert_eq!(of(&c), of(&c.clone()));
    }
}
