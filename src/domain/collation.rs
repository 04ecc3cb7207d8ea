//! The one order of people's names: Spanish collation (ICU4X, locale `es`), so that case and
//! accents decide only between otherwise equal names ("Acosta" before "AGUILAR", "Díaz" beside
//! "Diaz", "Ñúñez" after "Nuñez" and before "Oropeza"). Lists, PDFs and CSVs sort through
//! [`compare`] (storage registers it as SQLite's `es` collation).

use std::cmp::Ordering;
use std::sync::OnceLock;

use icu_collator::options::CollatorOptions;
use icu_collator::{Collator, CollatorBorrowed};
use icu_locale_core::locale;

/// The Spanish collator, built once from the compiled-in data (always present; were it
/// missing, names would fall back to byte order rather than fail).
fn collator() -> Option<&'static CollatorBorrowed<'static>> {
    static COLLATOR: OnceLock<Option<CollatorBorrowed<'static>>> = OnceLock::new();
    COLLATOR
        .get_or_init(|| Collator::try_new(locale!("es").into(), CollatorOptions::default()).ok())
        .as_ref()
}

/// Spanish order of two names; byte order breaks the rare full ties so the order is total.
pub fn compare(a: &str, b: &str) -> Ordering {
    collator()
        .map_or(Ordering::Equal, |c| c.compare(a, b))
        .then_with(|| a.cmp(b))
}

/// Sorts by the names `key` gives, in Spanish order (stable).
pub fn sort_by_name<T>(items: &mut [T], key: impl Fn(&T) -> &str) {
    items.sort_by(|x, y| compare(key(x), key(y)));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn case_and_accents_do_not_move_a_name_away_from_its_letters() {
        let mut names = vec![
            "Zamora",
            "AGUILAR",
            "Díaz",
            "Ñúñez",
            "Acosta",
            "DIAZ",
            "Oropeza",
            "Nuñez",
            "Diaz",
            "Ávila",
            "Nava",
            "Dominguez",
        ];
        sort_by_name(&mut names, |n| *n);
        assert_eq!(
            names,
            [
                "Acosta",
                "AGUILAR",
                "Ávila",
                "Diaz",
                "DIAZ",
                "Díaz",
                "Dominguez",
                "Nava",
                "Nuñez",
                "Ñúñez",
                "Oropeza",
                "Zamora"
            ]
        );
        // Byte order would put every capital first and every accent last.
        assert_eq!(compare("Acosta", "AGUILAR"), Ordering::Less);
        assert_eq!("Acosta".cmp("AGUILAR"), Ordering::Greater);
        assert_eq!(compare("Ávila", "Zamora"), Ordering::Less);
    }

    #[test]
    fn the_order_is_total() {
        assert_eq!(compare("Díaz", "Díaz"), Ordering::Equal);
        assert_ne!(compare("Diaz", "DIAZ"), Ordering::Equal);
    }
}
