//! Filing and running a licence: the application's checks (R5.7, R6, R4.3, R5.1), the
//! resubmission loop (R4.2), the services a licence covers (R3.6), attribution (R5.8, R5.9),
//! research (R5.10), overdue requests and destruction in the dossier (R5.2, R11),
//! announcements and notifications (R4.8, R4.9).

use super::*;
use einv_core::notice::AnnouncementKind;

both_backends!(
    r5_7_and_r6_application_checks,
    r4_2_a_resubmission_corrects_the_form,
    r5_1_the_declarations_name_the_laws,
    r3_6_love_code_search_comes_with_donation,
    attribution_texts_are_served,
    r5_10_research_is_given_to_the_center,
    r5_2_overdue_requests_and_r11_destruction_reach_the_reviewer,
    r4_8_r4_9_announcements_and_notifications_with_read_receipts,
);

async fn r5_7_and_r6_application_checks(app: &TestApp) {
    let p = &app.platform;
    let d = sign_up_named(app, "X", "i@example.com").await.unwrap();
    assert_refused_under(
        p.submit_application(d.id, &input(&["carrier-invoices"]), &[])
            .await,
        "R5.7",
    );
    let mut expired = input(&["winning-numbers"]);
    expired.isms.expiry = "2026-01-01".into();
    assert_refused_under(p.submit_application(d.id, &expired, &[]).await, "R6");
    let mut old_terms = input(&["winning-numbers"]);
    old_terms.terms_version = "1999".into();
    assert_refused_under(p.submit_application(d.id, &old_terms, &[]).await, "R4.3");
    let duplicate = sign_up_named(app, "X", "I@example.com").await.unwrap_err();
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
    assert_refused_under(p.resubmit(d, filed.id, None, &[]).await, "R4.2");
    p.request_changes(reviewer, filed.id, "the contact phone is wrong")
        .await
        .unwrap();
    let mut corrected = input(&["winning-numbers", "carrier-invoices", "donation"]);
    corrected.contact_phone = "02-8765-4321".into();
    corrected.product_name = "記帳 App Pro".into();
    // Corrections are checked as at filing (R5.7 here).
    let mut bad = corrected.clone();
    bad.services = vec!["carrier-invoices".into()];
    assert_refused_under(p.resubmit(d, filed.id, Some(&bad), &[]).await, "R5.7");
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

async fn r4_8_r4_9_announcements_and_notifications_with_read_receipts(app: &TestApp) {
    let l = licensed(app, "x@example.com").await;
    let p = &app.platform;
    let now = app.clock.now();
    assert!("holiday"
        .parse::<AnnouncementKind>()
        .unwrap_err()
        .to_string()
        .contains("kind"));
    assert!(p
        .announce(
            AnnouncementKind::Maintenance,
            "t",
            "b",
            now,
            Some(now - Duration::hours(1))
        )
        .await
        .unwrap_err()
        .to_string()
        .contains("ends"));
    p.announce(
        AnnouncementKind::Maintenance,
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
