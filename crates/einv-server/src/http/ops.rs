//! Operations endpoints: liveness, readiness, request IDs.

use std::borrow::Cow;

use axum::extract::State;
use axum::http::{HeaderName, Request, StatusCode};
use axum::response::IntoResponse;
use axum::routing::get;
use axum::{Json, Router};
use serde_json::json;
use tower_http::request_id::{
    MakeRequestUuid, PropagateRequestIdLayer, RequestId, SetRequestIdLayer,
};
use tower_http::trace::TraceLayer;
use tracing::Span;

use super::AppState;

/// The header carrying a request's ID: taken from the caller or made here, echoed back.
pub const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// `/healthz` and `/readyz`.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
        .route("/metrics", get(super::metrics::render))
}

/// Alive: the process answers. No I/O, so a slow database never restarts a live process.
async fn healthz() -> impl IntoResponse {
    Json(json!({ "status": "ok" }))
}

/// Ready: the database answers and the audit writer runs; 503 otherwise so a load balancer
/// stops sending traffic here.
async fn readyz(State(state): State<AppState>) -> impl IntoResponse {
    let readiness = state.platform.readiness().await;
    let status = if readiness.ready {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    (status, Json(readiness))
}

/// Wraps `app` with request IDs (kept from `X-Request-Id` or a new UUID, echoed in the
/// response) and a tracing span per request that carries the ID.
pub fn layer(app: Router) -> Router {
    // Installed before the first request so no sample is dropped.
    let _ = super::metrics::recorder();
    app.layer(PropagateRequestIdLayer::new(REQUEST_ID))
        .layer(
            TraceLayer::new_for_http().make_span_with(|request: &Request<_>| -> Span {
                let id = request
                    .extensions()
                    .get::<RequestId>()
                    .and_then(|id| id.header_value().to_str().ok())
                    .unwrap_or_default();
                tracing::info_span!(
                    "request",
                    method = %request.method(),
                    uri = %loggable_uri(request.uri()),
                    request_id = %id,
                )
            }),
        )
        .layer(SetRequestIdLayer::new(REQUEST_ID, MakeRequestUuid))
}

/// Resolves on SIGINT (Ctrl-C) or SIGTERM (what orchestrators send): the server then stops
/// accepting, finishes the requests in flight, and `serve` flushes the audit queue (R6.4).
pub async fn shutdown_signal() {
    let interrupt = async {
        if let Err(e) = tokio::signal::ctrl_c().await {
            tracing::error!(error = %e, "cannot listen for Ctrl-C");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(e) => {
                tracing::error!(error = %e, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = interrupt => tracing::info!("SIGINT: shutting down"),
        () = terminate => tracing::info!("SIGTERM: shutting down"),
    }
}

/// Query parameters whose values are no secret and help to read a log: the rest are logged as
/// `name=[hidden]`.
const SHOWN_PARAMETERS: [&str; 9] = [
    "action",
    "version",
    "appID",
    "invTerm",
    "client_id",
    "response_type",
    "scope",
    "lang",
    "page",
];

/// The request's path and query as logged: a query value is shown only for the parameters
/// named in [`SHOWN_PARAMETERS`]. Some callers put secrets in the URL (the blank pages' entry
/// carries the verification code, some MOF clients send every parameter in the query), and
/// `RUST_LOG=trace` must never print a secret (issue #9, "Secrets never logged").
pub fn loggable_uri(uri: &axum::http::Uri) -> Cow<'_, str> {
    // A v1 call sends its parameters in the body: its path is shown as it is, not copied.
    let Some(query) = uri.query() else {
        return Cow::Borrowed(uri.path());
    };
    let pairs: Vec<String> = query
        .split('&')
        .map(|pair| match pair.split_once('=') {
            Some((name, _)) if !SHOWN_PARAMETERS.contains(&name) => format!("{name}=[hidden]"),
            _ => pair.to_owned(),
        })
        .collect();
    Cow::Owned(format!("{}?{}", uri.path(), pairs.join("&")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_logged_uri_hides_every_value_but_the_harmless_ones() {
        let uri: axum::http::Uri =
            "/PB2CAPIVAN/APIService/carrierBankAccBlank?appID=EINV1&cardNo=%2FAB12&verifyCode=Code1234&flag"
                .parse()
                .unwrap();
        assert_eq!(
            loggable_uri(&uri),
            "/PB2CAPIVAN/APIService/carrierBankAccBlank?appID=EINV1&cardNo=[hidden]&verifyCode=[hidden]&flag"
        );
        let plain: axum::http::Uri = "/me/login".parse().unwrap();
        assert_eq!(loggable_uri(&plain), "/me/login");
    }
}
