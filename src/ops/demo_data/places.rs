//! Addresses abroad: a country and one of its cities, then a street line, postal code and
//! phone that agree with that city.
//!
//! Postal codes, second address lines and phones are filled from patterns: `#` is a digit,
//! `@` a letter from [`SAFE_LETTERS`], `%` the city's telephone area code (itself a pattern);
//! anything else is copied.

use std::fmt::Write;

use rand::rngs::StdRng;
use rand::seq::IndexedRandom;
use rand::Rng;

use super::countries::COUNTRIES;
use super::Weighted;

/// Letters valid wherever a pattern has `@`: no D F I O Q U (Canadian rule), no C I K M O V
/// (UK inward code), no S (Dutch SA, SD and SS are not issued).
const SAFE_LETTERS: &[u8] = b"ABEGHJLNPRTWXYZ";

/// Share of rows with a second address line, and of US ZIP codes written as ZIP+4.
const WITH_LINE2: f64 = 0.3;
const ZIP_PLUS_4: f64 = 0.08;

/// How a country writes the street line.
#[derive(Clone, Copy, Debug)]
pub(super) enum Street {
    /// "1234 W Cesar Chavez Ave", "12 rue Victor Hugo": number in `min..=max`, then name.
    NumberFirst { min: u32, max: u32 },
    /// "Calle de Alcalá 45", "Hauptstraße 12".
    NameFirst,
    /// "Calle 72 # 10-34": street type and number, then the cross street and distance.
    Colombian,
    /// "2-11-3 Chuo-ku": chome-block-house, then ward.
    Japanese,
}

pub(super) struct City {
    pub name: &'static str,
    /// State, province or prefecture as written in addresses; empty where not customary.
    pub region: &'static str,
    /// Postal code patterns used in this city (one is picked at random).
    pub postal: &'static [&'static str],
    /// Telephone area codes for `%` in the country's phone patterns.
    pub area: &'static [&'static str],
    pub weight: u32,
}

pub(super) const fn city(
    name: &'static str,
    region: &'static str,
    postal: &'static [&'static str],
    area: &'static [&'static str],
    weight: u32,
) -> City {
    City {
        name,
        region,
        postal,
        area,
        weight,
    }
}

pub(super) struct Country {
    /// ISO 3166-1 alpha-2.
    pub code: &'static str,
    /// Share of the postal list, in units of 1/10,000.
    pub weight: u32,
    pub cities: &'static [City],
    pub street: Street,
    pub streets: &'static [&'static str],
    /// Second-line patterns ("Apt ##@", "Piso #").
    pub line2: &'static [&'static str],
    /// International phone patterns ("+1 % 555 01##").
    pub phones: &'static [&'static str],
}

/// The country table with its weighted pickers, built once per file.
pub(super) struct Places {
    countries: Weighted,
    cities: Vec<Weighted>,
}

impl Places {
    pub(super) fn new() -> Self {
        Places {
            countries: Weighted::new(COUNTRIES.iter().map(|c| c.weight)),
            cities: COUNTRIES
                .iter()
                .map(|c| Weighted::new(c.cities.iter().map(|city| city.weight)))
                .collect(),
        }
    }

    pub(super) fn pick(&self, rng: &mut StdRng) -> (&'static Country, &'static City) {
        let c = self.countries.pick(rng);
        let country = &COUNTRIES[c];
        (country, &country.cities[self.cities[c].pick(rng)])
    }
}

/// Fills `pattern` into `out` (see the module header); `area` may itself hold `#`.
fn fill(rng: &mut StdRng, pattern: &str, area: &str, out: &mut String) {
    fill_from(rng, &mut Symbols::default(), pattern, area, out);
}

fn fill_from(rng: &mut StdRng, symbols: &mut Symbols, pattern: &str, area: &str, out: &mut String) {
    let mut literal_from = 0;
    for (i, b) in pattern.bytes().enumerate() {
        if !matches!(b, b'#' | b'@' | b'%') {
            continue;
        }
        out.push_str(&pattern[literal_from..i]);
        literal_from = i + 1;
        match b {
            b'#' => out.push(char::from(b"0123456789"[symbols.next(rng, 10)])),
            b'@' => out.push(char::from(
                SAFE_LETTERS[symbols.next(rng, SAFE_LETTERS.len())],
            )),
            _ => fill_from(rng, symbols, area, "", out),
        }
    }
    out.push_str(&pattern[literal_from..]);
}

/// Cheap random digits and letters: one 64-bit draw gives 16 symbols (10^16 and 15^16 both
/// fit in 64 bits, so they stay close to uniform).
#[derive(Default)]
struct Symbols {
    bits: u64,
    left: u8,
}

impl Symbols {
    fn next(&mut self, rng: &mut StdRng, base: usize) -> usize {
        if self.left == 0 {
            (self.bits, self.left) = (rng.random(), 16);
        }
        self.left -= 1;
        let symbol = self.bits % base as u64;
        self.bits /= base as u64;
        symbol as usize
    }
}

fn pick_str(rng: &mut StdRng, list: &[&'static str]) -> &'static str {
    list.choose(rng).copied().unwrap_or("")
}

pub(super) fn write_address(
    rng: &mut StdRng,
    country: &Country,
    line1: &mut String,
    line2: &mut String,
) {
    let street = pick_str(rng, country.streets);
    match country.street {
        Street::NumberFirst { min, max } => {
            let _ = write!(line1, "{} ", rng.random_range(min..=max));
            if country.code == "US" && rng.random_bool(0.35) {
                line1.push_str(pick_str(rng, &["N ", "S ", "E ", "W "]));
            }
            line1.push_str(street);
        }
        Street::NameFirst => {
            let _ = write!(line1, "{street} {}", rng.random_range(1..=250));
        }
        Street::Colombian => {
            let (a, b, c) = (
                rng.random_range(1..=150),
                rng.random_range(1..=120),
                rng.random_range(1..=99),
            );
            let _ = write!(line1, "{street} {a} # {b}-{c:02}");
        }
        Street::Japanese => {
            let (a, b, c) = (
                rng.random_range(1..=9),
                rng.random_range(1..=30),
                rng.random_range(1..=20),
            );
            let _ = write!(line1, "{a}-{b}-{c} {street}");
        }
    }
    if rng.random_bool(WITH_LINE2) {
        let pattern = pick_str(rng, country.line2);
        fill(rng, pattern, "", line2);
    }
}

pub(super) fn write_postal(rng: &mut StdRng, country: &Country, city: &City, out: &mut String) {
    let pattern = pick_str(rng, city.postal);
    fill(rng, pattern, "", out);
    if country.code == "US" && rng.random_bool(ZIP_PLUS_4) {
        fill(rng, "-####", "", out);
    }
}

pub(super) fn write_phone(rng: &mut StdRng, country: &Country, city: &City, out: &mut String) {
    let pattern = pick_str(rng, country.phones);
    let area = pick_str(rng, city.area);
    fill(rng, pattern, area, out);
}
