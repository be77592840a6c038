//! One authority on every surface (R4.1): key rotation and its grace period, every end of a
//! licence refused everywhere, "sign every call" decided by reviewers.

use super::*;

both_backends!(
    r4_1_rotation_grace_period_then_only_the_new_key,
    r4_1_one_authority_rotation_on_every_surface,
    r4_7c_r10_r11_one_authority_refuses_everywhere,
    sign_every_call_is_on_for_new_licences_and_reviewers_decide,
);

async fn r4_1_rotation_grace_period_then_only_the_new_key(app: &TestApp) {
    let l = licensed(app, "g@example.com").await;
    let p = &app.platform;
    let new = p.rotate_key(l.developer, l.licence, 7).await.unwrap();
    assert_ne!(new.api_key, l.creds.api_key);
    assert_serves(app, &l.creds).await;
    assert_serves(app, &new).await;
    app.clock.advance(Duration::days(7));
    let old = winning_list(app, &l.creds.app_id, &l.creds.api_key).await;
    assert_eq!(old["code"], "954", "the old key no longer verifies: {old}");
    assert_serves(app, &new).await;
    // Another Developer cannot rotate this licence's key.
    let other = licensed(app, "g2@example.com").await;
    assert!(matches!(
        p.rotate_key(other.developer, l.licence, 7)
            .await
            .unwrap_err(),
        ServiceError::NotFound(_)
    ));
}

/// A licensed app whose redirect URI is registered, so every surface can be probed.
async fn probed(app: &TestApp, email: &str) -> Licensed {
    let every = einv_core::Service::ALL.map(|s| s.as_str());
    let l = licensed_for(app, email, &every).await;
    open_every_surface(app, &l).await;
    l
}

/// R4.1: the one authority knows rotation. The rotated-in key works on every surface at once;
/// the rotated-away key works until its grace period ends and then on none.
async fn r4_1_one_authority_rotation_on_every_surface(app: &TestApp) {
    let l = probed(app, "auth1@example.com").await;
    let id = &l.creds.app_id;
    assert_eq!(
        surfaces::admitting(app, id, &l.creds.api_key).await,
        surfaces::all()
    );
    let new = app
        .platform
        .rotate_key(l.developer, l.licence, 7)
        .await
        .unwrap();
    assert_eq!(
        surfaces::admitting(app, id, &new.api_key).await,
        surfaces::all()
    );
    assert_eq!(
        surfaces::admitting(app, id, &l.creds.api_key).await,
        surfaces::all()
    );
    app.clock.advance(Duration::days(7));
    let old = surfaces::admitting(app, id, &l.creds.api_key).await;
    assert!(
        old.is_disjoint(&surfaces::keyed()),
        "the rotated-away key is refused on every keyed surface: {old:?}"
    );
    assert_eq!(
        surfaces::admitting(app, id, &new.api_key).await,
        surfaces::all()
    );
    // A key that was never issued is refused everywhere a key is asked for.
    let wrong = surfaces::admitting(app, id, "not-a-key").await;
    assert!(wrong.is_disjoint(&surfaces::keyed()), "{wrong:?}");
}

/// R10.2 suspension, R4.7c expiry, R10.3 termination and R11 revocation: refused on every
/// surface, with the key that worked a moment before; resumption opens them all again.
async fn r4_7c_r10_r11_one_authority_refuses_everywhere(app: &TestApp) {
    let p = &app.platform;
    let suspended = probed(app, "auth2@example.com").await;
    let (id, key) = (&suspended.creds.app_id, &suspended.creds.api_key);
    p.suspend(
        Actor::Operator,
        suspended.licence,
        SuspensionReason::TaxRegistrySuspension,
        "停業",
    )
    .await
    .unwrap();
    assert_eq!(
        surfaces::admitting(app, id, key).await,
        Default::default(),
        "R10.2"
    );
    p.registry_event(suspended.developer, RegistryEvent::Resume, "復業")
        .await
        .unwrap();
    assert_eq!(surfaces::admitting(app, id, key).await, surfaces::all());

    let terminated = probed(app, "auth3@example.com").await;
    terminate_for_scraping(app, &terminated).await;
    let (id, key) = (&terminated.creds.app_id, &terminated.creds.api_key);
    assert_eq!(
        surfaces::admitting(app, id, key).await,
        Default::default(),
        "R10.3"
    );

    // Expiry: the term of a licence approved today ends on 2029-11-27 00:00 Taipei.
    let expiring = probed(app, "auth4@example.com").await;
    app.clock.set(taipei_at(2029, 11, 27, 0));
    let (id, key) = (&expiring.creds.app_id, &expiring.creds.api_key);
    assert_eq!(
        surfaces::admitting(app, id, key).await,
        Default::default(),
        "R4.7c"
    );
}

/// "Sign every call": on for a licence issued now, so an unsigned action (here QryWinningList
/// and carrierInvChk, which the Ministry leaves unsigned) is refused with 954; a reviewer may
/// let the AppID call unsigned, its Developer may only turn the setting back on.
async fn sign_every_call_is_on_for_new_licences_and_reviewers_decide(app: &TestApp) {
    let l = licensed(app, "sign@example.com").await;
    let p = &app.platform;
    let unsigned = || async {
        let params: Vec<(&'static str, String)> = vec![
            ("version", "0.2".into()),
            ("action", "QryWinningList".into()),
            ("invTerm", "11510".into()),
            ("UUID", "d".into()),
            ("appID", l.creds.app_id.to_string()),
        ];
        app.post(INVAPP, &params).await
    };
    assert!(p.signs_every_call(l.licence).await.unwrap());
    let refused = unsigned().await;
    assert_eq!(refused["code"], "954", "{refused}");
    assert!(refused["msg"].as_str().unwrap().contains("sign every call"));
    assert_serves(app, &l.creds).await;
    let mut carrier = app.carrier_list("2026/11/01", "2026/11/30");
    set(&mut carrier, "appID", &l.creds.app_id);
    let chk = app.post("/PB2CAPIVAN/invServ/InvServ", &carrier).await;
    assert_eq!(chk["code"], 954, "carrierInvChk unsigned: {chk}");
    // The Developer cannot let the AppID call unsigned; a reviewer can.
    let err = p
        .set_sign_every_call(Actor::Developer(l.developer), l.licence, false)
        .await
        .unwrap_err();
    assert!(matches!(err, ServiceError::Refused { .. }), "{err:?}");
    let other = licensed(app, "sign2@example.com").await;
    assert!(p
        .set_sign_every_call(Actor::Developer(other.developer), l.licence, true)
        .await
        .is_err());
    p.set_sign_every_call(Actor::Reviewer(l.reviewer), l.licence, false)
        .await
        .unwrap();
    assert_ok(&unsigned().await);
    p.set_sign_every_call(Actor::Developer(l.developer), l.licence, true)
        .await
        .unwrap();
    assert_eq!(unsigned().await["code"], "954");
}
