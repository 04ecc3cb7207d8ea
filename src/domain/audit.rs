//! The audit trail's hash chain: how a record is hashed and how a chain is verified.
//!
//! Each record's hash covers its sequence number, its fields and the previous record's hash,
//! so an edited, deleted, inserted or reordered record breaks the chain. The head (last
//! sequence number and hash) is stored apart so that truncating the tail is detected too.

use sha2::{Digest, Sha256};

/// The `prev_hash` of the first record.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

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
    /// The hash this record must carry, given its fields and `prev_hash`.
    pub fn compute_hash(&self) -> String {
        let mut h = Sha256::new();
        h.update(self.seq.to_be_bytes());
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
            // Length-prefixed so that moving bytes between fields changes the hash.
            h.update((field.len() as u64).to_be_bytes());
            h.update(field.as_bytes());
        }
        hex::encode(h.finalize())
    }
}

/// SHA-256 of a state's canonical bytes (e.g. its JSON), for before/after digests.
pub fn digest(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// Where and why a chain fails verification.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("registro {seq}: {reason}")]
pub struct ChainBreak {
    pub seq: i64,
    pub reason: String,
}

/// Checks records one by one in storage order.
#[derive(Debug)]
pub struct ChainVerifier {
    next_seq: i64,
    prev_hash: String,
}

impl Default for ChainVerifier {
    fn default() -> Self {
        ChainVerifier {
            next_seq: 1,
            prev_hash: GENESIS.to_string(),
        }
    }
}

impl ChainVerifier {
    pub fn push(&mut self, r: &AuditRecord) -> Result<(), ChainBreak> {
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
        if r.compute_hash() != r.hash {
            return Err(fail("su contenido fue alterado (hash distinto)".into()));
        }
        self.next_seq += 1;
        self.prev_hash = r.hash.clone();
        Ok(())
    }

    /// Compares the end of the chain with the stored head (count and last hash).
    pub fn finish(self, head_seq: i64, head_hash: &str) -> Result<i64, ChainBreak> {
        let last = self.next_seq - 1;
        if last != head_seq || self.prev_hash != head_hash {
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

#[cfg(test)]
mod tests {
    use super::*;

    fn chain(n: i64) -> Vec<AuditRecord> {
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
                r.hash = r.compute_hash();
                prev = r.hash.clone();
                r
            })
            .collect()
    }

    fn verify(records: &[AuditRecord], head: (i64, &str)) -> Result<i64, ChainBreak> {
        let mut v = ChainVerifier::default();
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
        assert_ne!(r.compute_hash(), c[0].hash);
    }
}
