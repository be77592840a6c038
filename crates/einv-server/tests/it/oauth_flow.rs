//! The OAuth 2.0 + PKCE consent flow (R5.2, R5.4): approval records a grant and yields a code;
//! the code needs the right verifier; tokens refresh while the grant lives and die with it.

use crate::common::*;
use base64::Engine;
use einv_server::services::AuthorizeParams;
use serde_json::Value;
use sha2::Digest;

both_backends!(
    pkce_code_exchange_refresh_and_revocation,
    authorize_refuses_bad_clients_and_requests,
    r5_6_a_lapsed_consent_is_its_own_answer
);

const VERIFIER: &str = "a-very-long-code-verifier-with-enough-entropy-0123456789";

fn params() -> AuthorizeParams {
    let challenge = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .encode(sha2::Sha256::digest(VERIFIER.as_bytes()));
    let mut consent =
        einv_server::services::standard_consent(&[einv_core::Service::CarrierInvoices]);
    consent.services.clear();
    AuthorizeParams {
        client_id: APP_ID.into(),
        redirect_uri: REDIRECT_URI.into(),
        response_type: "code".into(),
        scope: "carrier-invoices".into(),
        state: "xyz".into(),
        code_challenge: challenge,
        code_challenge_method: "S256".into(),
        consent,
    }
}

async fn token(app: &TestApp, form: &[(&str, &str)]) -> (u16, Value) {
    let res = app
        .http
        .post(format!("{}/oauth/token", app.base))
        .basic_auth(APP_ID, Some(API_KEY))
        .form(form)
        .send_ok()
        .await;
    (res.status().as_u16(), res.json().await.unwrap())
}

async fn code_for(app: &TestApp) -> String {
    let p = &app.platform;
    let client = p.check_client(&params()).await.unwrap();
    let req = p.check_authorize(client, &params()).await.unwrap();
    let user = app.user(BARCODE).await;
    p.approve_authorization(user.id, &req).await.unwrap()
}

async fn introspect(app: &TestApp, token: &str) -> Value {
    let url = format!("{}/oauth/introspect", app.base);
    app.http
        .post(url)
        .basic_auth(APP_ID, Some(API_KEY))
        .form(&[("token", token)])
        .send_json()
        .await
}

async fn pkce_code_exchange_refresh_and_revocation(app: &TestApp) {
    // RFC 7636: a wrong verifier is invalid_grant, and burns the code.
    let code = code_for(app).await;
    let wrong_verifier = "x".repeat(43);
    let wrong = [
        ("grant_type", "authorization_code"),
        ("code", code.as_str()),
        ("redirect_uri", REDIRECT_URI),
        ("code_verifier", wrong_verifier.as_str()),
    ];
    let (status, body) = token(app, &wrong).await;
    assert_eq!(
        (status, body["error"].as_str().unwrap()),
        (400, "invalid_grant"),
        "{body}"
    );
    let code = code_for(app).await;
    let right = [
        ("grant_type", "authorization_code"),
        ("code", code.as_str()),
        ("redirect_uri", REDIRECT_URI),
        ("code_verifier", VERIFIER),
    ];
    let (status, tokens) = token(app, &right).await;
    assert_eq!(status, 200, "{tokens}");
    assert_eq!(
        (tokens["token_type"].as_str(), tokens["expires_in"].as_i64()),
        (Some("Bearer"), Some(600))
    );
    assert_eq!(tokens["scope"], "carrier-invoices");
    assert_eq!(
        token(app, &right).await.1["error"],
        "invalid_grant",
        "a code is used once"
    );
    let access = tokens["access_token"].as_str().unwrap();
    assert_eq!(introspect(app, access).await["active"], true);
    let refresh = tokens["refresh_token"].as_str().unwrap();
    let (status, again) = token(
        app,
        &[("grant_type", "refresh_token"), ("refresh_token", refresh)],
    )
    .await;
    assert_eq!(status, 200, "{again}");
    assert_eq!(
        token(
            app,
            &[("grant_type", "refresh_token"), ("refresh_token", refresh)]
        )
        .await
        .1["error"],
        "invalid_grant",
        "rotated"
    );
    // Another app's credentials cannot use these tokens.
    let bad = app
        .http
        .post(format!("{}/oauth/token", app.base))
        .basic_auth(APP_ID, Some("nope"))
        .form(&[("grant_type", "refresh_token")])
        .send_ok()
        .await;
    assert_eq!(bad.status(), 401);
    // R5.2: revocation kills the tokens.
    revoke_newest_consent(app).await;
    let new_access = again["access_token"].as_str().unwrap();
    assert_eq!(introspect(app, new_access).await["active"], false);
    let new_refresh = again["refresh_token"].as_str().unwrap();
    let (status, body) = token(
        app,
        &[
            ("grant_type", "refresh_token"),
            ("refresh_token", new_refresh),
        ],
    )
    .await;
    assert_eq!(
        (status, body["error"].as_str().unwrap()),
        (400, "invalid_grant")
    );
}

async fn authorize_refuses_bad_clients_and_requests(app: &TestApp) {
    let p = &app.platform;
    let mut bad = params();
    bad.redirect_uri = "https://evil.example/cb".into();
    assert!(p
        .check_client(&bad)
        .await
        .unwrap_err()
        .to_string()
        .contains("redirect_uri"));
    let client = p.check_client(&params()).await.unwrap();
    let mut plain = params();
    plain.code_challenge_method = "plain".into();
    assert!(authorize_refusal(app, &client, &plain)
        .await
        .contains("S256"));
    let mut no_region = params();
    no_region.consent.region.clear();
    assert!(authorize_refusal(app, &client, &no_region)
        .await
        .contains("region: R5.4"));
    // Over HTTP, a request with a bad item redirects back with the error; unsigned-in Users go
    // to the sign-in page first.
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let query = serde_urlencoded_string(&no_region);
    let res = http
        .get(format!("{}/oauth/authorize?{query}", app.base))
        .send_ok()
        .await;
    let location = res.headers()["location"].to_str().unwrap().to_owned();
    assert!(
        location.starts_with(REDIRECT_URI)
            && location.contains("error=invalid_scope")
            && location.contains("state=xyz"),
        "{location}"
    );
    let res = http
        .get(format!(
            "{}/oauth/authorize?{}",
            app.base,
            serde_urlencoded_string(&params())
        ))
        .send_ok()
        .await;
    assert!(res.headers()["location"]
        .to_str()
        .unwrap()
        .starts_with("/me/login?next="));
}

/// Why the consent page refuses `request` from `client` (a checked client).
async fn authorize_refusal(
    app: &TestApp,
    client: &einv_store::AppRecord,
    request: &AuthorizeParams,
) -> String {
    let check = app.platform.check_authorize(client.clone(), request);
    check.await.unwrap_err().to_string()
}

fn serde_urlencoded_string(p: &AuthorizeParams) -> String {
    let value = serde_json::to_value(p).unwrap();
    let mut s = form_urlencoded::Serializer::new(String::new());
    for (k, v) in value.as_object().unwrap() {
        if let Some(v) = v.as_str() {
            s.append_pair(k, v);
        }
    }
    s.finish()
}

/// R5.6: once six months have passed, the tokens the app still holds are not just "invalid":
/// v2 answers the `consent-lapsed` problem type citing R5.6, and a refresh is `invalid_grant`
/// saying the consent lapsed, so the app sends the User back to the consent page. A revoked
/// consent (R5.2) is `consent-required`, not a lapse.
async fn r5_6_a_lapsed_consent_is_its_own_answer(app: &TestApp) {
    let tokens = fresh_tokens(app).await;
    let (access, refresh) = (
        tokens["access_token"].as_str().unwrap(),
        tokens["refresh_token"].as_str().unwrap(),
    );
    let path = "/api/v2/me/invoices?from=2026-11-01&to=2026-11-30";
    let call = |token: &str| {
        v2_request(app, reqwest::Method::GET, path, b"")
            .bearer_auth(token)
            .send()
    };
    assert_eq!(call(access).await.unwrap().status(), 200);
    // One day past six calendar months.
    app.clock.advance(chrono::Duration::days(185));
    let lapsed = call(access).await.unwrap();
    assert_eq!(lapsed.status(), 403);
    let body: Value = lapsed.json().await.unwrap();
    assert!(
        body["type"].as_str().unwrap().ends_with("/consent-lapsed"),
        "{body}"
    );
    assert_eq!(body["rule"], "R5.6", "{body}");
    let (status, refused) = token(
        app,
        &[("grant_type", "refresh_token"), ("refresh_token", refresh)],
    )
    .await;
    assert_eq!(
        (status, refused["error"].as_str()),
        (400, Some("invalid_grant"))
    );
    assert!(
        refused["error_description"]
            .as_str()
            .unwrap()
            .contains("R5.6"),
        "{refused}"
    );
    // A fresh consent works again; revoked, its live token is `consent-required` (R5.2).
    let tokens = fresh_tokens(app).await;
    let access = tokens["access_token"].as_str().unwrap();
    revoke_newest_consent(app).await;
    let revoked: Value = call(access).await.unwrap().json().await.unwrap();
    assert!(
        revoked["type"]
            .as_str()
            .unwrap()
            .ends_with("/consent-required"),
        "{revoked}"
    );
    assert_eq!(revoked["rule"], "R5.2", "{revoked}");
}

/// R5.2: the fixture User revokes their newest consent.
async fn revoke_newest_consent(app: &TestApp) {
    let user = app.user(BARCODE).await;
    let newest = app
        .platform
        .consents_of_user(user.id)
        .await
        .unwrap()
        .remove(0);
    app.platform
        .revoke_consent(user.id, newest.id)
        .await
        .unwrap();
}

/// Exchanges a fresh code for tokens.
async fn fresh_tokens(app: &TestApp) -> Value {
    let code = code_for(app).await;
    let (status, tokens) = token(
        app,
        &[
            ("grant_type", "authorization_code"),
            ("code", code.as_str()),
            ("redirect_uri", REDIRECT_URI),
            ("code_verifier", VERIFIER),
        ],
    )
    .await;
    assert_eq!(status, 200, "{tokens}");
    tokens
}
