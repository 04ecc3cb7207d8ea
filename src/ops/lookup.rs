//! The public voter lookup: elector key + the code printed on the return envelope → where the
//! package and the envelope are. No address or other personal data; the same answer for "no
//! such elector" and "wrong code".

use chrono::{DateTime, Utc};
use serde::Serialize;

use super::Result;
use crate::domain::code;
use crate::domain::election::Election;
use crate::domain::elector::ElectorKey;
use crate::domain::tracking::LegStatus;
use crate::storage::lookup::{progress_by_code, PepProgress};
use crate::storage::Db;

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Step {
    pub label: &'static str,
    pub done: bool,
    pub when: Option<String>,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Answer {
    pub found: bool,
    pub message: String,
    pub steps: Vec<Step>,
}

/// The one answer for anything that does not match.
pub fn not_found() -> Answer {
    Answer {
        found: false,
        message: "No encontramos un paquete con esos datos. Revise la clave de elector y el código impreso bajo el código QR de su Sobre-Postal-Voto.".into(),
        steps: Vec::new(),
    }
}

pub fn lookup(
    db: &Db,
    key: &[u8; 32],
    election: &Election,
    elector_key: &str,
    typed_code: &str,
) -> Result<Answer> {
    let elector = ElectorKey::parse(elector_key.trim().to_uppercase().as_str());
    let code_id = code::parse_manual(typed_code).and_then(|c| c.verify(key));
    let (Ok(elector), Ok(code_id)) = (elector, code_id) else {
        return Ok(not_found());
    };
    let progress = db.read(|c| progress_by_code(c, code_id.get()))?;
    match progress {
        Some(p) if p.elector_key == elector.as_str() => Ok(answer(&p, election)),
        _ => Ok(not_found()),
    }
}

fn local(e: &Election, ts: &Option<String>) -> Option<String> {
    let t = DateTime::parse_from_rfc3339(ts.as_deref()?)
        .ok()?
        .with_timezone(&Utc);
    Some(e.local(t))
}

fn leg<'a>(p: &'a PepProgress, dir: &str) -> Option<(LegStatus, &'a Option<String>)> {
    p.legs
        .iter()
        .find(|l| l.0 == dir)
        .and_then(|l| l.2.parse().ok().map(|s| (s, &l.3)))
}

fn answer(p: &PepProgress, e: &Election) -> Answer {
    if p.voided {
        return Answer {
            found: true,
            message: "Este Sobre-Postal-Voto fue reemplazado por un paquete nuevo: use el sobre del paquete más reciente.".into(),
            steps: Vec::new(),
        };
    }
    let out = leg(p, "outbound");
    let back = leg(p, "return");
    let moving = |s: LegStatus| !matches!(s, LegStatus::Unknown | LegStatus::PreTransit);
    let mut steps = vec![
        Step {
            label: "Paquete electoral preparado",
            done: p.in_batch,
            when: None,
        },
        Step {
            label: "Enviado por la paquetería",
            done: out.is_some_and(|(s, _)| moving(s)),
            when: None,
        },
        Step {
            label: "Entregado en su domicilio",
            done: out.is_some_and(|(s, _)| s == LegStatus::Delivered),
            when: out
                .filter(|(s, _)| *s == LegStatus::Delivered)
                .and_then(|(_, t)| local(e, t)),
        },
        Step {
            label: "Sobre-Postal-Voto en camino de regreso",
            done: back.is_some_and(|(s, _)| moving(s)),
            when: None,
        },
    ];
    let message = match &p.receipt {
        Some((o, at)) if o == "accepted" => {
            steps.push(Step {
                label: "Sobre recibido por el INE: su voto se contará",
                done: true,
                when: local(e, &Some(at.clone())),
            });
            "Su Sobre-Postal-Voto llegó a tiempo.".to_string()
        }
        Some((_, at)) => {
            steps.push(Step {
                label: "Sobre recibido después del plazo legal",
                done: true,
                when: local(e, &Some(at.clone())),
            });
            "Su sobre llegó después del plazo y no puede contarse.".to_string()
        }
        None => {
            steps.push(Step {
                label: "Sobre recibido por el INE",
                done: false,
                when: None,
            });
            format!(
                "Su sobre debe llegar antes de {}.",
                e.local(e.receipt_cutoff)
            )
        }
    };
    Answer {
        found: true,
        message,
        steps,
    }
}
