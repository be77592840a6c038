//! Changing the verification code, and deregistering (R6.1).

use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use maud::{html, Markup};
use serde::Deserialize;

use super::auth::{code_field, new_code_field};
use super::{csrf_field, NAV};
use crate::error::ServiceError;
use crate::http::web::components::confirm::confirm_form;
use crate::http::web::components::{success_banner, FormErrors};
use crate::http::web::signed_in::{Posted, SignedIn};
use crate::http::web::{page, Lang, WebError, WebSession};
use crate::http::AppState;
use einv_core::UserId;

fn code_form(lang: Lang, session: &WebSession, errors: &FormErrors) -> Markup {
    let current = code_field("current", ("目前的驗證碼", "Current code"));
    let new_code = new_code_field("new_code", ("新的驗證碼", "New code"));
    let body = html! {
        (errors.summary(lang))
        p { (lang.t("變更後，您在其他裝置上的登入會結束。", "Changing it signs you out on every other device.")) }
        form.stack.card method="post" action="/me/code" novalidate {
            (csrf_field(session))
            (current.render(lang, errors))
            (new_code.render(lang, errors))
            button type="submit" { (lang.t("變更", "Change")) }
        }
    };
    page(lang, ("變更驗證碼", "Change verification code"), NAV, body)
}

/// `GET /me/code`.
pub(super) async fn code_page(lang: Lang, SignedIn { session, .. }: SignedIn<UserId>) -> Markup {
    code_form(lang, &session, &FormErrors::none())
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(super) struct CodeForm {
    current: String,
    new_code: String,
}

/// `POST /me/code`: a wrong current code or a new one that breaks the rule re-shows the form
/// with the problem beside its field; success ends the User's other sessions.
pub(super) async fn change_code(
    State(state): State<AppState>,
    lang: Lang,
    Posted {
        session,
        me: user,
        form: f,
    }: Posted<UserId, CodeForm>,
) -> Result<Response, WebError> {
    let refused = match state
        .platform
        .change_verification_code(user, &f.current, &f.new_code)
        .await
    {
        Ok(()) => None,
        Err(ServiceError::Unproven(_)) => Some(FormErrors::one(
            "current",
            lang.t("目前的驗證碼不正確。", "The current code is wrong."),
        )),
        Err(ServiceError::Invalid(_)) => {
            Some(FormErrors::one("new_code", super::code_rule_error(lang)))
        }
        Err(e) => return Err(e.into()),
    };
    if let Some(errors) = refused {
        let form = code_form(lang, &session, &errors);
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, form).into_response());
    }
    // Whoever knew the old code may hold a session elsewhere: only this one stays.
    session.end_others(&state).await?;
    let body = success_banner(
        lang,
        ("驗證碼已變更", "Your code is changed"),
        Some(
            html! { p { (lang.t("您在其他裝置上的登入已結束；使用舊驗證碼的 App 會請您重新輸入。", "You are signed out on every other device; apps using the old code will ask you again.")) } },
        ),
    );
    Ok(page(lang, ("變更驗證碼", "Change verification code"), NAV, body).into_response())
}

/// `GET /me/deregister`: what deregistering does, then the button that does it.
pub(super) async fn deregister_page(
    lang: Lang,
    SignedIn { session, .. }: SignedIn<UserId>,
) -> Markup {
    let what = html! {
        ul {
            li { (lang.t("您對所有 App 的同意將全部撤回；", "every consent you gave is revoked;")) }
            li { (lang.t("曾取得您同意的每個 App 都會收到刪除您資料的請求（規範第六點第一款）；", "every app that held one is asked to delete your data (R6.1);")) }
            li { (lang.t("您的手機條碼將無法再登入，此動作無法復原。", "your mobile barcode can no longer sign in. This cannot be undone.")) }
        }
    };
    let body = confirm_form(
        lang,
        what,
        "/me/deregister",
        csrf_field(&session),
        ("確認註銷", "Deregister"),
        "/me",
    );
    page(lang, ("註銷帳號", "Deregister"), NAV, body)
}

/// `POST /me/deregister` (R6.1).
pub(super) async fn deregister(
    State(state): State<AppState>,
    Posted { me: user, .. }: Posted<UserId>,
) -> Result<Response, WebError> {
    state.platform.deregister_user(user).await?;
    let cookie = crate::http::web::session::cleared_cookie(&state)?;
    Ok(([(header::SET_COOKIE, cookie)], Redirect::to("/me/login")).into_response())
}
