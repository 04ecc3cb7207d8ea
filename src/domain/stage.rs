//! The overall stage of a PEP, from generation to the receipt of its envelope: the one rule
//! behind the API's `status`, the dashboard's counts and any screen that names a stage.
//!
//! The rule looks at what is known of the PEP, strongest fact first:
//! 1. a receipt recorded at reception: `received` (on time) or `late`;
//! 2. the PEP was voided by a reissue: `voided`;
//! 3. the return leg returned to sender, or the outbound leg did: `undeliverable`;
//! 4. the return leg is moving (in transit, out for delivery, in exception, or delivered to
//!    the institute but not yet checked in): `returning`;
//! 5. the outbound leg was delivered: `delivered`;
//! 6. the outbound leg is moving (in transit, out for delivery, in exception): `shipped`;
//! 7. the PEP is in a shipping batch (with or without a guía not yet moving): `batched`;
//! 8. otherwise `generated`.
//!
//! A leg that is only labelled (`pre_transit`) or that the carrier has not shown (`unknown`)
//! says nothing yet.

use std::fmt;
use std::str::FromStr;

use super::tracking::LegStatus;

/// The receipt of a PEP's envelope, as reception recorded it (named as check-in outcomes).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Receipt {
    /// Received before the cutoff: the vote counts.
    #[serde(rename = "accepted")]
    OnTime,
    /// Received after the cutoff.
    Late,
}

/// What the stage of one PEP depends on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct StageFacts {
    pub voided: bool,
    pub in_batch: bool,
    /// Status of the outbound leg, when it has a guía.
    pub outbound: Option<LegStatus>,
    /// Status of the return leg, when it has a guía.
    pub return_leg: Option<LegStatus>,
    /// The receipt of its envelope, if reception recorded one.
    pub checkin: Option<Receipt>,
}

/// Where a PEP is along the way, in the order a PEP normally goes through them.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, utoipa::ToSchema,
)]
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

    /// The stage on Spanish screens and reports.
    pub fn label_es(self) -> &'static str {
        match self {
            Stage::Generated => "Generado",
            Stage::Batched => "En lote de envío",
            Stage::Shipped => "Enviado",
            Stage::Delivered => "Entregado al elector",
            Stage::Undeliverable => "No entregable",
            Stage::Returning => "Sobre en camino de regreso",
            Stage::Received => "Sobre recibido",
            Stage::Late => "Recibido fuera de plazo",
            Stage::Voided => "Anulado por reposición",
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
            .ok_or_else(|| format!("etapa desconocida «{s}»"))
    }
}

/// A leg the carrier has picked up (anything past "label created").
fn moving(status: LegStatus) -> bool {
    !matches!(status, LegStatus::Unknown | LegStatus::PreTransit)
}

/// The stage of a PEP (see the module's documentation for the rule).
pub fn stage(facts: &StageFacts) -> Stage {
    match facts.checkin {
        Some(Receipt::OnTime) => return Stage::Received,
        Some(Receipt::Late) => return Stage::Late,
        None => {}
    }
    if facts.voided {
        return Stage::Voided;
    }
    let returned = |s: Option<LegStatus>| s == Some(LegStatus::ReturnToSender);
    if returned(facts.return_leg) || returned(facts.outbound) {
        return Stage::Undeliverable;
    }
    if facts.return_leg.is_some_and(moving) {
        return Stage::Returning;
    }
    match facts.outbound {
        Some(LegStatus::Delivered) => Stage::Delivered,
        Some(s) if moving(s) => Stage::Shipped,
        _ if facts.in_batch => Stage::Batched,
        _ => Stage::Generated,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use LegStatus::*;

    fn with_legs(outbound: Option<LegStatus>, return_leg: Option<LegStatus>) -> StageFacts {
        StageFacts {
            in_batch: true,
            outbound,
            return_leg,
            ..StageFacts::default()
        }
    }

    #[test]
    fn a_new_pep_is_generated_and_a_batched_one_is_batched() {
        assert_eq!(stage(&StageFacts::default()), Stage::Generated);
        let batched = StageFacts {
            in_batch: true,
            ..StageFacts::default()
        };
        assert_eq!(stage(&batched), Stage::Batched);
    }

    #[test]
    fn a_guia_that_is_only_labelled_or_unseen_leaves_the_pep_batched() {
        for s in [Unknown, PreTransit] {
            assert_eq!(stage(&with_legs(Some(s), Some(s))), Stage::Batched, "{s}");
        }
    }

    #[test]
    fn a_moving_outbound_leg_means_shipped_until_it_is_delivered() {
        for s in [InTransit, OutForDelivery, Exception] {
            assert_eq!(stage(&with_legs(Some(s), Some(Unknown))), Stage::Shipped);
        }
        assert_eq!(
            stage(&with_legs(Some(Delivered), Some(PreTransit))),
            Stage::Delivered
        );
    }

    #[test]
    fn a_leg_returned_to_sender_makes_the_pep_undeliverable() {
        assert_eq!(
            stage(&with_legs(Some(ReturnToSender), None)),
            Stage::Undeliverable
        );
        assert_eq!(
            stage(&with_legs(Some(Delivered), Some(ReturnToSender))),
            Stage::Undeliverable
        );
    }

    #[test]
    fn a_moving_return_leg_means_returning_even_if_outbound_news_lag() {
        for s in [InTransit, OutForDelivery, Exception, Delivered] {
            assert_eq!(
                stage(&with_legs(Some(Delivered), Some(s))),
                Stage::Returning
            );
            assert_eq!(
                stage(&with_legs(Some(InTransit), Some(s))),
                Stage::Returning
            );
        }
    }

    #[test]
    fn a_receipt_wins_over_every_leg_and_over_a_later_void() {
        let mut f = with_legs(Some(InTransit), Some(Unknown));
        f.checkin = Some(Receipt::OnTime);
        assert_eq!(stage(&f), Stage::Received);
        f.checkin = Some(Receipt::Late);
        f.voided = true;
        assert_eq!(stage(&f), Stage::Late);
    }

    #[test]
    fn a_voided_pep_is_voided_whatever_its_legs_say() {
        let mut f = with_legs(Some(Delivered), Some(InTransit));
        f.voided = true;
        assert_eq!(stage(&f), Stage::Voided);
    }

    #[test]
    fn every_stage_has_a_name_that_parses_back_and_a_spanish_label() {
        for s in Stage::ALL {
            assert_eq!(s.as_str().parse::<Stage>(), Ok(s));
            assert!(!s.label_es().is_empty());
            assert_eq!(serde_json::to_value(s).unwrap(), s.as_str());
        }
        assert!("shipping".parse::<Stage>().is_err());
    }
}
