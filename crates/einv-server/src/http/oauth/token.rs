//! The app's side of OAuth: the token endpoint (RFC 6749 §4.1.3, §6) and introspection
//! (RFC 7662), the app authenticated by HTTP Basic (AppID:APIKey), errors in RFC 6749 §5.2's
//! JSON.

use axum::extract::{FromRequestParts, State};
use axum::http::request::Parts;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::{Form, Json, Router};
use einv_store::AppRecord;
use serde::Deserialize;
use serde_json::json;

use super::super::AppState;
use crate::error::{Authorisation, ServiceError};

/// The app's OAuth routes.
pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route("/oauth/token", post(token))
        .route("/oauth/introspect", post(introspect))
}

/// An RFC 6749 §5.2 error: status, `error`, `error_description`, and for a throttled client
/// the seconds to wait (`Retry-After`, RFC 6585).
pub(super) struct TokenError {
    status: StatusCode,
    pub(super) code: &'static str,
    pub(super) description: String,
    retry_after: Option<u64>,
}

impl TokenError {
    fn new(status: StatusCode, code: &'static str, description: String) -> Self {
        Self {
            status,
            code,
            description,
            retry_after: None,
        }
    }
}

impl IntoResponse for TokenError {
    fn into_response(self) -> Response {
        let body = json!({ "error": self.code, "error_description": self.description });
        let mut res = no_store((self.status, Json(body)).into_response());
        if let Some(secs) = self.retry_after {
            res.headers_mut()
                .insert(header::RETRY_AFTER, header::HeaderValue::from(secs));
        }
        res
    }
}

/// A throttled call to the token or introspection endpoint, in their error shape: 429 with
/// `Retry-After` (RFC 6585), `temporarily_unavailable` (the per-IP middleware answers this).
pub fn throttled(err: ServiceError) -> Response {
    TokenError::from(err).into_response()
}

impl From<ServiceError> for TokenError {
    /// By kind: the one mapping of use-case errors to RFC 6749 §4.1.2.1 / §5.2 errors.
    fn from(e: ServiceError) -> Self {
        use Authorisation as A;
        use StatusCode as S;
        let description = e.to_string();
        let (status, code) = match &e {
            ServiceError::Unauthorised(why) => match why {
                A::CodeFlowOnly => (S::BAD_REQUEST, "unsupported_response_type"),
                A::ConsentNotAskable(_) => (S::BAD_REQUEST, "invalid_scope"),
                A::CodeNotValid | A::VerifierMismatch | A::RefreshTokenNotValid => {
                    (S::BAD_REQUEST, "invalid_grant")
                }
                // RFC 6750 §3.1 codes, for a token presented where a token is checked.
                A::AccessTokenNotValid => (S::UNAUTHORIZED, "invalid_token"),
                A::OutOfScope => (S::FORBIDDEN, "insufficient_scope"),
            },
            // The grant behind a code or refresh token lapsed (R5.6), was revoked or voided:
            // the grant is no longer valid; the description says which and where to go.
            ServiceError::ConsentRequired { .. } => (S::BAD_REQUEST, "invalid_grant"),
            ServiceError::AppRefused { .. } => (S::UNAUTHORIZED, "invalid_client"),
            ServiceError::Invalid(_) => (S::BAD_REQUEST, "invalid_request"),
            // R4.6: too many calls is 429 (RFC 6585) with Retry-After, not a bad request.
            ServiceError::RateLimited {
                retry_after_secs, ..
            } => {
                return Self {
                    retry_after: Some((*retry_after_secs).max(1)),
                    ..Self::new(S::TOO_MANY_REQUESTS, "temporarily_unavailable", description)
                };
            }
            ServiceError::TooManyFailures { .. } => {
                (S::SERVICE_UNAVAILABLE, "temporarily_unavailable")
            }
            ServiceError::Refused { .. }
            | ServiceError::NotFound(_)
            | ServiceError::Conflict(_)
            | ServiceError::NotDonatable(_)
            | ServiceError::Unproven(_)
            | ServiceError::DeviceBlocked => (S::BAD_REQUEST, "invalid_request"),
            ServiceError::Store(_) | ServiceError::Internal(_) => {
                tracing::error!(error = %e, source = ?std::error::Error::source(&e), "OAuth endpoint failed inside");
                (S::INTERNAL_SERVER_ERROR, "server_error")
            }
        };
        Self::new(status, code, description)
    }
}

/// The app, authenticated by HTTP Basic (client_secret_basic), and counted against its
/// allowance.
struct TokenClient(AppRecord);

impl FromRequestParts<AppState> for TokenClient {
    type Rejection = TokenError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let (app_id, key) = basic_credentials(parts).ok_or_else(|| {
            TokenError::new(
                StatusCode::UNAUTHORIZED,
                "invalid_client",
                "Authorization: HTTP Basic AppID:APIKey required".into(),
            )
        })?;
        let platform = &state.platform;
        let app = platform.authenticate_app_secret(&app_id, &key).await?;
        // R4.6 per client, once its credentials proved it is an issued, live app: a stranger
        // naming it spends only its own IP's allowance (counted by the middleware first).
        platform.admit_app_calls(app.app_id.as_str(), None).await?;
        Ok(Self(app))
    }
}

/// The `/oauth/token` form.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct TokenForm {
    pub grant_type: String,
    pub code: String,
    pub redirect_uri: String,
    pub code_verifier: String,
    pub refresh_token: String,
}

/// A form body as `T`, the way axum's `Form` reads the token and introspection forms. (The
/// fuzz target `oauth_v2_requests` feeds it any bytes.)
pub fn parse_form<T: serde::de::DeserializeOwned>(body: &[u8]) -> Result<T, String> {
    serde_urlencoded::from_bytes(body).map_err(|e| e.to_string())
}

/// `POST /oauth/token`: `authorization_code` (with the PKCE verifier) or `refresh_token`.
async fn token(
    State(state): State<AppState>,
    TokenClient(app): TokenClient,
    Form(form): Form<TokenForm>,
) -> Result<Response, TokenError> {
    let platform = &state.platform;
    let tokens = match form.grant_type.as_str() {
        "authorization_code" => {
            platform
                .exchange_code(&app, &form.code, &form.redirect_uri, &form.code_verifier)
                .await?
        }
        "refresh_token" => platform.refresh_tokens(&app, &form.refresh_token).await?,
        other => {
            let why = format!("grant_type: {other:?} is not authorization_code or refresh_token");
            return Err(TokenError::new(
                StatusCode::BAD_REQUEST,
                "unsupported_grant_type",
                why,
            ));
        }
    };
    Ok(no_store(Json(tokens).into_response()))
}

/// RFC 6749 §5.1: a token reply, or its error, is never cached.
fn no_store(mut res: Response) -> Response {
    res.headers_mut().insert(
        header::CACHE_CONTROL,
        header::HeaderValue::from_static("no-store"),
    );
    res
}

/// The `/oauth/introspect` form.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct IntrospectForm {
    pub token: String,
}

/// `POST /oauth/introspect` (RFC 7662): whether an access token of this app is live now. A
/// token whose consent was revoked, lapsed or voided is `active: false`.
async fn introspect(
    State(state): State<AppState>,
    TokenClient(app): TokenClient,
    Form(form): Form<IntrospectForm>,
) -> Json<serde_json::Value> {
    match state
        .platform
        .authenticate_access_token(&app.app_id, &form.token, None)
        .await
    {
        Ok((_, grant)) => Json(json!({
            "active": true,
            "client_id": grant.app_id,
            "scope": grant.grant.request.scope(),
            "token_type": "Bearer",
            "consent_lapses_at": grant.grant.lapses_at().timestamp(),
        })),
        Err(_) => Json(json!({ "active": false })),
    }
}

/// Reads HTTP Basic credentials (RFC 7617): `(user, password)`.
pub fn basic_credentials(parts: &axum::http::request::Parts) -> Option<(String, String)> {
    let value = parts
        .headers
        .get(axum::http::header::AUTHORIZATION)?
        .to_str()
        .ok()?;
    basic_credentials_of(value)
}

/// Reads HTTP Basic credentials from an `Authorization` header's value.
pub fn basic_credentials_of(value: &str) -> Option<(String, String)> {
    use base64::Engine;
    let encoded = value
        .strip_prefix("Basic ")
        .or_else(|| value.strip_prefix("basic "))?;
    let decoded = String::from_utf8(
        base64::engine::general_purpose::STANDARD
            .decode(encoded.trim())
            .ok()?,
    )
    .ok()?;
    let (user, password) = decoded.split_once(':')?;
    Some((user.to_owned(), password.to_owned()))
}
