//! The User's pages under `/me` (R5.2, R6.1): sign in and out, register, change the
//! verification code, see and revoke consents, ask apps to stop using or delete data, see
//! access history and notices, deregister. Phone-friendly, zh-TW first, CSRF on every POST.

use axum::routing::{get, post};
use axum::Router;
use chrono::{DateTime, Utc};
use maud::{html, Markup};

use super::{Lang, Role, WebError, WebSession};
use crate::http::AppState;

mod account;
mod auth;
pub(crate) use auth::register_form;
pub mod authorize_page;
mod settings;

/// The navigation of a signed-in User.
pub const NAV: &[(&str, &str, &str)] = &[
    ("/me", "我的同意", "My consents"),
    ("/me/history", "存取紀錄", "Access history"),
    ("/me/notifications", "通知", "Notices"),
    ("/me/code", "變更驗證碼", "Change code"),
];

/// The `/me` routes.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/me", get(account::home))
        .route("/me/login", get(auth::login_page).post(auth::login))
        .route("/me/logout", post(auth::logout))
        .route(
            "/me/register",
            get(auth::register_page).post(auth::register),
        )
        .route("/me/consents/{id}/revoke", post(account::revoke))
        .route("/me/consents/{id}/renew", post(account::renew))
        .route("/me/requests", post(account::file_request))
        .route("/me/history", get(account::history))
        .route(
            "/me/notifications",
            get(account::notifications).post(account::read_notifications),
        )
        .route(
            "/me/code",
            get(settings::code_page).post(settings::change_code),
        )
        .route(
            "/me/deregister",
            get(settings::deregister_page).post(settings::deregister),
        )
}

/// The signed-in User's ID.
pub(crate) fn user_of(session: WebSession) -> Result<(WebSession, i64), WebError> {
    let session = session.require(Role::User)?;
    let id = session
        .subject
        .parse::<i64>()
        .map_err(|_| WebError::SignIn(Role::User))?;
    Ok((session, id))
}

/// A Taipei time, to the minute.
pub(crate) fn when(at: DateTime<Utc>) -> String {
    at.with_timezone(&einv_core::clock::taipei())
        .format("%Y-%m-%d %H:%M")
        .to_string()
}

/// The hidden CSRF field every form carries.
pub(crate) fn csrf_field(session: &WebSession) -> Markup {
    html! { input type="hidden" name="csrf" value=(session.csrf); }
}

/// The sign-out button for the navigation area of a page body.
pub(crate) fn sign_out(lang: Lang, session: &WebSession) -> Markup {
    html! {
        form method="post" action="/me/logout" {
            (csrf_field(session))
            button.secondary type="submit" { (lang.t("登出", "Sign out")) }
        }
    }
}
