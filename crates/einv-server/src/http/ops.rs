//! Operations endpoints: liveness, readiness, request IDs.

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
        .layer(TraceLayer::new_for_http().make_span_with(request_span))
        .layer(SetRequestIdLayer::new(REQUEST_ID, MakeRequestUuid))
}

/// The span every log line of a request carries: its method, path and ID. The path only,
/// never the query: a v1 call sent with GET carries its carrier's verification code
/// (`cardEncrypt`) and signature there, and those must not reach the logs. The fields are
/// plain strings, so the span costs no formatting beyond copying them (it is made for every
/// request, the v1 hot path included).
fn request_span<B>(request: &Request<B>) -> Span {
    let id = request
        .extensions()
        .get::<RequestId>()
        .and_then(|id| id.header_value().to_str().ok())
        .unwrap_or_default();
    tracing::info_span!(
        "request",
        method = request.method().as_str(),
        path = request.uri().path(),
        request_id = id,
    )
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
