//! Prometheus metrics: request count and latency per route, method and status; the audit
//! writer's queue depth, read at scrape time.

use std::sync::OnceLock;
use std::time::Instant;

use axum::extract::{MatchedPath, Request, State};
use axum::http::{header, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::AppState;

const REQUESTS: &str = "einv_http_requests_total";
const LATENCY: &str = "einv_http_request_duration_seconds";
const AUDIT_QUEUE: &str = "einv_audit_queue_depth";
const AUDIT_ALIVE: &str = "einv_audit_writer_alive";

/// Latency buckets in seconds: the v1 carrier query aims at single-digit milliseconds.
const BUCKETS: &[f64] = &[
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0,
];

/// The process-wide recorder, installed once (a process has one metrics recorder; every
/// router built in it, e.g. in tests, shares it). `None` if another recorder was installed.
pub fn recorder() -> Option<&'static metrics_exporter_prometheus::PrometheusHandle> {
    static HANDLE: OnceLock<Option<metrics_exporter_prometheus::PrometheusHandle>> =
        OnceLock::new();
    HANDLE
        .get_or_init(|| {
            metrics_exporter_prometheus::PrometheusBuilder::new()
                .set_buckets_for_metric(
                    metrics_exporter_prometheus::Matcher::Full(LATENCY.into()),
                    BUCKETS,
                )
                .and_then(|b| b.install_recorder())
                .map_err(|e| tracing::warn!(error = %e, "metrics recorder not installed"))
                .ok()
        })
        .as_ref()
}

/// Counts and times every routed request. Labels are the route pattern (never the raw
/// path, so the label set stays bounded), the method and the status; the work is a clock
/// read and two map updates, cheap beside the v1 carrier query.
pub async fn track(request: Request, next: Next) -> Response {
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map(|p| p.as_str().to_owned())
        .unwrap_or_default();
    let method = request.method().as_str().to_owned();
    let started = Instant::now();
    let response = next.run(request).await;
    let labels = [
        ("route", route),
        ("method", method),
        ("status", response.status().as_u16().to_string()),
    ];
    metrics::counter!(REQUESTS, &labels).increment(1);
    metrics::histogram!(LATENCY, &labels).record(started.elapsed().as_secs_f64());
    response
}

/// `GET /metrics` in the Prometheus text format.
pub async fn render(State(state): State<AppState>) -> Response {
    let Some(handle) = recorder() else {
        return (
            StatusCode::SERVICE_UNAVAILABLE,
            "metrics recorder not installed",
        )
            .into_response();
    };
    let audit = state.platform.trail.health();
    // Precision loss above 2^52 entries is irrelevant for a queue depth.
    #[allow(clippy::cast_precision_loss)]
    metrics::gauge!(AUDIT_QUEUE).set(audit.queue_depth as f64);
    metrics::gauge!(AUDIT_ALIVE).set(if audit.alive { 1.0 } else { 0.0 });
    state.platform.flow.publish_metrics();
    (
        [(header::CONTENT_TYPE, "text/plain; version=0.0.4")],
        handle.render(),
    )
        .into_response()
}
