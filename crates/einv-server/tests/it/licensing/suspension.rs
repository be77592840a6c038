//! What suspends a licence and what lifts it: terms not accepted (R4.3), the tax registry
//! (R10.2), a lapsed certificate (R6); suspensions stack.

use super::*;

both_backends!(
    r4_3_terms_not_accepted_by_the_deadline,
    r10_2_registry_suspension_and_resumption,
    r6_lapsed_certificate_suspends_until_a_valid_one,
    r10_2_suspensions_stack_and_resumption_voids_consents,
);

async fn r4_3_terms_not_accepted_by_the_deadline(app: &TestApp) {
    let l = licensed(app, "d@example.com").await;
    let p = &app.platform;
    // R4.3, R9: publishing without the full text is refused; the text is stored and shown.
    assert!(p
        .publish_terms(
            "2026-12",
            "flow limits revised",
            " ",
            chrono::NaiveDate::from_ymd_opt(2026, 12, 31).unwrap()
        )
        .await
        .is_err());
    p.publish_terms(
        "2026-12",
        "flow limits revised",
        "電子發票應用程式介面使用規範（2026-12 版）全文 …",
        chrono::NaiveDate::from_ymd_opt(2026, 12, 31).unwrap(),
    )
    .await
    .unwrap();
    let notes = app
        .store()
        .notifications_of(Recipient::Developer(l.developer))
        .await
        .unwrap();
    assert!(
        notes.iter().any(|n| n.kind.as_str() == "terms"),
        "Developers are notified"
    );
    app.clock.set(taipei_at(2026, 12, 31, 23));
    assert_serves(app, &l.creds).await;
    app.clock.set(taipei_at(2027, 1, 1, 0));
    assert_stopped(app, &l.creds, "R4.3").await;
    p.accept_terms(l.developer, "2026-12").await.unwrap();
    let page = app.get_text("/terms/2026-12").await;
    assert!(page.contains("2026-12 版）全文"), "{page}");
    assert!(p
        .terms_text("2023-03-30")
        .await
        .unwrap()
        .contains("九、責任限制與排除"));
    assert_serves(app, &l.creds).await;
}

async fn r10_2_registry_suspension_and_resumption(app: &TestApp) {
    let l = licensed(app, "e@example.com").await;
    let p = &app.platform;
    let developers = p.developers_with_business_id("04595257").await.unwrap();
    assert_eq!(developers, vec![l.developer]);
    p.registry_event(l.developer, RegistryEvent::Suspend, "停業 2026-11-27")
        .await
        .unwrap();
    assert_stopped(app, &l.creds, "R10.2").await;
    let resumed = p
        .registry_event(l.developer, RegistryEvent::Resume, "復業 approved")
        .await
        .unwrap();
    assert_eq!(resumed.len(), 1);
    assert_serves(app, &l.creds).await;
    let events = app.store().licence_events(l.licence).await.unwrap();
    assert_eq!(events.iter().filter(|e| e.actor == "registry").count(), 2);
}

async fn r6_lapsed_certificate_suspends_until_a_valid_one(app: &TestApp) {
    let l = licensed(app, "f@example.com").await;
    let p = &app.platform;
    let short = certificate("ISMS-002", "2027-06-30");
    p.update_certificate(l.developer, l.licence, &short)
        .await
        .unwrap();
    app.clock.set(taipei_at(2027, 6, 30, 23));
    assert_serves(app, &l.creds).await;
    app.clock.set(taipei_at(2027, 7, 1, 0));
    assert_stopped(app, &l.creds, "R6").await;
    let stale = short;
    assert_refused_under(
        p.update_certificate(l.developer, l.licence, &stale).await,
        "R6",
    );
    file_valid_certificate(app, &l, stale).await;
    assert_serves(app, &l.creds).await;
}

async fn r10_2_suspensions_stack_and_resumption_voids_consents(app: &TestApp) {
    let l = licensed(app, "q@example.com").await;
    let p = &app.platform;
    let user = fixture_user_consents(app, &l.creds.app_id).await;
    // R6 first: the certificate lapses.
    let short = certificate("ISMS-002", "2027-06-30");
    p.update_certificate(l.developer, l.licence, &short)
        .await
        .unwrap();
    app.clock.set(taipei_at(2027, 7, 1, 10));
    assert_stopped(app, &l.creds, "R6").await;
    // Then 停業 on the licence already suspended under R6.
    let changed = p
        .registry_event(l.developer, RegistryEvent::Suspend, "停業")
        .await
        .unwrap();
    assert_eq!(
        changed.len(),
        1,
        "停業 reaches a licence suspended under R6"
    );
    // A valid certificate lifts R6 only: 停業 still holds.
    file_valid_certificate(app, &l, short).await;
    assert_stopped(app, &l.creds, "R10.2").await;
    // 復業 through the registry path: served again, every earlier consent void.
    app.clock.advance(Duration::days(1));
    p.registry_event(l.developer, RegistryEvent::Resume, "復業 核備")
        .await
        .unwrap();
    assert_serves(app, &l.creds).await;
    let grants = app
        .store()
        .consent_grants_to_app(user.id, &l.creds.app_id)
        .await
        .unwrap();
    assert!(!grants.is_empty());
    assert!(
        grants.iter().all(|g| g.void_reason.is_some()),
        "R10.2: consents voided on resumption: {grants:?}"
    );
    let notes = p.notifications_of_user(user.id).await.unwrap();
    assert!(notes.iter().any(|n| n.kind.as_str() == "consent.voided"));
    // 停業 during an R5.11 review still holds once the purpose change is approved.
    let m = licensed(app, "q2@example.com").await;
    p.notify_change(m.developer, m.licence, "2.0", "a new purpose")
        .await
        .unwrap();
    p.registry_event(m.developer, RegistryEvent::Suspend, "停業")
        .await
        .unwrap();
    p.approve(m.reviewer, m.licence, "purpose fine")
        .await
        .unwrap();
    assert_stopped(app, &m.creds, "R10.2").await;
}
