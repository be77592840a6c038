//! Consent end to end (R5.2–R5.6, R6.1, R10.2): each rule broken once and the refusal seen,
//! over the real server and a real database (SQLite and PostgreSQL).

#![allow(clippy::unwrap_used)]

mod common;

use chrono::Duration;
use common::*;
use einv_core::consent::lapse_instant;
use einv_core::{Clock, Service};
use einv_server::error::ServiceError;
use einv_server::services::standard_consent;
use einv_store::RequestKind;
use serde_json::Value;

both_backends!(
    r5_6_v1_call_refused_the_instant_the_grant_lapses,
    r5_2_v1_call_refused_after_revocation,
    r10_2_v1_call_refused_after_void_consents_of_app,
    r5_4_grant_without_a_pdpa_item_is_refused_naming_it,
    r5_5_forbidden_purpose_is_refused,
    r6_1_deregistration_revokes_and_requests_deletion,
    r5_6_renewal_is_a_new_recorded_act,
    deletion_requests_api_for_the_developer,
    blank_pages_are_html_and_json_only_on_bad_parameters,
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
    let now = app.now_unix().to_string();
    let mut params: Vec<(&'static str, String)> = [
        ("version", "1.0"),
        ("serial", "0000000002"),
        ("action", "qryCarrierAgg"),
        ("cardType", "3J0002"),
        ("cardNo", BARCODE),
        ("cardEncrypt", CODE),
        ("appID", APP_ID),
        ("timeStamp", now.as_str()),
        ("uuid", "d"),
    ]
    .iter()
    .map(|(k, v)| (*k, (*v).to_owned()))
    .collect();
    sign(&mut params, API_KEY);
    app.post(AGGREGATE, &params).await
}

async fn user_id(app: &TestApp) -> i64 {
    app.store()
        .find_user_by_barcode(BARCODE)
        .await
        .unwrap()
        .unwrap()
        .id
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
        .find_user_by_barcode("/OTHER01")
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
    assert_eq!(notes[0].kind, "consent.voided");
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
        app.platform.sign_in_user(BARCODE, CODE).await.is_err(),
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

async fn deletion_requests_api_for_the_developer(app: &TestApp) {
    let user = user_id(app).await;
    let filed = app
        .platform
        .request_deletion(user, APP_ID, RequestKind::StopUse)
        .await
        .unwrap();
    let url = format!("{}/api/v2/deletion-requests", app.base);
    let refused = app
        .http
        .get(&url)
        .basic_auth(APP_ID, Some("wrong"))
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 401);
    let list: Value = app
        .http
        .get(&url)
        .basic_auth(APP_ID, Some(API_KEY))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(list["requests"][0]["id"], filed.id);
    assert_eq!(list["requests"][0]["kind"], "stop-use");
    assert_eq!(list["requests"][0]["mobileBarcode"], BARCODE);
    let done_url = format!("{url}/{}/complete", filed.id);
    let done: Value = app
        .http
        .post(&done_url)
        .basic_auth(APP_ID, Some(API_KEY))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(done["completedAt"].is_string(), "{done}");
    let mine = app.platform.deletion_requests_of_user(user).await.unwrap();
    assert!(mine[0].completed_at.is_some() && mine[0].acknowledged_at.is_some());
    let missing = app
        .http
        .post(format!("{url}/999/acknowledge"))
        .basic_auth(APP_ID, Some(API_KEY))
        .send()
        .await
        .unwrap();
    assert_eq!(missing.status(), 404);
}

async fn blank_pages_are_html_and_json_only_on_bad_parameters(app: &TestApp) {
    let base = format!("{}/PB2CAPIVAN/APIService", app.base);
    let bad: Value = app
        .http
        .get(format!("{base}/generalCarrierRegBlank?appID={APP_ID}"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(bad["code"], 903, "{bad}");
    assert!(bad["msg"].as_str().unwrap().contains("uuid"));
    let page = app
        .http
        .get(format!(
            "{base}/generalCarrierRegBlank?appID={APP_ID}&uuid=d"
        ))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("<form"), "{page}");
    let card = "cardCode=3J0002&cardNo=%2FAB12%2B-.&uuid=d";
    let wrong: Value = app
        .http
        .get(format!(
            "{base}/carrierBankAccBlank?appID={APP_ID}&{card}&verifyCode=nope"
        ))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(wrong["code"], 919);
    let url = format!("{base}/carrierBankAccBlank?appID={APP_ID}&{card}&verifyCode={CODE}");
    let form = app
        .http
        .get(&url)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(form.contains("bankCode"));
    let saved = app
        .http
        .post(&url)
        .form(&[("bankCode", "004"), ("accountNo", "123456789012")])
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(saved.contains("flash"), "{saved}");
    // R5.2: without a live consent the page refuses like the API (998).
    let user = user_id(app).await;
    let grant = app.platform.consents_of_user(user).await.unwrap().remove(0);
    app.platform.revoke_consent(user, grant.id).await.unwrap();
    let refused: Value = app
        .http
        .get(&url)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(refused["code"], 998);
}
