//! The short session a blank page runs in (hole 6: no state change on GET, the verification
//! code never in a URL). The app opens the page with the Ministry's parameters; the Platform
//! checks the AppID, the device and the verification code once, starts this session in an
//! HttpOnly cookie of its own (so it never replaces a signed-in web session), and redirects to
//! the bare page: the code leaves the address bar, history and `Referer`. The form then posts
//! to the bare path with the session's CSRF token; without the cookie and the token, nothing
//! changes.

use axum::http::{header, HeaderMap, HeaderValue};
use chrono::Duration;
use rand::RngCore;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::error::{ServiceError, ServiceResult};
use crate::http::AppState;
use einv_store::SessionRecord;

/// The cookie's name.
pub const COOKIE: &str = "einv_blank";
/// Where the cookie is sent: the blank pages only.
const PATH: &str = "/PB2CAPIVAN/APIService";
/// The role word in the sessions table: never one a web page accepts.
const ROLE: &str = "blank-page";
/// How long a User has to fill in a blank page.
const MINUTES: i64 = 15;

/// What the entry established: which page, for which app and device, for whom.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct BlankContext {
    /// The page's last path segment, e.g. `carrierLinkBlank`.
    pub page: String,
    /// The AppID that opened it.
    pub app_id: String,
    /// The device (`uuid`).
    pub device: String,
    /// The User whose verification code was checked (none on the registration page).
    pub user_id: Option<i64>,
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
    token_hash: String,
}

fn random_token() -> String {
    let mut bytes = [0u8; 32];
    rand::thread_rng().fill_bytes(&mut bytes);
    hex::encode(bytes)
}

fn hash_token(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

fn cookie_token(headers: &HeaderMap) -> Option<&str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .find_map(|c| c.trim().strip_prefix(COOKIE)?.strip_prefix('='))
}

/// Starts a session for `context`; returns the `Set-Cookie` value.
pub async fn start(state: &AppState, context: &BlankContext) -> ServiceResult<HeaderValue> {
    let token = random_token();
    let now = state.platform.clock.now();
    let subject =
        serde_json::to_string(context).map_err(|e| ServiceError::Internal(e.to_string().into()))?;
    let record = SessionRecord {
        token_hash: hash_token(&token),
        role: ROLE.to_owned(),
        subject,
        csrf_token: random_token(),
        expires_at: now + Duration::minutes(MINUTES),
    };
    state.platform.store.create_session(&record, now).await?;
    let secure = if state.secure_cookies { "; Secure" } else { "" };
    let cookie = format!(
        "{COOKIE}={token}; Path={PATH}; HttpOnly; SameSite=Lax; Max-Age={}{secure}",
        MINUTES * 60
    );
    HeaderValue::from_str(&cookie).map_err(|e| ServiceError::Internal(e.to_string().into()))
}

/// The live session of page `page` the request carries, if any.
pub async fn resume(
    state: &AppState,
    headers: &HeaderMap,
    page: &str,
) -> ServiceResult<Option<BlankSession>> {
    let Some(token) = cookie_token(headers) else {
        return Ok(None);
    };
    let token_hash = hash_token(token);
    let now = state.platform.clock.now();
    let Some(record) = state.platform.store.find_session(&token_hash, now).await? else {
        return Ok(None);
    };
    if record.role != ROLE {
        return Ok(None);
    }
    let Ok(context) = serde_json::from_str::<BlankContext>(&record.subject) else {
        return Ok(None);
    };
    if context.page != page {
        return Ok(None);
    }
    Ok(Some(BlankSession {
        context,
        csrf: record.csrf_token,
        token_hash,
    }))
}

impl BlankSession {
    /// Whether `token` is this session's CSRF token (compared in constant time).
    pub fn csrf_matches(&self, token: &str) -> bool {
        let (a, b) = (token.as_bytes(), self.csrf.as_bytes());
        a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
    }

    /// Ends the session (after its change is made, so a form cannot be replayed).
    pub async fn end(&self, state: &AppState) -> ServiceResult<HeaderValue> {
        let now = state.platform.clock.now();
        state
            .platform
            .store
            .delete_session(&self.token_hash, now)
            .await?;
        Ok(HeaderValue::from_static(
            "einv_blank=; Path=/PB2CAPIVAN/APIService; HttpOnly; SameSite=Lax; Max-Age=0",
        ))
    }
}
