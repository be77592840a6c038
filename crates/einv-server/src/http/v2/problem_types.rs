//! Problem-type URIs on the Platform's own domain (RFC 9457 §3.1.1): a handler writes a
//! problem's `type` as a path (`/problems/replay`); [`absolute`] puts the Platform's URL in
//! front of it on the way out (the configured `--public-url`, else the URL the request
//! reached), and `/problems/{slug}` leads a person to the type's entry on `/docs`.

use axum::body::Body;
use axum::extract::{Path, Request, State};
use axum::http::{header, HeaderMap, HeaderValue};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};

use super::problem::{Kind, Problem, TYPE_PATH};
use crate::http::AppState;

/// The largest problem body rewritten; problem bodies are a few hundred bytes.
const MAX_PROBLEM: usize = 16 * 1024;

/// The Platform's URL as the caller knows it, without a trailing `/`.
pub fn platform_url(state: &AppState, headers: &HeaderMap) -> String {
    if let Some(url) = &state.public_url {
        return url.to_string();
    }
    // Without a configured URL, the host the request named: a sandbox on a laptop is reached
    // at its listen address, and its answers point back at it.
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .filter(|h| {
            h.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b".-:[]".contains(&b))
        })
        .unwrap_or("localhost");
    format!("http://{host}")
}

/// Makes the `type` of every problem+json answer absolute.
pub async fn absolute(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let base = platform_url(&state, req.headers());
    let res = next.run(req).await;
    let is_problem = res
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes() == b"application/problem+json");
    if !is_problem {
        return res;
    }
    let (mut parts, body) = res.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, MAX_PROBLEM).await else {
        return Problem::new(Kind::Internal, "internal error").into_response();
    };
    let rewritten = serde_json::from_slice::<serde_json::Value>(&bytes)
        .ok()
        .and_then(|mut v| {
            let path = v.get("type")?.as_str()?.strip_prefix('/')?.to_owned();
            v["type"] = format!("{base}/{path}").into();
            serde_json::to_vec(&v).ok()
        });
    let body = match rewritten {
        Some(json) => {
            parts.headers.remove(header::CONTENT_LENGTH);
            Body::from(json)
        }
        None => Body::from(bytes),
    };
    Response::from_parts(parts, body)
}

/// `GET /problems/{slug}`: the type's entry on `/docs`; an unknown slug is a 404 problem.
pub async fn describe(Path(slug): Path<String>) -> Response {
    if Kind::ALL.iter().any(|k| k.describe().0 == slug) {
        let mut res = Redirect::to(&format!("/docs#{slug}")).into_response();
        res.headers_mut().insert(
            header::CACHE_CONTROL,
            HeaderValue::from_static("public, max-age=86400"),
        );
        return res;
    }
    Problem::new(
        Kind::NotFound,
        format!("path: no problem type {TYPE_PATH}{slug}"),
    )
    .field("path")
    .into_response()
}
