//! The return-envelope code printed on each Sobre-Postal-Voto: issuing, parsing, verifying.
//!
//! A code is an opaque random id (40 bits, chosen by the caller) followed by a 40-bit truncated
//! HMAC-SHA256 of that id under the installation's 32-byte key. It carries **no personal data by
//! construction**: the only inputs are a random number and the key, so neither the QR code nor
//! the printed text reveal a name, an elector key or an address; only the database links an id
//! to a PEP.
//!
//! The 80 bits are written as 17 symbols of the 31-symbol alphabet
//! `0123456789ABCDEFGHJKMNPQRSTVWXY` (Crockford's base 32 without `Z`: no `I`, `L`, `O`, `U`),
//! most significant first, plus one check symbol, shown as `XXXXXX-XXXXXX-XXXXXX`. That string is
//! also the QR payload (QR alphanumeric mode covers `0-9`, `A-Z` and `-`).
//!
//! ## The check symbol
//!
//! Number the 18 symbol values `d_0 … d_17` from the left (`d_17` is the check symbol) and give
//! position `i` the weight `w_i = 3^(17-i) mod 31`. The check symbol is chosen so that
//! `Σ w_i·d_i ≡ 0 (mod 31)`. 31 is prime and 3 is a primitive root modulo 31 (its order is 30),
//! so the 18 weights are non-zero and pairwise distinct. Every value lies in `0..31`.
//!
//! - *One symbol changed* (`d_i → d_i'`, `d_i ≠ d_i'`) moves the sum by `w_i·(d_i' − d_i)`: a
//!   product of two non-zero residues modulo a prime, hence non-zero. Caught.
//! - *Two neighbours swapped* (`a = d_i ≠ b = d_(i+1)`) moves the sum by
//!   `(b − a)·w_i + (a − b)·w_(i+1) = (b − a)·(w_i − w_(i+1)) = (b − a)·3^(16-i)·(3 − 1)`, again a
//!   product of non-zero residues. Caught. Because all 18 weights differ, any swap of two
//!   differing symbols, neighbours or not, is caught too.
//!
//! The test module checks both claims exhaustively for one code.

use hmac::{Hmac, Mac};
use sha2::Sha256;
use std::fmt;

/// Bits of the opaque id inside a code.
pub const CODE_ID_BITS: u32 = 40;
/// Bits of the truncated HMAC inside a code.
const MAC_BITS: u32 = 40;
/// The symbols of a code, in value order.
const ALPHABET: &[u8; 31] = b"0123456789ABCDEFGHJKMNPQRSTVWXY";
const RADIX: u32 = 31;
const DATA_SYMBOLS: usize = 17;
const SYMBOLS: usize = DATA_SYMBOLS + 1;
/// Length of the canonical form `XXXXXX-XXXXXX-XXXXXX`.
const CANONICAL_LEN: usize = SYMBOLS + 2;
const HYPHENS: [usize; 2] = [6, 13];
/// Longest input `parse_manual` looks at; anything longer is not a code.
const MANUAL_MAX_LEN: usize = 64;
/// Longest text a scan station may send (a QR read or a code typed by hand), in bytes.
/// Longer input is refused at the edge; shorter garbage gets an "invalid" verdict.
pub const MAX_SCAN_LEN: usize = 256;
/// Domain separation of the MAC, so the key could never sign anything else by accident.
const MAC_CONTEXT: &[u8] = b"pep-tracker/envelope-code/v1\0";

/// `w_i = 3^(17-i) mod 31` for the 18 symbol positions (see the module header).
const WEIGHTS: [u32; SYMBOLS] = weights();

const fn weights() -> [u32; SYMBOLS] {
    let mut w = [1u32; SYMBOLS];
    let mut i = SYMBOLS - 1;
    while i > 0 {
        w[i - 1] = w[i] * 3 % RADIX;
        i -= 1;
    }
    w
}

/// The opaque random id of an envelope code, below 2^40.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct CodeId(u64);

impl CodeId {
    /// `None` when `value` does not fit in [`CODE_ID_BITS`] bits.
    pub fn new(value: u64) -> Option<CodeId> {
        (value < 1 << CODE_ID_BITS).then_some(CodeId(value))
    }

    /// A fresh random id from the caller's generator.
    pub fn random<R: rand::Rng + ?Sized>(rng: &mut R) -> CodeId {
        CodeId(rng.random::<u64>() >> (64 - CODE_ID_BITS))
    }

    pub fn get(self) -> u64 {
        self.0
    }
}

/// Why a scanned or typed text is not an acceptable code.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CodeError {
    /// Wrong length, a character outside the alphabet, or hyphens out of place.
    #[error("no es un código de sobre")]
    Garbage,
    /// Well formed, but the check symbol does not match: a typo or a misread.
    #[error("el carácter de verificación no coincide")]
    CheckCharacter,
    /// Well formed and checked, but the MAC is not this installation's.
    #[error("firma inválida: código no emitido por esta instalación")]
    BadSignature,
}

/// A code as issued: its canonical human-readable form, which is also the QR payload.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct EnvelopeCode(String);

impl EnvelopeCode {
    /// The code of `id` under the installation key `key`.
    pub fn issue(key: &[u8; 32], id: CodeId) -> EnvelopeCode {
        let mac = mac40(key, id);
        let value = (u128::from(id.0) << MAC_BITS) | u128::from(mac);
        EnvelopeCode(render(value))
    }

    /// `XXXXXX-XXXXXX-XXXXXX`.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for EnvelopeCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A well-formed code whose check symbol matched, not yet checked against the key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UnverifiedCode {
    id: CodeId,
    mac: u64,
}

impl UnverifiedCode {
    /// The id, when the MAC is the one `key` gives it (compared in constant time).
    pub fn verify(&self, key: &[u8; 32]) -> Result<CodeId, CodeError> {
        let tag = self.mac.to_be_bytes();
        mac_state(key, self.id)
            .verify_truncated_left(&tag[3..])
            .map(|()| self.id)
            .map_err(|_| CodeError::BadSignature)
    }

    /// The id without checking the MAC: for diagnostics only, never to accept an envelope.
    pub fn id_unchecked(&self) -> CodeId {
        self.id
    }
}

/// Strict parse of a scanned/typed code: canonical form only (uppercase, hyphens in place).
pub fn parse(input: &str) -> Result<UnverifiedCode, CodeError> {
    let bytes = input.as_bytes();
    if bytes.len() != CANONICAL_LEN {
        return Err(CodeError::Garbage);
    }
    let mut digits = [0u32; SYMBOLS];
    let mut next = 0;
    for (pos, &b) in bytes.iter().enumerate() {
        if HYPHENS.contains(&pos) {
            if b != b'-' {
                return Err(CodeError::Garbage);
            }
            continue;
        }
        digits[next] = symbol_value(b).ok_or(CodeError::Garbage)?;
        next += 1;
    }
    decode(&digits)
}

/// Lenient parse for manual entry: trims, uppercases, accepts spaces/no separators, maps O→0 and
/// I/L→1; then strict rules.
pub fn parse_manual(input: &str) -> Result<UnverifiedCode, CodeError> {
    if input.len() > MANUAL_MAX_LEN {
        return Err(CodeError::Garbage);
    }
    let mut symbols = Vec::with_capacity(SYMBOLS);
    for c in input.trim().chars() {
        if c.is_whitespace() || c == '-' {
            continue;
        }
        let c = match c.to_ascii_uppercase() {
            'O' => '0',
            'I' | 'L' => '1',
            other => other,
        };
        if symbols.len() == SYMBOLS || !c.is_ascii() {
            return Err(CodeError::Garbage);
        }
        symbols.push(c as u8);
    }
    if symbols.len() != SYMBOLS {
        return Err(CodeError::Garbage);
    }
    let mut canonical = String::with_capacity(CANONICAL_LEN);
    for (i, &s) in symbols.iter().enumerate() {
        if i == 6 || i == 12 {
            canonical.push('-');
        }
        canonical.push(char::from(s));
    }
    parse(&canonical)
}

fn symbol_value(b: u8) -> Option<u32> {
    ALPHABET.iter().position(|&s| s == b).map(|v| v as u32)
}

fn weighted_sum(digits: &[u32]) -> u32 {
    digits
        .iter()
        .zip(WEIGHTS)
        .fold(0, |acc, (&d, w)| (acc + d * w) % RADIX)
}

fn decode(digits: &[u32; SYMBOLS]) -> Result<UnverifiedCode, CodeError> {
    if weighted_sum(digits) != 0 {
        return Err(CodeError::CheckCharacter);
    }
    let value = digits[..DATA_SYMBOLS]
        .iter()
        .fold(0u128, |acc, &d| acc * u128::from(RADIX) + u128::from(d));
    if value >> (CODE_ID_BITS + MAC_BITS) != 0 {
        // 31^17 > 2^80: a checked string can still encode a number no code ever has.
        return Err(CodeError::Garbage);
    }
    let id = CodeId((value >> MAC_BITS) as u64);
    let mac = (value & ((1 << MAC_BITS) - 1)) as u64;
    Ok(UnverifiedCode { id, mac })
}

/// The canonical text of an 80-bit value: 17 data symbols, the check symbol, two hyphens.
fn render(value: u128) -> String {
    let mut digits = [0u32; SYMBOLS];
    let mut rest = value;
    for d in digits[..DATA_SYMBOLS].iter_mut().rev() {
        *d = (rest % u128::from(RADIX)) as u32;
        rest /= u128::from(RADIX);
    }
    // w_17 = 1, so the check digit is minus the weighted sum of the data digits.
    digits[DATA_SYMBOLS] = (RADIX - weighted_sum(&digits[..DATA_SYMBOLS])) % RADIX;
    let mut out = String::with_capacity(CANONICAL_LEN);
    for (i, &d) in digits.iter().enumerate() {
        if i == 6 || i == 12 {
            out.push('-');
        }
        out.push(char::from(ALPHABET[d as usize]));
    }
    out
}

fn mac_state(key: &[u8; 32], id: CodeId) -> Hmac<Sha256> {
    // HMAC accepts keys of any length, so this cannot fail.
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(key).expect("HMAC takes any key length");
    mac.update(MAC_CONTEXT);
    mac.update(&id.0.to_be_bytes());
    mac
}

fn mac40(key: &[u8; 32], id: CodeId) -> u64 {
    let tag = mac_state(key, id).finalize().into_bytes();
    tag[..5]
        .iter()
        .fold(0u64, |acc, &b| (acc << 8) | u64::from(b))
}

#[cfg(test)]
mod tests;
