//! OAuth 2.0 with PKCE for apps (RFC 6749, RFC 7636): the User's consent page and the token
//! endpoint. The consent page is a User web page; the token and introspection endpoints
//! authenticate the app with HTTP Basic (AppID:APIKey) and answer RFC 6749 JSON.

use axum::extract::State;
use axum::http::{StatusCode, Uri};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::Router;
use einv_core::UserId;
use serde::Deserialize;

use super::web::session::MaybeSession;
use super::web::signed_in::Posted;
use super::web::user::authorize_page;
use super::web::{Lang, Role, WebError};
use super::AppState;
use crate::error::ServiceError;
use crate::services::AuthorizeParams;

mod token;

use token::TokenError;
pub use token::{
    basic_credentials, basic_credentials_of, parse_form, throttled, IntrospectForm, TokenForm,
};

/// The OAuth routes.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/oauth/authorize", get(authorize).post(decide))
        .merge(token::routes())
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
