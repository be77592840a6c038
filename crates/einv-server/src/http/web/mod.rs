//! Server-rendered web pages (maud): usable without JavaScript, readable on a phone, in
//! Traditional Chinese with English. Each audience has its own module and its own role.

pub mod common;
pub mod developer;
pub mod layout;
pub mod public;
pub mod reviewer;
pub mod session;
pub mod user;

use axum::extract::DefaultBodyLimit;
use axum::Router;

use crate::http::AppState;

/// Bodies the portal accepts: application forms with documents.
const MAX_FORM_BODY: usize = 12 * 1024 * 1024;

/// Every web page and the public JSON beside them.
pub fn routes() -> Router<AppState> {
    Router::new()
        .merge(public::routes())
        .merge(developer::routes())
        .merge(reviewer::routes())
        // Applications carry documents (up to 5 MB each); v1 bodies stay small.
        .layer(DefaultBodyLimit::max(MAX_FORM_BODY))
}

pub use layout::{page, Lang};
pub use session::{Role, WebError, WebSession};
