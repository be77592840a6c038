//! v2: the modern JSON API. (Grows resource by resource; shares the services with v1.)

use axum::extract::State;
use axum::routing::get;
use axum::{Json, Router};
use einv_core::flow::FlowLimits;

use super::AppState;

/// The v2 routes.
pub fn routes() -> Router<AppState> {
    Router::new().route("/api/v2/limits", get(limits))
}

/// R4.6: the flow-control limits in force, published for every developer.
async fn limits(State(state): State<AppState>) -> Json<FlowLimits> {
    Json(state.platform.flow.limits)
}
