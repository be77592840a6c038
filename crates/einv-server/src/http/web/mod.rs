//! Server-rendered web pages (maud): usable without JavaScript, readable on a phone, in
//! Traditional Chinese with English. Each audience has its own module and its own role; the
//! shell (`layout`), the shared parts (`components`, `common`), the security headers and the
//! not-found page (`security`) and the pre-session CSRF guard (`form_guard`) serve them all.

pub mod assets;
pub mod common;
pub mod components;
pub mod developer;
pub mod form_guard;
pub mod layout;
pub mod messages;
pub mod public;
pub mod reviewer;
pub mod security;
pub mod session;
pub mod signed_in;
pub mod user;

use axum::extract::{DefaultBodyLimit, Path, Query, State};
use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::Router;
use serde::Deserialize;

use crate::http::AppState;

/// Bodies the portal accepts: application forms with documents.
const MAX_FORM_BODY: usize = 12 * 1024 * 1024;

/// Every web page and the public JSON beside them.
pub fn routes() -> Router<AppState> {
    Router::new()
        .merge(public::routes())
        .merge(developer::routes())
        .merge(reviewer::routes())
        .route("/assets/site.css", get(assets::stylesheet))
        .route("/lang/{code}", get(choose_language))
        // Applications carry documents (up to 5 MB each); v1 bodies stay small.
        .layer(DefaultBodyLimit::max(MAX_FORM_BODY))
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct Back {
    next: String,
}

/// `GET /lang/{zh|en}?next=/path`: keeps the choice in a cookie for a year and goes back to
/// the page (on this site only).
async fn choose_language(
    State(state): State<AppState>,
    Path(code): Path<String>,
    Query(back): Query<Back>,
) -> Response {
    let to = security::safe_next(&back.next, "/");
    let Some(lang) = Lang::parse(&code) else {
        return Redirect::to(to).into_response();
    };
    let secure = if state.secure_cookies { "; Secure" } else { "" };
    let cookie = format!(
        "{}={}; Path=/; Max-Age=31536000; SameSite=Lax{secure}",
        layout::LANG_COOKIE,
        lang.short()
    );
    match HeaderValue::from_str(&cookie) {
        Ok(value) => ([(header::SET_COOKIE, value)], Redirect::to(to)).into_response(),
        Err(_) => Redirect::to(to).into_response(),
    }
}

pub use common::PUBLIC_NAV;
pub use layout::{page, Lang};
pub use session::{Role, WebError, WebSession};
