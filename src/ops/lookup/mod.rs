//! The public voter lookup: the elector key with either the postal code of the registered
//! address (before the package arrives) or the code printed on the return envelope (once it
//! is in hand) → where the package and the envelope are ([`answer`]), in Spanish or English.
//!
//! Every mismatch (unknown key, wrong postal code, wrong or forged envelope code, malformed
//! input) is the one refusal, `None`, reached by the same work: the key is always looked up,
//! the envelope code always verified and looked up (a fixed stand-in when it does not parse),
//! the postal codes always hashed and compared in constant time against the stored one (a
//! stand-in when the key is unknown), and the verdict combined without branching on which
//! part failed. Only a match reads the PEP.

pub mod answer;
mod words;

use chrono_tz::Tz;
use sha2::{Digest, Sha256};
use subtle::{Choice, ConditionallySelectable, ConstantTimeEq};

pub use answer::{Answer, LegAnswer, Step};
pub use words::{refusal, too_many};

use super::Result;
use crate::domain::code::{self, CodeId, EnvelopeCode, UnverifiedCode};
use crate::domain::election::Election;
use crate::domain::elector::ElectorKey;
use crate::domain::lookup::{key_form, postal_form, Lang};
use crate::domain::notice::zone;
use crate::storage::lookup::{self as store, Candidate};
use crate::storage::{pep_record, Db};

/// What proves the asker knows the elector besides the key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Proof<'a> {
    /// The postal code of the address registered in the list.
    PostalCode(&'a str),
    /// The code printed under the QR of the Sobre-Postal-Voto.
    EnvelopeCode(&'a str),
}

/// One lookup as typed (raw strings: they are parsed here, uniformly).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Query<'a> {
    pub elector_key: &'a str,
    pub proof: Proof<'a>,
}

/// A well-formed envelope code signed by no installation's key: what a typed code that does
/// not parse is replaced by, so that its verification and look-up still happen.
fn stand_in_code() -> Option<UnverifiedCode> {
    let code = EnvelopeCode::issue(&[0x33; 32], CodeId::new(1)?);
    code::parse_manual(code.as_str()).ok()
}

/// Stands in for the stored postal code of an unknown key (compared all the same).
const STAND_IN_POSTAL: &str = "0000000000";

fn digest(s: &str) -> [u8; 32] {
    Sha256::digest(s.as_bytes()).into()
}

fn same_id(a: Option<i64>, b: Option<i64>) -> Choice {
    let a = a.unwrap_or(-1).to_le_bytes();
    let b = b.unwrap_or(-2).to_le_bytes();
    a.ct_eq(&b)
}

/// Answers `q` in `lang`, or `None`: the one refusal for every mismatch.
pub fn lookup(
    db: &Db,
    key: &[u8; 32],
    election: &Election,
    q: &Query,
    lang: Lang,
) -> Result<Option<Answer>> {
    let typed_key = key_form(q.elector_key);
    let key_ok = Choice::from(u8::from(ElectorKey::parse(&typed_key).is_ok()));
    let stand_in = stand_in_code();
    db.read(|c| -> Result<Option<Answer>> {
        let candidate = store::candidate(c, &typed_key)?;
        let found = Choice::from(u8::from(candidate.is_some()));
        // Both checks run on every lookup (the one not asked for on an empty input), so that
        // the two kinds of lookup, too, cost the same.
        let (typed_postal, typed_code, by_postal) = match q.proof {
            Proof::PostalCode(p) => (p, "", Choice::from(1)),
            Proof::EnvelopeCode(e) => ("", e, Choice::from(0)),
        };
        let postal = postal_matches(candidate.as_ref(), typed_postal);
        let (code, by_code) = code_matches(c, key, candidate.as_ref(), typed_code, stand_in)?;
        let matched = Choice::conditional_select(&code, &postal, by_postal);
        let verdict: bool = (key_ok & found & matched).into();
        let Some(who) = candidate.filter(|_| verdict) else {
            return Ok(None);
        };
        let record = match (q.proof, by_code) {
            (Proof::EnvelopeCode(_), Some(id)) => pep_record::by_code(c, id)?,
            (Proof::EnvelopeCode(_), None) => None,
            (Proof::PostalCode(_), _) => match store::newest_pep(c, who.elector_id)? {
                Some(pep) => pep_record::by_pep_id(c, &pep)?,
                None => None,
            },
        };
        let tz: Tz = zone::of(&who.country, who.region.as_deref()).unwrap_or(election.timezone);
        Ok(record.map(|r| answer::build(&r, election, tz, lang)))
    })
}

/// Whether `typed` is the candidate's postal code: both hashed, compared in constant time
/// (against a stand-in when there is no candidate).
fn postal_matches(candidate: Option<&Candidate>, typed: &str) -> Choice {
    let (country, stored) = candidate.map_or(("MX", STAND_IN_POSTAL), |c| {
        (c.country.as_str(), c.postal_code.as_str())
    });
    let given = postal_form(country, typed);
    let non_empty = Choice::from(u8::from(!given.is_empty()));
    let same = digest(&given).ct_eq(&digest(&postal_form(country, stored)));
    same & non_empty
}

/// Whether `typed` is a genuine envelope code of the candidate's: parsed (else the stand-in),
/// verified, its owner looked up and compared; also the code's id for reading the PEP.
fn code_matches(
    c: &rusqlite::Connection,
    key: &[u8; 32],
    candidate: Option<&Candidate>,
    typed: &str,
    stand_in: Option<UnverifiedCode>,
) -> Result<(Choice, Option<CodeId>)> {
    let (code, parsed) = match (code::parse_manual(typed), stand_in) {
        (Ok(code), _) => (code, Choice::from(1)),
        (Err(_), Some(s)) => (s, Choice::from(0)),
        (Err(_), None) => return Ok((Choice::from(0), None)),
    };
    let verified = code.verify(key);
    let signed = Choice::from(u8::from(verified.is_ok()));
    let id = code.id_unchecked();
    let owner = store::elector_of_code(c, id)?;
    let mine = same_id(owner, candidate.map(|c| c.elector_id));
    Ok((parsed & signed & mine, Some(id)))
}

/// The demo's example for its visitors: the first elector's key and postal code.
pub fn demo_example(db: &Db) -> Result<Option<(String, String)>> {
    Ok(db.read(store::first_elector)?)
}
