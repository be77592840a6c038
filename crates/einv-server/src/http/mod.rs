//! The HTTP layer: one route table, handlers grouped by API and resource.

use std::sync::Arc;

use axum::extract::DefaultBodyLimit;
use axum::middleware::from_fn_with_state;
use axum::Router;

use crate::services::Platform;

pub mod client_ip;
mod cookies;
pub mod date;
pub mod limit;
pub mod metrics;
pub mod oauth;
pub mod ops;
pub mod v1;
pub mod v2;
pub mod web;

pub use cookies::cookie;

/// What every handler gets: one reference-counted pointer to the [`SharedState`], so the
/// clone each middleware layer and extractor makes per request is one counter, not one per
/// field (the clones and drops of the fields showed in the hot path's profile).
#[derive(Debug, Clone)]
pub struct AppState(Arc<SharedState>);

impl std::ops::Deref for AppState {
    type Target = SharedState;

    fn deref(&self) -> &SharedState {
        &self.0
    }
}

/// The fields of [`AppState`], set up once before serving.
#[derive(Debug, Clone)]
pub struct SharedState {
    /// The use cases.
    pub platform: Arc<Platform>,
    /// Whether session cookies carry `Secure` (the Platform is reached over HTTPS).
    pub secure_cookies: bool,
    /// The proxies whose `X-Forwarded-For` names the client.
    pub trusted_proxies: Arc<client_ip::TrustedProxies>,
    /// The URL people reach the Platform at (`--public-url`), without a trailing `/`: the
    /// base of v2's problem-type URIs. Without one, the request's `Host` is.
    pub public_url: Option<Arc<str>>,
    /// The token that lets `/metrics` be read from anywhere (`--metrics-token`).
    pub metrics_token: Option<Arc<str>>,
    /// QryWinningList replies written once per draw (v1/invapp.rs).
    pub winning_replies: Arc<v1::invapp::WinningReplies>,
}

impl AppState {
    /// State for `platform`, with cookies marked `Secure` when `secure_cookies`.
    pub fn new(platform: Arc<Platform>, secure_cookies: bool) -> Self {
        Self(Arc::new(SharedState {
            platform,
            secure_cookies,
            trusted_proxies: Arc::default(),
            public_url: None,
            metrics_token: None,
            winning_replies: Arc::default(),
        }))
    }

    /// The fields, to set before serving (copied if the state is shared already).
    fn fields_mut(&mut self) -> &mut SharedState {
        Arc::make_mut(&mut self.0)
    }

    /// The same state, letting a caller with `token` read `/metrics` from anywhere.
    #[must_use]
    pub fn with_metrics_token(mut self, token: Option<&str>) -> Self {
        self.fields_mut().metrics_token = token.filter(|t| !t.trim().is_empty()).map(Arc::from);
        self
    }

    /// The same state, reached at `url` (`--public-url`).
    #[must_use]
    pub fn with_public_url(mut self, url: Option<&str>) -> Self {
        self.fields_mut().public_url = url
            .map(|u| u.trim().trim_end_matches('/'))
            .filter(|u| !u.is_empty())
            .map(Arc::from);
        self
    }

    /// The same state, believing `X-Forwarded-For` from `proxies`.
    #[must_use]
    pub fn with_trusted_proxies(mut self, proxies: client_ip::TrustedProxies) -> Self {
        self.fields_mut().trusted_proxies = Arc::new(proxies);
        self
    }
}

/// The whole application.
pub fn router(state: AppState) -> Router {
    // R4.6: every surface but the v1 API (its gate counts, to answer 950) and v2 (its
    // `flow_control` counts per IP and per AppID, to answer with RateLimit headers) is counted
    // per IP here, before any other work. The operations probes are not counted.
    let counted = Router::new()
        .merge(v1::blank_routes())
        .merge(oauth::routes())
        .layer(DefaultBodyLimit::max(v1::params::MAX_BODY))
        .merge(web::user::routes())
        .merge(web::routes())
        .route_layer(from_fn_with_state(state.clone(), limit::per_ip));
    let app = Router::new()
        .merge(v1::routes().layer(DefaultBodyLimit::max(v1::params::MAX_BODY)))
        .merge(v2::routes(state.clone()).layer(DefaultBodyLimit::max(v2::auth::MAX_BODY)))
        .merge(counted)
        .merge(ops::routes())
        .fallback(web::security::not_found)
        .route_layer(axum::middleware::from_fn(metrics::track))
        // `Date`, the security headers and the page context of every answer (web/security.rs).
        .layer(from_fn_with_state(
            state.clone(),
            web::security::answer_headers,
        ))
        .with_state(state);
    ops::layer(app)
}
