//! The term of a licence (R4.7b–d): approval issues a key, the API stops one second after
//! the term, renewal inside its window continues the term, legacy licences stop after
//! 2025-03-31 unless their re-review was filed in time.

use super::*;

both_backends!(
    approval_issues_a_key_that_calls_the_api,
    r4_7c_the_api_stops_one_second_after_the_term,
    r4_7b_renewal_window_and_contiguous_term,
    r4_7b_an_undecided_re_review_keeps_the_api_running_until_decided,
    r4_7b_a_suspended_licence_files_its_re_review,
    r4_7d_a_legacy_licence_stops_after_2025_03_31,
    r4_7d_a_legacy_licence_with_a_re_review_filed_in_time_is_recorded_after_the_deadline,
    r6_a_valid_certificate_is_required_at_re_review_and_legacy_licences_lapse,
);

async fn approval_issues_a_key_that_calls_the_api(app: &TestApp) {
    let l = licensed(app, "a@example.com").await;
    assert_serves(app, &l.creds).await;
    let bad = winning_list(app, &l.creds.app_id, "not-the-key").await;
    assert_eq!(bad["code"], "954", "{bad}");
    // A second approval is refused by the lifecycle and issues nothing.
    assert_refused_under(
        app.platform.approve(l.reviewer, l.licence, "again").await,
        "R4.1",
    );
    let history = app.store().licence_events(l.licence).await.unwrap();
    assert_eq!(
        history.iter().map(|e| e.event.as_str()).collect::<Vec<_>>(),
        ["apply", "approve"]
    );
    assert_eq!(history[1].actor, format!("reviewer:{}", l.reviewer));
    // The key is stored sealed, never in clear.
    let stored = app.store().credentials_of(&l.creds.app_id).await.unwrap();
    assert!(!stored[0].sealed_key.contains(&l.creds.api_key));
}

async fn r4_7c_the_api_stops_one_second_after_the_term(app: &TestApp) {
    let l = licensed(app, "b@example.com").await;
    // Approved 2026-11-27: the term runs to 2029-11-26 and stops at 2029-11-27 00:00 Taipei.
    app.clock
        .set(taipei_at(2029, 11, 27, 0) - Duration::seconds(1));
    assert_serves(app, &l.creds).await;
    app.clock.set(taipei_at(2029, 11, 27, 0));
    // The daily sweep expires it even before anyone calls.
    assert_eq!(app.platform.sweep_licences().await.unwrap(), 1);
    assert_stopped(app, &l.creds, "R4.7c").await;
    // R11 followed the expiry: keys revoked, the Developer told to destroy and confirm.
    let notes = app
        .store()
        .notifications_of(Recipient::Developer(l.developer))
        .await
        .unwrap();
    assert!(notes.iter().any(|n| n.kind.as_str() == "licence-ended"));
    assert!(revocations(app, &l.creds.app_id)
        .await
        .iter()
        .all(|&revoked| revoked));
    app.platform
        .confirm_destruction(l.developer, l.licence, "deleted everything")
        .await
        .unwrap();
    assert!(app
        .store()
        .destruction_of(l.licence)
        .await
        .unwrap()
        .is_some());
    let events = app.store().licence_events(l.licence).await.unwrap();
    assert_eq!(events.last().unwrap().actor, "clock");
    assert_eq!(events.last().unwrap().rule, "R4.7c");
}

async fn r4_7b_renewal_window_and_contiguous_term(app: &TestApp) {
    let l = licensed(app, "c@example.com").await;
    let p = &app.platform;
    // The term ends 2029-11-27 00:00; six months before is 2029-05-27 00:00.
    app.clock.set(taipei_at(2029, 5, 26, 0));
    // Six months and one day before: too early.
    assert_refused_under(p.apply_renewal(l.developer, l.licence, None).await, "R4.7b");
    app.clock.set(taipei_at(2029, 5, 27, 0));
    p.apply_renewal(l.developer, l.licence, None).await.unwrap();
    p.approve_renewal(l.reviewer, l.licence, "fine")
        .await
        .unwrap();
    app.clock.set(taipei_at(2029, 11, 27, 0));
    assert_serves(app, &l.creds).await;
    let term = term_of(app, l.licence).await;
    assert_eq!(
        term.start().to_string(),
        "2029-11-27",
        "R4.7b: the day after the old term"
    );
    assert_eq!(term.last_day().to_string(), "2032-11-26");
}

async fn r4_7b_an_undecided_re_review_keeps_the_api_running_until_decided(app: &TestApp) {
    let p = &app.platform;
    let approved = licensed(app, "n@example.com").await;
    let refused = licensed(app, "n2@example.com").await;
    // Both terms end 2029-11-27 00:00 Taipei; both re-reviews are filed inside the window.
    app.clock.set(taipei_at(2029, 6, 1, 10));
    for l in [&approved, &refused] {
        p.apply_renewal(l.developer, l.licence, None).await.unwrap();
    }
    // Undecided at the end of the term: the API keeps running, the sweep expires nothing.
    app.clock.set(taipei_at(2029, 11, 27, 0));
    assert_eq!(p.sweep_licences().await.unwrap(), 0);
    assert_serves(app, &approved.creds).await;
    app.clock.set(taipei_at(2029, 12, 10, 9));
    assert_serves(app, &refused.creds).await;
    // Approved late: the new term still starts the day after the old one ended.
    p.approve_renewal(approved.reviewer, approved.licence, "ok")
        .await
        .unwrap();
    let term = term_of(app, approved.licence).await;
    assert_eq!(term.start().to_string(), "2029-11-27");
    assert_serves(app, &approved.creds).await;
    // Refused after the end: the API stops at the decision and R11 follows.
    p.reject_renewal(refused.reviewer, refused.licence, "incomplete")
        .await
        .unwrap();
    assert_stopped(app, &refused.creds, "R4.7c").await;
    assert!(revocations(app, &refused.creds.app_id)
        .await
        .iter()
        .all(|&revoked| revoked));
}

async fn r4_7b_a_suspended_licence_files_its_re_review(app: &TestApp) {
    let l = licensed(app, "o@example.com").await;
    let p = &app.platform;
    p.registry_event(l.developer, RegistryEvent::Suspend, "停業")
        .await
        .unwrap();
    app.clock.set(taipei_at(2029, 6, 1, 10));
    let filed = p.apply_renewal(l.developer, l.licence, None).await.unwrap();
    assert_eq!(filed.state.name(), "suspended");
    assert!(
        p.review_queue()
            .await
            .unwrap()
            .iter()
            .any(|q| q.id == l.licence),
        "the reviewer sees the filed re-review"
    );
    p.approve_renewal(l.reviewer, l.licence, "ok")
        .await
        .unwrap();
    app.clock.set(taipei_at(2029, 12, 1, 10));
    // The renewed term began, the suspension still holds until 復業.
    assert_stopped(app, &l.creds, "R10.2").await;
    resume_and_serve(app, &l).await;
}

async fn r4_7d_a_legacy_licence_stops_after_2025_03_31(app: &TestApp) {
    let p = &app.platform;
    app.clock.set(taipei_at(2025, 3, 1, 10));
    let d = sign_up_named(app, "老字號", "legacy@example.com")
        .await
        .unwrap();
    let late = chrono::NaiveDate::from_ymd_opt(2023, 3, 31).unwrap();
    assert_refused_under(
        p.register_legacy_licence(&legacy(d.id, late, None)).await,
        "R4.7e",
    );
    let approved = chrono::NaiveDate::from_ymd_opt(2020, 5, 1).unwrap();
    let (_, creds) = p
        .register_legacy_licence(&legacy(d.id, approved, None))
        .await
        .unwrap();
    app.clock
        .set(taipei_at(2025, 4, 1, 0) - Duration::seconds(1));
    assert_serves(app, &creds).await;
    app.clock.set(taipei_at(2025, 4, 1, 0));
    assert_stopped(app, &creds, "R4.7d").await;
}

async fn r4_7d_a_legacy_licence_with_a_re_review_filed_in_time_is_recorded_after_the_deadline(
    app: &TestApp,
) {
    let p = &app.platform;
    // Today (2026-11-27) is past the legacy deadline of 2025-03-31.
    let d = legacy_developer(app, "legacy2@example.com").await;
    let approved = chrono::NaiveDate::from_ymd_opt(2020, 5, 1).unwrap();
    // Without a re-review filed in time it would have stopped: nothing is registered and no
    // key is shown.
    assert_refused_under(
        p.register_legacy_licence(&legacy(d, approved, None)).await,
        "R4.7d",
    );
    assert_refused_under(
        p.register_legacy_licence(&legacy(d, approved, Some(taipei_at(2025, 4, 1, 0))))
            .await,
        "R4.7d",
    );
    assert!(p.developer_licences(d).await.unwrap().is_empty());
    // Filed by the deadline: recorded, serving, and in the reviewer's queue until decided.
    let in_time = Some(taipei_at(2025, 3, 31, 23));
    let (licence, creds) = p
        .register_legacy_licence(&legacy(d, approved, in_time))
        .await
        .unwrap();
    assert_eq!(licence.state.name(), "active");
    assert_serves(app, &creds).await;
    assert!(revocations(app, &creds.app_id)
        .await
        .iter()
        .all(|&revoked| !revoked));
    assert!(p
        .review_queue()
        .await
        .unwrap()
        .iter()
        .any(|q| q.id == licence.id));
    let reviewer = p
        .add_reviewer("legacy-reviewer@fia.example", "reviewer password", "R")
        .await
        .unwrap();
    p.approve_renewal(reviewer, licence.id, "ok").await.unwrap();
    let term = term_of(app, licence.id).await;
    assert_eq!(term.start(), einv_core::clock::taipei_date(app.clock.now()));
}

async fn r6_a_valid_certificate_is_required_at_re_review_and_legacy_licences_lapse(app: &TestApp) {
    let l = licensed(app, "s@example.com").await;
    let p = &app.platform;
    let short = certificate("ISMS-003", "2029-06-30");
    p.update_certificate(l.developer, l.licence, &short)
        .await
        .unwrap();
    app.clock.set(taipei_at(2029, 7, 1, 10));
    assert_refused_under(p.apply_renewal(l.developer, l.licence, None).await, "R6");
    let renewed = IsmsInput {
        expiry: "2032-12-31".into(),
        ..short
    };
    p.apply_renewal(l.developer, l.licence, Some(&renewed))
        .await
        .unwrap();
    // A legacy licence carries a certificate and lapses like the others.
    app.clock.set(taipei_at(2025, 3, 1, 10));
    let d = legacy_developer(app, "legacy3@example.com").await;
    let mut with_short = legacy(
        d,
        chrono::NaiveDate::from_ymd_opt(2020, 5, 1).unwrap(),
        None,
    );
    with_short.isms.expiry = "2025-03-10".into();
    let (_, creds) = p.register_legacy_licence(&with_short).await.unwrap();
    assert_serves(app, &creds).await;
    app.clock.set(taipei_at(2025, 3, 11, 0));
    assert_stopped(app, &creds, "R6").await;
    let mut none = legacy(
        d,
        chrono::NaiveDate::from_ymd_opt(2020, 5, 1).unwrap(),
        None,
    );
    none.isms = IsmsInput::default();
    assert!(
        p.register_legacy_licence(&none).await.is_err(),
        "R6: a certificate is required"
    );
}
