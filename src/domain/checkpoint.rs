//! Signed audit checkpoints: the head of the chain, signed so that it can leave the machine.
//!
//! A checkpoint states that the audit log had `seq` records, the last one with hash `head`,
//! and that records 1..=`seq` digest to `log` (see [`LogDigest`](super::audit::LogDigest)),
//! at time `at`. It is signed with the installation's Ed25519 key; whoever holds the public
//! key (`pep-tracker audit pubkey`, a PEM `SubjectPublicKeyInfo`) can check it, and then check
//! that a copy of the database still holds those records, without any secret.
//!
//! The file is TOML. The signature (base64) covers exactly these bytes, UTF-8, each line
//! ending in `\n`, `at` in RFC 3339 UTC with milliseconds as in the file:
//!
//! ```text
//! pep-tracker audit checkpoint v1
//! seq=<seq>
//! head=<head>
//! log=<log>
//! at=<at>
//! ```
//!
//! so that it can be checked without this program too, e.g. with OpenSSL 3:
//! `openssl pkeyutl -verify -pubin -inkey pub.pem -rawin -in message -sigfile signature.bin`.

use std::ops::ControlFlow;

use base64::Engine;
use chrono::{DateTime, SecondsFormat, Utc};
use ed25519_dalek::{Signature, Signer, SigningKey, VerifyingKey};

use super::audit::{AuditRecord, ChainBreak, ChainLinks, LogDigest};

/// The value of the file's `format` key.
pub const FORMAT: &str = "pep-tracker-audit-checkpoint-v1";

/// The DER prefix of an Ed25519 `SubjectPublicKeyInfo` (RFC 8410); the 32 key bytes follow.
const SPKI_PREFIX: [u8; 12] = [
    0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00,
];

/// Why a checkpoint or a public key is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CheckpointError {
    #[error("{field}: {reason}")]
    Field { field: &'static str, reason: String },
    #[error("no es TOML válido: {0}")]
    Syntax(String),
    #[error("la firma no corresponde a la clave pública (punto de control alterado o de otra instalación)")]
    BadSignature,
    #[error("clave pública: {0}")]
    PublicKey(String),
}

/// A signed head of the audit chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checkpoint {
    pub seq: i64,
    pub head: String,
    pub log: String,
    pub at: DateTime<Utc>,
    pub signature: [u8; 64],
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct CheckpointFile {
    format: String,
    seq: i64,
    head: String,
    log: String,
    at: String,
    signature: String,
}

fn field(field: &'static str, reason: &str) -> CheckpointError {
    CheckpointError::Field {
        field,
        reason: reason.to_string(),
    }
}

fn is_hash(s: &str) -> bool {
    s.len() == 64
        && s.bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

fn b64() -> base64::engine::GeneralPurpose {
    base64::engine::general_purpose::STANDARD
}

impl Checkpoint {
    /// Signs the head `(seq, head)` and log digest `log` as of `at`.
    pub fn sign(
        seq: i64,
        head: &str,
        log: &str,
        at: DateTime<Utc>,
        key: &SigningKey,
    ) -> Checkpoint {
        let mut c = Checkpoint {
            seq,
            head: head.to_string(),
            log: log.to_string(),
            at,
            signature: [0; 64],
        };
        c.signature = key.sign(c.message().as_bytes()).to_bytes();
        c
    }

    /// The exact bytes the signature covers (see the module documentation).
    pub fn message(&self) -> String {
        format!(
            "pep-tracker audit checkpoint v1\nseq={}\nhead={}\nlog={}\nat={}\n",
            self.seq,
            self.head,
            self.log,
            self.at_text()
        )
    }

    fn at_text(&self) -> String {
        self.at.to_rfc3339_opts(SecondsFormat::Millis, true)
    }

    /// Checks the signature with the public key alone.
    pub fn verify(&self, key: &VerifyingKey) -> Result<(), CheckpointError> {
        let sig = Signature::from_bytes(&self.signature);
        key.verify_strict(self.message().as_bytes(), &sig)
            .map_err(|_| CheckpointError::BadSignature)
    }

    /// The checkpoint file's text.
    pub fn to_text(&self) -> String {
        format!(
            "# pep-tracker: punto de control de la bitácora de auditoría (firma Ed25519).\n\
             # Verifíquelo con: pep-tracker audit verify --checkpoint ESTE_ARCHIVO --pubkey CLAVE.pem\n\
             format = \"{FORMAT}\"\nseq = {}\nhead = \"{}\"\nlog = \"{}\"\nat = \"{}\"\nsignature = \"{}\"\n",
            self.seq,
            self.head,
            self.log,
            self.at_text(),
            b64().encode(self.signature)
        )
    }

    /// Reads a checkpoint file (the signature is not checked here: see [`Checkpoint::verify`]).
    pub fn parse(text: &str) -> Result<Checkpoint, CheckpointError> {
        let f: CheckpointFile =
            toml::from_str(text).map_err(|e| CheckpointError::Syntax(e.message().to_string()))?;
        if f.format != FORMAT {
            return Err(field("format", &format!("se esperaba \"{FORMAT}\"")));
        }
        if f.seq < 0 {
            return Err(field("seq", "no puede ser negativo"));
        }
        if !is_hash(&f.head) {
            return Err(field("head", "64 dígitos hexadecimales en minúscula"));
        }
        if !is_hash(&f.log) {
            return Err(field("log", "64 dígitos hexadecimales en minúscula"));
        }
        let at = DateTime::parse_from_rfc3339(&f.at)
            .map_err(|_| field("at", "fecha RFC 3339"))?
            .with_timezone(&Utc);
        let signature = b64()
            .decode(f.signature.trim())
            .ok()
            .and_then(|b| <[u8; 64]>::try_from(b).ok())
            .ok_or_else(|| field("signature", "64 bytes en base64"))?;
        Ok(Checkpoint {
            seq: f.seq,
            head: f.head,
            log: f.log,
            at,
            signature,
        })
    }
}

/// Checks, record by record in storage order, that a log still holds a checkpoint: intact
/// links up to its `seq`, record `seq` with hash `head`, records 1..=`seq` digesting to `log`.
/// Needs no secret.
#[derive(Debug)]
pub struct HoldsCheck<'c> {
    checkpoint: &'c Checkpoint,
    links: ChainLinks,
    log: LogDigest,
    outcome: Option<Result<(), ChainBreak>>,
}

impl<'c> HoldsCheck<'c> {
    pub fn new(checkpoint: &'c Checkpoint) -> HoldsCheck<'c> {
        HoldsCheck {
            checkpoint,
            links: ChainLinks::default(),
            log: LogDigest::default(),
            outcome: None,
        }
    }

    /// Feeds the next record; `Break` once the outcome is known.
    pub fn push(&mut self, r: &AuditRecord) -> ControlFlow<()> {
        if self.checkpoint.seq == 0 {
            return ControlFlow::Break(());
        }
        if let Err(e) = self.links.push(r) {
            self.outcome = Some(Err(e));
            return ControlFlow::Break(());
        }
        self.log.push(r);
        if r.seq < self.checkpoint.seq {
            return ControlFlow::Continue(());
        }
        self.outcome = Some(self.compare());
        ControlFlow::Break(())
    }

    fn compare(&self) -> Result<(), ChainBreak> {
        let cp = self.checkpoint;
        let (seq, hash) = self.links.last();
        let fail = |reason: &str| {
            Err(ChainBreak {
                seq,
                reason: reason.to_string(),
            })
        };
        if hash != cp.head {
            return fail("su hash no es la cabeza del punto de control (bitácora reescrita)");
        }
        if self.log.clone().finish() != cp.log {
            return fail(
                "los registros hasta aquí no son los del punto de control (bitácora reescrita)",
            );
        }
        Ok(())
    }

    /// The outcome once every record was fed (or `push` broke off).
    pub fn finish(self) -> Result<(), ChainBreak> {
        match self.outcome {
            Some(outcome) => outcome,
            None if self.checkpoint.seq == 0 => self.compare(),
            None => {
                let last = self.links.last().0;
                Err(ChainBreak {
                    seq: last,
                    reason: format!(
                        "la bitácora termina en el registro {last}, antes del {} del punto de control (bitácora truncada)",
                        self.checkpoint.seq
                    ),
                })
            }
        }
    }
}

/// The public key as PEM (`-----BEGIN PUBLIC KEY-----`, RFC 8410), as OpenSSL writes it.
pub fn public_key_pem(key: &VerifyingKey) -> String {
    let mut der = SPKI_PREFIX.to_vec();
    der.extend_from_slice(key.as_bytes());
    format!(
        "-----BEGIN PUBLIC KEY-----\n{}\n-----END PUBLIC KEY-----\n",
        b64().encode(der)
    )
}

/// Reads a public key written by [`public_key_pem`] (or its base64 body alone).
pub fn parse_public_key(text: &str) -> Result<VerifyingKey, CheckpointError> {
    let bad = |reason: &str| CheckpointError::PublicKey(reason.to_string());
    let body: String = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with("-----"))
        .collect();
    let der = b64().decode(body).map_err(|_| bad("no es PEM ni base64"))?;
    let raw = der
        .strip_prefix(&SPKI_PREFIX[..])
        .and_then(|k| <[u8; 32]>::try_from(k).ok())
        .ok_or_else(|| bad("no es una clave pública Ed25519"))?;
    VerifyingKey::from_bytes(&raw).map_err(|_| bad("punto inválido de la curva"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(b: u8) -> SigningKey {
        SigningKey::from_bytes(&[b; 32])
    }

    fn sample() -> Checkpoint {
        let at = DateTime::parse_from_rfc3339("2026-11-30T10:00:00.250Z")
            .unwrap()
            .with_timezone(&Utc);
        Checkpoint::sign(42, &"ab".repeat(32), &"cd".repeat(32), at, &key(1))
    }

    #[test]
    fn a_checkpoint_round_trips_through_its_file_and_verifies() {
        let c = sample();
        let back = Checkpoint::parse(&c.to_text()).unwrap();
        assert_eq!(back, c);
        back.verify(&key(1).verifying_key()).unwrap();
    }

    #[test]
    fn an_edited_field_or_another_key_fails_the_signature() {
        let text = sample().to_text();
        let edited = Checkpoint::parse(&text.replace("seq = 42", "seq = 41")).unwrap();
        let pk = key(1).verifying_key();
        assert_eq!(edited.verify(&pk), Err(CheckpointError::BadSignature));
        let c = Checkpoint::parse(&text).unwrap();
        assert_eq!(
            c.verify(&key(2).verifying_key()),
            Err(CheckpointError::BadSignature)
        );
    }

    #[test]
    fn a_malformed_file_names_the_field() {
        let text = sample().to_text();
        let err = Checkpoint::parse(&text.replace("head = \"ab", "head = \"zz")).unwrap_err();
        assert_eq!(err.to_string().split(':').next(), Some("head"));
        let err = Checkpoint::parse(&format!("{text}extra = 1\n")).unwrap_err();
        assert!(matches!(err, CheckpointError::Syntax(_)), "{err}");
    }

    #[test]
    fn the_public_key_round_trips_through_pem() {
        let pk = key(3).verifying_key();
        let pem = public_key_pem(&pk);
        assert!(pem.starts_with("-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEA"));
        assert_eq!(parse_public_key(&pem).unwrap(), pk);
        assert!(parse_public_key("hola").is_err());
    }

    use crate::domain::audit::sample_chain as chain;

    fn checkpoint_of(records: &[AuditRecord]) -> Checkpoint {
        let mut log = LogDigest::default();
        records.iter().for_each(|r| log.push(r));
        let head = records
            .last()
            .map_or(crate::domain::audit::GENESIS.to_string(), |r| {
                r.hash.clone()
            });
        Checkpoint::sign(
            records.len() as i64,
            &head,
            &log.finish(),
            Utc::now(),
            &key(1),
        )
    }

    fn holds(cp: &Checkpoint, records: &[AuditRecord]) -> Result<(), ChainBreak> {
        let mut check = HoldsCheck::new(cp);
        for r in records {
            if check.push(r).is_break() {
                break;
            }
        }
        check.finish()
    }

    #[test]
    fn a_log_that_grew_still_holds_its_checkpoint() {
        let c = chain(6);
        assert_eq!(holds(&checkpoint_of(&c[..4]), &c), Ok(()));
        assert_eq!(holds(&checkpoint_of(&c[..0]), &c), Ok(()));
    }

    #[test]
    fn a_truncated_or_rewritten_log_does_not_hold_its_checkpoint() {
        let c = chain(6);
        let cp = checkpoint_of(&c[..4]);
        assert!(holds(&cp, &c[..3]).unwrap_err().reason.contains("truncada"));
        // Content edited but every hash kept: only the log digest sees it.
        let mut edited = c.clone();
        edited[1].detail = "otra cosa".into();
        assert_eq!(holds(&cp, &edited).unwrap_err().seq, 4);
        // A different chain altogether (rehashed under another key).
        let mut other = c.clone();
        other[3].hash = "ee".repeat(32);
        assert!(holds(&cp, &other).unwrap_err().reason.contains("cabeza"));
    }

    #[test]
    fn the_signed_message_is_stable() {
        assert_eq!(
            sample().message(),
            format!(
                "pep-tracker audit checkpoint v1\nseq=42\nhead={}\nlog={}\nat=2026-11-30T10:00:00.250Z\n",
                "ab".repeat(32),
                "cd".repeat(32)
            )
        );
    }
}
