//! v2 requests signed as an app signs them (RFC 9421, HMAC with the APIKey or a key given).

use einv_core::httpsig::{sign_request, Signer, SigningKey, Unsigned};

use super::{TestApp, API_KEY, APP_ID};

/// A v2 request signed with the APIKey (HMAC-SHA256) as of the test clock, with a fresh nonce.
pub fn v2_request(
    app: &TestApp,
    method: reqwest::Method,
    path_and_query: &str,
    body: &[u8],
) -> reqwest::RequestBuilder {
    v2_request_with(
        app,
        method,
        path_and_query,
        body,
        app.now_unix(),
        &fresh_nonce(),
        &SigningKey::Hmac(API_KEY.as_bytes()),
    )
}

/// A v2 request signed as told.
pub fn v2_request_with(
    app: &TestApp,
    method: reqwest::Method,
    path_and_query: &str,
    body: &[u8],
    created: i64,
    nonce: &str,
    key: &SigningKey<'_>,
) -> reqwest::RequestBuilder {
    let signer = Signer {
        key_id: APP_ID,
        created,
        nonce,
        key: key.clone(),
    };
    let req = app
        .http
        .request(method.clone(), format!("{}{path_and_query}", app.base));
    sign_onto(req, method.as_str(), path_and_query, body, &signer)
        .header("content-type", "application/json")
        .body(body.to_vec())
}

/// `req`, a request for `method path_and_query` carrying `body`, with the RFC 9421 (and RFC
/// 9530 digest) headers `signer` makes for it.
pub fn sign_onto(
    req: reqwest::RequestBuilder,
    method: &str,
    path_and_query: &str,
    body: &[u8],
    signer: &Signer<'_>,
) -> reqwest::RequestBuilder {
    let (path, query) = match path_and_query.split_once('?') {
        Some((p, q)) => (p, Some(q)),
        None => (path_and_query, None),
    };
    let unsigned = Unsigned {
        method,
        path,
        query,
        body,
    };
    let h = sign_request(&unsigned, signer);
    req.header("content-digest", h.content_digest)
        .header("signature-input", h.signature_input)
        .header("signature", h.signature)
}

/// An app signing with its APIKey (HMAC-SHA256) as of `created`, with `nonce`.
pub fn hmac_signer<'a>(key_id: &'a str, key: &'a str, created: i64, nonce: &'a str) -> Signer<'a> {
    Signer {
        key_id,
        created,
        nonce,
        key: SigningKey::Hmac(key.as_bytes()),
    }
}

/// A nonce no other request of this test process used.
pub fn fresh_nonce() -> String {
    format!("nonce-{}", uuid::Uuid::new_v4().simple())
}
