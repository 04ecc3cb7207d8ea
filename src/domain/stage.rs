//! The stage of a PEP along its way, from what is known about it: generated, in a batch,
//! shipped, delivered, undeliverable, the Sobre-Postal-Voto coming back, received (on time or
//! late), or voided by a reissue. One pure rule; storage keeps its result per PEP.

use std::fmt;
use std::str::FromStr;

use super::checkin::Outcome;
use super::tracking::LegStatus;

/// Where a PEP stands, in the order of its way.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    Generated,
    Batched,
    Shipped,
    Delivered,
    Undeliverable,
    Returning,
    Received,
    Late,
    Voided,
}

impl Stage {
    pub const ALL: [Stage; 9] = [
        Stage::Generated,
        Stage::Batched,
        Stage::Shipped,
        Stage::Delivered,
        Stage::Undeliverable,
        Stage::Returning,
        Stage::Received,
        Stage::Late,
        Stage::Voided,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Stage::Generated => "generated",
            Stage::Batched => "batched",
            Stage::Shipped => "shipped",
            Stage::Delivered => "delivered",
            Stage::Undeliverable => "undeliverable",
            Stage::Returning => "returning",
            Stage::Received => "received",
            Stage::Late => "late",
            Stage::Voided => "voided",
        }
    }

    /// The stage on Spanish screens.
    pub fn label_es(self) -> &'static str {
        match self {
            Stage::Generated => "Generado",
            Stage::Batched => "En lote",
            Stage::Shipped => "Enviado",
            Stage::Delivered => "Entregado",
            Stage::Undeliverable => "No entregable",
            Stage::Returning => "Sobre de regreso",
            Stage::Received => "Recibido",
            Stage::Late => "Extemporáneo",
            Stage::Voided => "Anulado",
        }
    }
}

impl fmt::Display for Stage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Stage {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Stage::ALL
            .into_iter()
            .find(|st| st.as_str() == s)
            .ok_or_else(|| format!("etapa de PEP desconocida «{s}»"))
    }
}

/// What is known about one PEP.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct StageFacts {
    /// A reissue replaced it.
    pub voided: bool,
    pub in_batch: bool,
    /// The outbound leg's status, when it has a guía.
    pub outbound: Option<LegStatus>,
    /// The return leg's status, when it has a guía.
    pub ret: Option<LegStatus>,
    /// The receipt of its envelope (accepted or late), if any.
    pub checkin: Option<Outcome>,
}

/// The stage, by precedence: voided > received/late > returning > undeliverable > delivered >
/// shipped > batched > generated.
///
/// - the outbound leg is *moving* when in transit or out for delivery (a guía just printed,
///   `pre_transit`, has not been handed to the courier);
/// - it is *undeliverable* in exception or returned to sender;
/// - the return leg is *moving* when the courier has it (in transit, out for delivery, in
///   exception on the way, or delivered to the institute but not yet checked in).
pub fn stage(f: &StageFacts) -> Stage {
    use LegStatus::*;
    if f.voided {
        return Stage::Voided;
    }
    match f.checkin {
        Some(Outcome::Accepted) => return Stage::Received,
        Some(Outcome::Late) => return Stage::Late,
        _ => {}
    }
    if matches!(
        f.ret,
        Some(InTransit | OutForDelivery | Exception | Delivered)
    ) {
        return Stage::Returning;
    }
    match f.outbound {
        Some(Exception | ReturnToSender) => Stage::Undeliverable,
        Some(Delivered) => Stage::Delivered,
        Some(InTransit | OutForDelivery) => Stage::Shipped,
        _ if f.in_batch => Stage::Batched,
        _ => Stage::Generated,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use LegStatus::*;

    fn facts() -> StageFacts {
        StageFacts::default()
    }

    #[test]
    fn a_new_pep_is_generated_and_a_batched_one_is_in_a_batch() {
        assert_eq!(stage(&facts()), Stage::Generated);
        let f = StageFacts {
            in_batch: true,
            outbound: Some(PreTransit),
            ret: Some(PreTransit),
            ..facts()
        };
        assert_eq!(stage(&f), Stage::Batched);
    }

    #[test]
    fn the_outbound_leg_decides_shipped_delivered_and_undeliverable() {
        let with = |s| StageFacts {
            in_batch: true,
            outbound: Some(s),
            ..facts()
        };
        assert_eq!(stage(&with(InTransit)), Stage::Shipped);
        assert_eq!(stage(&with(OutForDelivery)), Stage::Shipped);
        assert_eq!(stage(&with(Delivered)), Stage::Delivered);
        assert_eq!(stage(&with(Exception)), Stage::Undeliverable);
        assert_eq!(stage(&with(ReturnToSender)), Stage::Undeliverable);
        assert_eq!(stage(&with(Unknown)), Stage::Batched);
    }

    #[test]
    fn a_moving_return_leg_outranks_the_outbound_leg() {
        for ret in [InTransit, OutForDelivery, Exception, Delivered] {
            let f = StageFacts {
                in_batch: true,
                outbound: Some(Exception),
                ret: Some(ret),
                ..facts()
            };
            assert_eq!(stage(&f), Stage::Returning, "{ret}");
        }
        let label_only = StageFacts {
            outbound: Some(Delivered),
            ret: Some(PreTransit),
            ..facts()
        };
        assert_eq!(stage(&label_only), Stage::Delivered);
    }

    #[test]
    fn a_receipt_outranks_the_legs_and_a_void_outranks_everything() {
        let received = StageFacts {
            in_batch: true,
            outbound: Some(Delivered),
            ret: Some(InTransit),
            checkin: Some(Outcome::Accepted),
            ..facts()
        };
        assert_eq!(stage(&received), Stage::Received);
        let late = StageFacts {
            checkin: Some(Outcome::Late),
            ..received
        };
        assert_eq!(stage(&late), Stage::Late);
        let voided = StageFacts {
            voided: true,
            ..late
        };
        assert_eq!(stage(&voided), Stage::Voided);
    }

    #[test]
    fn every_stage_prints_and_parses_back_with_a_spanish_label() {
        for s in Stage::ALL {
            assert_eq!(s.as_str().parse::<Stage>(), Ok(s));
            assert!(!s.label_es().is_empty());
        }
        assert!("shipping".parse::<Stage>().is_err());
    }
}
