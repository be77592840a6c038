//! The User's requests to apps (R5.2): stop using, stop processing, or delete their data.
//! Each gets a receipt page with a number, the app, what was asked, when, and the day it is
//! due; asking the same thing again while it is open shows the existing receipt instead of a
//! duplicate.

use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use einv_core::DeletionRequestId;
use einv_core::{AppId, UserId};
use einv_store::RequestKind;
use maud::{html, Markup};
use serde::Deserialize;

use super::account::Done;
use super::words::{kind_text, receipt_number, request_badge};
use super::{csrf_field, when, NAV};
use crate::http::web::components::{
    citizen_date, confirmation_panel, scroll_table, success_banner, FormErrors,
};
use crate::http::web::signed_in::{Posted, SignedIn};
use crate::http::web::{page, Lang, WebError, WebSession};
use crate::http::AppState;

/// `GET /me/requests`: the requests sent, and the form to send one.
pub(super) async fn list(
    State(state): State<AppState>,
    lang: Lang,
    SignedIn { session, me: user }: SignedIn<UserId>,
) -> Result<Markup, WebError> {
    list_page(&state, lang, &session, user, &FormErrors::none()).await
}

async fn list_page(
    state: &AppState,
    lang: Lang,
    session: &WebSession,
    user: UserId,
    errors: &FormErrors,
) -> Result<Markup, WebError> {
    let p = &state.platform;
    let requests = p.deletion_requests_of_user(user).await?;
    let grants = p.consents_of_user(user).await?;
    let ids: Vec<&str> = grants
        .iter()
        .map(|g| g.app_id.as_str())
        .chain(requests.iter().map(|r| r.app_id.as_str()))
        .collect();
    let names = p.app_names(&ids).await?;
    let mut apps: Vec<(&str, &str)> = names
        .iter()
        .map(|(id, name)| (id.as_str(), name.as_str()))
        .collect();
    apps.sort_by(|a, b| a.1.cmp(b.1).then(a.0.cmp(b.0)));
    let table = html! { table {
        thead { tr { th { (lang.t("收據編號", "Receipt")) } th { "App" } th { (lang.t("請求", "Request")) } th { (lang.t("處理期限", "Due by")) } th { (lang.t("狀態", "Status")) } } }
        tbody { @for r in &requests { tr {
            td { a href={ "/me/requests/" (r.id) } { (receipt_number(r)) } }
            td { (names.get(r.app_id.as_str()).map_or(r.app_id.as_str(), String::as_str)) }
            td { (kind_text(lang, r.kind)) br; span.muted { (when(lang, r.created_at)) } }
            td { (citizen_date(lang, r.due_date)) }
            td { (request_badge(lang, r)) }
        } } }
    } };
    let body = html! {
        (errors.summary(lang))
        p { (lang.t("您可以請曾取得您同意的 App 停止使用、停止處理或刪除您的資料；開發者須於 30 日內處理（規範第五點第二款）。",
            "You can ask any app you consented to to stop using, stop processing or delete your data; the developer must act within 30 days (R5.2).")) }
        @if requests.is_empty() { p.muted { (lang.t("您尚未提出任何請求。", "You have not sent any request.")) } }
        @else { (scroll_table(lang.t("我的請求", "My requests"), table)) }
        h2 { (lang.t("提出新的請求", "Send a new request")) }
        @if apps.is_empty() { p.muted { (lang.t("您尚未同意任何 App，因此沒有可提出請求的對象。", "You have not consented to any app, so there is no app to ask.")) } }
        @else {
            form.stack.card method="post" action="/me/requests" novalidate {
                (csrf_field(session))
                label for="app_id" { "App" }
                @if let Some(m) = errors.of("app_id") { p.field-error id="app_id-error" { (m) } }
                select #app_id name="app_id" aria-describedby=[errors.of("app_id").map(|_| "app_id-error")] {
                    @for (id, name) in &apps { option value=(id) { (name) } }
                }
                fieldset {
                    legend { (lang.t("您要它做什麼？", "What do you ask it to do?")) }
                    @for (i, k) in RequestKind::ALL.into_iter().enumerate() {
                        div { input type="radio" id={ "kind-" (k.as_str()) } name="kind" value=(k.as_str()) checked[i == 0];
                              " " label.plain for={ "kind-" (k.as_str()) } { (kind_text(lang, k)) } }
                    }
                }
                button type="submit" { (lang.t("送出請求", "Send request")) }
            }
        }
    };
    Ok(page(lang, ("我的請求", "My requests"), NAV, body))
}

/// The request form.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(super) struct RequestForm {
    app_id: String,
    kind: String,
}

/// `POST /me/requests` (R5.2): the receipt of the new request, or of the same open one.
pub(super) async fn file(
    State(state): State<AppState>,
    lang: Lang,
    Posted {
        session,
        me: user,
        form: f,
    }: Posted<UserId, RequestForm>,
) -> Result<Response, WebError> {
    let Some(kind) = RequestKind::parse(&f.kind) else {
        let errors = FormErrors::one(
            "kind-stop-use",
            lang.t("請選擇要 App 做什麼。", "Choose what to ask the app to do."),
        );
        let page = list_page(&state, lang, &session, user, &errors).await?;
        return Ok((axum::http::StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    };
    let filed = match AppId::parse(&f.app_id) {
        Ok(app_id) => {
            state
                .platform
                .file_deletion_request(user, &app_id, kind)
                .await
        }
        // Text that is not an AppID names no app the User consented to.
        Err(_) => Err(crate::error::ServiceError::not_found("app_id")),
    };
    match filed {
        Ok((request, new)) => {
            let done = if new { "filed" } else { "existing" };
            Ok(Redirect::to(&format!("/me/requests/{}?done={done}", request.id)).into_response())
        }
        Err(crate::error::ServiceError::NotFound(_)) => {
            let errors = FormErrors::one(
                "app_id",
                lang.t(
                    "請選擇您曾同意過的 App。",
                    "Choose an app you consented to.",
                ),
            );
            let page = list_page(&state, lang, &session, user, &errors).await?;
            Ok((axum::http::StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

/// `GET /me/requests/{id}`: the receipt.
pub(super) async fn receipt(
    State(state): State<AppState>,
    lang: Lang,
    SignedIn { me: user, .. }: SignedIn<UserId>,
    Path(id): Path<DeletionRequestId>,
    Query(q): Query<Done>,
) -> Result<Markup, WebError> {
    let p = &state.platform;
    let r = p.deletion_request_of_user(user, id).await?;
    let names = p.app_names(&[r.app_id.as_str()]).await?;
    let app = names
        .get(r.app_id.as_str())
        .map_or(r.app_id.as_str(), String::as_str);
    let number = receipt_number(&r);
    let rows: [((&str, &str), Markup); 6] = [
        (("收據編號", "Receipt number"), html! { (number) }),
        (("App", "App"), html! { (app) }),
        (("請求", "Request"), html! { (kind_text(lang, r.kind)) }),
        (("提出時間", "Sent"), html! { (when(lang, r.created_at)) }),
        (
            ("處理期限", "Due by"),
            html! { (citizen_date(lang, r.due_date)) },
        ),
        (("狀態", "Status"), html! { (request_badge(lang, &r)) }),
    ];
    let body = html! {
        @match q.done.as_str() {
            "filed" => (confirmation_panel(lang, ("請求已送出", "Request sent"), Some(&number))),
            "existing" => (success_banner(lang, ("您已提出過相同的請求", "You already sent this request"),
                Some(html! { p { (lang.t("這項請求仍在處理中，因此沒有重複送出。以下是原來的收據。", "It is still open, so it was not sent twice. This is its receipt.")) } }))),
            _ => {}
        }
        table { tbody { @for ((zh, en), v) in rows { tr { th scope="row" { (lang.t(zh, en)) } td { (v) } } } } }
        h2 { (lang.t("接下來", "What happens next")) }
        p { (lang.t("開發者須於期限內處理，完成後您會在這裡看到狀態更新。逾期未處理者，平台將依規範處置。",
            "The developer must act by the due day; you will see the status change here. The Platform acts on developers who miss it.")) }
        p { a href="/me/requests" { (lang.t("回到我的請求", "Back to my requests")) } }
    };
    Ok(page(lang, ("請求收據", "Request receipt"), NAV, body))
}
