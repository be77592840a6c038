//! Consent end to end (R5.2–R5.6, R6.1, R10.2): each rule broken once and the refusal seen,
//! over the real server and a real database (SQLite and PostgreSQL); the v1 blank pages in
//! `blank_pages`.

use crate::common::*;
use chrono::Duration;
use einv_core::consent::lapse_instant;
use einv_core::{Clock, Service};
use einv_server::error::ServiceError;
use einv_server::services::standard_consent;
use einv_store::RequestKind;
use serde_json::Value;

mod blank_pages;

both_backends!(
    r5_6_v1_call_refused_the_instant_the_grant_lapses,
    r5_2_v1_call_refused_after_revocation,
    r10_2_v1_call_refused_after_void_consents_of_app,
    r5_4_grant_without_a_pdpa_item_is_refused_naming_it,
    r5_5_forbidden_purpose_is_refused,
    r6_1_deregistration_revokes_and_requests_deletion,
    r5_6_renewal_is_a_new_recorded_act,
    deletion_requests_api_for_the_developer,
    r5_2_two_requests_at_the_same_instant_are_one,
);

/// With a version-check interval, a revocation reaches a node's caches at most that interval
/// later (R5.2; the bound docs/hot-path.md states), measured on the injected clock.
async fn r5_2_revocation_reaches_cached_calls_within_the_check_interval(backend: Backend) {
    let interval = Duration::seconds(2);
    let app = TestApp::spawn_with(backend, |p| {
        p.with_cache_config(einv_server::services::CacheConfig {
            enabled: true,
            check_interval: interval,
        })
    })
    .await;
    assert_eq!(aggregate(&app).await["code"], 200);
    let user = user_id(&app).await;
    let grants = app.platform.consents_of_user(user).await.unwrap();
    app.platform
        .revoke_consent(user, grants[0].id)
        .await
        .unwrap();
    app.clock.advance(interval - Duration::milliseconds(1));
    assert_eq!(
        aggregate(&app).await["code"],
        200,
        "inside the stated bound the cached grant may still serve"
    );
    app.clock.advance(Duration::milliseconds(1));
    assert_consent_refusal(&aggregate(&app).await, "R5.2");
    app.stop().await;
}

#[tokio::test]
async fn r5_2_revocation_reaches_cached_calls_within_the_check_interval_sqlite() {
    r5_2_revocation_reaches_cached_calls_within_the_check_interval(Backend::Sqlite).await;
}

#[tokio::test]
async fn r5_2_revocation_reaches_cached_calls_within_the_check_interval_postgres() {
    r5_2_revocation_reaches_cached_calls_within_the_check_interval(Backend::Postgres).await;
}

const AGGREGATE: &str = "/PB2CAPIVAN/Carrier/Aggregate";

async fn aggregate(app: &TestApp) -> Value {
    let mut params = crate::v1_requests::aggregation(app);
    sign(&mut params, API_KEY);
    app.post(AGGREGATE, &params).await
}

async fn user_id(app: &TestApp) -> i64 {
    app.user(BARCODE).await.id
}

fn assert_consent_refusal(reply: &Value, rule: &str) {
    assert_eq!(reply["code"], 998, "{reply}");
    let msg = reply["msg"].as_str().unwrap();
    assert!(msg.contains(rule), "{msg}");
    assert!(
        msg.contains("/oauth/authorize?client_id=EINVTEST000001"),
        "the msg says where to consent: {msg}"
    );
}

async fn r5_6_v1_call_refused_the_instant_the_grant_lapses(app: &TestApp) {
    let lapse = lapse_instant(start_time());
    app.clock.set(lapse - Duration::seconds(1));
    assert_eq!(aggregate(app).await["code"], 200);
    app.clock.set(lapse);
    assert_consent_refusal(&aggregate(app).await, "R5.6");
}

async fn r5_2_v1_call_refused_after_revocation(app: &TestApp) {
    // Served once first, so the User and its grant sit in the hot path's caches: the very
    // next call after the revocation must still be refused (services/hot.rs).
    assert_eq!(aggregate(app).await["code"], 200);
    // A new call, not the same signed request replayed (which is answered from its first
    // answer inside the timestamp window): one second later.
    app.clock.advance(Duration::seconds(1));
    let user = user_id(app).await;
    let grants = app.platform.consents_of_user(user).await.unwrap();
    app.platform
        .revoke_consent(user, grants[0].id)
        .await
        .unwrap();
    assert_consent_refusal(&aggregate(app).await, "R5.2");
    // Another User cannot revoke (or see) this grant.
    let other = app
        .store()
        .find_user_by_barcode(&"/OTHER01".parse().unwrap())
        .await
        .unwrap()
        .unwrap()
        .id;
    let err = app
        .platform
        .revoke_consent(other, grants[0].id)
        .await
        .unwrap_err();
    assert!(matches!(err, ServiceError::NotFound { .. }), "{err:?}");
}

async fn r10_2_v1_call_refused_after_void_consents_of_app(app: &TestApp) {
    app.clock.advance(Duration::days(10));
    let voided = app
        .platform
        .void_consents_of_app(APP_ID, app.clock.now(), "resumption approved")
        .await
        .unwrap();
    assert_eq!(voided, 1);
    assert_consent_refusal(&aggregate(app).await, "R10.2");
    let notes = app
        .platform
        .notifications_of_user(user_id(app).await)
        .await
        .unwrap();
    assert_eq!(notes[0].kind.as_str(), "consent.voided");
    // A consent given after the resumption is live again.
    app.clock.advance(Duration::seconds(1));
    app.platform
        .grant_consent(
            user_id(app).await,
            APP_ID,
            &standard_consent(&Service::ALL),
            None,
        )
        .await
        .unwrap();
    assert_eq!(aggregate(app).await["code"], 200);
}

async fn r5_4_grant_without_a_pdpa_item_is_refused_naming_it(app: &TestApp) {
    let mut fields = standard_consent(&[Service::CarrierInvoices]);
    fields.recipients = " ".into();
    let err = app
        .platform
        .grant_consent(user_id(app).await, APP_ID, &fields, None)
        .await
        .unwrap_err();
    let text = err.to_string();
    assert!(text.starts_with("recipients: R5.4"), "{text}");
}

async fn r5_5_forbidden_purpose_is_refused(app: &TestApp) {
    let mut fields = standard_consent(&[Service::CarrierInvoices]);
    fields.purpose_category = "data-resale".into();
    fields.laws = Some("個資法".into());
    fields.refusal_effect = Some("無".into());
    let err = app
        .platform
        .grant_consent(user_id(app).await, APP_ID, &fields, None)
        .await
        .unwrap_err();
    assert!(err.to_string().contains("R5.5"), "{err}");
}

async fn r6_1_deregistration_revokes_and_requests_deletion(app: &TestApp) {
    let user = user_id(app).await;
    let requests = app.platform.deregister_user(user).await.unwrap();
    assert_eq!(requests.len(), 1);
    assert_eq!(
        (requests[0].app_id.as_str(), requests[0].kind),
        (APP_ID, RequestKind::Delete)
    );
    assert_eq!(
        requests[0].due_date,
        app.platform.today() + Duration::days(30)
    );
    let grants = app.platform.consents_of_user(user).await.unwrap();
    assert!(grants.iter().all(|g| g.grant.revoked_at.is_some()));
    assert!(
        app.platform
            .sign_in_user(BARCODE, CODE, None)
            .await
            .is_err(),
        "a deregistered User cannot sign in"
    );
    // The v1 call now fails like an unknown carrier (919), whatever the consent.
    assert_eq!(aggregate(app).await["code"], 919);
}

async fn r5_6_renewal_is_a_new_recorded_act(app: &TestApp) {
    let user = user_id(app).await;
    let old = app.platform.consents_of_user(user).await.unwrap().remove(0);
    app.clock.advance(Duration::days(170));
    let renewed = app.platform.renew_consent(user, old.id).await.unwrap();
    assert_eq!(renewed.renews, Some(old.id));
    assert_eq!(renewed.grant.request, old.grant.request);
    app.clock.set(old.grant.lapses_at());
    assert_eq!(
        aggregate(app).await["code"],
        200,
        "the renewal keeps the call allowed"
    );
}

/// R5.2, no duplicate requests: the same request filed twice at the same instant is stored
/// once; both answers are that one receipt, one of them saying it already existed.
async fn r5_2_two_requests_at_the_same_instant_are_one(app: &TestApp) {
    let user = user_id(app).await;
    let file = || {
        app.platform
            .file_deletion_request(user, APP_ID, RequestKind::Delete)
    };
    let (first, second) = tokio::join!(file(), file());
    let ((a, a_new), (b, b_new)) = (first.unwrap(), second.unwrap());
    assert_eq!(a.id, b.id, "one receipt for both");
    assert!(a_new ^ b_new, "exactly one was filed, the other found it");
    let mine = app.platform.deletion_requests_of_user(user).await.unwrap();
    assert_eq!(mine.len(), 1, "one request stored");
}

async fn deletion_requests_api_for_the_developer(app: &TestApp) {
    let user = user_id(app).await;
    let filed = app
        .platform
        .request_deletion(user, APP_ID, RequestKind::StopUse)
        .await
        .unwrap();
    let url = format!("{}/api/v2/deletion-requests", app.base);
    let refused = app.http.get(&url).send_ok().await;
    assert_eq!(refused.status(), 401, "v2 calls are signed");
    let list: Value = v2_request(app, reqwest::Method::GET, "/api/v2/deletion-requests", b"")
        .send_json()
        .await;
    assert_eq!(list["requests"][0]["id"], filed.id);
    assert_eq!(list["requests"][0]["kind"], "stop-use");
    assert_eq!(list["requests"][0]["mobileBarcode"], BARCODE);
    let done_url = format!("{url}/{}/complete", filed.id);
    let done_path = done_url.trim_start_matches(app.base.as_str());
    let done: Value = v2_request(app, reqwest::Method::POST, done_path, b"")
        .send_json()
        .await;
    assert!(done["completedAt"].is_string(), "{done}");
    let mine = app.platform.deletion_requests_of_user(user).await.unwrap();
    assert!(mine[0].completed_at.is_some() && mine[0].acknowledged_at.is_some());
    let missing = v2_request(
        app,
        reqwest::Method::POST,
        "/api/v2/deletion-requests/999/acknowledge",
        b"",
    )
    .send_ok()
    .await;
    assert_eq!(missing.status(), 404);
}
