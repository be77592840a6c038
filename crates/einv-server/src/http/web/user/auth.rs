//! Signing in and out, and registering (R6.1), with mobile barcode and verification code.

use axum::extract::{Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use maud::{html, Markup};
use serde::Deserialize;

use crate::error::{Proof, ServiceError};
use crate::http::web::{page, Lang, Role, WebError, WebSession};
use crate::http::AppState;

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(super) struct Next {
    next: String,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(super) struct Credentials {
    barcode: String,
    code: String,
    next: String,
}

/// Only a path on this site: never an absolute or protocol-relative URL (no open redirect).
fn safe_next(next: &str) -> &str {
    if next.starts_with('/') && !next.starts_with("//") && !next.starts_with("/\\") {
        next
    } else {
        "/me"
    }
}

fn login_form(lang: Lang, next: &str, error: Option<&str>) -> Markup {
    let body = html! {
        @if let Some(e) = error { p.error { (e) } }
        form.stack.card method="post" action="/me/login" {
            input type="hidden" name="next" value=(safe_next(next));
            label for="barcode" { (lang.t("手機條碼", "Mobile barcode")) }
            input #barcode name="barcode" placeholder="/ABC1234" autocomplete="username" required;
            label for="code" { (lang.t("驗證碼", "Verification code")) }
            input #code name="code" type="password" autocomplete="current-password" required;
            button type="submit" { (lang.t("登入", "Sign in")) }
        }
        p { a href="/me/register" { (lang.t("還沒有登錄？註冊手機條碼", "Not registered? Register a mobile barcode")) } }
    };
    page(lang, ("使用者登入", "User sign-in"), &[], body)
}

/// `GET /me/login`.
pub(super) async fn login_page(lang: Lang, Query(q): Query<Next>) -> Markup {
    login_form(lang, &q.next, None)
}

/// `POST /me/login`: a wrong barcode or code shows the form again, saying which pair failed
/// but not which half.
pub(super) async fn login(
    State(state): State<AppState>,
    lang: Lang,
    Form(f): Form<Credentials>,
) -> Result<Response, WebError> {
    match state.platform.sign_in_user(&f.barcode, &f.code).await {
        Ok(user) => {
            let cookie = WebSession::start(&state, Role::User, &user.id.to_string()).await?;
            Ok((
                [(header::SET_COOKIE, cookie)],
                Redirect::to(safe_next(&f.next)),
            )
                .into_response())
        }
        Err(ServiceError::Unproven(Proof::UserSignIn)) => {
            let msg = lang.t(
                "手機條碼或驗證碼錯誤。",
                "The mobile barcode or verification code is wrong.",
            );
            Ok((
                axum::http::StatusCode::UNAUTHORIZED,
                login_form(lang, &f.next, Some(msg)),
            )
                .into_response())
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(super) struct CsrfOnly {
    csrf: String,
}

/// `POST /me/logout`.
pub(super) async fn logout(
    State(state): State<AppState>,
    session: WebSession,
    Form(f): Form<CsrfOnly>,
) -> Result<Response, WebError> {
    let session = session.require(Role::User)?;
    session.check_csrf(&f.csrf)?;
    let cookie = session.end(&state).await?;
    Ok(([(header::SET_COOKIE, cookie)], Redirect::to("/me/login")).into_response())
}

pub(crate) fn register_form(
    lang: Lang,
    error: Option<&str>,
    action: &str,
    extra: Markup,
) -> Markup {
    let body = html! {
        @if let Some(e) = error { p.error { (e) } }
        form.stack.card method="post" action=(action) {
            (extra)
            // The Platform issues the barcode: the User only sets the code.
            p { (lang.t("註冊後平台將核發您的手機條碼。", "The Platform issues your mobile barcode when you register.")) }
            label for="code" { (lang.t("驗證碼（6–16 碼英數字，須含英文與數字）", "Verification code (6–16 letters and digits, both)")) }
            input #code name="code" type="password" autocomplete="new-password" required;
            button type="submit" { (lang.t("註冊", "Register")) }
        }
    };
    page(
        lang,
        ("註冊手機條碼", "Register a mobile barcode"),
        &[],
        body,
    )
}

/// `GET /me/register`.
pub(super) async fn register_page(lang: Lang) -> Markup {
    register_form(lang, None, "/me/register", html! {})
}

/// `POST /me/register` (R6.1): registers and signs in.
pub(super) async fn register(
    State(state): State<AppState>,
    lang: Lang,
    Form(f): Form<Credentials>,
) -> Result<Response, WebError> {
    match state.platform.register_user(&f.code).await {
        Ok(user) => {
            let cookie = WebSession::start(&state, Role::User, &user.id.to_string()).await?;
            Ok(([(header::SET_COOKIE, cookie)], Redirect::to("/me")).into_response())
        }
        Err(ServiceError::Invalid(e)) => {
            let form = register_form(lang, Some(&e.to_string()), "/me/register", html! {});
            Ok((axum::http::StatusCode::UNPROCESSABLE_ENTITY, form).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

#[cfg(test)]
mod tests {
    use super::safe_next;

    #[test]
    fn next_stays_on_this_site() {
        assert_eq!(safe_next("/oauth/authorize?x=1"), "/oauth/authorize?x=1");
        for bad in [
            "https://evil.example",
            "//evil.example",
            "/\\evil.example",
            "",
        ] {
            assert_eq!(safe_next(bad), "/me");
        }
    }
}
