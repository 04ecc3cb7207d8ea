//! The public voter lookup: elector key + the code printed on the return envelope → where the
//! package and the envelope are. No address or other personal data; the same answer for "no
//! such elector" and "wrong code".

use serde::Serialize;

use super::Result;
use crate::domain::code;
use crate::domain::election::Election;
use crate::domain::elector::ElectorKey;
use crate::domain::stage::Receipt;
use crate::domain::tracking::{Direction, LegStatus};
use crate::storage::pep_record::{self, LegRecord, PepRecord};
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
    let found = db.read(|c| -> Result<_> {
        let Some(record) = pep_record::by_code(c, code_id)? else {
            return Ok(None);
        };
        let key = pep_record::elector_key(c, record.elector_id)?;
        Ok(Some((record, key)))
    })?;
    match found {
        Some((record, Some(key))) if key == elector => Ok(answer(&record, election)),
        _ => Ok(not_found()),
    }
}

fn answer(p: &PepRecord, e: &Election) -> Answer {
    if p.voided_at.is_some() {
        return Answer {
            found: true,
            message: "Este Sobre-Postal-Voto fue reemplazado por un paquete nuevo: use el sobre del paquete más reciente.".into(),
            steps: Vec::new(),
        };
    }
    let out = p.leg(Direction::Outbound);
    let back = p.leg(Direction::Return);
    let moving = |l: &LegRecord| !matches!(l.status, LegStatus::Unknown | LegStatus::PreTransit);
    let delivered = out.filter(|l| l.status == LegStatus::Delivered);
    let mut steps = vec![
        Step {
            label: "Paquete electoral preparado",
            done: p.batch.is_some(),
            when: None,
        },
        Step {
            label: "Enviado por la paquetería",
            done: out.is_some_and(moving),
            when: None,
        },
        Step {
            label: "Entregado en su domicilio",
            done: delivered.is_some(),
            when: delivered.and_then(|l| l.status_at).map(|t| e.local(t)),
        },
        Step {
            label: "Sobre-Postal-Voto en camino de regreso",
            done: back.is_some_and(moving),
            when: None,
        },
    ];
    let message = match &p.checkin {
        Some(c) if c.receipt == Receipt::OnTime => {
            steps.push(Step {
                label: "Sobre recibido por el INE: su voto se contará",
                done: true,
                when: Some(e.local(c.received_at)),
            });
            "Su Sobre-Postal-Voto llegó a tiempo.".to_string()
        }
        Some(c) => {
            steps.push(Step {
                label: "Sobre recibido después del plazo legal",
                done: true,
                when: Some(e.local(c.received_at)),
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
