//! `/me`: the User's home (barcode, consents, requests at a glance), and their notices.

use axum::extract::{Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use maud::{html, Markup};
use serde::Deserialize;

use super::consents::consents_section;
use super::{csrf_field, sign_out, when, NAV};
use crate::http::web::components::success_banner;
use crate::http::web::signed_in::{Posted, SignedIn};
use crate::http::web::{page, Lang, WebError};
use crate::http::AppState;
use einv_core::UserId;

/// `?done=`: what the page before did, for the success banner.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(super) struct Done {
    pub(super) done: String,
}

fn banner(lang: Lang, done: &str, barcode: &str) -> Markup {
    match done {
        "registered" => success_banner(
            lang,
            ("註冊完成", "You are registered"),
            Some(
                html! { p { (lang.t("您的手機條碼是 ", "Your mobile barcode is ")) strong { (barcode) } (lang.t("，請記下它。", ". Keep it safe.")) } },
            ),
        ),
        "revoked" => success_banner(
            lang,
            ("已撤回同意", "Consent revoked"),
            Some(
                html! { p { (lang.t("該 App 已無法再取得您的資料；若要它刪除已取得的資料，請提出刪除請求。", "The app can no longer get your data. To have it delete what it already has, send a delete request.")) } },
            ),
        ),
        "renewed" => success_banner(lang, ("已重新同意", "Consent renewed"), None),
        _ => html! {},
    }
}

fn app_ids(grants: &[einv_store::ConsentGrantRecord]) -> Vec<&str> {
    grants.iter().map(|g| g.app_id.as_str()).collect()
}

/// `GET /me`: the barcode, the consents, a way to the requests.
pub(super) async fn home(
    State(state): State<AppState>,
    lang: Lang,
    SignedIn { session, me: user }: SignedIn<UserId>,
    Query(q): Query<Done>,
) -> Result<Markup, WebError> {
    let p = &state.platform;
    let account = p.user_account(user).await?;
    let grants = p.consents_of_user(user).await?;
    let names = p.app_names(&app_ids(&grants)).await?;
    let now = p.clock.now();
    let body = html! {
        (banner(lang, &q.done, account.mobile_barcode.as_str()))
        p { (lang.t("您的手機條碼：", "Your mobile barcode: ")) strong.barcode { (account.mobile_barcode.as_str()) } " " (sign_out(lang, &session)) }
        (consents_section(lang, &session, &grants, &names, now))
        h2 { (lang.t("停止使用或刪除請求", "Requests to stop or delete")) }
        p { a href="/me/requests" { (lang.t("查看我的請求，或請 App 停止使用、刪除我的資料", "See my requests, or ask an app to stop using or delete my data")) } }
        h2 { (lang.t("帳號", "Account")) }
        ul {
            li { a href="/me/history" { (lang.t("誰取用了我的資料（存取紀錄）", "Who used my data (access history)")) } }
            li { a href="/me/code" { (lang.t("變更驗證碼", "Change my verification code")) } }
            li { a href="/me/deregister" { (lang.t("註銷帳號", "Deregister")) } }
        }
    };
    Ok(page(
        lang,
        ("我的資料與同意", "My data and consents"),
        NAV,
        body,
    ))
}

/// `GET /me/notifications`.
pub(super) async fn notifications(
    State(state): State<AppState>,
    lang: Lang,
    SignedIn { session, me: user }: SignedIn<UserId>,
) -> Result<Markup, WebError> {
    let notes = state.platform.notifications_of_user(user).await?;
    let body = html! {
        @if notes.is_empty() { p.muted { (lang.t("沒有通知。", "No notices.")) } }
        @for n in &notes {
            div.card { p { @if n.read_at.is_none() { strong { (lang.t("未讀：", "Unread: ")) } } (n.body) } p.muted { (when(lang, n.created_at)) } }
        }
        @if notes.iter().any(|n| n.read_at.is_none()) {
            form method="post" action="/me/notifications" {
                (csrf_field(&session))
                button.secondary type="submit" { (lang.t("全部標為已讀", "Mark all read")) }
            }
        }
    };
    Ok(page(lang, ("通知", "Notices"), NAV, body))
}

/// `POST /me/notifications`: mark all read.
pub(super) async fn read_notifications(
    State(state): State<AppState>,
    Posted { me: user, .. }: Posted<UserId>,
) -> Result<Response, WebError> {
    state.platform.read_notifications(user).await?;
    Ok(Redirect::to("/me/notifications").into_response())
}
