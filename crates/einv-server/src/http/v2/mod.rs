//! v2: the modern JSON API, sharing the services with v1: the published flow-control limits
//! (R4.6) and the Users' requests delivered to developers (R5.2, R6.1), authenticated with the
//! app's credentials (HTTP Basic, AppID:APIKey), errors as `application/problem+json`.

use axum::extract::FromRequestParts;
use axum::extract::State;
use axum::http::request::Parts;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use serde_json::json;

use super::AppState;
use crate::error::ServiceError;
use einv_core::flow::FlowLimits;
use einv_store::AppRecord;

mod deletion;

/// The v2 routes.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v2/limits", get(limits))
        .route("/api/v2/deletion-requests", get(deletion::list))
        .route(
            "/api/v2/deletion-requests/{id}/acknowledge",
            post(deletion::acknowledge),
        )
        .route(
            "/api/v2/deletion-requests/{id}/complete",
            post(deletion::complete),
        )
}

/// A v2 failure, rendered as RFC 9457 problem+json.
#[derive(Debug)]
pub struct Problem(pub ServiceError);

impl From<ServiceError> for Problem {
    fn from(e: ServiceError) -> Self {
        Self(e)
    }
}

impl IntoResponse for Problem {
    fn into_response(self) -> Response {
        let (status, title) = match &self.0 {
            ServiceError::AppRefused { .. } => (StatusCode::UNAUTHORIZED, "Unauthorized"),
            ServiceError::NotFound(_) => (StatusCode::NOT_FOUND, "Not found"),
            ServiceError::RateLimited { .. } | ServiceError::TooManyFailures { .. } => {
                (StatusCode::TOO_MANY_REQUESTS, "Too many requests")
            }
            ServiceError::Store(e) => {
                tracing::error!(error = %e, "v2 call failed in the store");
                (StatusCode::INTERNAL_SERVER_ERROR, "Internal error")
            }
            ServiceError::Internal(e) => {
                tracing::error!(error = %e, "v2 call failed inside");
                (StatusCode::INTERNAL_SERVER_ERROR, "Internal error")
            }
            _ => (StatusCode::BAD_REQUEST, "Bad request"),
        };
        let detail = if status.is_server_error() {
            "internal error".to_owned()
        } else {
            self.0.to_string()
        };
        let body = json!({ "type": "about:blank", "title": title, "status": status.as_u16(), "detail": detail });
        let mut res = (status, axum::Json(body)).into_response();
        res.headers_mut().insert(
            header::CONTENT_TYPE,
            header::HeaderValue::from_static("application/problem+json"),
        );
        if status == StatusCode::UNAUTHORIZED {
            res.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                header::HeaderValue::from_static("Basic realm=\"einv\""),
            );
        }
        res
    }
}

/// The app that authenticated with HTTP Basic `AppID:APIKey`.
#[derive(Debug, Clone)]
pub struct AppClient(pub AppRecord);

/// Reads HTTP Basic credentials: `(user, password)`.
pub fn basic_credentials(parts: &Parts) -> Option<(String, String)> {
    let value = parts.headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let encoded = value
        .strip_prefix("Basic ")
        .or_else(|| value.strip_prefix("basic "))?;
    let decoded = String::from_utf8(STANDARD.decode(encoded.trim()).ok()?).ok()?;
    let (user, password) = decoded.split_once(':')?;
    Some((user.to_owned(), password.to_owned()))
}

impl FromRequestParts<AppState> for AppClient {
    type Rejection = Problem;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let (app_id, key) = basic_credentials(parts).ok_or_else(|| {
            Problem(ServiceError::AppRefused {
                reason: "Authorization: HTTP Basic AppID:APIKey required".into(),
                rule: None,
            })
        })?;
        Ok(Self(
            state
                .platform
                .authenticate_app_secret(&app_id, &key)
                .await?,
        ))
    }
}

/// R4.6: the flow-control limits in force, published for every developer.
async fn limits(State(state): State<AppState>) -> Json<FlowLimits> {
    Json(state.platform.flow.limits)
}
