//! How a licence ends or goes back to review: termination (R10.3) and merger (R10.5) run R11,
//! withdrawal by notice (R10.1), a purpose change (R5.11) approved, refused or filed while
//! suspended.

use super::*;

both_backends!(
    r10_3_termination_runs_r11,
    r10_5_merger_ends_the_licence,
    r10_1_withdrawal_by_notice_stops_the_api,
    r5_11_purpose_change_sends_the_licence_back_to_review,
    r5_11_a_purpose_change_on_a_suspended_licence_goes_to_review,
    r5_11_a_refused_purpose_change_is_rejected_not_ended,
);

async fn r10_3_termination_runs_r11(app: &TestApp) {
    let l = licensed(app, "h@example.com").await;
    let p = &app.platform;
    // The fixture User uses the app: R11 must reach them.
    let user = fixture_user_consents(app, &l.creds.app_id).await;
    let ended = terminate_for_scraping(app, &l).await;
    assert_eq!(ended.state.name(), "terminated");
    assert_stopped(app, &l.creds, "R10.3-6").await;
    let users = app.store().users_of_app(&l.creds.app_id).await.unwrap();
    assert!(!users.is_empty());
    let user_notes = p.notifications_of_user(users[0]).await.unwrap();
    assert!(
        user_notes
            .iter()
            .any(|n| n.kind.as_str() == "app-ended" && n.body.contains(l.creds.app_id.as_str())),
        "R11: Users are told"
    );
    // R11, R6.4: the consent voided at the licence's end is in the audit trail.
    p.flush_audit().await.unwrap();
    let voided = app
        .store()
        .audit_entries(&einv_store::AuditFilter::User(user.id), 100)
        .await
        .unwrap();
    assert!(
        voided.iter().any(|e| e.content.action == "consent.voided"
            && e.content.app_id.as_deref() == Some(l.creds.app_id.as_str())
            && e.content.detail.contains("R11")),
        "{voided:?}"
    );
    // R10.4: the history is kept; an ended licence cannot be brought back.
    assert!(p
        .registry_event(l.developer, RegistryEvent::Resume, "x")
        .await
        .unwrap()
        .is_empty());
    assert!(p
        .suspend(
            Actor::Operator,
            l.licence,
            SuspensionReason::TaxRegistrySuspension,
            "x"
        )
        .await
        .is_err());
}

async fn r10_5_merger_ends_the_licence(app: &TestApp) {
    let l = licensed(app, "k@example.com").await;
    app.platform
        .registry_event(
            l.developer,
            RegistryEvent::Merge,
            "merged into another company",
        )
        .await
        .unwrap();
    assert_stopped(app, &l.creds, "R10.5").await;
}

async fn r10_1_withdrawal_by_notice_stops_the_api(app: &TestApp) {
    let l = licensed(app, "w@example.com").await;
    let p = &app.platform;
    // Only its own Developer withdraws it, with a written notice.
    let other = licensed(app, "w2@example.com").await;
    assert!(matches!(
        p.withdraw(other.developer, l.licence, "not mine")
            .await
            .unwrap_err(),
        ServiceError::NotFound(_)
    ));
    assert!(p.withdraw(l.developer, l.licence, "  ").await.is_err());
    assert_serves(app, &l.creds).await;
    p.withdraw(l.developer, l.licence, "we stop the product")
        .await
        .unwrap();
    assert_stopped(app, &l.creds, "R10.1").await;
    // R10.4: withdrawn stays withdrawn.
    assert!(p.withdraw(l.developer, l.licence, "again").await.is_err());
}

async fn r5_11_purpose_change_sends_the_licence_back_to_review(app: &TestApp) {
    let l = licensed(app, "j@example.com").await;
    let p = &app.platform;
    p.notify_change(l.developer, l.licence, "1.1", "personal bookkeeping")
        .await
        .unwrap();
    assert_serves(app, &l.creds).await;
    p.notify_change(
        l.developer,
        l.licence,
        "1.1",
        "bookkeeping and budgeting advice",
    )
    .await
    .unwrap();
    assert_stopped(app, &l.creds, "R5.11").await;
    assert_eq!(
        app.store().change_notices(l.licence).await.unwrap().len(),
        2
    );
    assert!(
        p.approve(l.reviewer, l.licence, "purpose fine")
            .await
            .unwrap()
            .is_none(),
        "no new key"
    );
    assert_serves(app, &l.creds).await;
}

async fn r5_11_a_purpose_change_on_a_suspended_licence_goes_to_review(app: &TestApp) {
    let l = licensed(app, "r@example.com").await;
    let p = &app.platform;
    p.registry_event(l.developer, RegistryEvent::Suspend, "停業")
        .await
        .unwrap();
    let changed = p
        .notify_change(l.developer, l.licence, "1.0", "now with budgeting advice")
        .await
        .unwrap();
    assert_eq!(changed.state.name(), "reviewing");
    assert!(p
        .review_queue()
        .await
        .unwrap()
        .iter()
        .any(|q| q.id == l.licence));
    p.approve(l.reviewer, l.licence, "ok").await.unwrap();
    assert_stopped(app, &l.creds, "R10.2").await;
    resume_and_serve(app, &l).await;
}

/// R5.11: a purpose change the reviewer refuses leaves the licence Rejected: the API stops,
/// but a refused change is not one of the ends R11 speaks of (expiry, withdrawal, termination,
/// merger), so no destruction duty is set: keys stay unrevoked, consents are not voided, the
/// Users are not told the app ended, the Developer is not asked to confirm a destruction.
async fn r5_11_a_refused_purpose_change_is_rejected_not_ended(app: &TestApp) {
    let l = licensed(app, "purpose-refused@example.com").await;
    let p = &app.platform;
    let user = fixture_user_consents(app, &l.creds.app_id).await;
    p.notify_change(
        l.developer,
        l.licence,
        "2.0",
        "resell the invoices to advertisers",
    )
    .await
    .unwrap();
    let refused = p
        .reject(l.reviewer, l.licence, "the new purpose is not allowed")
        .await
        .unwrap();
    assert_eq!(refused.state.name(), "rejected");
    assert!(!refused.state.ends_an_approved_licence());
    assert!(winning_list(app, &l.creds.app_id, &l.creds.api_key).await["code"] != "200");
    let developer_notes = p.developer_notifications(l.developer).await.unwrap();
    assert!(
        !developer_notes
            .iter()
            .any(|n| n.kind.as_str() == "licence-ended"),
        "no R11 destruction notice"
    );
    let user_notes = p.notifications_of_user(user.id).await.unwrap();
    assert!(!user_notes.iter().any(|n| n.kind.as_str() == "app-ended"));
    let grants = p.consents_of_user(user.id).await.unwrap();
    assert!(
        grants
            .iter()
            .any(|g| g.app_id == l.creds.app_id && g.grant.voided_at.is_none()),
        "the consent is not voided"
    );
    // Nothing to confirm: R11's destruction report is for a licence that ended.
    assert_refused_under(
        p.confirm_destruction_by_app(&l.creds.app_id, "destroyed")
            .await,
        "R11",
    );
}
