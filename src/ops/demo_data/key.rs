//! Claves de elector: six letters from the names, birth date, entity, sex and homoclave.
//!
//! Layout (18 ASCII characters): `PPMMNN` `YYMMDD` `EE` `S` `HHH`: two letters from each of
//! the paternal surname, maternal surname and given name (initial, then first consonant after
//! it; accents stripped, Ñ written X, X when missing), the birth date, the two-digit INEGI
//! entity, H or M (rarely X), and a three-digit homoclave.

use std::collections::HashSet;
use std::hash::{BuildHasherDefault, Hasher};

use rand::rngs::StdRng;
use rand::Rng;

/// Words skipped when a surname or given name starts with them (`De la Cruz` → `CRUZ`).
const PARTICLES: [&str; 7] = ["DE", "DEL", "LA", "LAS", "LOS", "Y", "MC"];

/// Given names skipped when a second one follows, as in the CURP (`José Luis` → `LUIS`).
const COMMON_FIRST: [&str; 4] = ["JOSE", "MARIA", "MA", "J"];

/// Birth years of the electors: adults by the 2022 election, diaspora ages mostly 25–60.
const YOUNGEST_YEAR: u16 = 2003;

/// The two key letters of a surname (the first word that is not a particle).
pub(super) fn surname_letters(surname: &str) -> [u8; 2] {
    pair(surname, &PARTICLES)
}

/// The two key letters of a given name (the second name after José or María).
pub(super) fn given_letters(given: &str) -> [u8; 2] {
    pair(given, &COMMON_FIRST)
}

/// Initial and first following consonant of the significant word of `name`; X when missing.
fn pair(name: &str, skip: &[&str]) -> [u8; 2] {
    let mut out = [b'X'; 2];
    let mut word = None;
    for w in name.split_whitespace() {
        if word.is_none() || upper_eq_any(word.unwrap_or(""), skip) {
            word = Some(w);
        }
    }
    let Some(word) = word else { return out };
    let mut chars = word.chars().filter_map(key_letter);
    if let Some(first) = chars.next() {
        out[0] = first;
    }
    if let Some(consonant) = chars.find(|c| !b"AEIOU".contains(c)) {
        out[1] = consonant;
    }
    out
}

fn upper_eq_any(word: &str, list: &[&str]) -> bool {
    let folded = word.chars().filter_map(key_letter);
    list.iter().any(|w| folded.clone().eq(w.bytes()))
}

/// Uppercase ASCII letter for a name character: accents stripped, Ñ → X; None for others.
fn key_letter(c: char) -> Option<u8> {
    if c == 'ñ' || c == 'Ñ' {
        return Some(b'X');
    }
    let base = super::names::fold_char(c);
    base.is_ascii_alphabetic()
        .then(|| base.to_ascii_uppercase() as u8)
}

/// Fingerprints of the keys issued so far (8 bytes per key).
pub(super) type Seen = HashSet<u64, BuildHasherDefault<PassThrough>>;

/// Fingerprints are already well mixed: the set uses them as their own hash.
#[derive(Default)]
pub(super) struct PassThrough(u64);

impl Hasher for PassThrough {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(b);
        }
    }

    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
}

/// A key not yet in `seen` (which records it) and the birth year it encodes.
///
/// `seen` holds 64-bit fingerprints, not keys: a fingerprint never seen proves the key new;
/// a fingerprint collision only costs another homoclave. Every eighth retry draws a new date.
pub(super) fn unique(
    rng: &mut StdRng,
    seen: &mut Seen,
    letters: [u8; 6],
    entity: [u8; 2],
    sex: u8,
) -> ([u8; 18], u16) {
    let mut key = [0u8; 18];
    key[..6].copy_from_slice(&letters);
    key[12..14].copy_from_slice(&entity);
    key[14] = sex;
    let mut year = 0;
    for attempt in 0u32.. {
        if attempt % 8 == 0 {
            year = write_birth_date(rng, &mut key[6..12]);
        }
        write_digits(rng.random_range(0..1000), &mut key[15..18]);
        if seen.insert(fingerprint(&key)) {
            break;
        }
    }
    (key, year)
}

/// Writes YYMMDD of a plausible adult birth date; returns the full year.
fn write_birth_date(rng: &mut StdRng, out: &mut [u8]) -> u16 {
    let age_offset: u16 = if rng.random_bool(0.05) {
        rng.random_range(0..66)
    } else {
        // Sum of three uniforms: a hump around 40 years old.
        (0..3).map(|_| rng.random_range(2..16u16)).sum()
    };
    let year = YOUNGEST_YEAR - age_offset;
    let month = rng.random_range(1..=12u8);
    let day = rng.random_range(1..=days_in_month(year, month));
    write_digits(u32::from(year % 100), &mut out[0..2]);
    write_digits(u32::from(month), &mut out[2..4]);
    write_digits(u32::from(day), &mut out[4..6]);
    year
}

fn days_in_month(year: u16, month: u8) -> u8 {
    match month {
        2 if year.is_multiple_of(4) && (!year.is_multiple_of(100) || year.is_multiple_of(400)) => {
            29
        }
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Writes `n` zero-padded to the width of `out`.
fn write_digits(mut n: u32, out: &mut [u8]) {
    for slot in out.iter_mut().rev() {
        *slot = b'0' + (n % 10) as u8;
        n /= 10;
    }
}

/// FNV-1a over the key, then the murmur3 finalizer so every bit is mixed: a compact,
/// deterministic stand-in for the key in the seen-set.
fn fingerprint(key: &[u8; 18]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in key {
        h = (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3);
    }
    h ^= h >> 33;
    h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
    h ^ (h >> 33)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn letters_follow_initial_and_first_consonant() {
        assert_eq!(&surname_letters("Hernández"), b"HR");
        assert_eq!(&surname_letters("Peña"), b"PX");
        assert_eq!(&surname_letters("De la Cruz"), b"CR");
        assert_eq!(&surname_letters("Ibáñez"), b"IB");
        assert_eq!(&surname_letters("Núñez"), b"NX");
        assert_eq!(&given_letters("José Luis"), b"LS");
        assert_eq!(&given_letters("José"), b"JS");
        assert_eq!(&given_letters("María Fernanda"), b"FR");
        assert_eq!(&given_letters("Óscar"), b"OS");
    }

    #[test]
    fn birth_dates_are_real_calendar_days() {
        assert_eq!(days_in_month(2000, 2), 29);
        assert_eq!(days_in_month(1900, 2), 28);
        assert_eq!(days_in_month(1984, 11), 30);
    }
}
