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
    if let Some(o) = compare_plain(a, b) {
        return o;
    }
    collator()
        .map_or(Ordering::Equal, |c| c.compare(a, b))
        .then_with(|| a.cmp(b))
}

/// The same order, cheaply, for names of ASCII letters and spaces only (most of a list, and
/// SQLite's sorter calls this millions of times on an import): letters case-folded first
/// (space before any letter), then at the first difference of case the lower-case one first,
/// as the collator's tertiary level does. `None` for anything else.
fn compare_plain(a: &str, b: &str) -> Option<Ordering> {
    let plain = |s: &str| s.bytes().all(|c| c.is_ascii_alphabetic() || c == b' ');
    if !plain(a) || !plain(b) {
        return None;
    }
    let folded = a
        .bytes()
        .map(|c| c.to_ascii_lowercase())
        .cmp(b.bytes().map(|c| c.to_ascii_lowercase()));
    // Equal when folded means equal length: the first case difference decides (lower first,
    // which is the reverse of ASCII, where capitals come first).
    Some(folded.then_with(|| b.cmp(a)))
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

    proptest::proptest! {
        #[test]
        fn the_plain_fast_path_agrees_with_the_collator(
            a in "[A-Za-z ]{0,10}",
            b in "[A-Za-z ]{0,10}",
        ) {
            let full = collator().unwrap().compare(&a, &b).then_with(|| a.cmp(&b));
            proptest::prop_assert_eq!(compare_plain(&a, &b), Some(full));
        }

        #[test]
        fn close_plain_names_agree_with_the_collator(
            a in "[aAbB ]{0,6}",
            b in "[aAbB ]{0,6}",
        ) {
            let full = collator().unwrap().compare(&a, &b).then_with(|| a.cmp(&b));
            proptest::prop_assert_eq!(compare_plain(&a, &b), Some(full));
        }
    }

    #[test]
    fn the_order_is_total() {
        assert_eq!(compare("Díaz", "Díaz"), Ordering::Equal);
        assert_ne!(compare("Diaz", "DIAZ"), Ordering::Equal);
    }
}
