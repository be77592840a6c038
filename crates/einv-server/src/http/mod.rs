//! The HTTP layer: one route table, handlers grouped by API and resource.

use std::sync::Arc;

use axum::extract::DefaultBodyLimit;
use axum::Router;

use crate::services::Platform;

pub mod metrics;
pub mod oauth;
pub mod ops;
pub mod v1;
pub mod v2;
pub mod web;

/// What every handler gets.
#[derive(Debug, Clone)]
pub struct AppState {
    /// The use cases.
    pub platform: Arc<Platform>,
    /// Whether session cookies carry `Secure` (the Platform is reached over HTTPS).
    pub secure_cookies: bool,
}

impl AppState {
    /// State for `platform`, with cookies marked `Secure` when `secure_cookies`.
    pub fn new(platform: Arc<Platform>, secure_cookies: bool) -> Self {
        Self {
            platform,
            secure_cookies,
        }
    }
}

/// The whole application.
pub fn router(state: AppState) -> Router {
    let app = Router::new()
        .merge(v1::routes().layer(DefaultBodyLimit::max(v1::params::MAX_BODY)))
        .merge(v2::routes(state.clone()).layer(DefaultBodyLimit::max(v2::auth::MAX_BODY)))
        .merge(oauth::routes().layer(DefaultBodyLimit::max(v1::params::MAX_BODY)))
        .merge(web::user::routes())
        .merge(web::routes())
        .merge(ops::routes())
        .route_layer(axum::middleware::from_fn(metrics::track))
        .with_state(state);
    ops::layer(app)
}
