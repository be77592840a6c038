//! The v1 blank pages (R6.1 registration, aggregation with proof of holding): HTML, no change
//! on GET, a session and a CSRF token for every change.

use super::*;

both_backends!(
    blank_pages_are_html_and_json_only_on_bad_parameters,
    blank_pages_change_nothing_on_get_and_need_session_and_csrf,
    registration_issues_the_barcode,
    aggregation_needs_proof_of_holding,
);

/// A client that neither follows redirects nor keeps cookies, so each step is seen.
fn step_client() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

/// The `einv_blank=…` pair a response sets.
fn blank_cookie(resp: &reqwest::Response) -> String {
    crate::common::web::cookie_pair(resp, "einv_blank").unwrap()
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
    // The form with the session cookie and the token `csrf`, as the page's own browser posts it.
    let submit = |csrf: &str| {
        let post =
            http.post(&bare)
                .header("cookie", &cookie)
                .form(&[form[0], form[1], ("csrf", csrf)]);
        post.send_ok()
    };
    // No session cookie: a forged cross-site post changes nothing.
    let forged = http
        .post(&bare)
        .form(&[form[0], form[1], ("csrf", csrf.as_str())])
        .send_ok()
        .await;
    assert_eq!(forged.status(), 403);
    // The cookie without the right token: refused too.
    let wrong = submit(&"0".repeat(64)).await;
    assert_eq!(wrong.status(), 403);
    app.platform.flush_audit().await.unwrap();
    assert_eq!(audited(app).await, 0);
    let saved = submit(&csrf).await;
    assert_eq!(saved.status(), 200);
    assert!(saved.text().await.unwrap().contains("flash"));
    app.platform.flush_audit().await.unwrap();
    assert_eq!(audited(app).await, 1, "the change is audited");
    // The session ends with its change: the same form cannot be replayed.
    let replay = submit(&csrf).await;
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
        app_id: app_id(),
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
    p.grant_consent(other.id, &app_id(), &grant, None)
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
