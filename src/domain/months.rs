//! The months' names in Spanish (es-MX), as notices, reports and page headers write dates.

/// "enero" … "diciembre", January first.
pub const MONTHS: [&str; 12] = [
    "enero",
    "febrero",
    "marzo",
    "abril",
    "mayo",
    "junio",
    "julio",
    "agosto",
    "septiembre",
    "octubre",
    "noviembre",
    "diciembre",
];

/// The month's name from its zero-based number (`chrono`'s `month0`).
pub fn month_es(month0: u32) -> &'static str {
    MONTHS[month0 as usize % 12]
}

/// Its usual three-letter abbreviation ("ene", "sep").
pub fn month_es_short(month0: u32) -> &'static str {
    &month_es(month0)[..3]
}
