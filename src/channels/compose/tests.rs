use chrono::{DateTime, Utc};
use chrono_tz::Tz;

use super::*;
use crate::domain::notice::{Guia, NoticeFacts, NoticeKind};
use crate::domain::pep::PepId;
use crate::domain::tracking::Carrier;

fn at(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

fn facts(kind: NoticeKind) -> NoticeFacts {
    NoticeFacts {
        kind,
        pep_id: PepId::new(123, 1),
        given_name: "María José".into(),
        outbound: Some(Guia {
            carrier: Carrier::Fedex,
            tracking: "794600000001".into(),
        }),
        return_guia: Some(Guia {
            carrier: Carrier::Fedex,
            tracking: "794600000002".into(),
        }),
        delivered_at: Some(at("2022-05-10T18:00:00Z")),
        received_at: Some(at("2022-05-20T16:00:00Z")),
        cutoff: at("2022-06-04T13:00:00Z"),
        zone: Tz::America__Los_Angeles,
    }
}

fn links() -> Links {
    Links {
        lookup: "https://pep.example/consulta".into(),
        optout: "https://pep.example/baja/T".into(),
    }
}

#[test]
fn every_notice_names_the_elector_the_pep_and_the_opt_out() {
    for kind in NoticeKind::ALL {
        let e = email(&facts(*kind), &links());
        assert!(e.text.starts_with("Hola, María José:"), "{kind}");
        assert!(e.text.contains("PEP-0000123-1"), "{kind}");
        assert!(e.text.contains("https://pep.example/baja/T"), "{kind}");
        assert!(
            e.html.contains("href=\"https://pep.example/baja/T\""),
            "{kind}"
        );
        assert!(
            !e.text.to_lowercase().contains("boleta"),
            "{kind}: no word about the ballot"
        );
        let s = sms(&facts(*kind));
        assert!(s.contains("PEP-0000123-1") && s.contains("BAJA"), "{kind}");
        assert!(
            s.chars().count() <= 160,
            "{kind}: {} chars",
            s.chars().count()
        );
    }
}

#[test]
fn the_return_date_is_written_in_the_electors_own_time() {
    let e = email(&facts(NoticeKind::Delivered), &links());
    // 13:00 UTC on 4 June 2022 is 06:00 in Los Angeles.
    assert!(
        e.text
            .contains("4 de junio de 2022, 06:00 (hora de Los Angeles)"),
        "{}",
        e.text
    );
    assert!(e.text.contains("FedEx 794600000002") || e.text.contains("794600000002"));
    assert!(sms(&facts(NoticeKind::Delivered)).contains("04/06/2022 06:00"));
}

#[test]
fn a_late_envelope_is_said_to_be_destroyed_unopened_and_html_is_escaped() {
    let mut f = facts(NoticeKind::ReceivedLate);
    f.given_name = "<b>Ana</b>".into();
    let e = email(&f, &links());
    assert!(e.text.contains("se destruirá sin abrir"));
    assert!(e.html.contains("&lt;b&gt;Ana&lt;/b&gt;") && !e.html.contains("<b>Ana"));
}
