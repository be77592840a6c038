//! The Developer portal: sign up, sign in and out, apply, licences with their term and
//! renewal window, credentials (shown once), OAuth redirect URIs, notifications with read
//! receipts, terms.

use std::collections::HashMap;

use axum::extract::State;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use maud::{html, Markup};

use super::common::{field, redirect_with_cookie, PUBLIC_NAV};
use super::form_guard::{FormGuard, SignInPost};
use super::layout::{page, Lang};
use super::session::{MaybeSession, Role, WebError, WebSession};
use crate::http::AppState;
use crate::services::licensing::{DeveloperSignUp, PASSWORD_MIN};

mod apply;
mod inbox;
mod keys;
mod licence_forms;
mod licences;
mod oauth;
mod signing;

/// `?done=ACTION`: the success message to show after a decision redirected here.
#[derive(Debug, Default, serde::Deserialize)]
pub(crate) struct Done {
    /// The action that was done.
    pub done: Option<String>,
}

/// The Developer routes.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/developer/signup", get(signup_page).post(signup))
        .route("/developer/login", get(login_page).post(login))
        .route("/developer/logout", post(logout))
        .route("/developer", get(licences::dashboard))
        .route("/developer/apply", get(apply::form).post(apply::submit))
        .route("/developer/licences/{id}", get(licences::detail))
        .route(
            "/developer/licences/{id}/credentials",
            get(keys::credentials),
        )
        .route("/developer/licences/{id}/rotate", post(keys::rotate))
        .route("/developer/licences/{id}/redirect-uris", post(oauth::add))
        .route(
            "/developer/licences/{id}/redirect-uris/remove",
            post(oauth::remove),
        )
        .route("/developer/licences/{id}/signing", get(signing::page_view))
        .route(
            "/developer/licences/{id}/signing/keys",
            post(signing::register),
        )
        .route(
            "/developer/licences/{id}/signing/keys/{key}/revoke",
            post(signing::revoke),
        )
        .route("/developer/licences/{id}/{action}", post(licences::act))
        .route("/developer/notifications", get(inbox::notifications))
        .route("/developer/notifications/{id}/read", post(inbox::mark_read))
        .route("/developer/terms", get(inbox::terms).post(inbox::accept))
}

async fn signup_page(lang: Lang, guard: FormGuard) -> Response {
    guard.respond(page(
        lang,
        ("註冊開發者帳號", "Developer sign-up"),
        PUBLIC_NAV,
        html! {
            form.stack method="post" action="/developer/signup" {
                (guard.field())
                label for="email" { (lang.t("電子郵件", "E-mail")) }
                input #email type="email" name="email" required autocomplete="username";
                label for="password" { (lang.t("密碼", "Password")) " (≥ " (PASSWORD_MIN) ")" }
                input #password type="password" name="password" required minlength=(PASSWORD_MIN) autocomplete="new-password";
                label for="name" { (lang.t("名稱（營業人、組織或機關）", "Name (business, organisation or agency)")) }
                input #name name="name" required;
                label for="entity_type" { (lang.t("身分", "Entity type")) }
                select #entity_type name="entity_type" {
                    option value="business" { (lang.t("營業人", "Business")) }
                    option value="organisation" { (lang.t("組織團體", "Organisation")) }
                    option value="government" { (lang.t("政府機關", "Government agency")) }
                }
                label for="business_id" { (lang.t("統一編號", "Business ID")) }
                input #business_id name="business_id" inputmode="numeric" maxlength="8";
                label for="security_level" { (lang.t("資通安全責任等級（機關）", "Cyber-security level (agencies)")) }
                input #security_level name="security_level" maxlength="1" placeholder="A–E";
                button type="submit" { (lang.t("註冊", "Sign up")) }
            }
            p { a href="/developer/login" { (lang.t("已有帳號？登入", "Have an account? Sign in")) } }
        },
    ))
}

async fn signup(
    State(state): State<AppState>,
    guard: FormGuard,
    Form(form): Form<HashMap<String, String>>,
) -> Result<Response, WebError> {
    guard.check(field(&form, "csrf"))?;
    let input = DeveloperSignUp {
        email: field(&form, "email").to_owned(),
        password: form.get("password").cloned().unwrap_or_default(),
        name: field(&form, "name").to_owned(),
        entity_type: field(&form, "entity_type").to_owned(),
        business_id: field(&form, "business_id").to_owned(),
        security_level: field(&form, "security_level").to_owned(),
    };
    let developer = state.platform.sign_up_developer(&input).await?;
    let cookie = WebSession::start(&state, Role::Developer, &developer.id.to_string()).await?;
    Ok(redirect_with_cookie("/developer", cookie))
}

async fn login_page(lang: Lang, guard: FormGuard) -> Response {
    guard.respond(login_form(
        lang,
        ("開發者登入", "Developer sign-in"),
        "/developer/login",
        &guard,
    ))
}

/// A sign-in form posting to `action`, with the pre-session CSRF token of `guard`.
pub fn login_form(lang: Lang, title: (&str, &str), action: &str, guard: &FormGuard) -> Markup {
    page(
        lang,
        title,
        PUBLIC_NAV,
        html! {
            form.stack method="post" action=(action) {
                (guard.field())
                label for="email" { (lang.t("電子郵件", "E-mail")) }
                input #email type="email" name="email" required autocomplete="username";
                label for="password" { (lang.t("密碼", "Password")) }
                input #password type="password" name="password" required autocomplete="current-password";
                button type="submit" { (lang.t("登入", "Sign in")) }
            }
        },
    )
}

/// Starts the session of `role` for the account just signed in, and goes to its `home`.
pub(super) async fn signed_in(
    state: &AppState,
    role: Role,
    account: impl std::fmt::Display,
    home: &str,
) -> Result<Response, WebError> {
    let cookie = WebSession::start(state, role, &account.to_string()).await?;
    Ok(redirect_with_cookie(home, cookie))
}

async fn login(State(state): State<AppState>, posted: SignInPost) -> Result<Response, WebError> {
    let developer = state
        .platform
        .sign_in_developer(&posted.email, &posted.password, posted.ip)
        .await?;
    signed_in(&state, Role::Developer, developer.id, "/developer").await
}

/// Signs out any role (checking the CSRF token), then goes home.
pub async fn logout(
    State(state): State<AppState>,
    MaybeSession(session): MaybeSession,
    Form(form): Form<HashMap<String, String>>,
) -> Result<Response, WebError> {
    match session {
        Some(session) => {
            session.check_csrf(field(&form, "csrf"))?;
            let cookie = session.end(&state).await?;
            Ok(redirect_with_cookie("/", cookie))
        }
        None => Ok(axum::response::Redirect::to("/").into_response()),
    }
}
