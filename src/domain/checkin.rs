//! The scan-station rule: from a scanned code and what is known of its PEP, the verdict.
//!
//! One pure function decides; the web, the API and the CLI all reach it through
//! `ops::checkin`. Secrecy: only the envelope is tracked, never the ballot.

use chrono::{DateTime, Utc};

use super::code::{CodeError, CodeId};

/// The verdict on one scanned envelope.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Outcome {
    Accepted,
    Duplicate,
    Late,
    Voided,
    Invalid,
    Unknown,
}

impl Outcome {
    pub const ALL: [Outcome; 6] = [
        Outcome::Accepted,
        Outcome::Duplicate,
        Outcome::Late,
        Outcome::Voided,
        Outcome::Invalid,
        Outcome::Unknown,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Accepted => "accepted",
            Outcome::Duplicate => "duplicate",
            Outcome::Late => "late",
            Outcome::Voided => "voided",
            Outcome::Invalid => "invalid",
            Outcome::Unknown => "unknown",
        }
    }

    /// The word shown on the station screen.
    pub fn label_es(self) -> &'static str {
        match self {
            Outcome::Accepted => "ACEPTADO",
            Outcome::Duplicate => "DUPLICADO",
            Outcome::Late => "EXTEMPORÁNEO",
            Outcome::Voided => "ANULADO",
            Outcome::Invalid => "INVÁLIDO",
            Outcome::Unknown => "DESCONOCIDO",
        }
    }
}

/// The name of a scan station as staff type it: trimmed, 1 to [`StationName::MAX_CHARS`]
/// characters, none of them refused as free text ([`super::text`]: controls, bidi and
/// other format characters).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StationName(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "station: nombre de estación de 1 a {} caracteres",
    StationName::MAX_CHARS
)]
pub struct BadStationName;

impl StationName {
    /// The longest name, in characters (not bytes).
    pub const MAX_CHARS: usize = 40;

    pub fn parse(raw: &str) -> Result<StationName, BadStationName> {
        let s = raw.trim();
        if s.is_empty()
            || s.chars().count() > Self::MAX_CHARS
            || s.chars().any(super::text::is_refused)
        {
            return Err(BadStationName);
        }
        Ok(StationName(s.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A receipt already recorded for the PEP.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PriorReceipt {
    pub late: bool,
    pub received_at: String,
    pub station: String,
}

/// What the database knows about the PEP a valid code names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PepFacts {
    pub voided: bool,
    pub prior: Option<PriorReceipt>,
}

/// The verdict and its reason in Spanish.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verdict {
    pub outcome: Outcome,
    pub reason: String,
}

fn verdict(outcome: Outcome, reason: impl Into<String>) -> Verdict {
    Verdict {
        outcome,
        reason: reason.into(),
    }
}

/// Step 1: the code alone. `Err` is the final verdict (invalid).
pub fn check_code(code: Result<CodeId, CodeError>) -> Result<CodeId, Verdict> {
    code.map_err(|e| verdict(Outcome::Invalid, e.to_string()))
}

/// Step 2: the PEP's facts and the clock against the cutoff.
pub fn decide(pep: Option<&PepFacts>, now: DateTime<Utc>, cutoff: DateTime<Utc>) -> Verdict {
    let Some(pep) = pep else {
        return verdict(
            Outcome::Unknown,
            "código firmado pero sin PEP en esta elección: enviar a revisión manual",
        );
    };
    if let Some(prior) = &pep.prior {
        let kind = if prior.late {
            "extemporáneo"
        } else {
            "recibido"
        };
        return verdict(
            Outcome::Duplicate,
            format!(
                "ya {kind} el {} en la estación {}: enviar a revisión manual",
                prior.received_at, prior.station
            ),
        );
    }
    if pep.voided {
        return verdict(
            Outcome::Voided,
            "código anulado por una reposición del PEP: no se cuenta; enviar a revisión",
        );
    }
    if now >= cutoff {
        return verdict(
            Outcome::Late,
            "recibido después del corte: se registra y se destruye sin abrir",
        );
    }
    verdict(
        Outcome::Accepted,
        "sobre aceptado: el elector queda marcado como «votó»",
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn t(h: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2022, 6, 4, h, 0, 0).unwrap()
    }

    fn fresh() -> PepFacts {
        PepFacts {
            voided: false,
            prior: None,
        }
    }

    #[test]
    fn a_fresh_envelope_before_the_cutoff_is_accepted() {
        assert_eq!(
            decide(Some(&fresh()), t(12), t(13)).outcome,
            Outcome::Accepted
        );
    }

    #[test]
    fn an_envelope_at_or_after_the_cutoff_is_late() {
        assert_eq!(decide(Some(&fresh()), t(13), t(13)).outcome, Outcome::Late);
        assert_eq!(decide(Some(&fresh()), t(20), t(13)).outcome, Outcome::Late);
    }

    #[test]
    fn a_second_scan_is_a_duplicate_naming_when_and_where() {
        let pep = PepFacts {
            voided: false,
            prior: Some(PriorReceipt {
                late: false,
                received_at: "2022-06-01 10:00".into(),
                station: "mesa-3".into(),
            }),
        };
        let v = decide(Some(&pep), t(12), t(13));
        assert_eq!(v.outcome, Outcome::Duplicate);
        assert!(v.reason.contains("mesa-3") && v.reason.contains("2022-06-01 10:00"));
    }

    #[test]
    fn a_voided_code_is_voided_even_before_the_cutoff() {
        let pep = PepFacts {
            voided: true,
            prior: None,
        };
        assert_eq!(decide(Some(&pep), t(1), t(13)).outcome, Outcome::Voided);
    }

    #[test]
    fn a_signed_code_without_pep_is_unknown() {
        assert_eq!(decide(None, t(1), t(13)).outcome, Outcome::Unknown);
    }

    #[test]
    fn a_station_name_is_trimmed_and_counted_in_characters() {
        assert_eq!(StationName::parse("  mesa-1 ").unwrap().as_str(), "mesa-1");
        let accented = "ó".repeat(StationName::MAX_CHARS);
        assert!(accented.len() > StationName::MAX_CHARS);
        assert!(StationName::parse(&accented).is_ok());
        let long = "a".repeat(StationName::MAX_CHARS + 1);
        for bad in ["", "   ", "mesa\u{7}", long.as_str()] {
            assert_eq!(StationName::parse(bad), Err(BadStationName), "{bad:?}");
        }
    }

    #[test]
    fn a_bad_code_is_invalid() {
        let v = check_code(Err(CodeError::BadSignature)).unwrap_err();
        assert_eq!(v.outcome, Outcome::Invalid);
    }
}
