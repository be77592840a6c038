//! The short session a blank page runs in (hole 6: no state change on GET, the verification
//! code never in a URL). The app opens the page with the Ministry's parameters; the Platform
//! checks the AppID, the device and the verification code once, starts this session in an
//! HttpOnly cookie of its own (so it never replaces a signed-in web session), and redirects to
//! the bare page: the code leaves the address bar, history and `Referer`. The form then posts
//! to the bare path with the session's CSRF token; without the cookie and the token, nothing
//! changes.

use axum::http::{HeaderMap, HeaderValue};
use chrono::Duration;
use einv_core::{AppId, UserId};
use serde::{Deserialize, Serialize};

use crate::error::{ServiceError, ServiceResult};
use crate::http::AppState;
use crate::services::{Session, SessionKind};

/// The cookie's name.
pub const COOKIE: &str = "einv_blank";
/// Where the cookie is sent: the blank pages only.
const PATH: &str = "/PB2CAPIVAN/APIService";
/// How long a User has to fill in a blank page.
const MINUTES: i64 = 15;

/// What the entry established: which page, for which app and device, for whom.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct BlankContext {
    /// The page's last path segment, e.g. `carrierLinkBlank`.
    pub page: String,
    /// The AppID that opened it.
    pub app_id: AppId,
    /// The device (`uuid`).
    pub device: String,
    /// The User whose verification code was checked (none on the registration page).
    pub user_id: Option<UserId>,
    /// The carrier the User proved (`cardCode`).
    pub card_type: Option<String>,
    /// Its number (`cardNo`).
    pub card_no: Option<String>,
    /// The donation page's love code (`dntNo`).
    pub dnt_no: Option<String>,
    /// The donation page's month (`qryYM`, yyyyMM).
    pub month: Option<String>,
}

/// A resumed session: its context and the token its form must carry.
#[derive(Debug, Clone)]
pub struct BlankSession {
    /// The context.
    pub context: BlankContext,
    /// The CSRF token.
    pub csrf: String,
    session: Session,
}

/// Starts a session for `context`; returns the `Set-Cookie` value.
pub async fn start(state: &AppState, context: &BlankContext) -> ServiceResult<HeaderValue> {
    let subject =
        serde_json::to_string(context).map_err(|e| ServiceError::Internal(e.to_string().into()))?;
    let started = state
        .platform
        .start_session(SessionKind::BlankPage, &subject, Duration::minutes(MINUTES))
        .await?;
    state
        .session_cookie(COOKIE, PATH, &started.token, Duration::minutes(MINUTES))
        .map_err(|e| ServiceError::Internal(e.to_string().into()))
}

/// The live session of page `page` the request carries, if any.
pub async fn resume(
    state: &AppState,
    headers: &HeaderMap,
    page: &str,
) -> ServiceResult<Option<BlankSession>> {
    let Some(token) = crate::http::cookie(headers, COOKIE) else {
        return Ok(None);
    };
    let Some(session) = state
        .platform
        .resume_session(SessionKind::BlankPage, token)
        .await?
    else {
        return Ok(None);
    };
    let Ok(context) = serde_json::from_str::<BlankContext>(&session.subject) else {
        return Ok(None);
    };
    if context.page != page {
        return Ok(None);
    }
    Ok(Some(BlankSession {
        context,
        csrf: session.csrf.clone(),
        session,
    }))
}

impl BlankSession {
    /// Whether `token` is this session's CSRF token (compared in constant time).
    pub fn csrf_matches(&self, token: &str) -> bool {
        self.session.csrf_matches(token)
    }

    /// Ends the session (after its change is made, so a form cannot be replayed).
    pub async fn end(&self, state: &AppState) -> ServiceResult<HeaderValue> {
        state.platform.end_session(&self.session).await?;
        state
            .cleared_cookie(COOKIE, PATH)
            .map_err(|e| ServiceError::Internal(e.to_string().into()))
    }
}
