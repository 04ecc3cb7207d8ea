//! The elector of the postal list: the elector key and the validated record.

use std::fmt;

/// The clave de elector: 6 letters, 8 digits, H/M/X, 3 digits (18 characters).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ElectorKey([u8; 18]);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ElectorKeyError {
    #[error("vacía")]
    Empty,
    #[error("debe tener 18 caracteres (tiene {0})")]
    Length(usize),
    #[error("posición {pos}: se esperaba {expected}, hay «{found}»")]
    Shape {
        pos: usize,
        expected: &'static str,
        found: char,
    },
}

impl ElectorKey {
    pub fn parse(s: &str) -> Result<Self, ElectorKeyError> {
        if s.is_empty() {
            return Err(ElectorKeyError::Empty);
        }
        let count = s.chars().count();
        if count != 18 || s.len() != 18 {
            return Err(ElectorKeyError::Length(count));
        }
        let b = s.as_bytes();
        for (pos, &c) in b.iter().enumerate() {
            let (ok, expected) = match pos {
                0..=5 => (c.is_ascii_uppercase(), "una letra mayúscula"),
                6..=13 => (c.is_ascii_digit(), "un dígito"),
                14 => (matches!(c, b'H' | b'M' | b'X'), "H, M o X"),
                _ => (c.is_ascii_digit(), "un dígito"),
            };
            if !ok {
                return Err(ElectorKeyError::Shape {
                    pos: pos + 1,
                    expected,
                    found: c as char,
                });
            }
        }
        let mut key = [0u8; 18];
        key.copy_from_slice(b);
        Ok(ElectorKey(key))
    }

    pub fn as_str(&self) -> &str {
        // Only ASCII bytes are ever stored.
        std::str::from_utf8(&self.0).unwrap_or_default()
    }

    pub fn bytes(&self) -> [u8; 18] {
        self.0
    }
}

impl fmt::Display for ElectorKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A validated row of the postal list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Elector {
    pub key: ElectorKey,
    pub given_names: String,
    pub paternal_surname: String,
    pub maternal_surname: Option<String>,
    pub entity: String,
    pub address: Address,
    pub email: Option<String>,
    pub phone: Option<String>,
}

/// A mailing address abroad.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Address {
    pub line1: String,
    pub line2: Option<String>,
    pub city: String,
    pub region: Option<String>,
    pub postal_code: String,
    pub country: String,
}

impl Elector {
    /// The name as printed on labels: given names, then surnames.
    pub fn full_name(&self) -> String {
        let mut name = format!("{} {}", self.given_names, self.paternal_surname);
        if let Some(m) = &self.maternal_surname {
            name.push(' ');
            name.push_str(m);
        }
        name
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_well_formed_key_parses_and_prints_back() {
        let k = ElectorKey::parse("GOMZJN85031210H123").unwrap();
        assert_eq!(k.to_string(), "GOMZJN85031210H123");
    }

    #[test]
    fn keys_of_the_wrong_length_are_refused_with_the_length() {
        assert_eq!(
            ElectorKey::parse("GOMZJN85031210H12"),
            Err(ElectorKeyError::Length(17))
        );
        assert_eq!(ElectorKey::parse(""), Err(ElectorKeyError::Empty));
    }

    #[test]
    fn each_position_of_the_key_is_checked() {
        let good = "GOMZJN85031210H123";
        for (pos, bad) in [
            (0, '1'),
            (5, 'a'),
            (6, 'A'),
            (13, 'Z'),
            (14, 'F'),
            (17, 'X'),
        ] {
            let mut s: Vec<char> = good.chars().collect();
            s[pos] = bad;
            let s: String = s.into_iter().collect();
            match ElectorKey::parse(&s) {
                Err(ElectorKeyError::Shape { pos: p, .. }) => assert_eq!(p, pos + 1),
                other => panic!("{s}: {other:?}"),
            }
        }
    }

    #[test]
    fn multibyte_characters_never_pass_as_eighteen_characters() {
        assert!(ElectorKey::parse("GOMZJÑ85031210H123").is_err());
    }
}
