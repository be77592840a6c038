//! Prometheus metrics: request count and latency per route, method and status; the audit
//! writer's queue depth, read at scrape time.

use std::cell::RefCell;
use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::sync::OnceLock;
use std::time::Instant;

use axum::extract::{ConnectInfo, MatchedPath, Request, State};
use axum::http::{header, HeaderMap, Method, StatusCode};
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
/// read, a lookup of the label set's handles and two updates, cheap beside any call.
pub async fn track(request: Request, next: Next) -> Response {
    let route = request.extensions().get::<MatchedPath>().cloned();
    let method = request.method().clone();
    let started = Instant::now();
    let response = next.run(request).await;
    let v1 = response.extensions().get::<V1Labels>().copied();
    let labels = Labels {
        method,
        status: response.status().as_u16(),
        action: v1.map(|l| l.action).unwrap_or_default(),
        code: v1.and_then(|l| l.code),
    };
    let route = route.as_ref().map(MatchedPath::as_str).unwrap_or_default();
    let elapsed = started.elapsed().as_secs_f64();
    HANDLES.with(|handles| {
        let mut handles = handles.borrow_mut();
        if let Some(kept) = handles.entry_for(route, &labels) {
            kept.requests.increment(1);
            kept.latency.record(elapsed);
        }
    });
    response
}

/// A request's labels besides its route.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Labels {
    method: Method,
    status: u16,
    action: &'static str,
    code: Option<u16>,
}

/// The registered handles of one label set.
struct Handles {
    requests: metrics::Counter,
    latency: metrics::Histogram,
}

thread_local! {
    /// Each thread's handles by route, then by the other labels: registering a labelled
    /// metric builds, sorts and hashes its key and looks it up in the recorder's registry
    /// (about a twentieth of a cached v1 call's instructions, by callgrind), where a kept
    /// handle is one lookup by route and a short scan.
    static HANDLES: RefCell<HandleBook> = RefCell::new(HandleBook::default());
}

#[derive(Default)]
struct HandleBook(HashMap<Box<str>, Vec<(Labels, Handles)>>);

impl HandleBook {
    /// The most label sets kept per route and thread (methods, statuses and v1 codes are few;
    /// past this the route's handles are registered afresh).
    const MAX_PER_ROUTE: usize = 256;

    fn entry_for(&mut self, route: &str, labels: &Labels) -> Option<&Handles> {
        if !self.0.contains_key(route) {
            self.0.insert(route.into(), Vec::new());
        }
        let kept = self.0.get_mut(route)?;
        let at = match kept.iter().position(|(l, _)| l == labels) {
            Some(at) => at,
            None => {
                if kept.len() >= Self::MAX_PER_ROUTE {
                    kept.clear();
                }
                kept.push((labels.clone(), register(route, labels)));
                kept.len() - 1
            }
        };
        kept.get(at).map(|(_, handles)| handles)
    }
}

fn register(route: &str, labels: &Labels) -> Handles {
    let labels = [
        ("route", route.to_owned()),
        ("method", labels.method.as_str().to_owned()),
        ("status", labels.status.to_string()),
        ("action", labels.action.to_owned()),
        (
            "code",
            labels.code.map(|c| c.to_string()).unwrap_or_default(),
        ),
    ];
    Handles {
        requests: metrics::counter!(REQUESTS, &labels),
        latency: metrics::histogram!(LATENCY, &labels),
    }
}

/// The v1 actions, the only values the `action` label takes (any other is `other`), so a
/// caller cannot grow the label set.
const V1_ACTIONS: &[&str] = &[
    "QryWinningList",
    "qryInvHeader",
    "qryInvDetail",
    "carrierInvChk",
    "carrierInvDetail",
    "carrierInvDnt",
    "qryCarrierAgg",
    "qryLoveCode",
];

/// What a v1 reply adds to its request's labels: the action asked for and the MOF code
/// answered (the HTTP status of every v1 reply is 200, so it says nothing).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct V1Labels {
    /// One of the v1 actions, or `other`.
    pub action: &'static str,
    /// The reply's `code`.
    pub code: Option<u16>,
}

impl V1Labels {
    /// The labels of a call that asked for `action` and was answered `code`.
    pub fn new(action: Option<&str>, code: Option<u16>) -> Self {
        let action = action
            .and_then(|a| V1_ACTIONS.iter().find(|known| **known == a))
            .copied()
            .unwrap_or("other");
        Self { action, code }
    }
}

/// Whether a `/metrics` request may be answered: it carries the configured token
/// (`Authorization: Bearer …`, compared in constant time), or it comes straight from this host
/// (a loopback peer, and no `X-Forwarded-For` or `Forwarded`: a proxy on this host passing a
/// remote caller on is not this host). Counters tell how busy each action and AppID is, and
/// the health of the audit writer: the operator's, not the public's (issue #9).
fn may_read_metrics(state: &AppState, headers: &HeaderMap, peer: Option<IpAddr>) -> bool {
    let presented = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "));
    if let (Some(token), Some(presented)) = (state.metrics_token.as_deref(), presented) {
        return constant_time_eq(token.as_bytes(), presented.trim().as_bytes());
    }
    let forwarded = headers.contains_key("x-forwarded-for") || headers.contains_key("forwarded");
    !forwarded && peer.is_some_and(|ip| ip.is_loopback())
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// `GET /metrics` in the Prometheus text format, for the operator (see [`may_read_metrics`]).
pub async fn render(State(state): State<AppState>, request: Request) -> Response {
    let peer = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip());
    if !may_read_metrics(&state, request.headers(), peer) {
        return (
            StatusCode::FORBIDDEN,
            "metrics are read from this host, or with the metrics token",
        )
            .into_response();
    }
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
