//! The licensing regime end to end against the real server: every enforced rule is broken
//! once and the refusal seen, time moved by the FixedClock.

use crate::common::*;
use crate::surfaces;
use chrono::{DateTime, Duration, TimeZone, Utc};
use einv_core::clock::taipei;
use einv_core::licence::{SuspensionReason, TerminationGround};
use einv_core::AppId;
use einv_core::Clock;
use einv_core::{DeveloperId, LicenceId, ReviewerId};
use einv_server::error::ServiceError;
use einv_server::services::licensing::{
    Actor, ApplicationInput, DeveloperSignUp, IsmsInput, LegacyLicence, RegistryEvent,
};
use einv_server::services::IssuedCredentials;
use einv_server::testing;
use einv_store::Recipient;
use serde_json::Value;

both_backends!(
    approval_issues_a_key_that_calls_the_api,
    r4_7c_the_api_stops_one_second_after_the_term,
    r4_7b_renewal_window_and_contiguous_term,
    r4_3_terms_not_accepted_by_the_deadline,
    r10_2_registry_suspension_and_resumption,
    r6_lapsed_certificate_suspends_until_a_valid_one,
    r4_1_rotation_grace_period_then_only_the_new_key,
    r10_3_termination_runs_r11,
    r5_7_and_r6_application_checks,
    r5_11_purpose_change_sends_the_licence_back_to_review,
    r10_5_merger_ends_the_licence,
    attribution_texts_are_served,
    r4_7d_a_legacy_licence_stops_after_2025_03_31,
    r4_7b_an_undecided_re_review_keeps_the_api_running_until_decided,
    r4_7b_a_suspended_licence_files_its_re_review,
    r10_2_suspensions_stack_and_resumption_voids_consents,
    r5_11_a_purpose_change_on_a_suspended_licence_goes_to_review,
    r5_11_a_refused_purpose_change_is_rejected_not_ended,
    r4_7d_a_legacy_licence_with_a_re_review_filed_in_time_is_recorded_after_the_deadline,
    r6_a_valid_certificate_is_required_at_re_review_and_legacy_licences_lapse,
    r3_6_love_code_search_comes_with_donation,
    r4_2_a_resubmission_corrects_the_form,
    r5_2_overdue_requests_and_r11_destruction_reach_the_reviewer,
    r10_1_withdrawal_by_notice_stops_the_api,
    r4_8_r4_9_announcements_and_notifications_with_read_receipts,
    r5_1_the_declarations_name_the_laws,
    r5_10_research_is_given_to_the_center,
    r4_1_one_authority_rotation_on_every_surface,
    r4_7c_r10_r11_one_authority_refuses_everywhere,
    sign_every_call_is_on_for_new_licences_and_reviewers_decide,
);

pub(crate) const INVAPP: &str = "/PB2CAPIVAN/invapp/InvApp";

pub(crate) fn taipei_at(y: i32, m: u32, d: u32, h: u32) -> DateTime<Utc> {
    taipei()
        .with_ymd_and_hms(y, m, d, h, 0, 0)
        .unwrap()
        .with_timezone(&Utc)
}

fn input(services: &[&str]) -> ApplicationInput {
    testing::application("dev@example.com", services)
}

pub(crate) struct Licensed {
    pub(crate) developer: DeveloperId,
    pub(crate) reviewer: ReviewerId,
    pub(crate) licence: LicenceId,
    pub(crate) creds: IssuedCredentials,
}

/// A Developer with an approved licence (also used by the background-job tests).
pub(crate) async fn licensed(app: &TestApp, email: &str) -> Licensed {
    licensed_for(
        app,
        email,
        &["winning-numbers", "carrier-invoices", "donation"],
    )
    .await
}

pub(crate) async fn licensed_for(app: &TestApp, email: &str, services: &[&str]) -> Licensed {
    let p = &app.platform;
    let d = p
        .sign_up_developer(&testing::developer(email))
        .await
        .unwrap();
    let licence = p
        .submit_application(d.id, &input(services), &[testing::isms_certificate()])
        .await
        .unwrap();
    let reviewer = match p
        .add_reviewer("reviewer@fia.example", "reviewer password", "R")
        .await
    {
        Ok(id) => id,
        Err(_) => {
            p.sign_in_reviewer("reviewer@fia.example", "reviewer password", None)
                .await
                .unwrap()
                .id
        }
    };
    let creds = p
        .approve(reviewer, licence.id, "ok")
        .await
        .unwrap()
        .unwrap();
    Licensed {
        developer: d.id,
        reviewer,
        licence: licence.id,
        creds,
    }
}

async fn winning_list(app: &TestApp, app_id: &str, key: &str) -> Value {
    let mut params: Vec<(&'static str, String)> = vec![
        ("version", "0.2".into()),
        ("action", "QryWinningList".into()),
        ("invTerm", "11510".into()),
        ("UUID", "d".into()),
        ("appID", app_id.into()),
    ];
    sign(&mut params, key);
    app.post(INVAPP, &params).await
}

fn assert_refused(reply: &Value, rule: &str) {
    assert_eq!(reply["code"], "998", "{reply}");
    assert!(
        reply["msg"].as_str().unwrap().contains(rule),
        "msg names {rule}: {reply}"
    );
}

fn assert_ok(reply: &Value) {
    assert_eq!(reply["code"], "200", "{reply}");
}

async fn approval_issues_a_key_that_calls_the_api(app: &TestApp) {
    let l = licensed(app, "a@example.com").await;
    assert_ok(&winning_list(app, &l.creds.app_id, &l.creds.api_key).await);
    let bad = winning_list(app, &l.creds.app_id, "not-the-key").await;
    assert_eq!(bad["code"], "954", "{bad}");
    // A second approval is refused by the lifecycle and issues nothing.
    let again = app
        .platform
        .approve(l.reviewer, l.licence, "again")
        .await
        .unwrap_err();
    assert!(
        matches!(again, ServiceError::Refused { rule: "R4.1", .. }),
        "{again:?}"
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
    assert_ok(&winning_list(app, &l.creds.app_id, &l.creds.api_key).await);
    app.clock.set(taipei_at(2029, 11, 27, 0));
    // The daily sweep expires it even before anyone calls.
    assert_eq!(app.platform.sweep_licences().await.unwrap(), 1);
    let refused = winning_list(app, &l.creds.app_id, &l.creds.api_key).await;
    assert_refused(&refused, "R4.7c");
    // R11 followed the expiry: keys revoked, the Developer told to destroy and confirm.
    let notes = app
        .store()
        .notifications_of(Recipient::Developer(l.developer))
        .await
        .unwrap();
    assert!(notes.iter().any(|n| n.kind == "licence-ended"));
    assert!(app
        .store()
        .credentials_of(&l.creds.app_id)
        .await
        .unwrap()
        .iter()
        .all(|c| c.revoked_at.is_some()));
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
    let early = p
        .apply_renewal(l.developer, l.licence, None)
        .await
        .unwrap_err();
    assert!(
        matches!(early, ServiceError::Refused { rule: "R4.7b", .. }),
        "6 months + 1 day before: {early:?}"
    );
    app.clock.set(taipei_at(2029, 5, 27, 0));
    p.apply_renewal(l.developer, l.licence, None).await.unwrap();
    p.approve_renewal(l.reviewer, l.licence, "fine")
        .await
        .unwrap();
    app.clock.set(taipei_at(2029, 11, 27, 0));
    assert_ok(&winning_list(app, &l.creds.app_id, &l.creds.api_key).await);
    let term = p
        .licence(l.licence)
        .await
        .unwrap()
        .state
        .coverage()
        .unwrap()
        .term()
        .unwrap();
    assert_eq!(
        term.start().to_string(),
        "2029-11-27",
        "R4.7b: the day after the old term"
    );
    assert_eq!(term.last_day().to_string(), "2032-11-26");
}

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
        notes.iter().any(|n| n.kind == "terms"),
        "Developers are notified"
    );
    app.clock.set(taipei_at(2026, 12, 31, 23));
    assert_ok(&winning_list(app, &l.creds.app_id, &l.creds.api_key).await);
    app.clock.set(taipei_at(2027, 1, 1, 0));
    assert_refused(
        &winning_list(app, &l.creds.app_id, &l.creds.api_key).await,
        "R4.3",
    );
    p.accept_terms(l.developer, "2026-12").await.unwrap();
    let page = app.get_text("/terms/2026-12").await;
    assert!(page.contains("2026-12 版）全文"), "{page}");
    assert!(p
        .terms_text("2023-03-30")
        .await
        .unwrap()
        .contains("九、責任限制與排除"));
    assert_ok(&winning_list(app, &l.creds.app_id, &l.creds.api_key).await);
}

async fn r10_2_registry_suspension_and_resumption(app: &TestApp) {
    let l = licensed(app, "e@example.com").await;
    let p = &app.platform;
    let developers = p.developers_with_business_id("04595257").await.unwrap();
    assert_eq!(developers, vec![l.developer]);
    p.registry_event(l.developer, RegistryEvent::Suspend, "停業 2026-11-27")
        .await
        .unwrap();
    assert_refused(
        &winning_list(app, &l.creds.app_id, &l.creds.api_key).await,
        "R10.2",
    );
    let resumed = p
        .registry_event(l.developer, RegistryEvent::Resume, "復業 approved")
        .await
        .unwrap();
    assert_eq!(resumed.len(), 1);
    assert_ok(&winning_list(app, &l.creds.app_id, &l.creds.api_key).await);
    let events = app.store().licence_events(l.licence).await.unwrap();
    assert_eq!(events.iter().filter(|e| e.actor == "registry").count(), 2);
}

async fn r6_lapsed_certificate_suspends_until_a_valid_one(app: &TestApp) {
    let l = licensed(app, "f@example.com").await;
    let p = &app.platform;
    let short = IsmsInput {
        number: "ISMS-002".into(),
        issuer: "BSI".into(),
        scope: "app".into(),
        expiry: "2027-06-30".into(),
    };
    p.update_certificate(l.developer, l.licence, &short)
        .await
        .unwrap();
    app.clock.set(taipei_at(2027, 6, 30, 23));
    assert_ok(&winning_list(app, &l.creds.app_id, &l.creds.api_key).await);
    app.clock.set(taipei_at(2027, 7, 1, 0));
    assert_refused(
        &winning_list(app, &l.creds.app_id, &l.creds.api_key).await,
        "R6",
    );
    let stale = short;
    assert!(matches!(
        p.update_certificate(l.developer, l.licence, &stale)
            .await
            .unwrap_err(),
        ServiceError::Refused { rule: "R6", .. }
    ));
    let valid = IsmsInput {
        expiry: "2031-12-31".into(),
        ..stale
    };
    p.update_certificate(l.developer, l.licence, &valid)
        .await
        .unwrap();
    assert_ok(&winning_list(app, &l.creds.app_id, &l.creds.api_key).await);
}

async fn r4_1_rotation_grace_period_then_only_the_new_key(app: &TestApp) {
    let l = licensed(app, "g@example.com").await;
    let p = &app.platform;
    let new = p.rotate_key(l.developer, l.licence, 7).await.unwrap();
    assert_ne!(new.api_key, l.creds.api_key);
    assert_ok(&winning_list(app, &l.creds.app_id, &l.creds.api_key).await);
    assert_ok(&winning_list(app, &l.creds.app_id, &new.api_key).await);
    app.clock.advance(Duration::days(7));
    let old = winning_list(app, &l.creds.app_id, &l.creds.api_key).await;
    assert_eq!(old["code"], "954", "the old key no longer verifies: {old}");
    assert_ok(&winning_list(app, &l.creds.app_id, &new.api_key).await);
    // Another Developer cannot rotate this licence's key.
    let other = licensed(app, "g2@example.com").await;
    assert!(matches!(
        p.rotate_key(other.developer, l.licence, 7)
            .await
            .unwrap_err(),
        ServiceError::NotFound(_)
    ));
}

async fn r10_3_termination_runs_r11(app: &TestApp) {
    let l = licensed(app, "h@example.com").await;
    let p = &app.platform;
    // The fixture User uses the app: R11 must reach them.
    let user = fixture_user_consents(app, &l.creds.app_id).await;
    let ended = p
        .terminate(
            Actor::Reviewer(l.reviewer),
            l.licence,
            TerminationGround::ImproperAccess,
            "scraped the portal",
        )
        .await
        .unwrap();
    assert_eq!(ended.state.name(), "terminated");
    assert_refused(
        &winning_list(app, &l.creds.app_id, &l.creds.api_key).await,
        "R10.3-6",
    );
    let users = app.store().users_of_app(&l.creds.app_id).await.unwrap();
    assert!(!users.is_empty());
    let user_notes = p.notifications_of_user(users[0]).await.unwrap();
    assert!(
        user_notes
            .iter()
            .any(|n| n.kind == "app-ended" && n.body.contains(l.creds.app_id.as_str())),
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

async fn r5_7_and_r6_application_checks(app: &TestApp) {
    let p = &app.platform;
    let d = p
        .sign_up_developer(&DeveloperSignUp {
            name: "X".into(),
            ..testing::developer("i@example.com")
        })
        .await
        .unwrap();
    let no_donation = p
        .submit_application(d.id, &input(&["carrier-invoices"]), &[])
        .await
        .unwrap_err();
    assert!(
        matches!(no_donation, ServiceError::Refused { rule: "R5.7", .. }),
        "{no_donation:?}"
    );
    let mut expired = input(&["winning-numbers"]);
    expired.isms.expiry = "2026-01-01".into();
    assert!(matches!(
        p.submit_application(d.id, &expired, &[]).await.unwrap_err(),
        ServiceError::Refused { rule: "R6", .. }
    ));
    let mut old_terms = input(&["winning-numbers"]);
    old_terms.terms_version = "1999".into();
    assert!(matches!(
        p.submit_application(d.id, &old_terms, &[])
            .await
            .unwrap_err(),
        ServiceError::Refused { rule: "R4.3", .. }
    ));
    let duplicate = p
        .sign_up_developer(&DeveloperSignUp {
            name: "X".into(),
            ..testing::developer("I@example.com")
        })
        .await
        .unwrap_err();
    assert!(matches!(duplicate, ServiceError::Conflict(_)));
    // A government body at level C or above needs no certificate (R6).
    let gov = p
        .sign_up_developer(&DeveloperSignUp {
            email: "gov@example.gov.tw".into(),
            password: "correct horse battery".into(),
            name: "某市政府".into(),
            entity_type: "government".into(),
            business_id: String::new(),
            security_level: "B".into(),
        })
        .await
        .unwrap();
    let mut exempt = input(&["winning-numbers"]);
    exempt.isms = IsmsInput::default();
    p.submit_application(gov.id, &exempt, &[]).await.unwrap();
}

async fn r5_11_purpose_change_sends_the_licence_back_to_review(app: &TestApp) {
    let l = licensed(app, "j@example.com").await;
    let p = &app.platform;
    p.notify_change(l.developer, l.licence, "1.1", "personal bookkeeping")
        .await
        .unwrap();
    assert_ok(&winning_list(app, &l.creds.app_id, &l.creds.api_key).await);
    p.notify_change(
        l.developer,
        l.licence,
        "1.1",
        "bookkeeping and budgeting advice",
    )
    .await
    .unwrap();
    assert_refused(
        &winning_list(app, &l.creds.app_id, &l.creds.api_key).await,
        "R5.11",
    );
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
    assert_ok(&winning_list(app, &l.creds.app_id, &l.creds.api_key).await);
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
    assert_refused(
        &winning_list(app, &l.creds.app_id, &l.creds.api_key).await,
        "R10.5",
    );
}

async fn attribution_texts_are_served(app: &TestApp) {
    let l = licensed(app, "m@example.com").await;
    let url = format!(
        "{}/api/v2/licences/{}/attribution",
        app.base, l.creds.app_id
    );
    let body: Value = app.http.get(url).send_json().await;
    assert_eq!(body["appId"], l.creds.app_id.as_str());
    assert!(
        body["attributionZh"]
            .as_str()
            .unwrap()
            .contains("財政資訊中心"),
        "R5.8"
    );
    assert!(
        body["disclaimerEn"]
            .as_str()
            .unwrap()
            .contains("reliability"),
        "R5.9"
    );
    let missing = app
        .http
        .get(format!("{}/api/v2/licences/NOPE/attribution", app.base))
        .send_ok()
        .await;
    assert_eq!(missing.status(), 404);
    let _ = app.clock.now();
}

async fn r4_7d_a_legacy_licence_stops_after_2025_03_31(app: &TestApp) {
    let p = &app.platform;
    app.clock.set(taipei_at(2025, 3, 1, 10));
    let d = p
        .sign_up_developer(&DeveloperSignUp {
            name: "老字號".into(),
            ..testing::developer("legacy@example.com")
        })
        .await
        .unwrap();
    let late = chrono::NaiveDate::from_ymd_opt(2023, 3, 31).unwrap();
    let refused = p
        .register_legacy_licence(&legacy(d.id, late, None))
        .await
        .unwrap_err();
    assert!(
        matches!(refused, ServiceError::Refused { rule: "R4.7e", .. }),
        "{refused:?}"
    );
    let approved = chrono::NaiveDate::from_ymd_opt(2020, 5, 1).unwrap();
    let (_, creds) = p
        .register_legacy_licence(&legacy(d.id, approved, None))
        .await
        .unwrap();
    app.clock
        .set(taipei_at(2025, 4, 1, 0) - Duration::seconds(1));
    assert_ok(&winning_list(app, &creds.app_id, &creds.api_key).await);
    app.clock.set(taipei_at(2025, 4, 1, 0));
    assert_refused(
        &winning_list(app, &creds.app_id, &creds.api_key).await,
        "R4.7d",
    );
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
    assert_ok(&winning_list(app, &approved.creds.app_id, &approved.creds.api_key).await);
    app.clock.set(taipei_at(2029, 12, 10, 9));
    assert_ok(&winning_list(app, &refused.creds.app_id, &refused.creds.api_key).await);
    // Approved late: the new term still starts the day after the old one ended.
    p.approve_renewal(approved.reviewer, approved.licence, "ok")
        .await
        .unwrap();
    let term = p
        .licence(approved.licence)
        .await
        .unwrap()
        .state
        .coverage()
        .unwrap()
        .term()
        .unwrap();
    assert_eq!(term.start().to_string(), "2029-11-27");
    assert_ok(&winning_list(app, &approved.creds.app_id, &approved.creds.api_key).await);
    // Refused after the end: the API stops at the decision and R11 follows.
    p.reject_renewal(refused.reviewer, refused.licence, "incomplete")
        .await
        .unwrap();
    assert_refused(
        &winning_list(app, &refused.creds.app_id, &refused.creds.api_key).await,
        "R4.7c",
    );
    assert!(app
        .store()
        .credentials_of(&refused.creds.app_id)
        .await
        .unwrap()
        .iter()
        .all(|c| c.revoked_at.is_some()));
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
    assert_refused(
        &winning_list(app, &l.creds.app_id, &l.creds.api_key).await,
        "R10.2",
    );
    p.registry_event(l.developer, RegistryEvent::Resume, "復業")
        .await
        .unwrap();
    assert_ok(&winning_list(app, &l.creds.app_id, &l.creds.api_key).await);
}

async fn r10_2_suspensions_stack_and_resumption_voids_consents(app: &TestApp) {
    let l = licensed(app, "q@example.com").await;
    let p = &app.platform;
    let user = fixture_user_consents(app, &l.creds.app_id).await;
    // R6 first: the certificate lapses.
    let short = IsmsInput {
        number: "ISMS-002".into(),
        issuer: "BSI".into(),
        scope: "app".into(),
        expiry: "2027-06-30".into(),
    };
    p.update_certificate(l.developer, l.licence, &short)
        .await
        .unwrap();
    app.clock.set(taipei_at(2027, 7, 1, 10));
    assert_refused(
        &winning_list(app, &l.creds.app_id, &l.creds.api_key).await,
        "R6",
    );
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
    let valid = IsmsInput {
        expiry: "2031-12-31".into(),
        ..short
    };
    p.update_certificate(l.developer, l.licence, &valid)
        .await
        .unwrap();
    assert_refused(
        &winning_list(app, &l.creds.app_id, &l.creds.api_key).await,
        "R10.2",
    );
    // 復業 through the registry path: served again, every earlier consent void.
    app.clock.advance(Duration::days(1));
    p.registry_event(l.developer, RegistryEvent::Resume, "復業 核備")
        .await
        .unwrap();
    assert_ok(&winning_list(app, &l.creds.app_id, &l.creds.api_key).await);
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
    assert!(notes.iter().any(|n| n.kind == "consent.voided"));
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
    assert_refused(
        &winning_list(app, &m.creds.app_id, &m.creds.api_key).await,
        "R10.2",
    );
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
    assert_refused(
        &winning_list(app, &l.creds.app_id, &l.creds.api_key).await,
        "R10.2",
    );
    p.registry_event(l.developer, RegistryEvent::Resume, "復業")
        .await
        .unwrap();
    assert_ok(&winning_list(app, &l.creds.app_id, &l.creds.api_key).await);
}

fn legacy(
    developer_id: DeveloperId,
    approved_on: chrono::NaiveDate,
    re_review_filed_at: Option<DateTime<Utc>>,
) -> LegacyLicence {
    LegacyLicence {
        developer_id,
        product_name: "舊 App".into(),
        services: vec!["winning-numbers".to_owned()],
        approved_on,
        re_review_filed_at,
        isms: input(&[]).isms,
    }
}

async fn legacy_developer(app: &TestApp, email: &str) -> DeveloperId {
    app.platform
        .sign_up_developer(&DeveloperSignUp {
            name: "老字號".into(),
            ..testing::developer(email)
        })
        .await
        .unwrap()
        .id
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
    let stopped = p
        .register_legacy_licence(&legacy(d, approved, None))
        .await
        .unwrap_err();
    assert!(
        matches!(stopped, ServiceError::Refused { rule: "R4.7d", .. }),
        "{stopped:?}"
    );
    let too_late = p
        .register_legacy_licence(&legacy(d, approved, Some(taipei_at(2025, 4, 1, 0))))
        .await
        .unwrap_err();
    assert!(
        matches!(too_late, ServiceError::Refused { rule: "R4.7d", .. }),
        "{too_late:?}"
    );
    assert!(p.developer_licences(d).await.unwrap().is_empty());
    // Filed by the deadline: recorded, serving, and in the reviewer's queue until decided.
    let in_time = Some(taipei_at(2025, 3, 31, 23));
    let (licence, creds) = p
        .register_legacy_licence(&legacy(d, approved, in_time))
        .await
        .unwrap();
    assert_eq!(licence.state.name(), "active");
    assert_ok(&winning_list(app, &creds.app_id, &creds.api_key).await);
    assert!(app
        .store()
        .credentials_of(&creds.app_id)
        .await
        .unwrap()
        .iter()
        .all(|c| c.revoked_at.is_none()));
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
    let term = p
        .licence(licence.id)
        .await
        .unwrap()
        .state
        .coverage()
        .unwrap()
        .term()
        .unwrap();
    assert_eq!(term.start(), einv_core::clock::taipei_date(app.clock.now()));
}

async fn r6_a_valid_certificate_is_required_at_re_review_and_legacy_licences_lapse(app: &TestApp) {
    let l = licensed(app, "s@example.com").await;
    let p = &app.platform;
    let short = IsmsInput {
        number: "ISMS-003".into(),
        issuer: "BSI".into(),
        scope: "app".into(),
        expiry: "2029-06-30".into(),
    };
    p.update_certificate(l.developer, l.licence, &short)
        .await
        .unwrap();
    app.clock.set(taipei_at(2029, 7, 1, 10));
    let refused = p
        .apply_renewal(l.developer, l.licence, None)
        .await
        .unwrap_err();
    assert!(
        matches!(refused, ServiceError::Refused { rule: "R6", .. }),
        "{refused:?}"
    );
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
    assert_ok(&winning_list(app, &creds.app_id, &creds.api_key).await);
    app.clock.set(taipei_at(2025, 3, 11, 0));
    assert_refused(
        &winning_list(app, &creds.app_id, &creds.api_key).await,
        "R6",
    );
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

async fn love_codes(app: &TestApp, l: &Licensed) -> Value {
    let mut params: Vec<(&'static str, String)> = vec![
        ("version", "0.2".into()),
        ("action", "qryLoveCode".into()),
        ("qKey", "兒童".into()),
        ("UUID", "d".into()),
        ("appID", l.creds.app_id.to_string()),
    ];
    sign(&mut params, &l.creds.api_key);
    app.post("/PB2CAPIVAN/loveCodeapp/qryLoveCode", &params)
        .await
}

async fn r3_6_love_code_search_comes_with_donation(app: &TestApp) {
    let donating = licensed_for(app, "t@example.com", &["carrier-invoices", "donation"]).await;
    assert_ok(&love_codes(app, &donating).await);
    let numbers_only = licensed_for(app, "t2@example.com", &["winning-numbers"]).await;
    assert_eq!(love_codes(app, &numbers_only).await["code"], "998");
}

async fn r4_2_a_resubmission_corrects_the_form(app: &TestApp) {
    let p = &app.platform;
    let d = legacy_developer(app, "u@example.com").await;
    let filed = p
        .submit_application(d, &input(&["winning-numbers"]), &[])
        .await
        .unwrap();
    let reviewer = p
        .add_reviewer("r42@fia.example", "reviewer password", "R")
        .await
        .unwrap();
    // Only a licence sent back for corrections is resubmitted.
    let early = p.resubmit(d, filed.id, None, &[]).await.unwrap_err();
    assert!(
        matches!(early, ServiceError::Refused { rule: "R4.2", .. }),
        "{early:?}"
    );
    p.request_changes(reviewer, filed.id, "the contact phone is wrong")
        .await
        .unwrap();
    let mut corrected = input(&["winning-numbers", "carrier-invoices", "donation"]);
    corrected.contact_phone = "02-8765-4321".into();
    corrected.product_name = "記帳 App Pro".into();
    // Corrections are checked as at filing (R5.7 here).
    let mut bad = corrected.clone();
    bad.services = vec!["carrier-invoices".into()];
    assert!(matches!(
        p.resubmit(d, filed.id, Some(&bad), &[]).await.unwrap_err(),
        ServiceError::Refused { rule: "R5.7", .. }
    ));
    let again = p
        .resubmit(d, filed.id, Some(&corrected), &[])
        .await
        .unwrap();
    assert_eq!(again.state.name(), "applied");
    let form = p.application_of(d, filed.id).await.unwrap().form;
    assert_eq!(form.contact_phone, "02-8765-4321");
    assert_eq!(form.product_name, "記帳 App Pro");
    assert_eq!(form.services.len(), 3);
    // Another Developer cannot read or correct it (R8).
    let other = legacy_developer(app, "u2@example.com").await;
    assert!(matches!(
        p.application_of(other, filed.id).await.unwrap_err(),
        ServiceError::NotFound(_)
    ));
}

async fn r5_2_overdue_requests_and_r11_destruction_reach_the_reviewer(app: &TestApp) {
    let l = licensed(app, "v@example.com").await;
    let p = &app.platform;
    let user = fixture_user_consents(app, &l.creds.app_id).await;
    p.request_deletion(user.id, &l.creds.app_id, einv_store::RequestKind::Delete)
        .await
        .unwrap();
    let licence = p.licence(l.licence).await.unwrap();
    assert!(p
        .dossier(l.licence)
        .await
        .unwrap()
        .overdue_requests
        .is_empty());
    // R5.2: past its due day and not completed, the request shows to Developer and reviewer.
    app.clock
        .advance(Duration::days(einv_server::services::REQUEST_DAYS + 1));
    assert_eq!(p.overdue_requests_of(&licence).await.unwrap().len(), 1);
    let dossier = p.dossier(l.licence).await.unwrap();
    assert_eq!(dossier.overdue_requests.len(), 1);
    assert!(dossier.destruction.is_none());
    // R11: after the end, the Developer's confirmation is in the reviewer's dossier.
    p.withdraw(l.developer, l.licence, "closing the product")
        .await
        .unwrap();
    p.confirm_destruction(l.developer, l.licence, "programs and data deleted")
        .await
        .unwrap();
    let dossier = p.dossier(l.licence).await.unwrap();
    assert_eq!(
        dossier.destruction.unwrap().body,
        "programs and data deleted"
    );
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
    assert_ok(&winning_list(app, &l.creds.app_id, &l.creds.api_key).await);
    p.withdraw(l.developer, l.licence, "we stop the product")
        .await
        .unwrap();
    assert_refused(
        &winning_list(app, &l.creds.app_id, &l.creds.api_key).await,
        "R10.1",
    );
    // R10.4: withdrawn stays withdrawn.
    assert!(p.withdraw(l.developer, l.licence, "again").await.is_err());
}

async fn r4_8_r4_9_announcements_and_notifications_with_read_receipts(app: &TestApp) {
    let l = licensed(app, "x@example.com").await;
    let p = &app.platform;
    let now = app.clock.now();
    assert!(p
        .announce("holiday", "t", "b", now, None)
        .await
        .unwrap_err()
        .to_string()
        .contains("kind"));
    assert!(p
        .announce("maintenance", "t", "b", now, Some(now - Duration::hours(1)))
        .await
        .unwrap_err()
        .to_string()
        .contains("ends"));
    p.announce(
        "maintenance",
        "API 維護",
        "01:00–03:00",
        now,
        Some(now + Duration::hours(2)),
    )
    .await
    .unwrap();
    let page = app.get_text("/announcements").await;
    assert!(page.contains("API 維護"), "R4.8: public");
    // R4.9: notifications per Developer; only the recipient can mark one read.
    let notes = p.developer_notifications(l.developer).await.unwrap();
    let first = notes.first().unwrap();
    assert!(first.read_at.is_none());
    let other = licensed(app, "x2@example.com").await;
    assert!(matches!(
        p.mark_read(other.developer, first.id).await.unwrap_err(),
        ServiceError::NotFound(_)
    ));
    p.mark_read(l.developer, first.id).await.unwrap();
    let read = p.developer_notifications(l.developer).await.unwrap();
    assert!(read
        .iter()
        .find(|n| n.id == first.id)
        .unwrap()
        .read_at
        .is_some());
}

async fn r5_1_the_declarations_name_the_laws(app: &TestApp) {
    let p = &app.platform;
    let d = legacy_developer(app, "y@example.com").await;
    let mut undeclared = input(&["winning-numbers"]);
    undeclared.declarations_accepted = false;
    let text = p
        .submit_application(d, &undeclared, &[])
        .await
        .unwrap_err()
        .to_string();
    assert!(text.starts_with("declarations"), "{text}");
    for law in [
        "Tax Collection Act art. 33",
        "Personal Data Protection Act",
        "Trade Secrets Act",
        "R5.1",
        "R6",
    ] {
        assert!(text.contains(law), "{law} in {text}");
    }
}

async fn r5_10_research_is_given_to_the_center(app: &TestApp) {
    let l = licensed(app, "z@example.com").await;
    let p = &app.platform;
    assert!(p
        .submit_research(l.developer, l.licence, "", "body")
        .await
        .unwrap_err()
        .to_string()
        .contains("title"));
    let other = licensed(app, "z2@example.com").await;
    assert!(matches!(
        p.submit_research(other.developer, l.licence, "t", "b")
            .await
            .unwrap_err(),
        ServiceError::NotFound(_)
    ));
    p.submit_research(l.developer, l.licence, "使用統計", "每月查詢次數 …")
        .await
        .unwrap();
    let research = p.research().await.unwrap();
    assert_eq!(research.len(), 1);
    assert_eq!(research[0].licence_id, l.licence);
}

/// A licensed app whose redirect URI is registered, so every surface can be probed.
async fn probed(app: &TestApp, email: &str) -> Licensed {
    let every = einv_core::Service::ALL.map(|s| s.as_str());
    let l = licensed_for(app, email, &every).await;
    app.store()
        .register_redirect_uri(&l.creds.app_id, REDIRECT_URI)
        .await
        .unwrap();
    // So that the unsigned v1 surface can be probed too.
    app.platform
        .set_sign_every_call(Actor::Reviewer(l.reviewer), l.licence, false)
        .await
        .unwrap();
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
    p.terminate(
        Actor::Reviewer(terminated.reviewer),
        terminated.licence,
        TerminationGround::ImproperAccess,
        "scraped the portal",
    )
    .await
    .unwrap();
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
    assert_ok(&winning_list(app, &l.creds.app_id, &l.creds.api_key).await);
    let mut carrier = app.carrier_params("carrierInvChk", "0.5");
    set(&mut carrier, "appID", &l.creds.app_id);
    carrier.extend([
        ("startDate", "2026/11/01".to_owned()),
        ("endDate", "2026/11/30".to_owned()),
        ("onlyWinningInv", "N".to_owned()),
    ]);
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
        !developer_notes.iter().any(|n| n.kind == "licence-ended"),
        "no R11 destruction notice"
    );
    let user_notes = p.notifications_of_user(user.id).await.unwrap();
    assert!(!user_notes.iter().any(|n| n.kind == "app-ended"));
    let grants = p.consents_of_user(user.id).await.unwrap();
    assert!(
        grants
            .iter()
            .any(|g| g.app_id == l.creds.app_id && g.grant.voided_at.is_none()),
        "the consent is not voided"
    );
    // Nothing to confirm: R11's destruction report is for a licence that ended.
    assert!(matches!(
        p.confirm_destruction_by_app(&l.creds.app_id, "destroyed")
            .await
            .unwrap_err(),
        ServiceError::Refused { rule: "R11", .. }
    ));
}

/// The fixture User consents to `app_id` for the winning numbers: the User R11 must reach.
async fn fixture_user_consents(app: &TestApp, app_id: &str) -> einv_store::UserRecord {
    let user = app
        .store()
        .find_user_by_barcode(&BARCODE.parse().unwrap())
        .await
        .unwrap()
        .unwrap();
    let consent = einv_server::services::standard_consent(&[einv_core::Service::WinningNumbers]);
    app.platform
        .grant_consent(user.id, &AppId::parse(app_id).unwrap(), &consent, None)
        .await
        .unwrap();
    user
}
