//! The User's pages under `/me` (R5.2, R6.1, R6.4): sign in and out, register, change the
//! verification code, see consents (one per app and scope) and revoke them after a
//! confirmation, ask apps to stop using or delete data (with a receipt, never twice), see the
//! access history (filter, paging, CSV) and notices, deregister. Phone-friendly, zh-TW first,
//! CSRF on every POST, `Cache-Control: no-store` (web/security.rs).

use axum::routing::{get, post};
use axum::Router;
use chrono::{DateTime, Utc};
use maud::{html, Markup};

use super::{Lang, WebSession};
use crate::http::AppState;

mod account;
mod auth;
pub(crate) use auth::{code_rule_error, register_form};
pub mod authorize_page;
mod consents;
mod history;
mod requests;
mod settings;
mod words;

pub(crate) use super::common::csrf_field;

/// The navigation of a signed-in User.
pub const NAV: &[(&str, &str, &str)] = &[
    ("/me", "我的同意", "My consents"),
    ("/me/requests", "我的請求", "My requests"),
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
        .route(
            "/me/consents/{id}/revoke",
            get(consents::confirm_revoke).post(consents::act),
        )
        .route("/me/consents/{id}/renew", post(consents::act))
        .route("/me/requests", get(requests::list).post(requests::file))
        .route("/me/requests/{id}", get(requests::receipt))
        .route("/me/history", get(history::show))
        .route("/me/history.csv", get(history::csv))
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

/// A time as citizens read it (ROC date in Chinese, Taipei time, the zone named).
pub(crate) fn when(lang: Lang, at: DateTime<Utc>) -> String {
    super::components::citizen_time(lang, at)
}

/// The sign-out button for the navigation area of a page body.
pub(crate) fn sign_out(lang: Lang, session: &WebSession) -> Markup {
    html! {
        form.inline method="post" action="/me/logout" {
            (csrf_field(session))
            button.secondary type="submit" { (lang.t("登出", "Sign out")) }
        }
    }
}
