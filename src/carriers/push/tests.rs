use super::*;

fn cfg() -> HooksConfig {
    HooksConfig::from_lookup(|k| match k {
        "PEP_UPS_WEBHOOK_CREDENTIAL" => Some("cred-1".into()),
        "PEP_FEDEX_WEBHOOK_SECRET" => Some("tok-2".into()),
        "PEP_PUBLIC_URL" => Some("https://pep.example/".into()),
        _ => None,
    })
}

#[test]
fn only_the_right_signature_or_credential_is_authentic() {
    let c = cfg();
    let body = br#"{"output":{"completeTrackResults":[]}}"#;
    let sig = fedex_signature(&Secret::new("tok-2"), body);
    let with = |name: &'static str, v: String| move |h: &str| (h == name).then(|| v.clone());
    assert!(authentic(
        &c,
        Carrier::Fedex,
        with("fdx-signature", sig.clone()),
        body
    ));
    assert!(!authentic(
        &c,
        Carrier::Fedex,
        with("fdx-signature", sig),
        b"{}"
    ));
    assert!(!authentic(&c, Carrier::Fedex, |_: &str| None, body));
    assert!(authentic(
        &c,
        Carrier::Ups,
        with("credential", "cred-1".into()),
        body
    ));
    assert!(!authentic(
        &c,
        Carrier::Ups,
        with("credential", "cred-2".into()),
        body
    ));
    // No DHL token configured: nothing from DHL is authentic.
    assert!(!authentic(
        &c,
        Carrier::Dhl,
        with(DHL_HOOK_HEADER, String::new()),
        body
    ));
    assert_eq!(
        c.hook_url(Carrier::Ups).as_deref(),
        Some("https://pep.example/hooks/ups")
    );
}

#[test]
fn a_dhl_validation_message_is_told_from_a_tracking_push() {
    let v = parse(
        Carrier::Dhl,
        br#"{"type":"validation","subscriptionId":"sub-1","secret":"s3"}"#,
    )
    .unwrap();
    assert_eq!(
        v,
        Push::DhlValidation {
            subscription_id: "sub-1".into(),
            secret: "s3".into()
        }
    );
    assert!(parse(Carrier::Dhl, b"{\"shipments\": [{}]}").is_err());
    assert!(parse(Carrier::Ups, b"not json").is_err());
}
