//! RFC 9421 signatures and each refusal they can meet (unsigned, replayed, 6 minutes old,
//! body changed after signing, wrong key, unknown keyid, suspended licence), Ed25519 with a
//! registered public key, RateLimit headers and 429 (R4.6).

use super::*;

both_backends!(
    signatures_refuse_unsigned_replayed_stale_altered_and_unknown,
    ed25519_signed_request_with_a_registered_public_key,
);

/// GET /api/v2/licence signed as told.
fn licence_request(
    app: &TestApp,
    created: i64,
    nonce: &str,
    key: &SigningKey<'_>,
) -> reqwest::RequestBuilder {
    v2_request_with(
        app,
        Method::GET,
        "/api/v2/licence",
        b"",
        created,
        nonce,
        key,
    )
}

/// The signature headers of GET /api/v2/licence as `key_id`, for requests built by hand.
fn licence_signature(key_id: &str, created: i64, key: &SigningKey<'_>) -> SignedHeaders {
    sign_request(
        &Unsigned {
            method: "GET",
            path: "/api/v2/licence",
            query: None,
            body: b"",
        },
        &Signer {
            key_id,
            created,
            nonce: &fresh_nonce(),
            key: key.clone(),
        },
    )
}

/// `signed` as request headers.
fn signature_headers(signed: &SignedHeaders) -> reqwest::header::HeaderMap {
    let mut headers = reqwest::header::HeaderMap::new();
    for (name, value) in [
        ("content-digest", &signed.content_digest),
        ("signature-input", &signed.signature_input),
        ("signature", &signed.signature),
    ] {
        headers.insert(name, value.parse().unwrap());
    }
    headers
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
    let first = licence_request(app, now, &nonce, &key);
    assert_eq!(send(first).await.0, 200);
    let again = licence_request(app, now, &nonce, &key);
    let replay = problem(&send(again).await, 401, "replay");
    assert_eq!(replay["field"], "nonce");

    // Six minutes old; six minutes ahead.
    for created in [now - 360, now + 360] {
        let stale = licence_request(app, created, &fresh_nonce(), &key);
        let p = problem(&send(stale).await, 401, "clock-skew");
        assert_eq!(p["field"], "created");
    }
    // Within five minutes is fine.
    let recent = licence_request(app, now - 240, &fresh_nonce(), &key);
    assert_eq!(send(recent).await.0, 200);

    // The body changed after signing.
    let body = br#"{"invoiceNumber":"AB00000001","invoiceDate":"2026-11-20","loveCode":"919"}"#;
    let altered = v2_request(app, Method::POST, "/api/v2/donations", body).body(
        br#"{"invoiceNumber":"AB00000002","invoiceDate":"2026-11-21","loveCode":"919"}"#.to_vec(),
    );
    problem(&send(altered).await, 400, "digest-mismatch");

    // Signed with another key; a query added after signing.
    let wrong = licence_request(app, now, &fresh_nonce(), &SigningKey::Hmac(b"not-the-key"));
    problem(&send(wrong).await, 401, "bad-signature");
    let h = licence_signature(APP_ID, now, &key);
    let moved = app
        .http
        .get(format!("{url}?x=1"))
        .headers(signature_headers(&h));
    problem(&send(moved).await, 401, "bad-signature");

    // An AppID never issued.
    let h = licence_signature("EINVNOSUCHAPP01", now, &key);
    let unknown = app.http.get(&url).headers(signature_headers(&h));
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
    let p = problem_at(app, "/api/v2/licence", 403, "licence-suspended").await;
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
    let before = licence_request(app, app.now_unix(), &fresh_nonce(), &key);
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
    let signed = licence_request(app, app.now_unix(), &fresh_nonce(), &key);
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
    let after = licence_request(app, app.now_unix(), &fresh_nonce(), &key);
    problem(&send(after).await, 401, "bad-signature");
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
