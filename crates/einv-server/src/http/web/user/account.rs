//! The User's consents (what, to whom, until when; revoke, renew), their requests to apps
//! (R5.2) with due days, access history (R6.4) and notices.

use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use einv_core::consent::ConsentStatus;
use einv_store::{ConsentGrantRecord, DeletionRequestRecord, RequestKind};
use maud::{html, Markup};
use serde::Deserialize;

use super::{csrf_field, sign_out, user_of, when, NAV};
use crate::http::web::{page, Lang, WebError, WebSession};
use crate::http::AppState;

fn status_text(lang: Lang, s: ConsentStatus) -> &'static str {
    match s {
        ConsentStatus::Live => lang.t("有效", "Live"),
        ConsentStatus::Lapsed => lang.t("已逾六個月失效", "Lapsed (six months)"),
        ConsentStatus::Revoked => lang.t("已撤回", "Revoked"),
        ConsentStatus::Voided => lang.t("已失效（開發者停業後復業）", "Void (developer suspended)"),
    }
}

fn kind_text(lang: Lang, k: RequestKind) -> &'static str {
    match k {
        RequestKind::StopUse => lang.t("停止使用", "Stop using"),
        RequestKind::StopProcessing => lang.t("停止處理、利用", "Stop processing"),
        RequestKind::Delete => lang.t("刪除資料", "Delete data"),
    }
}

fn consent_card(
    lang: Lang,
    session: &WebSession,
    g: &ConsentGrantRecord,
    now: chrono::DateTime<chrono::Utc>,
) -> Markup {
    let status = g.grant.status(now);
    let items = g.grant.request.items();
    html! {
        div.card {
            p { strong { (g.app_id) } " · " (status_text(lang, status)) }
            p { (lang.t("服務：", "Services: "))
                @for s in g.grant.request.services() { span { (s.name_zh()) " " } } }
            p.muted { (lang.t("目的：", "Purpose: ")) (items.purpose) br;
                (lang.t("對象：", "Recipients: ")) (items.recipients) br;
                (lang.t("同意時間：", "Given: ")) (when(g.grant.granted_at)) " · "
                (lang.t("有效至：", "Until: ")) (when(g.grant.lapses_at())) }
            @if status == ConsentStatus::Live {
                form method="post" action={ "/me/consents/" (g.id) "/revoke" } {
                    (csrf_field(session))
                    button.danger type="submit" { (lang.t("撤回同意", "Revoke")) }
                }
            } @else if status == ConsentStatus::Lapsed {
                form method="post" action={ "/me/consents/" (g.id) "/renew" } {
                    (csrf_field(session))
                    button type="submit" { (lang.t("重新同意", "Consent again")) }
                }
            }
        }
    }
}

fn request_table(lang: Lang, requests: &[DeletionRequestRecord]) -> Markup {
    html! {
        table {
            tr { th { "App" } th { (lang.t("請求", "Request")) } th { (lang.t("期限", "Due")) } th { (lang.t("狀態", "Status")) } }
            @for r in requests {
                tr {
                    td { (r.app_id) }
                    td { (kind_text(lang, r.kind)) br; span.muted { (when(r.created_at)) } }
                    td { (r.due_date) }
                    td { @if let Some(t) = r.completed_at { (lang.t("已完成 ", "Done ")) (when(t)) }
                         @else if let Some(t) = r.acknowledged_at { (lang.t("已受理 ", "Acknowledged ")) (when(t)) }
                         @else { (lang.t("待處理", "Waiting")) } }
                }
            }
        }
    }
}

/// `GET /me`: consents and requests.
pub(super) async fn home(
    State(state): State<AppState>,
    lang: Lang,
    session: WebSession,
) -> Result<Markup, WebError> {
    let (session, user) = user_of(session)?;
    let p = &state.platform;
    let account = p.user_account(user).await?;
    let grants = p.consents_of_user(user).await?;
    let requests = p.deletion_requests_of_user(user).await?;
    let now = p.clock.now();
    let mut apps: Vec<&str> = grants.iter().map(|g| g.app_id.as_str()).collect();
    apps.sort_unstable();
    apps.dedup();
    let body = html! {
        (sign_out(lang, &session))
        p { (lang.t("您的手機條碼：", "Your mobile barcode: ")) strong.barcode { (account.mobile_barcode) } }
        h2 { (lang.t("我的同意", "My consents")) }
        @if grants.is_empty() { p.muted { (lang.t("您尚未同意任何 App 取用您的資料。", "You have not consented to any app.")) } }
        @for g in &grants { (consent_card(lang, &session, g, now)) }
        h2 { (lang.t("停止使用或刪除請求", "Requests to stop or delete")) }
        p.muted { (lang.t("開發者須於期限內處理（規範第五點第二款）。", "Developers must act by the due day (R5.2).")) }
        @if !requests.is_empty() { (request_table(lang, &requests)) }
        @if !apps.is_empty() {
            form.stack.card method="post" action="/me/requests" {
                (csrf_field(&session))
                label for="app_id" { "App" }
                select #app_id name="app_id" { @for a in &apps { option value=(a) { (a) } } }
                label for="kind" { (lang.t("請求", "Request")) }
                select #kind name="kind" { @for k in RequestKind::ALL { option value=(k.as_str()) { (kind_text(lang, k)) } } }
                button type="submit" { (lang.t("送出請求", "Send request")) }
            }
        }
        p { a href="/me/deregister" { (lang.t("註銷帳號", "Deregister")) } }
    };
    Ok(page(
        lang,
        ("我的資料與同意", "My data and consents"),
        NAV,
        body,
    ))
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(super) struct CsrfForm {
    csrf: String,
}

/// `POST /me/consents/{id}/revoke` (R5.2).
pub(super) async fn revoke(
    State(state): State<AppState>,
    session: WebSession,
    Path(id): Path<i64>,
    Form(f): Form<CsrfForm>,
) -> Result<Response, WebError> {
    let (session, user) = user_of(session)?;
    session.check_csrf(&f.csrf)?;
    state.platform.revoke_consent(user, id).await?;
    Ok(Redirect::to("/me").into_response())
}

/// `POST /me/consents/{id}/renew` (R5.6: a new recorded act).
pub(super) async fn renew(
    State(state): State<AppState>,
    session: WebSession,
    Path(id): Path<i64>,
    Form(f): Form<CsrfForm>,
) -> Result<Response, WebError> {
    let (session, user) = user_of(session)?;
    session.check_csrf(&f.csrf)?;
    state.platform.renew_consent(user, id).await?;
    Ok(Redirect::to("/me").into_response())
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(super) struct RequestForm {
    csrf: String,
    app_id: String,
    kind: String,
}

/// `POST /me/requests` (R5.2).
pub(super) async fn file_request(
    State(state): State<AppState>,
    session: WebSession,
    Form(f): Form<RequestForm>,
) -> Result<Response, WebError> {
    let (session, user) = user_of(session)?;
    session.check_csrf(&f.csrf)?;
    let kind = RequestKind::parse(&f.kind)
        .ok_or_else(|| {
            einv_core::InvalidValue::new("kind", "must be stop-use, stop-processing or delete")
        })
        .map_err(crate::error::ServiceError::from)?;
    state
        .platform
        .request_deletion(user, &f.app_id, kind)
        .await?;
    Ok(Redirect::to("/me").into_response())
}

/// `GET /me/history`: who read the User's data, when (R6.4).
pub(super) async fn history(
    State(state): State<AppState>,
    lang: Lang,
    session: WebSession,
) -> Result<Markup, WebError> {
    let (_, user) = user_of(session)?;
    let accesses = state
        .platform
        .audit_log(&einv_store::AuditFilter::User(user), 200)
        .await?;
    let body = html! {
        @if accesses.is_empty() { p.muted { (lang.t("目前沒有存取紀錄。", "No accesses recorded yet.")) } }
        @else {
            table {
                tr { th { (lang.t("時間", "Time")) } th { "App" } th { (lang.t("動作", "Action")) } th { (lang.t("發票", "Invoices")) } }
                @for e in accesses.iter().map(|s| &s.content) {
                    tr {
                        td { (when(chrono::DateTime::from_timestamp(e.at, 0).unwrap_or_default())) }
                        td { (e.app_id.as_deref().unwrap_or("—")) }
                        td { (e.action) }
                        td { (e.invoices.join(", ")) }
                    }
                }
            }
        }
    };
    Ok(page(lang, ("存取紀錄", "Access history"), NAV, body))
}

/// `GET /me/notifications`.
pub(super) async fn notifications(
    State(state): State<AppState>,
    lang: Lang,
    session: WebSession,
) -> Result<Markup, WebError> {
    let (session, user) = user_of(session)?;
    let notes = state.platform.notifications_of_user(user).await?;
    let body = html! {
        @if notes.is_empty() { p.muted { (lang.t("沒有通知。", "No notices.")) } }
        @for n in &notes {
            div.card { p { @if n.read_at.is_none() { strong { "● " } } (n.body) } p.muted { (when(n.created_at)) } }
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
    session: WebSession,
    Form(f): Form<CsrfForm>,
) -> Result<Response, WebError> {
    let (session, user) = user_of(session)?;
    session.check_csrf(&f.csrf)?;
    state.platform.read_notifications(user).await?;
    Ok(Redirect::to("/me/notifications").into_response())
}
