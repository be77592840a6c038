//! Consent end to end (R5.2–R5.6, R6.1, R10.2): each rule broken once and the refusal seen,
//! over the real server and a real database (SQLite and PostgreSQL).

use crate::common::*;
use chrono::Duration;
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
    r5_2_two_requests_at_the_same_instant_are_one,
    blank_pages_are_html_and_json_only_on_bad_parameters,
    blank_pages_change_nothing_on_get_and_need_session_and_csrf,
    registration_issues_the_barcode,
    aggregation_needs_proof_of_holding,
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

/// A client that neither follows redirects nor keeps cookies, so each step is seen.
fn step_client() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

/// The `einv_blank=…` pair a response sets.
fn blank_cookie(resp: &reqwest::Response) -> String {
    resp.headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("einv_blank="))
        .and_then(|v| v.split(';').next())
        .unwrap()
        .to_owned()
}

fn csrf_of(page: &str) -> String {
    let at = page.find("name=\"csrf\" value=\"").unwrap() + 19;
    page[at..at + 64].to_owned()
}

async fn blank_pages_are_html_and_json_only_on_bad_parameters(app: &TestApp) {
    let base = format!("{}/PB2CAPIVAN/APIService", app.base);
    let http = step_client();
    let bad: Value = http
        .get(format!("{base}/generalCarrierRegBlank?appID={APP_ID}"))
        .send_json()
        .await;
    assert_eq!(bad["code"], 903, "{bad}");
    assert!(bad["msg"].as_str().unwrap().contains("uuid"));
    let card = "cardCode=3J0002&cardNo=%2FAB12%2B-.&uuid=d";
    let wrong: Value = http
        .get(format!(
            "{base}/carrierBankAccBlank?appID={APP_ID}&{card}&verifyCode=nope"
        ))
        .send_json()
        .await;
    assert_eq!(wrong["code"], 919);
    // R5.2: without a live consent the page refuses like the API (998).
    let user = user_id(app).await;
    let url = format!("{base}/carrierBankAccBlank?appID={APP_ID}&{card}&verifyCode={CODE}");
    let entry = http.get(&url).send_ok().await;
    assert_eq!(entry.status(), 303);
    let grant = app.platform.consents_of_user(user).await.unwrap().remove(0);
    app.platform.revoke_consent(user, grant.id).await.unwrap();
    let refused: Value = http.get(&url).send_json().await;
    assert_eq!(refused["code"], 998);
}

/// Hole 6: a GET never changes anything; the MOF entry URL opens a session and sends the User
/// to the bare page (the verification code leaves the URL); only a POST with that session's
/// cookie and CSRF token changes the bank account, and the change is audited.
async fn blank_pages_change_nothing_on_get_and_need_session_and_csrf(app: &TestApp) {
    let base = format!("{}/PB2CAPIVAN/APIService", app.base);
    let http = step_client();
    let card = "cardCode=3J0002&cardNo=%2FAB12%2B-.&uuid=d";
    let old_style = format!(
        "{base}/carrierBankAccBlank?appID={APP_ID}&{card}&verifyCode={CODE}&bankCode=004&accountNo=123456789012"
    );
    let entry = http.get(&old_style).send_ok().await;
    assert_eq!(entry.status(), 303, "the entry only opens the page");
    let location = entry.headers()["location"].to_str().unwrap().to_owned();
    assert_eq!(location, "/PB2CAPIVAN/APIService/carrierBankAccBlank");
    let cookie = blank_cookie(&entry);
    let page = http
        .get(format!("{}{location}", app.base))
        .header("cookie", &cookie)
        .send_text()
        .await;
    assert!(
        page.contains("bankCode") && page.contains("method=\"post\""),
        "{page}"
    );
    assert!(
        !page.contains("verifyCode") && !page.contains(CODE),
        "no code in the form: {page}"
    );
    app.platform.flush_audit().await.unwrap();
    let audited = |app: &TestApp| {
        let store = app.store().clone();
        async move {
            store
                .audit_entries(&einv_store::AuditFilter::All, 100)
                .await
                .unwrap()
                .iter()
                .filter(|e| e.content.detail.contains("bank-account.recorded"))
                .count()
        }
    };
    assert_eq!(audited(app).await, 0, "a GET recorded nothing");
    let csrf = csrf_of(&page);
    let bare = format!("{}{location}", app.base);
    let form = [("bankCode", "004"), ("accountNo", "123456789012")];
    // No session cookie: a forged cross-site post changes nothing.
    let forged = http
        .post(&bare)
        .form(&[form[0], form[1], ("csrf", csrf.as_str())])
        .send_ok()
        .await;
    assert_eq!(forged.status(), 403);
    // The cookie without the right token: refused too.
    let wrong = http
        .post(&bare)
        .header("cookie", &cookie)
        .form(&[form[0], form[1], ("csrf", "0".repeat(64).as_str())])
        .send_ok()
        .await;
    assert_eq!(wrong.status(), 403);
    app.platform.flush_audit().await.unwrap();
    assert_eq!(audited(app).await, 0);
    let saved = http
        .post(&bare)
        .header("cookie", &cookie)
        .form(&[form[0], form[1], ("csrf", csrf.as_str())])
        .send_ok()
        .await;
    assert_eq!(saved.status(), 200);
    assert!(saved.text().await.unwrap().contains("flash"));
    app.platform.flush_audit().await.unwrap();
    assert_eq!(audited(app).await, 1, "the change is audited");
    // The session ends with its change: the same form cannot be replayed.
    let replay = http
        .post(&bare)
        .header("cookie", &cookie)
        .form(&[form[0], form[1], ("csrf", csrf.as_str())])
        .send_ok()
        .await;
    assert_eq!(replay.status(), 403);
}

/// Ownership is proven, never claimed: the registration page lets no one choose a barcode;
/// the Platform issues a fresh, valid one and the User sets only the code.
async fn registration_issues_the_barcode(app: &TestApp) {
    let base = format!("{}/PB2CAPIVAN/APIService", app.base);
    let http = step_client();
    let entry = http
        .get(format!(
            "{base}/generalCarrierRegBlank?appID={APP_ID}&uuid=d&barcode=%2FAB12%2B-."
        ))
        .send_ok()
        .await;
    assert_eq!(entry.status(), 303);
    let cookie = blank_cookie(&entry);
    let bare = format!("{base}/generalCarrierRegBlank");
    let page = http.get(&bare).header("cookie", &cookie).send_text().await;
    assert!(
        !page.contains("name=\"barcode\""),
        "no barcode field: {page}"
    );
    let csrf = csrf_of(&page);
    let done = http
        .post(&bare)
        .header("cookie", &cookie)
        .form(&[
            ("code", "Fresh123"),
            ("barcode", BARCODE),
            ("csrf", csrf.as_str()),
        ])
        .send_text()
        .await;
    let at = done
        .find("barcode is /")
        .map(|i| i + 11)
        .or_else(|| done.find("條碼是 /").map(|i| i + "條碼是 ".len()))
        .unwrap_or_else(|| panic!("{done}"));
    let issued = &done[at..at + 8];
    assert_ne!(issued, BARCODE, "the barcode asked for is ignored");
    einv_core::MobileBarcode::parse(issued).unwrap();
    app.platform
        .sign_in_user(issued, "Fresh123", None)
        .await
        .unwrap();
    let again = app.platform.register_user("Fresh123").await.unwrap();
    assert_ne!(
        again.mobile_barcode.as_str(),
        issued,
        "every registration gets a fresh barcode"
    );
}

/// Ownership is proven, never claimed: a carrier is aggregated only with the hidden code a
/// seller uploaded for it, or the one its issuer confirmed; a made-up code is refused.
async fn aggregation_needs_proof_of_holding(app: &TestApp) {
    let p = &app.platform;
    let caller = einv_server::services::Caller {
        app_id: APP_ID.into(),
        ip: None,
        device: Some("d".into()),
    };
    let holder = p
        .authenticate_carrier(
            &caller,
            Service::CarrierAggregation,
            &einv_core::Carrier::parse("3J0002", BARCODE).unwrap(),
            &einv_core::VerificationCode::parse(CODE).unwrap(),
        )
        .await
        .unwrap();
    // The fixture's EasyCard invoice carries hidden code EASYCARD_HIDDEN; another card has
    // no invoice and no issuer confirmation yet.
    let made_up = p
        .aggregate_carrier(
            &caller,
            &holder,
            "1K0001",
            "9999888877776666",
            "guess",
            "卡",
        )
        .await
        .unwrap_err();
    assert!(
        matches!(&made_up, ServiceError::Invalid(e) if e.field == "carrierId2"),
        "{made_up:?}"
    );
    p.confirm_carrier_by_issuer("EasyCard", "1K0001", "9999888877776666", "H-REAL")
        .await
        .unwrap();
    let wrong = p
        .aggregate_carrier(
            &caller,
            &holder,
            "1K0001",
            "9999888877776666",
            "H-FAKE",
            "卡",
        )
        .await;
    assert!(wrong.is_err(), "the issuer confirmed another code");
    p.aggregate_carrier(
        &caller,
        &holder,
        "1K0001",
        "9999888877776666",
        "H-REAL",
        "卡",
    )
    .await
    .unwrap();
    let linked = app.store().user_carriers(holder.user.id).await.unwrap();
    assert!(linked.iter().any(|l| l.id1 == "9999888877776666"));
    // The fixture's EasyCard was proven by its uploaded hidden code; a second User cannot
    // take it over by claiming it.
    let other = p.register_user("Other123").await.unwrap();
    let grant = standard_consent(&Service::ALL);
    p.grant_consent(other.id, APP_ID, &grant, None)
        .await
        .unwrap();
    let other_holder = p
        .authenticate_carrier(
            &caller,
            Service::CarrierAggregation,
            &einv_core::Carrier::parse("3J0002", other.mobile_barcode.as_str()).unwrap(),
            &einv_core::VerificationCode::parse("Other123").unwrap(),
        )
        .await
        .unwrap();
    let taken = p
        .aggregate_carrier(
            &caller,
            &other_holder,
            "1K0001",
            EASYCARD,
            EASYCARD_HIDDEN,
            "卡",
        )
        .await
        .unwrap_err();
    assert!(matches!(taken, ServiceError::Invalid(e) if e.field == "carrierId1"));
}
