//! What the public lookup says, in Spanish and in English: the PEP's state in words, the advice
//! that goes with it, the steps of the way, the one refusal, and dates in the elector's zone.

use chrono::{DateTime, Datelike, Timelike, Utc};
use chrono_tz::Tz;

use crate::domain::lookup::Lang;
use crate::domain::months::month_es;
use crate::domain::stage::Stage;

/// The PEP's state in words.
pub fn stage(stage: Stage, lang: Lang) -> &'static str {
    use Lang::{En, Es};
    match (stage, lang) {
        (Stage::Generated, Es) => "Su Paquete Electoral Postal está registrado y en preparación.",
        (Stage::Generated, En) => "Your postal voting package is registered and being prepared.",
        (Stage::Batched, Es) => {
            "Su paquete está listo y se entregará a la paquetería en los próximos días."
        }
        (Stage::Batched, En) => {
            "Your package is ready and will be handed to the courier in the coming days."
        }
        (Stage::Shipped, Es) => "Su paquete va en camino a su domicilio.",
        (Stage::Shipped, En) => "Your package is on its way to your address.",
        (Stage::Delivered, Es) => "Su paquete fue entregado en su domicilio.",
        (Stage::Delivered, En) => "Your package was delivered to your address.",
        (Stage::Undeliverable, Es) => "La paquetería no pudo entregar su paquete.",
        (Stage::Undeliverable, En) => "The courier could not deliver your package.",
        (Stage::Returning, Es) => "Su Sobre-Postal-Voto va en camino al INE.",
        (Stage::Returning, En) => "Your return envelope (Sobre-Postal-Voto) is on its way to INE.",
        (Stage::Received, Es) => "El INE recibió su Sobre-Postal-Voto a tiempo: su voto se contará.",
        (Stage::Received, En) => {
            "INE received your return envelope in time: your vote will be counted."
        }
        (Stage::Late, Es) => {
            "El INE recibió su Sobre-Postal-Voto después del plazo legal: no puede contarse."
        }
        (Stage::Late, En) => {
            "INE received your return envelope after the legal deadline: it cannot be counted."
        }
        (Stage::Voided, Es) => {
            "Este Sobre-Postal-Voto fue reemplazado por un paquete nuevo: use el sobre del paquete más reciente."
        }
        (Stage::Voided, En) => {
            "This return envelope was replaced by a new package: use the envelope of the newest package."
        }
    }
}

/// What to do now, when there is something to do: `deadline` is the receipt cutoff as
/// [`date`] writes it.
pub fn advice(stage: Stage, deadline: &str, lang: Lang) -> Option<String> {
    use Lang::{En, Es};
    Some(match (stage, lang) {
        (Stage::Undeliverable, Es) => UNDELIVERABLE_ES.to_string(),
        (Stage::Undeliverable, En) => UNDELIVERABLE_EN.to_string(),
        (Stage::Delivered, Es) => format!(
            "Vote, cierre su Sobre-Postal-Voto y envíelo de inmediato con la guía prepagada: \
             debe llegar al INE a más tardar el {deadline}."
        ),
        (Stage::Delivered, En) => format!(
            "Vote, seal your return envelope and send it right away with its prepaid waybill: \
             it must reach INE no later than {deadline}."
        ),
        (Stage::Returning, Es) => format!("Debe llegar al INE a más tardar el {deadline}."),
        (Stage::Returning, En) => format!("It must reach INE no later than {deadline}."),
        _ => return None,
    })
}

const UNDELIVERABLE_ES: &str = "Su paquete regresa al INE. Confirme que su domicilio registrado \
    esté completo y correcto con INETEL (desde Estados Unidos, sin costo: 1 866 986 8306; desde \
    otros países: +52 55 5481 9897) o en votoextranjero.mx: el INE puede enviarle un paquete nuevo.";
const UNDELIVERABLE_EN: &str = "Your package is going back to INE. Check with INETEL that your \
    registered address is complete and correct (toll-free from the USA: 1 866 986 8306; from \
    other countries: +52 55 5481 9897) or at votoextranjero.mx: INE can send you a new package.";

/// The steps of the way, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StepName {
    Prepared,
    Shipped,
    Delivered,
    Returning,
    ReceivedInTime,
    ReceivedLate,
    NotYetReceived,
}

pub fn step(name: StepName, lang: Lang) -> &'static str {
    use Lang::{En, Es};
    match (name, lang) {
        (StepName::Prepared, Es) => "Paquete electoral preparado",
        (StepName::Prepared, En) => "Postal voting package prepared",
        (StepName::Shipped, Es) => "Enviado por la paquetería",
        (StepName::Shipped, En) => "Handed to the courier",
        (StepName::Delivered, Es) => "Entregado en su domicilio",
        (StepName::Delivered, En) => "Delivered to your address",
        (StepName::Returning, Es) => "Sobre-Postal-Voto en camino de regreso",
        (StepName::Returning, En) => "Return envelope on its way back",
        (StepName::ReceivedInTime, Es) => "Sobre recibido por el INE: su voto se contará",
        (StepName::ReceivedInTime, En) => "Envelope received by INE: your vote will be counted",
        (StepName::ReceivedLate, Es) => "Sobre recibido después del plazo legal",
        (StepName::ReceivedLate, En) => "Envelope received after the legal deadline",
        (StepName::NotYetReceived, Es) => "Sobre recibido por el INE",
        (StepName::NotYetReceived, En) => "Envelope received by INE",
    }
}

/// The one answer to anything that does not match (the same for every mismatch).
pub fn refusal(lang: Lang) -> &'static str {
    match lang {
        Lang::Es => {
            "No encontramos un paquete con esos datos. Revise su clave de elector y el \
            código postal de su domicilio registrado, o el código impreso bajo el código QR de su \
            Sobre-Postal-Voto."
        }
        Lang::En => {
            "We found no package with those details. Check your elector key and the \
            postal code of your registered address, or the code printed under the QR code of \
            your return envelope (Sobre-Postal-Voto)."
        }
    }
}

/// The answer to a client over its lookup limit.
pub fn too_many(wait_secs: u64, lang: Lang) -> String {
    let (n, es_unit, en_unit) = if wait_secs >= 120 {
        (wait_secs.div_ceil(60), "minutos", "minutes")
    } else {
        (wait_secs.max(1), "segundos", "seconds")
    };
    match lang {
        Lang::Es => format!("Demasiadas consultas. Intente de nuevo en {n} {es_unit}."),
        Lang::En => format!("Too many lookups. Please try again in {n} {en_unit}."),
    }
}

/// `t` in the zone `tz`, as the elector reads it: «3 de junio de 2022, 08:00 (hora de
/// America/Los_Angeles)» or «June 3, 2022, 08:00 (America/Los_Angeles time)».
pub fn date(t: DateTime<Utc>, tz: Tz, lang: Lang) -> String {
    let l = t.with_timezone(&tz);
    let (d, y, h, m) = (l.day(), l.year(), l.hour(), l.minute());
    match lang {
        Lang::Es => format!(
            "{d} de {} de {y}, {h:02}:{m:02} (hora de {})",
            month_es(l.month0()),
            tz.name()
        ),
        Lang::En => format!(
            "{} {d}, {y}, {h:02}:{m:02} ({} time)",
            l.format("%B"),
            tz.name()
        ),
    }
}

/// A day in the zone `tz`, without the time: «3 de junio de 2022» or «June 3, 2022».
pub fn day(t: DateTime<Utc>, tz: Tz, lang: Lang) -> String {
    let l = t.with_timezone(&tz);
    match lang {
        Lang::Es => format!("{} de {} de {}", l.day(), month_es(l.month0()), l.year()),
        Lang::En => format!("{} {}, {}", l.format("%B"), l.day(), l.year()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn the_cutoff_reads_in_the_electors_own_zone_in_either_language() {
        // 08:00 in Mexico City on 4 June 2022 is 14:00 UTC.
        let cutoff = Utc.with_ymd_and_hms(2022, 6, 4, 13, 0, 0).unwrap();
        let la = Tz::America__Los_Angeles;
        assert_eq!(
            date(cutoff, la, Lang::Es),
            "4 de junio de 2022, 06:00 (hora de America/Los_Angeles)"
        );
        assert_eq!(
            date(cutoff, Tz::Europe__Madrid, Lang::En),
            "June 4, 2022, 15:00 (Europe/Madrid time)"
        );
        assert_eq!(day(cutoff, la, Lang::En), "June 4, 2022");
    }

    #[test]
    fn every_stage_has_words_in_both_languages_and_they_differ() {
        for s in Stage::ALL {
            assert_ne!(stage(s, Lang::Es), stage(s, Lang::En), "{s:?}");
        }
        assert!(advice(Stage::Undeliverable, "", Lang::Es)
            .unwrap()
            .contains("INETEL"));
        assert!(advice(Stage::Delivered, "X", Lang::En)
            .unwrap()
            .contains("X"));
        assert_eq!(advice(Stage::Shipped, "X", Lang::Es), None);
    }

    #[test]
    fn a_long_wait_is_said_in_minutes() {
        assert_eq!(
            too_many(30, Lang::Es),
            "Demasiadas consultas. Intente de nuevo en 30 segundos."
        );
        assert_eq!(
            too_many(600, Lang::En),
            "Too many lookups. Please try again in 10 minutes."
        );
    }
}
