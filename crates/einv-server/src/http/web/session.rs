//! Web sessions: a random token in an HttpOnly, SameSite=Lax cookie (Secure when the Platform
//! is served over HTTPS), a per-session CSRF token every form must carry, and roles that never
//! share a session (developer, reviewer, User).

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::Duration;
use maud::html;

use super::layout::{page, Lang, PageContext};
use crate::error::{Proof, ServiceError};
use crate::http::AppState;
use crate::services::{Session, SessionKind};

/// The session cookie's name.
pub const COOKIE: &str = "einv_session";
/// How long a session lasts.
const SESSION_HOURS: i64 = 8;

/// Who a session belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// An app developer.
    Developer,
    /// A reviewer of the Center.
    Reviewer,
    /// A User (a mobile barcode holder).
    User,
}

impl Role {
    /// The stored word.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Developer => "developer",
            Role::Reviewer => "reviewer",
            Role::User => "user",
        }
    }

    /// The kind of session the sessions service keeps for this role.
    pub fn kind(self) -> SessionKind {
        match self {
            Role::Developer => SessionKind::Developer,
            Role::Reviewer => SessionKind::Reviewer,
            Role::User => SessionKind::User,
        }
    }

    fn of_kind(kind: SessionKind) -> Option<Self> {
        match kind {
            SessionKind::Developer => Some(Role::Developer),
            SessionKind::Reviewer => Some(Role::Reviewer),
            SessionKind::User => Some(Role::User),
            SessionKind::BlankPage => None,
        }
    }

    /// Where this role signs in.
    pub fn login_path(self) -> &'static str {
        match self {
            Role::Developer => "/developer/login",
            Role::Reviewer => "/reviewer/login",
            Role::User => "/me/login",
        }
    }
}

/// A signed-in session.
#[derive(Debug, Clone)]
pub struct WebSession {
    /// Its role.
    pub role: Role,
    /// Who (developer or reviewer ID, or the User's ID).
    pub subject: String,
    /// The token its forms carry.
    pub csrf: String,
    session: Session,
}

/// What a web handler can fail with.
#[derive(Debug)]
pub enum WebError {
    /// Not signed in with the right role: go to that role's sign-in page.
    SignIn(Role),
    /// A form without the session's CSRF token.
    Csrf,
    /// Something the user should see, with a status.
    Shown(StatusCode, String),
    /// A service refused or failed.
    Service(ServiceError),
}

impl From<ServiceError> for WebError {
    fn from(e: ServiceError) -> Self {
        Self::Service(e)
    }
}

impl IntoResponse for WebError {
    fn into_response(self) -> Response {
        let lang = PageContext::current().map_or(Lang::Zh, |c| c.lang);
        let (status, message) = match self {
            WebError::SignIn(role) => return sign_in_redirect(role),
            WebError::Csrf => (
                StatusCode::FORBIDDEN,
                lang.t(
                    "表單已過期或來自其他網站。請重新開啟頁面後再送出一次。",
                    "The form expired or came from another site. Open the page again and resend it.",
                )
                .to_owned(),
            ),
            WebError::Shown(status, m) => (status, m),
            WebError::Service(e) => service_failure(lang, e),
        };
        let body = page(
            lang,
            ("無法完成", "Could not complete"),
            &[],
            html! {
                div.error role="alert" { p { (message) } }
                p { (lang.t("請使用瀏覽器的「上一頁」返回，或", "Use your browser's Back button, or "))
                    a href="/" { (lang.t("回到首頁", "go to the home page")) } "." }
            },
        );
        (status, body).into_response()
    }
}

/// Where a visitor without the right session goes: that role's sign-in page, coming back to
/// the page they asked for when it was a page (a GET).
fn sign_in_redirect(role: Role) -> Response {
    let back = PageContext::current()
        .filter(|c| c.is_get)
        .map(|c| c.here)
        .filter(|here| super::security::safe_next(here, "") == here && !here.is_empty());
    match back {
        Some(here) if role == Role::User && here != "/me" => {
            let next: String = form_urlencoded::byte_serialize(here.as_bytes()).collect();
            Redirect::to(&format!("{}?next={next}", role.login_path())).into_response()
        }
        _ => Redirect::to(role.login_path()).into_response(),
    }
}

/// A service failure as a status and a sentence in the page's language
/// (`messages::service_message`); internal ones are logged, never shown.
fn service_failure(lang: Lang, e: ServiceError) -> (StatusCode, String) {
    let status = match &e {
        ServiceError::Store(e) => {
            tracing::error!(error = %e, "web page failed in the store");
            StatusCode::INTERNAL_SERVER_ERROR
        }
        ServiceError::Internal(e) => {
            tracing::error!(
                error = e as &(dyn std::error::Error + 'static),
                "web page failed inside"
            );
            StatusCode::INTERNAL_SERVER_ERROR
        }
        ServiceError::NotFound(_) => StatusCode::NOT_FOUND,
        ServiceError::Conflict(_) => StatusCode::CONFLICT,
        ServiceError::Unproven(Proof::Password) => StatusCode::UNAUTHORIZED,
        ServiceError::TooManyFailures { .. } => StatusCode::TOO_MANY_REQUESTS,
        _ => StatusCode::UNPROCESSABLE_ENTITY,
    };
    (status, super::messages::service_message(lang, &e))
}

impl WebSession {
    /// Starts a session for `subject` in `role`; returns the `Set-Cookie` value.
    pub async fn start(
        state: &AppState,
        role: Role,
        subject: &str,
    ) -> Result<HeaderValue, WebError> {
        let started = state
            .platform
            .start_session(role.kind(), subject, Duration::hours(SESSION_HOURS))
            .await?;
        state
            .session_cookie(COOKIE, "/", &started.token, Duration::hours(SESSION_HOURS))
            .map_err(|_| WebError::Shown(StatusCode::INTERNAL_SERVER_ERROR, "cookie".into()))
    }

    /// Ends this session; returns the `Set-Cookie` value that clears the cookie.
    pub async fn end(&self, state: &AppState) -> Result<HeaderValue, WebError> {
        state.platform.end_session(&self.session).await?;
        cleared_cookie(state)
    }

    /// Ends every other session of this session's subject (after the verification code or
    /// password changed: whoever knew the old one is signed out everywhere else).
    pub async fn end_others(&self, state: &AppState) -> Result<(), WebError> {
        state.platform.end_other_sessions(&self.session).await?;
        Ok(())
    }

    /// This session if it has `role`, else a redirect to that role's sign-in.
    pub fn require(self, role: Role) -> Result<Self, WebError> {
        if self.role == role {
            Ok(self)
        } else {
            Err(WebError::SignIn(role))
        }
    }

    /// Refuses a form whose CSRF token is not this session's.
    pub fn check_csrf(&self, token: &str) -> Result<(), WebError> {
        if self.session.csrf_matches(token) {
            Ok(())
        } else {
            Err(WebError::Csrf)
        }
    }
}

/// The `Set-Cookie` value that clears the session cookie.
pub fn cleared_cookie(state: &AppState) -> Result<HeaderValue, WebError> {
    state
        .cleared_cookie(COOKIE, "/")
        .map_err(|_| WebError::Shown(StatusCode::INTERNAL_SERVER_ERROR, "cookie".into()))
}

/// `Option<WebSession>`: the signed-in session, if any.
#[derive(Debug, Clone)]
pub struct MaybeSession(pub Option<WebSession>);

impl FromRequestParts<AppState> for MaybeSession {
    type Rejection = WebError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let Some(token) = crate::http::cookie(&parts.headers, COOKIE) else {
            return Ok(Self(None));
        };
        let found = state.platform.resume_any_session(token).await?;
        Ok(Self(found.and_then(|session| {
            Some(WebSession {
                role: Role::of_kind(session.kind)?,
                subject: session.subject.clone(),
                csrf: session.csrf.clone(),
                session,
            })
        })))
    }
}

impl FromRequestParts<AppState> for WebSession {
    type Rejection = WebError;

    /// A handler that takes a `WebSession` needs someone signed in; it then checks the role
    /// with [`WebSession::require`].
    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let path = parts.uri.path().to_owned();
        let MaybeSession(session) = MaybeSession::from_request_parts(parts, state).await?;
        session.ok_or_else(|| {
            WebError::SignIn(if path.starts_with("/reviewer") {
                Role::Reviewer
            } else if path.starts_with("/developer") {
                Role::Developer
            } else {
                Role::User
            })
        })
    }
}
