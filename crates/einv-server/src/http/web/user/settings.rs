//! Changing the verification code, and deregistering (R6.1).

use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use maud::{html, Markup};
use serde::Deserialize;

use super::{csrf_field, user_of, NAV};
use crate::http::web::{page, Lang, WebError, WebSession};
use crate::http::AppState;

/// `GET /me/code`.
pub(super) async fn code_page(lang: Lang, session: WebSession) -> Result<Markup, WebError> {
    let (session, _) = user_of(session)?;
    let body = html! {
        form.stack.card method="post" action="/me/code" {
            (csrf_field(&session))
            label for="current" { (lang.t("目前驗證碼", "Current code")) }
            input #current name="current" type="password" autocomplete="current-password" required;
            label for="new_code" { (lang.t("新驗證碼（6–16 碼英數字）", "New code (6–16 letters and digits)")) }
            input #new_code name="new_code" type="password" autocomplete="new-password" required;
            button type="submit" { (lang.t("變更", "Change")) }
        }
    };
    Ok(page(
        lang,
        ("變更驗證碼", "Change verification code"),
        NAV,
        body,
    ))
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(super) struct CodeForm {
    csrf: String,
    current: String,
    new_code: String,
}

/// `POST /me/code`.
pub(super) async fn change_code(
    State(state): State<AppState>,
    lang: Lang,
    session: WebSession,
    Form(f): Form<CodeForm>,
) -> Result<Markup, WebError> {
    let (session, user) = user_of(session)?;
    session.check_csrf(&f.csrf)?;
    state
        .platform
        .change_verification_code(user, &f.current, &f.new_code)
        .await?;
    // Whoever knew the old code may hold a session elsewhere: only this one stays.
    session.end_others(&state).await?;
    let body = html! { p.flash { (lang.t("驗證碼已變更；您在其他裝置上的登入已結束，使用舊驗證碼的 App 須請您重新輸入。", "Your code is changed; you are signed out on every other device, and apps using the old code will ask you again.")) } };
    Ok(page(
        lang,
        ("變更驗證碼", "Change verification code"),
        NAV,
        body,
    ))
}

/// `GET /me/deregister`.
pub(super) async fn deregister_page(lang: Lang, session: WebSession) -> Result<Markup, WebError> {
    let (session, _) = user_of(session)?;
    let body = html! {
        div.card {
            p { (lang.t("註銷後，您對所有 App 的同意將全部撤回，並通知曾取得您同意的每個 App 刪除您的資料（規範第六點第一款）。",
                "Deregistering revokes every consent you gave and asks every app that held one to delete your data (R6.1).")) }
            form method="post" action="/me/deregister" {
                (csrf_field(&session))
                button.danger type="submit" { (lang.t("確認註銷", "Deregister")) }
            }
        }
    };
    Ok(page(lang, ("註銷帳號", "Deregister"), NAV, body))
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(super) struct CsrfForm {
    csrf: String,
}

/// `POST /me/deregister` (R6.1).
pub(super) async fn deregister(
    State(state): State<AppState>,
    session: WebSession,
    Form(f): Form<CsrfForm>,
) -> Result<Response, WebError> {
    let (session, user) = user_of(session)?;
    session.check_csrf(&f.csrf)?;
    state.platform.deregister_user(user).await?;
    let cookie = crate::http::web::session::cleared_cookie(&state);
    Ok(([(header::SET_COOKIE, cookie)], Redirect::to("/me/login")).into_response())
}
