//! What each notice says, in Spanish: subject, plain text and HTML for e-mail, a short text for
//! SMS. The one place of the wording. A notice names only the elector's given name, the PEP
//! id, the guías and dates (written in the elector's own time zone); never a surname, an
//! address, an elector key, or anything about the ballot.

use crate::domain::months::month_es;
use chrono::{DateTime, Datelike, Timelike, Utc};
use chrono_tz::Tz;

use crate::domain::notice::{Guia, NoticeFacts, NoticeKind};

/// The links a notice carries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Links {
    /// The public lookup page.
    pub lookup: String,
    /// The signed one-click opt-out URL.
    pub optout: String,
}

/// An e-mail's words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EmailText {
    pub subject: String,
    pub text: String,
    pub html: String,
}

/// "4 de junio de 2022, 08:00 (hora de Los Angeles)".
pub fn long_date(t: DateTime<Utc>, tz: Tz) -> String {
    let l = t.with_timezone(&tz);
    let city = tz.name().rsplit('/').next().unwrap_or("").replace('_', " ");
    format!(
        "{} de {} de {}, {:02}:{:02} (hora de {city})",
        l.day(),
        month_es(l.month0()),
        l.year(),
        l.hour(),
        l.minute()
    )
}

/// "04/06/2022 08:00".
fn short_date(t: DateTime<Utc>, tz: Tz) -> String {
    t.with_timezone(&tz).format("%d/%m/%Y %H:%M").to_string()
}

fn guia(g: &Option<Guia>) -> String {
    match g {
        Some(g) => format!("{} {}", g.carrier.label(), g.tracking),
        None => "(sin guía registrada)".into(),
    }
}

fn when(t: Option<DateTime<Utc>>, tz: Tz) -> String {
    t.map_or_else(|| "(fecha no registrada)".into(), |t| long_date(t, tz))
}

/// Subject and paragraphs of one notice.
fn words(f: &NoticeFacts, links: &Links) -> (String, Vec<String>) {
    let tz = f.zone;
    let pep = &f.pep_id;
    let cutoff = long_date(f.cutoff, tz);
    let (subject, body): (&str, Vec<String>) = match f.kind {
        NoticeKind::Shipped => ("Tu Paquete Electoral Postal va en camino", vec![
            format!("El Instituto Nacional Electoral envió tu Paquete Electoral Postal ({pep}). Guía de envío: {}.", guia(&f.outbound)),
            format!("Puedes seguir su recorrido en {}", links.lookup),
        ]),
        NoticeKind::Delivered => ("Tu Paquete Electoral Postal fue entregado", vec![
            format!("La paquetería informa que tu Paquete Electoral Postal ({pep}) fue entregado el {}.", when(f.delivered_at, tz)),
            format!("Envía de regreso el Sobre-Postal-Voto con su guía prepagada ({}). Para que cuente, debe recibirse a más tardar el {cutoff}.", guia(&f.return_guia)),
        ]),
        NoticeKind::Reminder => ("Recordatorio: envía tu Sobre-Postal-Voto", vec![
            format!("Tu Paquete Electoral Postal ({pep}) fue entregado el {} y aún no vemos movimiento del sobre de regreso.", when(f.delivered_at, tz)),
            format!("Deposítalo pronto con su guía prepagada ({}): debe recibirse a más tardar el {cutoff}.", guia(&f.return_guia)),
        ]),
        NoticeKind::PickedUp => ("Tu Sobre-Postal-Voto va de regreso", vec![
            format!("La paquetería recogió tu Sobre-Postal-Voto ({pep}, guía {}).", guia(&f.return_guia)),
            format!("Te avisaremos cuando lo recibamos. Puedes seguirlo en {}", links.lookup),
        ]),
        NoticeKind::ReceivedInTime => ("Recibimos tu Sobre-Postal-Voto", vec![
            format!("Recibimos tu Sobre-Postal-Voto ({pep}) el {}, dentro del plazo.", when(f.received_at, tz)),
            "Gracias por participar.".into(),
        ]),
        NoticeKind::Undeliverable => ("No se pudo entregar tu Paquete Electoral Postal", vec![
            format!("La paquetería no pudo entregar tu Paquete Electoral Postal ({pep}, guía {}) y lo devuelve al INE.", guia(&f.outbound)),
            format!("Para corregir tu domicilio comunícate con INETEL o consulta {} antes del {cutoff}; con el domicilio correcto se te enviará un paquete nuevo.", links.lookup),
        ]),
        NoticeKind::ReceivedLate => ("Tu Sobre-Postal-Voto llegó fuera de plazo", vec![
            format!("Recibimos tu Sobre-Postal-Voto ({pep}) el {}, después de la fecha límite ({cutoff}).", when(f.received_at, tz)),
            "Como establece la ley, el sobre se destruirá sin abrir.".into(),
        ]),
    };
    (subject.to_string(), body)
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// The e-mail of a notice.
pub fn email(f: &NoticeFacts, links: &Links) -> EmailText {
    let (subject, body) = words(f, links);
    let hello = format!("Hola, {}:", f.given_name);
    let bye = format!(
        "Instituto Nacional Electoral — Voto de las y los mexicanos residentes en el extranjero.\nPara no recibir más avisos: {}",
        links.optout
    );
    let text = format!("{hello}\n\n{}\n\n{bye}\n", body.join("\n\n"));
    let paragraphs: String = body
        .iter()
        .map(|p| format!("<p>{}</p>\n", escape(p)))
        .collect();
    let html = format!(
        "<!DOCTYPE html>\n<html lang=\"es-MX\"><head><meta charset=\"utf-8\"><title>{}</title></head><body>\n<p>{}</p>\n{paragraphs}<p><small>Instituto Nacional Electoral. <a href=\"{}\">No recibir más avisos</a></small></p>\n</body></html>\n",
        escape(&subject),
        escape(&hello),
        escape(&links.optout)
    );
    EmailText {
        subject,
        text,
        html,
    }
}

/// The SMS of a notice (short: PEP id, guía, one date).
pub fn sms(f: &NoticeFacts) -> String {
    let tz = f.zone;
    let pep = &f.pep_id;
    let cutoff = short_date(f.cutoff, tz);
    let ret = f
        .return_guia
        .as_ref()
        .map_or(String::new(), |g| format!(" guía {}", g.tracking));
    let text = match f.kind {
        NoticeKind::Shipped => format!("Tu PEP {pep} va en camino: {}.", guia(&f.outbound)),
        NoticeKind::Delivered => format!("Tu PEP {pep} fue entregado. Envía el sobre de regreso; debe llegar antes del {cutoff} (hora local)."),
        NoticeKind::Reminder => format!("Recordatorio: envía tu Sobre-Postal-Voto ({pep}); debe llegar antes del {cutoff} (hora local)."),
        NoticeKind::PickedUp => format!("Tu Sobre-Postal-Voto ({pep}{ret}) va de regreso."),
        NoticeKind::ReceivedInTime => format!("Recibimos tu Sobre-Postal-Voto ({pep}) a tiempo. Gracias."),
        NoticeKind::Undeliverable => format!("No se pudo entregar tu PEP {pep}. Llama a INETEL para corregir tu domicilio."),
        NoticeKind::ReceivedLate => format!("Tu Sobre-Postal-Voto ({pep}) llegó fuera de plazo; se destruirá sin abrir."),
    };
    format!("INE: {text} BAJA: no más avisos")
}

#[cfg(test)]
mod tests;
