//! OAuth 2.0 with PKCE for apps (RFC 6749, RFC 7636): the User's consent page and the token
//! endpoint. The consent page is a User web page; the token and introspection endpoints
//! authenticate the app with HTTP Basic (AppID:APIKey) and answer RFC 6749 JSON.

use axum::extract::{FromRequestParts, State};
use axum::http::request::Parts;
use axum::http::{header, StatusCode, Uri};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Json, Router};
use einv_core::UserId;
use serde::Deserialize;
use serde_json::json;

use super::web::session::MaybeSession;
use super::web::signed_in::Posted;
use super::web::user::authorize_page;
use super::web::{Lang, Role, WebError};
use super::AppState;
use crate::error::{Authorisation, ServiceError};
use crate::services::AuthorizeParams;
use einv_store::AppRecord;

/// The OAuth routes.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/oauth/authorize", get(authorize).post(decide))
        .route("/oauth/token", post(token))
        .route("/oauth/introspect", post(introspect))
}

/// `redirect_uri` with `pairs` appended to its query.
fn redirect_with(uri: &str, pairs: &[(&str, &str)]) -> Response {
    let mut query = form_urlencoded::Serializer::new(String::new());
    for (k, v) in pairs {
        if !v.is_empty() {
            query.append_pair(k, v);
        }
    }
    let sep = if uri.contains('?') { '&' } else { '?' };
    Redirect::to(&format!("{uri}{sep}{}", query.finish())).into_response()
}

fn oauth_error_redirect(params: &AuthorizeParams, err: ServiceError) -> Response {
    let TokenError {
        code, description, ..
    } = err.into();
    redirect_with(
        &params.redirect_uri,
        &[
            ("error", code),
            ("error_description", &description),
            ("state", &params.state),
        ],
    )
}

/// `GET /oauth/authorize`: check the app, ask the User to sign in, then show the consent page.
async fn authorize(
    State(state): State<AppState>,
    lang: Lang,
    MaybeSession(session): MaybeSession,
    uri: Uri,
) -> Result<Response, WebError> {
    let query = uri.query().unwrap_or_default();
    let params: AuthorizeParams = parse_authorize_query(query)?;
    let platform = &state.platform;
    let request = if is_consent_link(&params) {
        platform
            .consent_link(&params.client_id, &params.scope)
            .await?
    } else {
        // RFC 6749 §4.1.2.1: with a bad client or redirect URI the User is not sent anywhere.
        let app = platform.check_client(&params).await?;
        match platform.check_authorize(app, &params).await {
            Ok(r) => r,
            Err(e) => return Ok(oauth_error_redirect(&params, e)),
        }
    };
    let Some(session) = session.filter(|s| s.role == Role::User) else {
        let next = format!("/oauth/authorize?{query}");
        let login = format!("/me/login?next={}", urlencoding_encode(&next));
        return Ok(Redirect::to(&login).into_response());
    };
    Ok(
        authorize_page::render(lang, &session, &request, &params, platform.clock.now())
            .into_response(),
    )
}

/// The consent link the API hands out when consent is missing
/// (`/oauth/authorize?client_id=…&scope=…`): no redirect URI and no response type, so the
/// User consents on the Platform and no code goes anywhere.
fn is_consent_link(p: &AuthorizeParams) -> bool {
    p.redirect_uri.is_empty() && p.response_type.is_empty()
}

/// The User answered a consent link: on approval the grant is recorded (R5.2); either way the
/// User lands on their own page, which lists their consents (POST → redirect → GET).
async fn accept_consent_link(
    state: &AppState,
    session: &super::web::WebSession,
    form: &Decision,
) -> Result<Response, WebError> {
    let platform = &state.platform;
    // The items are built again from the licence, never taken from the posted form.
    let request = platform
        .consent_link(&form.params.client_id, &form.params.scope)
        .await?;
    if form.decision == "approve" {
        let user_id = session
            .subject
            .parse::<UserId>()
            .map_err(|_| WebError::SignIn(Role::User))?;
        platform.accept_consent_link(user_id, &request).await?;
    }
    Ok(Redirect::to("/me").into_response())
}

fn urlencoding_encode(s: &str) -> String {
    form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

/// The `/oauth/authorize` query as its parameters, or a 400 naming what does not parse. (The
/// fuzz target `oauth_v2_requests` feeds it any text.)
pub fn parse_authorize_query(query: &str) -> Result<AuthorizeParams, WebError> {
    let pairs: Vec<(String, String)> = form_urlencoded::parse(query.as_bytes())
        .into_owned()
        .collect();
    let value = serde_json::Value::Object(
        pairs
            .into_iter()
            .map(|(k, v)| (k, serde_json::Value::String(v)))
            .collect(),
    );
    serde_json::from_value(value)
        .map_err(|e| WebError::Shown(StatusCode::BAD_REQUEST, format!("authorize request: {e}")))
}

/// The consent form's answer.
#[derive(Debug, Deserialize)]
struct Decision {
    #[serde(default)]
    decision: String,
    #[serde(flatten)]
    params: AuthorizeParams,
}

/// `POST /oauth/authorize`: the User approves or denies; the app gets a code or `access_denied`.
async fn decide(
    State(state): State<AppState>,
    Posted {
        session,
        me: user_id,
        form,
    }: Posted<UserId, Decision>,
) -> Result<Response, WebError> {
    let platform = &state.platform;
    if is_consent_link(&form.params) {
        return accept_consent_link(&state, &session, &form).await;
    }
    let app = platform.check_client(&form.params).await?;
    let request = match platform.check_authorize(app, &form.params).await {
        Ok(r) => r,
        Err(e) => return Ok(oauth_error_redirect(&form.params, e)),
    };
    if form.decision != "approve" {
        return Ok(redirect_with(
            &request.redirect_uri,
            &[("error", "access_denied"), ("state", &request.state)],
        ));
    }
    let code = platform.approve_authorization(user_id, &request).await?;
    Ok(redirect_with(
        &request.redirect_uri,
        &[("code", &code), ("state", &request.state)],
    ))
}

/// An RFC 6749 §5.2 error reply.
/// An RFC 6749 §5.2 error: status, `error`, `error_description`, and for a throttled client
/// the seconds to wait (`Retry-After`, RFC 6585).
struct TokenError {
    status: StatusCode,
    code: &'static str,
    description: String,
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
        let mut res = (self.status, Json(body)).into_response();
        res.headers_mut().insert(
            header::CACHE_CONTROL,
            header::HeaderValue::from_static("no-store"),
        );
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
    let mut res = Json(tokens).into_response();
    res.headers_mut().insert(
        header::CACHE_CONTROL,
        header::HeaderValue::from_static("no-store"),
    );
    Ok(res)
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
