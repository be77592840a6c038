//! R4.6 on every surface that is not the v1 API (which counts in its gate, to answer with the
//! MOF code 950): the blank pages, `/oauth/*`, `/api/v2/*` and every web page, sign-in forms
//! included. One per-IP allowance for all of them, counted before any other work.

use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::client_ip::client_ip;
use super::v1::error::V1Error;
use super::v1::reply::{CodeType, Reply};
use super::v2::Problem;
use super::AppState;
use crate::error::ServiceError;

/// Counts the request against its client's per-IP allowance; past it, a 429 in the surface's
/// own shape (MOF JSON on the blank pages, problem+json on v2, text elsewhere).
pub async fn per_ip(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let ip = client_ip(
        request.extensions(),
        request.headers(),
        &state.trusted_proxies,
    );
    let err = match state.platform.admit_ip(ip).await {
        Ok(_) => return next.run(request).await,
        Err(e) => e,
    };
    let path = request.uri().path();
    let retry_after = match &err {
        ServiceError::RateLimited {
            retry_after_secs, ..
        } => *retry_after_secs,
        _ => 1,
    };
    let mut res = if path == "/oauth/token" || path == "/oauth/introspect" {
        // RFC 6749's error shape, with 429 and Retry-After (RFC 6585).
        return super::oauth::throttled(err);
    } else if path.starts_with("/PB2CAPIVAN/") {
        Reply::error(Some("1.0"), CodeType::Number, &V1Error::Use(err)).into_response()
    } else if path.starts_with("/api/v2/") {
        Problem::from(err).into_response()
    } else {
        (StatusCode::TOO_MANY_REQUESTS, err.to_string()).into_response()
    };
    if !path.starts_with("/PB2CAPIVAN/") {
        *res.status_mut() = StatusCode::TOO_MANY_REQUESTS;
    }
    if let Ok(v) = HeaderValue::from_str(&retry_after.to_string()) {
        res.headers_mut().insert(header::RETRY_AFTER, v);
    }
    res
}
