//! The pure rules of the public lookup: the two languages the elector's page speaks and how a
//! browser's `Accept-Language` picks one, the form in which a typed postal code is compared
//! with the registered one, and the carriers' public tracking pages.

use super::tracking::Carrier;

/// The languages of the public lookup (only that page speaks English; Spanish is the default).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    #[default]
    Es,
    En,
}

impl Lang {
    pub fn as_str(self) -> &'static str {
        match self {
            Lang::Es => "es",
            Lang::En => "en",
        }
    }

    /// The value of an HTML `lang` attribute.
    pub fn html(self) -> &'static str {
        match self {
            Lang::Es => "es-MX",
            Lang::En => "en",
        }
    }

    /// `es`, `en`, or a tag of either (`es-MX`, `en-US`); anything else is not a choice.
    pub fn parse(s: &str) -> Option<Lang> {
        let primary = s.trim().split(['-', '_']).next()?.to_ascii_lowercase();
        match primary.as_str() {
            "es" => Some(Lang::Es),
            "en" => Some(Lang::En),
            _ => None,
        }
    }

    /// The browser's preference from an `Accept-Language` header: the supported language with
    /// the highest quality (the earlier one on a tie); Spanish when neither is accepted. A
    /// `*` accepts the default.
    pub fn from_accept_language(header: &str) -> Lang {
        let mut best: Option<(f32, Lang)> = None;
        for item in header.split(',').take(32) {
            let mut parts = item.split(';');
            let tag = parts.next().unwrap_or("").trim();
            let q = parts
                .filter_map(|p| p.trim().strip_prefix("q="))
                .find_map(|q| q.trim().parse::<f32>().ok())
                .unwrap_or(1.0);
            if !(q > 0.0 && q <= 1.0) {
                continue;
            }
            let lang = match tag {
                "*" => Some(Lang::Es),
                t => Lang::parse(t),
            };
            if let Some(lang) = lang {
                if best.is_none_or(|(bq, _)| q > bq) {
                    best = Some((q, lang));
                }
            }
        }
        best.map_or(Lang::Es, |(_, l)| l)
    }
}

/// An elector key as typed, in the form the list stores it (upper case, no spaces), cut to a
/// bounded length: what the lookup queries and what its per-key limit counts.
pub fn key_form(typed: &str) -> String {
    typed
        .chars()
        .filter(|c| !c.is_whitespace())
        .take(24)
        .collect::<String>()
        .to_uppercase()
}

/// A postal code in the form two codes are compared in: letters and digits only, upper case
/// (`sw1a 1aa` = `SW1A1AA`, `K1A-0B1` = `K1A0B1`); in the USA the five-digit ZIP only, so a
/// ZIP+4 matches its ZIP. Bounded in length whatever is typed.
pub fn postal_form(country: &str, typed: &str) -> String {
    let alnum: String = typed
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .take(16)
        .collect::<String>()
        .to_ascii_uppercase();
    if country.eq_ignore_ascii_case("US") && alnum.len() > 5 {
        return alnum[..5].to_string();
    }
    alnum
}

/// The carrier's public tracking page for a guía (what anybody may open without an account).
pub fn tracking_url(carrier: Carrier, tracking: &str) -> String {
    let number: String = url_escape(tracking.trim());
    match carrier {
        Carrier::Fedex => format!("https://www.fedex.com/fedextrack/?trknbr={number}"),
        Carrier::Ups => format!("https://www.ups.com/track?tracknum={number}"),
        Carrier::Dhl => {
            format!("https://www.dhl.com/global-en/home/tracking.html?tracking-id={number}")
        }
    }
}

/// Percent-encodes everything but unreserved characters (RFC 3986).
fn url_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_browser_language_with_the_highest_quality_wins_and_spanish_is_the_default() {
        assert_eq!(Lang::from_accept_language("en-US,en;q=0.9"), Lang::En);
        assert_eq!(
            Lang::from_accept_language("es-MX,es;q=0.9,en;q=0.8"),
            Lang::Es
        );
        assert_eq!(
            Lang::from_accept_language("fr-FR,en;q=0.5,es;q=0.7"),
            Lang::Es
        );
        assert_eq!(Lang::from_accept_language("fr-FR,en;q=0.5"), Lang::En);
        assert_eq!(Lang::from_accept_language("de, fr"), Lang::Es);
        assert_eq!(Lang::from_accept_language(""), Lang::Es);
        assert_eq!(Lang::from_accept_language("en;q=0, es;q=0.1"), Lang::Es);
        assert_eq!(Lang::from_accept_language("en;q=garbage"), Lang::En);
        assert_eq!(Lang::from_accept_language("en;q=2"), Lang::Es);
    }

    #[test]
    fn a_language_choice_is_es_or_en_in_any_tag() {
        assert_eq!(Lang::parse("en-GB"), Some(Lang::En));
        assert_eq!(Lang::parse("ES"), Some(Lang::Es));
        assert_eq!(Lang::parse("fr"), None);
        assert_eq!(Lang::parse(""), None);
    }

    #[test]
    fn postal_codes_compare_without_spaces_case_or_the_zip_plus_four() {
        assert_eq!(postal_form("GB", "sw1a 1aa"), "SW1A1AA");
        assert_eq!(postal_form("CA", "K1A-0B1"), postal_form("CA", "k1a 0b1"));
        assert_eq!(postal_form("US", "90210-1234"), "90210");
        assert_eq!(postal_form("US", " 90210 "), "90210");
        assert_eq!(postal_form("ES", "28013"), "28013");
        assert_eq!(postal_form("US", &"9".repeat(500)).len(), 5);
        assert_eq!(postal_form("ES", &"9".repeat(500)).len(), 16);
    }

    #[test]
    fn keys_are_compared_upper_case_without_spaces_and_bounded() {
        assert_eq!(key_form(" gomzjn85 031210h123 "), "GOMZJN85031210H123");
        assert_eq!(key_form(&"x".repeat(1000)).len(), 24);
    }

    #[test]
    fn each_carrier_has_a_public_tracking_page_with_the_number_escaped() {
        assert_eq!(
            tracking_url(Carrier::Fedex, "794601234567"),
            "https://www.fedex.com/fedextrack/?trknbr=794601234567"
        );
        assert_eq!(
            tracking_url(Carrier::Ups, "1Z 999&x"),
            "https://www.ups.com/track?tracknum=1Z%20999%26x"
        );
        assert!(tracking_url(Carrier::Dhl, "1234567890").ends_with("tracking-id=1234567890"));
    }
}
