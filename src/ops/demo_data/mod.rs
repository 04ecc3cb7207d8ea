//! Synthetic LNERE postal list for the `demo-data` command.
//!
//! Rows are shaped like the real list: entities weighted like the PEL 2021-2022 postal list,
//! about 94% of electors in the USA, addresses whose city, region, postal code and phone agree,
//! Mexican names with their accents, and claves de elector derived from the names. Output is
//! streamed row by row and depends only on the [`DemoSpec`]: same spec, same bytes.

mod countries;
mod key;
mod names;
mod places;
mod us;

#[cfg(test)]
mod tests;

use std::io;

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use names::NameBook;
use places::Places;

/// The LNERE CSV header, in order: the one the importer checks.
pub use crate::domain::lnere::HEADER as LNERE_HEADER;

/// What to generate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoSpec {
    /// Number of data rows (the header is not counted).
    pub electors: usize,
    /// Seed of the generator: the same spec always gives the same bytes.
    pub seed: u64,
    /// INEGI two-digit entity codes ("01".."32"); empty means the four entities of the
    /// PEL 2021-2022 (Aguascalientes, Durango, Oaxaca, Tamaulipas). Those four keep their real
    /// weights when listed; any other entity weighs 379, the mean of those four, so that every
    /// other entity weighs the same. Repeated codes count once.
    pub entities: Vec<String>,
}

/// Postal registrants per entity in the PEL 2021-2022 list (November 2021 cut).
const PEL_2021_2022: [(&str, u32); 4] = [("01", 178), ("10", 452), ("20", 620), ("28", 267)];

/// Weight of an entity outside the PEL 2021-2022 four: the mean of those four (1,517 / 4), so
/// a mixed list stays plausible and every other entity weighs the same.
const OTHER_ENTITY_WEIGHT: u32 = 379;

/// The key set grows past this on its own; no up-front allocation for absurd sizes.
const MAX_PREALLOCATED_KEYS: usize = 1 << 22;

/// Share of rows with an empty maternal surname, an email, a phone.
const NO_MATERNAL: f64 = 0.03;
const WITH_EMAIL: f64 = 0.60;
const WITH_PHONE: f64 = 0.70;

/// Writes the header and `spec.electors` rows of a synthetic LNERE postal list to `out`.
///
/// Streams: memory holds only fingerprints of the keys already issued (about 40 MB for
/// 2,000,000 rows). An entity code that is not "01".."32" is an `InvalidInput` IO error and
/// nothing is written.
pub fn write_demo_csv<W: io::Write>(spec: &DemoSpec, out: W) -> Result<(), csv::Error> {
    let (codes, weights) = entity_table(&spec.entities)?;
    let mut generator = Generator {
        rng: StdRng::seed_from_u64(spec.seed),
        entities: codes,
        entity_pick: Weighted::new(weights),
        names: NameBook::new(),
        places: Places::new(),
        seen: key::Seen::with_capacity_and_hasher(
            spec.electors.min(MAX_PREALLOCATED_KEYS),
            Default::default(),
        ),
    };
    let mut writer = csv::Writer::from_writer(out);
    writer.write_record(LNERE_HEADER)?;
    let mut row = Row::default();
    for _ in 0..spec.electors {
        generator.fill(&mut row);
        writer.write_record(row.fields())?;
    }
    writer.flush()?;
    Ok(())
}

/// Entity codes and their weights, validated and without repeats.
fn entity_table(requested: &[String]) -> Result<(Vec<[u8; 2]>, Vec<u32>), csv::Error> {
    if requested.is_empty() {
        let codes = PEL_2021_2022.iter().map(|(c, _)| two_digits(c)).collect();
        return Ok((codes, PEL_2021_2022.iter().map(|(_, w)| *w).collect()));
    }
    let mut codes: Vec<[u8; 2]> = Vec::with_capacity(requested.len());
    let mut weights = Vec::with_capacity(requested.len());
    for code in requested {
        let valid = code.len() == 2
            && code.bytes().all(|b| b.is_ascii_digit())
            && (1..=32).contains(&code.parse::<u8>().unwrap_or(0));
        if !valid {
            let msg = format!("entity {code:?}: not an INEGI code 01..32");
            return Err(io::Error::new(io::ErrorKind::InvalidInput, msg).into());
        }
        let digits = two_digits(code);
        if codes.contains(&digits) {
            continue;
        }
        let known = PEL_2021_2022.iter().find(|(c, _)| *c == code.as_str());
        weights.push(known.map_or(OTHER_ENTITY_WEIGHT, |(_, w)| *w));
        codes.push(digits);
    }
    Ok((codes, weights))
}

fn two_digits(code: &str) -> [u8; 2] {
    let b = code.as_bytes();
    [b[0], b[1]]
}

/// Picks an index with probability proportional to its weight.
struct Weighted {
    cumulative: Vec<u32>,
    total: u32,
}

impl Weighted {
    /// `weights` must not be empty nor sum to zero.
    fn new(weights: impl IntoIterator<Item = u32>) -> Self {
        let mut total = 0;
        let cumulative = weights
            .into_iter()
            .map(|w| {
                total += w;
                total
            })
            .collect();
        assert!(total > 0, "weighted table without weight");
        Weighted { cumulative, total }
    }

    fn pick(&self, rng: &mut StdRng) -> usize {
        let x = rng.random_range(0..self.total);
        self.cumulative.partition_point(|&c| c <= x)
    }
}

/// One output row; its buffers are reused from row to row.
#[derive(Default)]
struct Row {
    key: [u8; 18],
    given: String,
    paternal: String,
    maternal: String,
    entity: [u8; 2],
    line1: String,
    line2: String,
    city: &'static str,
    region: &'static str,
    postal: String,
    country: &'static str,
    email: String,
    phone: String,
}

impl Row {
    fn clear(&mut self) {
        for s in [
            &mut self.given,
            &mut self.paternal,
            &mut self.maternal,
            &mut self.line1,
            &mut self.line2,
            &mut self.postal,
            &mut self.email,
            &mut self.phone,
        ] {
            s.clear();
        }
    }

    fn fields(&self) -> [&[u8]; 13] {
        [
            &self.key,
            self.given.as_bytes(),
            self.paternal.as_bytes(),
            self.maternal.as_bytes(),
            &self.entity,
            self.line1.as_bytes(),
            self.line2.as_bytes(),
            self.city.as_bytes(),
            self.region.as_bytes(),
            self.postal.as_bytes(),
            self.country.as_bytes(),
            self.email.as_bytes(),
            self.phone.as_bytes(),
        ]
    }
}

struct Generator {
    rng: StdRng,
    entities: Vec<[u8; 2]>,
    entity_pick: Weighted,
    names: NameBook,
    places: Places,
    seen: key::Seen,
}

impl Generator {
    fn fill(&mut self, row: &mut Row) {
        let rng = &mut self.rng;
        row.clear();
        row.entity = self.entities[self.entity_pick.pick(rng)];
        let (given, sex) = self.names.pick_given(rng);
        let paternal = self.names.pick_surname(rng);
        let maternal = if rng.random_bool(NO_MATERNAL) {
            None
        } else {
            Some(self.names.pick_surname(rng))
        };
        let case = names::pick_case(rng);
        given.write(case, &mut row.given);
        paternal.write(case, &mut row.paternal);
        if let Some(maternal) = maternal {
            maternal.write(case, &mut row.maternal);
        }

        let m = maternal.map_or([b'X'; 2], |m| m.key);
        let letters = [
            paternal.key[0],
            paternal.key[1],
            m[0],
            m[1],
            given.key[0],
            given.key[1],
        ];
        let (key, birth_year) = key::unique(rng, &mut self.seen, letters, row.entity, sex);
        row.key = key;

        let (country, city) = self.places.pick(rng);
        row.country = country.code;
        row.city = city.name;
        row.region = city.region;
        places::write_address(rng, country, &mut row.line1, &mut row.line2);
        places::write_postal(rng, country, city, &mut row.postal);
        if rng.random_bool(WITH_EMAIL) {
            names::write_email(rng, given, paternal, maternal, birth_year, &mut row.email);
        }
        if rng.random_bool(WITH_PHONE) {
            places::write_phone(rng, country, city, &mut row.phone);
        }
    }
}
