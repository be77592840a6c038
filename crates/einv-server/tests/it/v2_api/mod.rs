//! v2 over a real server (SQLite and PostgreSQL), one module per part of the API: signatures
//! (`signatures`), what needs no User (`public`), a User's data by consent token (`me`); here
//! the helpers they share (problem+json with a stable type per failure, consent tokens) and
//! the OpenAPI document.

use crate::common::*;
use base64::Engine;
use einv_core::flow::{FlowLimits, RateLimit};
use einv_core::httpsig::{sign_request, SignedHeaders, Signer, SigningKey, Unsigned};
use einv_server::services::{AuthorizeParams, FlowControl};
use reqwest::Method;
use serde_json::Value;
use sha2::Digest;

mod me;
mod public;
mod signatures;

const VERIFIER: &str = "a-very-long-code-verifier-with-enough-entropy-0123456789";

async fn send(req: reqwest::RequestBuilder) -> (u16, reqwest::header::HeaderMap, Value) {
    let res = req.send_ok().await;
    let status = res.status().as_u16();
    let headers = res.headers().clone();
    let text = res.text().await.unwrap();
    let body = if text.is_empty() {
        Value::Null
    } else {
        serde_json::from_str(&text).unwrap()
    };
    (status, headers, body)
}

async fn get(app: &TestApp, path: &str) -> (u16, reqwest::header::HeaderMap, Value) {
    send(v2_request(app, Method::GET, path, b"")).await
}

/// GET `path` signed with the APIKey, carrying the consent token `token`.
async fn get_with_token(
    app: &TestApp,
    path: &str,
    token: &str,
) -> (u16, reqwest::header::HeaderMap, Value) {
    send(v2_request(app, Method::GET, path, b"").bearer_auth(token)).await
}

/// GETs `path` (signed with the APIKey), asserting a problem+json answer of `slug` with
/// `status`; returns it.
async fn problem_at(app: &TestApp, path: &str, status: u16, slug: &str) -> Value {
    problem(&get(app, path).await, status, slug)
}

/// Asserts a problem+json answer of `slug` with `status`, returning it.
fn problem(answer: &(u16, reqwest::header::HeaderMap, Value), status: u16, slug: &str) -> Value {
    let (s, headers, body) = answer;
    assert_eq!(*s, status, "{body}");
    assert_eq!(
        headers["content-type"], "application/problem+json",
        "{body}"
    );
    // On the Platform's own domain: the test server's address (no public URL configured).
    let type_uri = body["type"].as_str().unwrap_or_default();
    assert!(
        type_uri.starts_with("http://127.0.0.1:")
            && type_uri.ends_with(&format!("/problems/{slug}")),
        "{body}"
    );
    assert_eq!(body["status"], status);
    assert!(body["title"].is_string() && body["detail"].is_string());
    body.clone()
}

/// An access token for the fixture User's consent to the test app covering `scope`.
pub(crate) async fn token(app: &TestApp, scope: &str) -> String {
    token_for(app, APP_ID, API_KEY, scope).await
}

/// A consent token of the fixture User for `scope`, issued to app `client_id` (its key `key`).
pub(crate) async fn token_for(app: &TestApp, client_id: &str, key: &str, scope: &str) -> String {
    let challenge = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .encode(sha2::Sha256::digest(VERIFIER.as_bytes()));
    let mut consent = einv_server::services::standard_consent(&[]);
    consent.services.clear();
    let params = AuthorizeParams {
        client_id: client_id.into(),
        redirect_uri: REDIRECT_URI.into(),
        response_type: "code".into(),
        scope: scope.into(),
        state: "s".into(),
        code_challenge: challenge,
        code_challenge_method: "S256".into(),
        consent,
    };
    let p = &app.platform;
    let client = p.check_client(&params).await.unwrap();
    let req = p.check_authorize(client, &params).await.unwrap();
    let user = app.user(BARCODE).await;
    let code = p.approve_authorization(user.id, &req).await.unwrap();
    let tokens = app
        .http
        .post(app.url("/oauth/token"))
        .basic_auth(client_id, Some(key))
        .form(&[
            ("grant_type", "authorization_code"),
            ("code", code.as_str()),
            ("redirect_uri", REDIRECT_URI),
            ("code_verifier", VERIFIER),
        ])
        .send_json()
        .await;
    tokens["access_token"].as_str().unwrap().to_owned()
}

/// The OpenAPI document is generated from the code; a change of the API shows as a diff of
/// this snapshot (CI runs with snapshots locked).
#[test]
fn openapi_document_does_not_drift() {
    use utoipa::OpenApi;
    let doc = serde_json::to_value(einv_server::http::v2::openapi::ApiDoc::openapi()).unwrap();
    assert_eq!(doc["openapi"], "3.1.0");
    insta::assert_json_snapshot!("v2_openapi", doc);
}

#[tokio::test]
async fn openapi_is_served_and_docs_render_offline() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let (status, _, doc) = send(app.http.get(format!("{}/api/v2/openapi.json", app.base))).await;
    assert_eq!(status, 200);
    assert!(
        doc["paths"]["/api/v2/me/invoices"]["get"].is_object(),
        "{doc}"
    );
    let page = app.http.get(format!("{}/docs", app.base)).send_ok().await;
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    assert!(html.contains("/api/v2/donations") && html.contains("clock-skew"));
    assert!(!html.contains("<script"), "no script, no CDN");
    app.stop().await;
}
