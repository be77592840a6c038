//! Public pages (no sign-in): home, the register of licensed apps (`register.rs`),
//! announcements (R4.8, R4.9), flow-control limits (R4.6), the terms in full and their
//! versions (R4.3), the privacy policy (R8); and the public JSON of a licence's attribution
//! and disclaimer (R5.8, R5.9).

mod register;

use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use einv_core::notice::AnnouncementKind;
use maud::{html, Markup};

use super::common::{taipei_time, PUBLIC_NAV};
use super::components::scroll_table;
use super::layout::{page, Lang};
use super::session::WebError;
use crate::error::ServiceError;
use crate::http::AppState;

mod limits_page;

/// The public routes.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/", get(home))
        .route("/announcements", get(announcements))
        .route("/limits", get(limits))
        .route("/terms", get(terms))
        .route("/terms/{version}", get(terms_text))
        .route("/privacy", get(privacy))
        .route("/apps", get(register::page))
        .route("/apps.json", get(register::json))
        .route(
            "/api/v2/licences/{app_id}/attribution",
            get(attribution_json),
        )
}

async fn home(lang: Lang) -> Markup {
    page(
        lang,
        ("電子發票應用 API 平台", "e-invoice API Platform"),
        PUBLIC_NAV,
        html! {
            div.card {
                h2 { (lang.t("民眾", "For citizens")) }
                p { (lang.t("查看您同意過哪些 App、誰取用了您的資料，並可隨時撤回同意或請 App 刪除資料。", "See which apps you consented to and who used your data; revoke a consent or ask an app to delete your data at any time.")) }
                a.button href="/me" { (lang.t("登入「我的資料」", "Sign in to My data")) }
                a.button.secondary href="/me/register" { (lang.t("註冊手機條碼", "Register a mobile barcode")) }
                p { a href="/apps" { (lang.t("使用 App 前，先查詢它是否經過授權", "Check an app is licensed before you trust it")) } }
            }
            div.card {
                h2 { (lang.t("開發者", "For developers")) }
                p { (lang.t("開發者於此申請電子發票應用程式介面（API）授權；審核通過後取得 AppID 與 APIKey。", "Developers apply here for a licence to the e-invoice API; on approval they receive an AppID and an APIKey.")) }
                a.button href="/developer/signup" { (lang.t("註冊開發者帳號", "Sign up as a developer")) }
                a.button.secondary href="/developer/login" { (lang.t("開發者登入", "Developer sign-in")) }
            }
            ul {
                li { a href="/apps" { (lang.t("已授權應用程式名冊", "Register of licensed apps")) } }
                li { a href="/announcements" { (lang.t("維護與異常公告", "Maintenance and outage announcements")) } }
                li { a href="/limits" { (lang.t("流量管制標準", "Flow-control limits")) } }
                li { a href="/terms" { (lang.t("使用規範全文", "The terms in full")) } }
            }
        },
    )
}

async fn announcements(State(state): State<AppState>, lang: Lang) -> Result<Markup, WebError> {
    let list = state.platform.announcements().await?;
    Ok(page(
        lang,
        ("公告", "Announcements"),
        PUBLIC_NAV,
        html! {
            @if list.is_empty() { p.muted { (lang.t("目前沒有公告。", "No announcements.")) } }
            @for a in &list {
                div.card {
                    h2 { (a.title) }
                    p.muted {
                        (announcement_words(lang, a.kind)) " · " (taipei_time(a.starts_at))
                        @if let Some(end) = a.ends_at { " – " (taipei_time(end)) }
                    }
                    p.pre-wrap { (a.body) }
                }
            }
        },
    ))
}

/// What an announcement is about, in the page's language.
fn announcement_words(lang: Lang, kind: AnnouncementKind) -> &'static str {
    match kind {
        AnnouncementKind::Maintenance => lang.t("系統維護", "Maintenance"),
        AnnouncementKind::Outage => lang.t("系統異常", "Outage"),
        AnnouncementKind::Limits => lang.t("流量管制", "Flow-control limits"),
        AnnouncementKind::Terms => lang.t("使用規範", "Terms"),
        AnnouncementKind::Notice => lang.t("公告", "Notice"),
    }
}

async fn limits(State(state): State<AppState>, lang: Lang) -> Result<Markup, WebError> {
    limits_page::render(&state, lang).await
}

/// R4.3: the terms in force, in full, then every version.
async fn terms(State(state): State<AppState>, lang: Lang) -> Result<Markup, WebError> {
    let p = &state.platform;
    let versions = p.terms_versions().await?;
    let now = p.clock.now();
    // The newest version already published is the one in force.
    let current = versions.iter().find(|t| t.published_at <= now);
    let text = match current {
        Some(t) => Some(p.terms_text(&t.version).await?),
        None => None,
    };
    let table = html! { table {
        thead { tr { th { (lang.t("版本", "Version")) } th { (lang.t("摘要", "Summary")) } th { (lang.t("發布", "Published")) } th { (lang.t("接受期限", "Accept by")) } } }
        tbody { @for t in &versions { tr { td { a href=(format!("/terms/{}", t.version)) { (t.version) } } td data-typed { (t.summary) } td { (taipei_time(t.published_at)) } td { (taipei_time(t.deadline)) } } } }
    } };
    Ok(page(
        lang,
        ("使用規範", "Terms"),
        PUBLIC_NAV,
        html! {
            p { (lang.t("申請即表示同意本規範；規範修正後，繼續使用者須於期限前接受，不同意者應停止使用（第四點第三款）。", "Applying accepts these terms; when they are revised, whoever keeps using the API must accept by the deadline, and whoever disagrees must stop (R4.3).")) }
            @if let (Some(t), Some(text)) = (current, &text) {
                h2 { (lang.t("現行版本 ", "Version in force: ")) (t.version) }
                @if lang == Lang::En { p.muted { "The terms are published in Traditional Chinese; that text is the one that applies." } }
                pre.terms.pre-wrap lang="zh-Hant-TW" { (text) }
            }
            h2 { (lang.t("所有版本", "All versions")) }
            (scroll_table(lang.t("使用規範版本", "Terms versions"), table))
        },
    ))
}

/// R4.3, R9: the full text of a version, as Developers accepted it.
async fn terms_text(
    State(state): State<AppState>,
    lang: Lang,
    Path(version): Path<String>,
) -> Result<Markup, WebError> {
    let text = state.platform.terms_text(&version).await?;
    Ok(page(
        lang,
        ("使用規範全文", "Terms: full text"),
        PUBLIC_NAV,
        html! {
            p { (lang.t("版本 ", "Version ")) code { (version) } }
            @if lang == Lang::En { p.muted { "The terms are published in Traditional Chinese; that text is the one that applies." } }
            pre.terms.pre-wrap lang="zh-Hant-TW" { (text) }
        },
    ))
}

async fn privacy(lang: Lang) -> Markup {
    page(
        lang,
        ("隱私權政策", "Privacy policy"),
        PUBLIC_NAV,
        html! {
            p { (lang.t("開發者註冊資料依本平台隱私權及資訊安全政策處理（規範第八點）：僅開發者本人與審核人員可見，不提供第三人。", "Developers' registration data is handled under this Platform's privacy and security policy (R8): visible only to the Developer and the reviewers, never given to third parties.")) }
            p { (lang.t("密碼以 argon2 雜湊保存；APIKey 加密保存，僅於核發時顯示一次。", "Passwords are kept as argon2 hashes; APIKeys are kept encrypted and shown once, when issued.")) }
            p { (lang.t("產品使用者之電子發票資料僅於其同意範圍內提供予其授權之應用程式。", "Users' e-invoice data flows only to the apps they consented to, within that consent.")) }
        },
    )
}

async fn attribution_json(State(state): State<AppState>, Path(app_id): Path<String>) -> Response {
    match state.platform.attribution(&app_id).await {
        Ok(a) => Json(a).into_response(),
        Err(ServiceError::NotFound(_)) => (
            axum::http::StatusCode::NOT_FOUND,
            Json(serde_json::json!({
                "title": "not found", "detail": format!("appId: no licence for {app_id:?}")
            })),
        )
            .into_response(),
        Err(e) => WebError::Service(e).into_response(),
    }
}
