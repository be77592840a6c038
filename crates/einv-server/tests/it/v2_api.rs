//! v2 over a real server (SQLite and PostgreSQL): RFC 9421 signatures and each refusal they
//! can meet (unsigned, replayed, 6 minutes old, body changed after signing, wrong key, unknown
//! keyid, suspended licence), Ed25519 with a registered public key, consent tokens instead of
//! verification codes, problem+json with a stable type per failure, ETag, cursor pagination,
//! idempotent donation, RateLimit headers and 429.

use crate::common::*;
use base64::Engine;
use einv_core::flow::{FlowLimits, RateLimit};
use einv_core::httpsig::{sign_request, Signer, SigningKey, Unsigned};
use einv_server::services::{AuthorizeParams, FlowControl};
use reqwest::Method;
use serde_json::Value;
use sha2::Digest;

both_backends!(
    signatures_refuse_unsigned_replayed_stale_altered_and_unknown,
    ed25519_signed_request_with_a_registered_public_key,
    winning_numbers_carry_an_etag,
    public_lookups_and_their_problems,
    user_data_needs_the_consent_token_and_its_scope,
    invoices_page_by_cursor_and_show_detail,
    donation_is_idempotent,
    the_apps_own_licence_notifications_audit_and_requests,
);

const VERIFIER: &str = "a-very-long-code-verifier-with-enough-entropy-0123456789";

async fn send(req: reqwest::RequestBuilder) -> (u16, reqwest::header::HeaderMap, Value) {
    let res = req.send().await.unwrap();
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
    let user = app
        .store()
        .find_user_by_barcode(&BARCODE.parse().unwrap())
        .await
        .unwrap()
        .unwrap();
    let code = p.approve_authorization(user.id, &req).await.unwrap();
    let tokens: Value = app
        .http
        .post(format!("{}/oauth/token", app.base))
        .basic_auth(client_id, Some(key))
        .form(&[
            ("grant_type", "authorization_code"),
            ("code", code.as_str()),
            ("redirect_uri", REDIRECT_URI),
            ("code_verifier", VERIFIER),
        ])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    tokens["access_token"].as_str().unwrap().to_owned()
}

async fn signatures_refuse_unsigned_replayed_stale_altered_and_unknown(app: &TestApp) {
    let url = format!("{}/api/v2/licence", app.base);
    let unsigned = send(app.http.get(&url)).await;
    problem(&unsigned, 401, "signature-missing");
    assert!(unsigned.1["www-authenticate"]
        .to_str()
        .unwrap()
        .starts_with("Signature"));

    let ok = get(app, "/api/v2/licence").await;
    assert_eq!(ok.0, 200, "{}", ok.2);
    assert!(ok.1.contains_key("ratelimit-policy") && ok.1.contains_key("ratelimit"));

    // A replayed request: the same nonce within the window.
    let nonce = fresh_nonce();
    let key = SigningKey::Hmac(API_KEY.as_bytes());
    let now = app.now_unix();
    let first = v2_request_with(app, Method::GET, "/api/v2/licence", b"", now, &nonce, &key);
    assert_eq!(send(first).await.0, 200);
    let again = v2_request_with(app, Method::GET, "/api/v2/licence", b"", now, &nonce, &key);
    let replay = problem(&send(again).await, 401, "replay");
    assert_eq!(replay["field"], "nonce");

    // Six minutes old; six minutes ahead.
    for created in [now - 360, now + 360] {
        let stale = v2_request_with(
            app,
            Method::GET,
            "/api/v2/licence",
            b"",
            created,
            &fresh_nonce(),
            &key,
        );
        let p = problem(&send(stale).await, 401, "clock-skew");
        assert_eq!(p["field"], "created");
    }
    // Within five minutes is fine.
    let recent = v2_request_with(
        app,
        Method::GET,
        "/api/v2/licence",
        b"",
        now - 240,
        &fresh_nonce(),
        &key,
    );
    assert_eq!(send(recent).await.0, 200);

    // The body changed after signing.
    let body = br#"{"invoiceNumber":"AB00000001","invoiceDate":"2026-11-20","loveCode":"919"}"#;
    let altered = v2_request(app, Method::POST, "/api/v2/donations", body).body(
        br#"{"invoiceNumber":"AB00000002","invoiceDate":"2026-11-21","loveCode":"919"}"#.to_vec(),
    );
    problem(&send(altered).await, 400, "digest-mismatch");

    // Signed with another key; a query added after signing.
    let wrong = v2_request_with(
        app,
        Method::GET,
        "/api/v2/licence",
        b"",
        now,
        &fresh_nonce(),
        &SigningKey::Hmac(b"not-the-key"),
    );
    problem(&send(wrong).await, 401, "bad-signature");
    let h = sign_request(
        &Unsigned {
            method: "GET",
            path: "/api/v2/licence",
            query: None,
            body: b"",
        },
        &Signer {
            key_id: APP_ID,
            created: now,
            nonce: &fresh_nonce(),
            key: key.clone(),
        },
    );
    let moved = app
        .http
        .get(format!("{url}?x=1"))
        .header("content-digest", &h.content_digest)
        .header("signature-input", &h.signature_input)
        .header("signature", &h.signature);
    problem(&send(moved).await, 401, "bad-signature");

    // An AppID never issued.
    let h = sign_request(
        &Unsigned {
            method: "GET",
            path: "/api/v2/licence",
            query: None,
            body: b"",
        },
        &Signer {
            key_id: "EINVNOSUCHAPP01",
            created: now,
            nonce: &fresh_nonce(),
            key: key.clone(),
        },
    );
    let unknown = app
        .http
        .get(&url)
        .header("content-digest", &h.content_digest)
        .header("signature-input", &h.signature_input)
        .header("signature", &h.signature);
    problem(&send(unknown).await, 401, "unknown-key");

    // Malformed headers name the header.
    let malformed = app
        .http
        .get(&url)
        .header("content-digest", "sha-256=:x:")
        .header("signature-input", "sig1=(\"@method\")")
        .header("signature", "sig1=:AAAA:");
    let p = problem(&send(malformed).await, 400, "signature-malformed");
    assert_eq!(p["field"], "signature-input");

    // R10.2: a suspended app is refused with its own type.
    app.store()
        .set_app_status(&app_id(), einv_store::AppStatus::Suspended)
        .await
        .unwrap();
    let p = problem(&get(app, "/api/v2/licence").await, 403, "licence-suspended");
    assert_eq!(p["rule"], "R10.2");
    app.store()
        .set_app_status(&app_id(), einv_store::AppStatus::Active)
        .await
        .unwrap();
}

async fn ed25519_signed_request_with_a_registered_public_key(app: &TestApp) {
    let seed = [7u8; 32];
    let public = einv_core::httpsig::ed25519_public_key(&seed);
    let key = SigningKey::Ed25519(&seed);
    let before = v2_request_with(
        app,
        Method::GET,
        "/api/v2/licence",
        b"",
        app.now_unix(),
        &fresh_nonce(),
        &key,
    );
    problem(&send(before).await, 401, "bad-signature");
    let encoded = base64::engine::general_purpose::STANDARD.encode(public);
    app.platform
        .register_signing_key(&app_id(), &encoded, "laptop")
        .await
        .unwrap();
    assert!(app
        .platform
        .register_signing_key(&app_id(), "AAAA", "x")
        .await
        .is_err());
    let signed = v2_request_with(
        app,
        Method::GET,
        "/api/v2/licence",
        b"",
        app.now_unix(),
        &fresh_nonce(),
        &key,
    );
    let (status, _, licence) = send(signed).await;
    assert_eq!(status, 200, "{licence}");
    assert_eq!(
        licence["signingMethods"],
        serde_json::json!(["hmac-sha256", "ed25519"])
    );
    assert_eq!(licence["publicKeys"][0]["publicKey"], encoded);
    // A revoked key no longer verifies.
    let id = licence["publicKeys"][0]["id"].as_i64().unwrap();
    app.platform
        .revoke_signing_key(&app_id(), id)
        .await
        .unwrap();
    let after = v2_request_with(
        app,
        Method::GET,
        "/api/v2/licence",
        b"",
        app.now_unix(),
        &fresh_nonce(),
        &key,
    );
    problem(&send(after).await, 401, "bad-signature");
}

async fn winning_numbers_carry_an_etag(app: &TestApp) {
    let (status, headers, body) = get(app, "/api/v2/winning-numbers/11510").await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["period"], "11510");
    assert_eq!(body["numbers"]["superPrizeNo"], "88515559");
    let etag = headers["etag"].to_str().unwrap().to_owned();
    let cached = v2_request(app, Method::GET, "/api/v2/winning-numbers/11510", b"")
        .header("if-none-match", &etag);
    let (status, headers, body) = send(cached).await;
    assert_eq!((status, body), (304, Value::Null));
    assert_eq!(headers["etag"].to_str().unwrap(), etag);
    let p = problem(
        &get(app, "/api/v2/winning-numbers/11512").await,
        404,
        "not-found",
    );
    assert_eq!(p["field"], "period");
    let p = problem(
        &get(app, "/api/v2/winning-numbers/11511").await,
        400,
        "invalid-field",
    );
    assert_eq!(p["field"], "period");
}

async fn public_lookups_and_their_problems(app: &TestApp) {
    let (status, _, found) = get(app, "/api/v2/charities?query=919").await;
    assert_eq!(status, 200, "{found}");
    assert_eq!(found["charities"][0]["loveCode"], "919");
    let p = problem(&get(app, "/api/v2/charities").await, 400, "invalid-field");
    assert_eq!(p["field"], "query");

    let (status, _, header) = get(
        app,
        "/api/v2/proof-invoices?number=CD00000001&date=2026-11-20",
    )
    .await;
    assert_eq!(status, 200, "{header}");
    assert_eq!(header["invoice"]["number"], "CD00000001");
    assert!(header.get("items").is_none());
    let (status, _, detail) = get(
        app,
        "/api/v2/proof-invoices?number=CD00000001&date=2026-11-20&random=9999&period=11512",
    )
    .await;
    assert_eq!(status, 200, "{detail}");
    assert_eq!(detail["items"][0]["description"], "乾電池");
    // A wrong random code does not tell the invoice exists.
    problem(
        &get(
            app,
            "/api/v2/proof-invoices?number=CD00000001&date=2026-11-20&random=1111&period=11512",
        )
        .await,
        404,
        "not-found",
    );
    let p = problem(
        &get(app, "/api/v2/proof-invoices?number=XX&date=2026-11-20").await,
        400,
        "invalid-field",
    );
    assert_eq!(p["field"], "number");
    let p = problem(
        &get(
            app,
            "/api/v2/proof-invoices?number=CD00000001&date=2026/11/20",
        )
        .await,
        400,
        "invalid-field",
    );
    assert_eq!(p["field"], "date");
    problem(&get(app, "/api/v2/no-such-thing").await, 404, "not-found");
}

async fn user_data_needs_the_consent_token_and_its_scope(app: &TestApp) {
    let path = "/api/v2/me/invoices?from=2026-11-01&to=2026-11-30";
    problem(&get(app, path).await, 401, "token-missing");
    let bogus = v2_request(app, Method::GET, path, b"").bearer_auth("nope");
    problem(&send(bogus).await, 401, "token-invalid");
    let token = token(app, "carrier-invoices").await;
    let (status, _, list) = send(v2_request(app, Method::GET, path, b"").bearer_auth(&token)).await;
    assert_eq!(status, 200, "{list}");
    let numbers: Vec<&str> = list["invoices"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["number"].as_str().unwrap())
        .collect();
    assert!(numbers.contains(&"AB00000001"), "{numbers:?}");
    // R5.7: a donated invoice's number is masked.
    assert!(numbers.contains(&"AB00000***"), "{numbers:?}");
    assert!(!numbers.contains(&"EF00000001"), "another User's invoice");
    // The token does not cover aggregation.
    let carriers = v2_request(app, Method::GET, "/api/v2/me/carriers", b"").bearer_auth(&token);
    problem(&send(carriers).await, 403, "insufficient-scope");
    // Another period: refused naming `to`.
    let across = v2_request(
        app,
        Method::GET,
        "/api/v2/me/invoices?from=2026-10-01&to=2026-11-30",
        b"",
    )
    .bearer_auth(&token);
    assert_eq!(
        problem(&send(across).await, 400, "invalid-field")["field"],
        "to"
    );
    // Filter by an aggregated carrier.
    let easy = format!(
        "/api/v2/me/invoices?from=2026-11-01&to=2026-11-30&carrierType=1K0001&carrierId={EASYCARD}"
    );
    let (_, _, only) = send(v2_request(app, Method::GET, &easy, b"").bearer_auth(&token)).await;
    assert_eq!(only["invoices"].as_array().unwrap().len(), 1, "{only}");
    assert_eq!(only["invoices"][0]["number"], "AB00000004");
    let agg = token_for_aggregation(app).await;
    let (status, _, carriers) =
        send(v2_request(app, Method::GET, "/api/v2/me/carriers", b"").bearer_auth(&agg)).await;
    assert_eq!(status, 200, "{carriers}");
    assert_eq!(carriers["carriers"][0]["id"], EASYCARD);
}

async fn token_for_aggregation(app: &TestApp) -> String {
    token(app, "carrier-aggregation").await
}

async fn invoices_page_by_cursor_and_show_detail(app: &TestApp) {
    let token = token(app, "carrier-invoices").await;
    let path = "/api/v2/me/invoices?from=2026-09-01&to=2026-09-30";
    let (status, _, first) =
        send(v2_request(app, Method::GET, path, b"").bearer_auth(&token)).await;
    assert_eq!(status, 200, "{first}");
    assert_eq!(first["invoices"].as_array().unwrap().len(), 100);
    let next = first["next"].as_str().unwrap();
    let (_, _, second) = send(
        v2_request(app, Method::GET, &format!("{path}&cursor={next}"), b"").bearer_auth(&token),
    )
    .await;
    assert_eq!(second["invoices"].as_array().unwrap().len(), 50, "{second}");
    assert!(second["next"].is_null());
    // Keyset paging: the second page starts after the first one's last invoice, no overlap.
    let mut seen: Vec<&str> = [&first, &second]
        .iter()
        .flat_map(|p| p["invoices"].as_array().unwrap())
        .map(|i| i["number"].as_str().unwrap())
        .collect();
    seen.sort_unstable();
    seen.dedup();
    assert_eq!(seen.len(), 150);
    let cursor = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(next)
        .unwrap();
    assert!(
        cursor.starts_with(b"i"),
        "a row position, no invoice number"
    );
    let bad = v2_request(app, Method::GET, &format!("{path}&cursor=zz"), b"").bearer_auth(&token);
    assert_eq!(
        problem(&send(bad).await, 400, "invalid-field")["field"],
        "cursor"
    );
    let (status, _, detail) = send(
        v2_request(
            app,
            Method::GET,
            "/api/v2/me/invoices/AB00000001?date=2026-11-20",
            b"",
        )
        .bearer_auth(&token),
    )
    .await;
    assert_eq!(status, 200, "{detail}");
    assert_eq!(detail["items"][0]["amount"], "105");
    let theirs = v2_request(
        app,
        Method::GET,
        "/api/v2/me/invoices/EF00000001?date=2026-11-20",
        b"",
    )
    .bearer_auth(&token);
    problem(&send(theirs).await, 404, "not-found");
}

async fn donation_is_idempotent(app: &TestApp) {
    let token = token(app, "donation").await;
    let body = br#"{"invoiceNumber":"AB00000001","invoiceDate":"2026-11-20","loveCode":"919"}"#;
    let donate = |key: Option<&str>, body: &[u8]| {
        let req = v2_request(app, Method::POST, "/api/v2/donations", body).bearer_auth(&token);
        match key {
            Some(k) => req.header("idempotency-key", k),
            None => req,
        }
    };
    problem(
        &send(donate(None, body)).await,
        400,
        "idempotency-key-missing",
    );
    let (status, headers, first) = send(donate(Some("k-1"), body)).await;
    assert_eq!(status, 201, "{first}");
    assert_eq!(first["invoiceNumber"], "AB00000***", "R5.7");
    assert!(!headers.contains_key("idempotent-replayed"));
    // The retry (re-signed, fresh nonce) gets the same answer and does not act again.
    let (status, headers, again) = send(donate(Some("k-1"), body)).await;
    assert_eq!((status, &again), (201, &first));
    assert_eq!(headers["idempotent-replayed"], "true");
    app.platform.flush_audit().await.unwrap();
    let entries = app
        .platform
        .audit_log(&einv_store::AuditFilter::App(app_id()), 1000)
        .await
        .unwrap();
    let donations = entries
        .iter()
        .filter(|e| e.content.action == "data.donation")
        .count();
    assert_eq!(donations, 1, "acted once");
    // The same key for another request; a new key for the same donation is a conflict.
    let other = br#"{"invoiceNumber":"AB00000003","invoiceDate":"2026-11-22","loveCode":"919"}"#;
    problem(
        &send(donate(Some("k-1"), other)).await,
        422,
        "idempotency-key-reused",
    );
    let p = problem(&send(donate(Some("k-2"), body)).await, 409, "conflict");
    assert_eq!(p["field"], "invoiceNumber");
    // R5.7: issued to a business.
    let p = problem(&send(donate(Some("k-3"), other)).await, 403, "forbidden");
    assert_eq!(p["rule"], "R5.7");
    let p = problem(
        &send(donate(Some("k-4"), b"{\"invoiceNumber\":1}")).await,
        400,
        "invalid-field",
    );
    assert_eq!(p["field"], "invoiceNumber");
    // A love code is 3 to 7 digits (or the charity's 8-digit business ID): anything else is
    // an invalid field, not a charity that is merely not found.
    let bad = br#"{"invoiceNumber":"AB00000003","invoiceDate":"2026-11-22","loveCode":"91x"}"#;
    let p = problem(&send(donate(Some("k-5"), bad)).await, 400, "invalid-field");
    assert_eq!(p["field"], "loveCode");
    let unknown =
        br#"{"invoiceNumber":"AB00000003","invoiceDate":"2026-11-22","loveCode":"1234567"}"#;
    let p = problem(&send(donate(Some("k-6"), unknown)).await, 404, "not-found");
    assert_eq!(p["field"], "loveCode");
}

async fn the_apps_own_licence_notifications_audit_and_requests(app: &TestApp) {
    let (status, _, licence) = get(app, "/api/v2/licence").await;
    assert_eq!(status, 200, "{licence}");
    assert_eq!(licence["appId"], APP_ID);
    assert_eq!(
        licence["signingMethods"],
        serde_json::json!(["hmac-sha256"])
    );
    let (status, _, notes) = get(app, "/api/v2/notifications").await;
    assert_eq!(
        (status, notes["notifications"].as_array().map(Vec::len)),
        (200, Some(0))
    );
    // A data access appears in the app's own audit entries.
    let token = token(app, "carrier-invoices").await;
    let path = "/api/v2/me/invoices?from=2026-11-01&to=2026-11-30";
    assert_eq!(
        send(v2_request(app, Method::GET, path, b"").bearer_auth(&token))
            .await
            .0,
        200
    );
    let (status, _, audit) = get(app, "/api/v2/audit").await;
    assert_eq!(status, 200, "{audit}");
    assert!(
        audit["entries"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["action"] == "data.carrier-invoices"),
        "{audit}"
    );
    let p = problem(
        &get(app, "/api/v2/audit?before=x").await,
        400,
        "invalid-field",
    );
    assert_eq!(p["field"], "before");
    // Deletion requests: acknowledge twice, the first time stands.
    let user = app
        .store()
        .find_user_by_barcode(&BARCODE.parse().unwrap())
        .await
        .unwrap()
        .unwrap();
    let filed = app
        .platform
        .request_deletion(user.id, &app_id(), einv_store::RequestKind::Delete)
        .await
        .unwrap();
    let ack = format!("/api/v2/deletion-requests/{}/acknowledge", filed.id);
    let (status, _, first) =
        send(v2_request(app, Method::POST, &ack, b"").header("idempotency-key", "a-1")).await;
    assert_eq!(status, 200, "{first}");
    app.clock.advance(chrono::Duration::minutes(1));
    let (_, _, second) = send(v2_request(app, Method::POST, &ack, b"")).await;
    assert_eq!(first["acknowledgedAt"], second["acknowledgedAt"]);
    let (_, _, list) = get(app, "/api/v2/deletion-requests").await;
    assert_eq!(list["requests"][0]["id"], filed.id.get());
    problem(
        &send(v2_request(
            app,
            Method::POST,
            "/api/v2/deletion-requests/999999/complete",
            b"",
        ))
        .await,
        404,
        "not-found",
    );
}

#[tokio::test]
async fn r4_6_flow_control_answers_429_with_retry_after() {
    let limits = FlowLimits {
        per_ip: RateLimit::new(2, 60),
        per_app: RateLimit::new(100, 60),
    };
    let app = TestApp::spawn_with(Backend::Sqlite, |p| {
        p.with_flow_control(FlowControl::in_memory(limits))
    })
    .await;
    for _ in 0..2 {
        let (status, headers, _) = get(&app, "/api/v2/licence").await;
        assert_eq!(status, 200);
        assert_eq!(
            headers["ratelimit-policy"],
            "\"ip\";q=2;w=60, \"app\";q=100;w=60"
        );
    }
    let refused = get(&app, "/api/v2/licence").await;
    let p = problem(&refused, 429, "rate-limited");
    assert_eq!(p["rule"], "R4.6");
    assert!(
        refused.1["retry-after"]
            .to_str()
            .unwrap()
            .parse::<u64>()
            .unwrap()
            <= 60
    );
    app.stop().await;
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
    let page = app
        .http
        .get(format!("{}/docs", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    assert!(html.contains("/api/v2/donations") && html.contains("clock-skew"));
    assert!(!html.contains("<script"), "no script, no CDN");
    app.stop().await;
}
