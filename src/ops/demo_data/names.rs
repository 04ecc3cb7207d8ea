//! Mexican names as people write them, and the email addresses they make from them.

use std::fmt::Write;

use rand::rngs::StdRng;
use rand::seq::IndexedRandom;
use rand::Rng;

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
    AsWritten,
    /// "JOSÉ PEÑA": official-document style.
    Upper,
    /// "Jose Pena": a keyboard without accents.
    NoAccents,
    /// "josé peña".
    Lower,
}

/// A given name and the sex letter of the key (H, M, rarely X).
pub(super) fn pick_given(rng: &mut StdRng) -> (&'static str, u8) {
    let female = rng.random_bool(0.5);
    let list = if female { FEMALE } else { MALE };
    let name = list.choose(rng).copied().unwrap_or("María");
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
pub(super) fn pick_surname(rng: &mut StdRng) -> &'static str {
    let u: f64 = rng.random();
    let index = (u * u * SURNAMES.len() as f64) as usize;
    SURNAMES[index.min(SURNAMES.len() - 1)]
}

pub(super) fn pick_case(rng: &mut StdRng) -> Case {
    match rng.random_range(0..100) {
        0..82 => Case::AsWritten,
        82..92 => Case::Upper,
        92..97 => Case::NoAccents,
        _ => Case::Lower,
    }
}

pub(super) fn write_name(name: &str, case: Case, out: &mut String) {
    match case {
        Case::AsWritten => out.push_str(name),
        Case::Upper => out.extend(name.chars().flat_map(char::to_uppercase)),
        Case::Lower => out.extend(name.chars().flat_map(char::to_lowercase)),
        Case::NoAccents => out.extend(name.chars().map(fold_char)),
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

/// Lowercase ASCII letters of `name`: accents stripped, spaces and punctuation dropped.
fn push_ascii(name: &str, out: &mut String) {
    out.extend(
        name.chars()
            .map(fold_char)
            .filter(char::is_ascii_alphabetic)
            .map(|c| c.to_ascii_lowercase()),
    );
}

/// The first letter of `name` as lowercase ASCII, if it has one.
fn push_initial(name: &str, out: &mut String) {
    let initial = name.chars().map(fold_char).find(char::is_ascii_alphabetic);
    out.extend(initial.map(|c| c.to_ascii_lowercase()));
}

/// An address like `jose.pena@gmail.com` or `mfernandez84@hotmail.com`.
pub(super) fn write_email(
    rng: &mut StdRng,
    given: &str,
    paternal: &str,
    maternal: &str,
    birth_year: u16,
    out: &mut String,
) {
    let first = given.split_whitespace().next().unwrap_or(given);
    match rng.random_range(0..5) {
        0 => {
            push_ascii(first, out);
            out.push('.');
            push_ascii(paternal, out);
        }
        1 => {
            push_ascii(first, out);
            push_ascii(paternal, out);
            let _ = write!(out, "{}", rng.random_range(1..100));
        }
        2 => {
            push_initial(first, out);
            push_ascii(paternal, out);
            push_initial(maternal, out);
        }
        3 => {
            push_ascii(first, out);
            out.push('_');
            push_ascii(paternal, out);
            let _ = write!(out, "{:02}", birth_year % 100);
        }
        _ => {
            push_ascii(paternal, out);
            out.push('.');
            push_ascii(given, out);
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
