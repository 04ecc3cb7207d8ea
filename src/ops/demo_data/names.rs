//! Mexican names as people write them, and the email addresses they make from them.

use std::fmt::Write;

use rand::rngs::StdRng;
use rand::Rng;

use super::key;

#[rustfmt::skip]
const MALE: &[&str] = &[
    "José", "Juan", "Luis", "Carlos", "Jorge", "Miguel Ángel", "José Luis", "Juan Carlos",
    "Francisco", "Antonio", "Jesús", "Alejandro", "Ricardo", "Roberto", "Fernando", "Eduardo",
    "Raúl", "Sergio", "Arturo", "Héctor", "Óscar", "Martín", "Rubén", "Ramón", "Andrés",
    "Joaquín", "Julián", "Iván", "Víctor", "Ángel", "Efraín", "Germán", "Adrián", "Sebastián",
    "Emiliano", "Santiago", "Diego", "Daniel", "Pedro", "Manuel", "José Manuel", "Juan Pablo",
    "Jesús Alberto", "Noé", "Saúl", "Abraham", "Ismael", "Benjamín", "Mario", "Enrique",
];

#[rustfmt::skip]
const FEMALE: &[&str] = &[
    "María", "María Fernanda", "Guadalupe", "María Guadalupe", "Juana", "Margarita",
    "Verónica", "Patricia", "Leticia", "Rocío", "Lucía", "Sofía", "Ximena", "Valeria",
    "Daniela", "Andrea", "Gabriela", "Alejandra", "Mónica", "Claudia", "Araceli", "Beatriz",
    "Inés", "Itzel", "Yesenia", "Citlali", "Nohemí", "Dulce María", "Ana Sofía", "Ana María",
    "Martha", "Rosa María", "Teresa", "Isabel", "Elena", "Carmen", "Mariana", "Fátima", "Zoé",
    "Belén", "Jazmín", "Noemí", "Raquel", "Susana", "Ángela", "Xóchitl", "Maricela", "Yolanda",
];

/// Most frequent first: [`pick_surname`] favours the head of the list.
#[rustfmt::skip]
const SURNAMES: &[&str] = &[
    "Hernández", "García", "Martínez", "López", "González", "Pérez", "Rodríguez", "Sánchez",
    "Ramírez", "Cruz", "Flores", "Gómez", "Morales", "Vázquez", "Reyes", "Jiménez", "Torres",
    "Díaz", "Gutiérrez", "Ruiz", "Mendoza", "Aguilar", "Ortiz", "Moreno", "Castillo", "Romero",
    "Álvarez", "Méndez", "Chávez", "Rivera", "Juárez", "Ramos", "Domínguez", "Herrera",
    "Medina", "Castro", "Vargas", "Guzmán", "Velázquez", "Muñoz", "Rojas", "Contreras",
    "Salazar", "Luna", "Ortega", "Santiago", "Guerrero", "Estrada", "Bautista", "Cortés",
    "Soto", "Alvarado", "Espinoza", "Lara", "Ávila", "Ríos", "Cervantes", "Silva", "Delgado",
    "Vega", "Márquez", "Sandoval", "Fernández", "León", "Carrillo", "Mejía", "Solís", "Núñez",
    "Rosas", "Valdez", "Ibarra", "Campos", "Santos", "Camacho", "Peña", "Maldonado",
    "Navarro", "Rosales", "Acosta", "Miranda", "Trejo", "Valencia", "Nava", "Pacheco",
    "Robles", "Molina", "Rangel", "Huerta", "Matus", "Ibáñez", "Zúñiga", "Ordóñez",
    "Quiñones", "Montaño", "Saldaña", "Avendaño", "De la Cruz", "Del Ángel", "De León",
];

const DOMAINS: &[(&str, u32)] = &[
    ("gmail.com", 40),
    ("hotmail.com", 20),
    ("yahoo.com", 14),
    ("outlook.com", 10),
    ("icloud.com", 8),
    ("live.com.mx", 4),
    ("yahoo.com.mx", 3),
    ("aol.com", 1),
];

/// How a person wrote their name on the registration form.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Case {
    /// "José Peña": the usual.
    AsWritten = 0,
    /// "JOSÉ PEÑA": official-document style.
    Upper = 1,
    /// "Jose Pena": a keyboard without accents.
    NoAccents = 2,
    /// "josé peña".
    Lower = 3,
}

pub(super) fn pick_case(rng: &mut StdRng) -> Case {
    match rng.random_range(0..100) {
        0..82 => Case::AsWritten,
        82..92 => Case::Upper,
        92..97 => Case::NoAccents,
        _ => Case::Lower,
    }
}

/// A name of the tables with everything a row needs, computed once per file so that rows
/// only copy bytes.
pub(super) struct Name {
    /// The name written in each [`Case`], indexed by the case.
    forms: [String; 4],
    /// Lowercase ASCII for email addresses (first word only for given names).
    email: String,
    /// Its two letters in the clave de elector.
    pub(super) key: [u8; 2],
}

impl Name {
    fn new(written: &str, is_given: bool) -> Self {
        let email_part = if is_given {
            written.split_whitespace().next().unwrap_or(written)
        } else {
            written
        };
        Name {
            forms: [
                written.to_owned(),
                written.to_uppercase(),
                written.chars().map(fold_char).collect(),
                written.to_lowercase(),
            ],
            email: email_part
                .chars()
                .map(fold_char)
                .filter(char::is_ascii_alphabetic)
                .map(|c| c.to_ascii_lowercase())
                .collect(),
            key: if is_given {
                key::given_letters(written)
            } else {
                key::surname_letters(written)
            },
        }
    }

    pub(super) fn write(&self, case: Case, out: &mut String) {
        out.push_str(&self.forms[case as usize]);
    }

    fn initial(&self) -> &str {
        self.email.get(..1).unwrap_or("")
    }
}

/// The name tables, ready to use.
pub(super) struct NameBook {
    male: Vec<Name>,
    female: Vec<Name>,
    surnames: Vec<Name>,
}

impl NameBook {
    pub(super) fn new() -> Self {
        let given = |list: &[&str]| list.iter().map(|n| Name::new(n, true)).collect();
        NameBook {
            male: given(MALE),
            female: given(FEMALE),
            surnames: SURNAMES.iter().map(|n| Name::new(n, false)).collect(),
        }
    }

    /// A given name and the sex letter of the key (H, M, rarely X).
    pub(super) fn pick_given(&self, rng: &mut StdRng) -> (&Name, u8) {
        let female = rng.random_bool(0.5);
        let list = if female { &self.female } else { &self.male };
        let name = &list[rng.random_range(0..list.len())];
        let sex = if rng.random_bool(0.001) {
            b'X'
        } else if female {
            b'M'
        } else {
            b'H'
        };
        (name, sex)
    }

    /// A surname, the common ones more often (quadratic skew towards the head of the list).
    pub(super) fn pick_surname(&self, rng: &mut StdRng) -> &Name {
        let u: f64 = rng.random();
        let index = (u * u * self.surnames.len() as f64) as usize;
        &self.surnames[index.min(self.surnames.len() - 1)]
    }
}

/// The character without its accent (á → a, Ñ → N, ü → u); others unchanged.
pub(super) fn fold_char(c: char) -> char {
    match c {
        'á' | 'à' | 'ä' | 'â' => 'a',
        'é' | 'è' | 'ë' | 'ê' => 'e',
        'í' | 'ì' | 'ï' | 'î' => 'i',
        'ó' | 'ò' | 'ö' | 'ô' => 'o',
        'ú' | 'ù' | 'ü' | 'û' => 'u',
        'ñ' => 'n',
        'Á' | 'À' | 'Ä' | 'Â' => 'A',
        'É' | 'È' | 'Ë' | 'Ê' => 'E',
        'Í' | 'Ì' | 'Ï' | 'Î' => 'I',
        'Ó' | 'Ò' | 'Ö' | 'Ô' => 'O',
        'Ú' | 'Ù' | 'Ü' | 'Û' => 'U',
        'Ñ' => 'N',
        other => other,
    }
}

/// An address like `jose.pena@gmail.com` or `mfernandez84@hotmail.com`.
pub(super) fn write_email(
    rng: &mut StdRng,
    given: &Name,
    paternal: &Name,
    maternal: Option<&Name>,
    birth_year: u16,
    out: &mut String,
) {
    let (first, last) = (given.email.as_str(), paternal.email.as_str());
    match rng.random_range(0..5) {
        0 => {
            let _ = write!(out, "{first}.{last}");
        }
        1 => {
            let _ = write!(out, "{first}{last}{}", rng.random_range(1..100));
        }
        2 => {
            let maternal_initial = maternal.map_or("", Name::initial);
            let _ = write!(out, "{}{last}{maternal_initial}", given.initial());
        }
        3 => {
            let _ = write!(out, "{first}_{last}{:02}", birth_year % 100);
        }
        _ => {
            let _ = write!(out, "{last}.{first}");
        }
    }
    out.push('@');
    out.push_str(pick_domain(rng));
}

fn pick_domain(rng: &mut StdRng) -> &'static str {
    let total: u32 = DOMAINS.iter().map(|(_, w)| w).sum();
    let mut x = rng.random_range(0..total);
    for (domain, weight) in DOMAINS {
        if x < *weight {
            return domain;
        }
        x -= weight;
    }
    DOMAINS[0].0
}
