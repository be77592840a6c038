//! `Idempotency-Key` on v2 writes: the first request with a key acts and its answer is kept;
//! a retry with the same key and body gets that answer again (`Idempotent-Replayed: true`)
//! and never acts twice; the same key with another body is refused.

use std::future::Future;

use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use einv_store::IdempotentAnswer;
use serde_json::Value;
use sha2::{Digest, Sha256};

use super::auth::Signed;
use super::problem::{Kind, Problem};
use crate::http::AppState;

/// The longest key accepted.
const MAX_KEY_LEN: usize = 255;

/// Runs `act` at most once per `Idempotency-Key` of the calling app. The key is required.
pub async fn idempotent<F>(
    state: &AppState,
    headers: &HeaderMap,
    signed: &Signed,
    act: F,
) -> Result<Response, Problem>
where
    F: Future<Output = Result<(StatusCode, Value), Problem>>,
{
    let key = headers
        .get("idempotency-key")
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
        .filter(|k| !k.is_empty())
        .ok_or_else(|| {
            Problem::new(
                Kind::IdempotencyKeyMissing,
                "idempotency-key: a write needs an Idempotency-Key header (a fresh random value per operation, the same on its retries)",
            )
            .field("idempotency-key")
        })?;
    if key.len() > MAX_KEY_LEN {
        return Err(Problem::invalid(
            "idempotency-key",
            format!("at most {MAX_KEY_LEN} characters"),
        ));
    }
    let app_id = &signed.app.app.app_id;
    let request_hash = hex::encode(Sha256::digest(&signed.body));
    let platform = &state.platform;
    match platform
        .claim_idempotency_key(app_id, key, &request_hash)
        .await?
    {
        IdempotentAnswer::Claimed => {}
        IdempotentAnswer::Answered { status, body } => {
            let status = StatusCode::from_u16(status).unwrap_or(StatusCode::OK);
            let content_type = if status.is_success() {
                "application/json"
            } else {
                "application/problem+json"
            };
            let mut res = (status, body).into_response();
            res.headers_mut()
                .insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
            res.headers_mut()
                .insert("idempotent-replayed", HeaderValue::from_static("true"));
            return Ok(res);
        }
        IdempotentAnswer::InProgress => return Err(Problem::new(
            Kind::IdempotencyInProgress,
            "idempotency-key: the first request with this key is still being served; retry later",
        )
        .field("idempotency-key")),
        IdempotentAnswer::Mismatch => {
            return Err(Problem::new(
                Kind::IdempotencyKeyReused,
                "idempotency-key: already used for a different request",
            )
            .field("idempotency-key"))
        }
    }
    let outcome = act.await;
    // A refusal is as final as a success, and is kept; a failure inside (5xx) or flow control
    // did not act, so the key is released for the retry.
    let kept = match &outcome {
        Ok((status, body)) => Some((*status, body.to_string())),
        Err(p) => {
            let (status, body) = p.body();
            (status.is_client_error() && status != StatusCode::TOO_MANY_REQUESTS)
                .then(|| (status, serde_json::to_string(&body).unwrap_or_default()))
        }
    };
    platform
        .settle_idempotency_key(
            app_id,
            key,
            kept.as_ref().map(|(s, b)| (s.as_u16(), b.as_str())),
        )
        .await?;
    match outcome {
        Ok((status, body)) => Ok((status, axum::Json(body)).into_response()),
        Err(p) => Err(p),
    }
}
