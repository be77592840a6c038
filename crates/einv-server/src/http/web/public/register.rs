//! `/apps` and `/apps.json`: the public register of licensed apps (name, developer, services,
//! term, status), so a citizen can check an app before trusting it.

use axum::extract::State;
use axum::response::{IntoResponse, Response};
use axum::Json;
use chrono::NaiveDate;
use maud::{html, Markup};

use super::super::common::PUBLIC_NAV;
use super::super::components::{badge, citizen_date, scroll_table, Tone};
use super::super::layout::Lang;
use super::super::session::WebError;
use crate::http::AppState;
use crate::services::licensing::RegisterEntry;

fn status(lang: Lang, e: &RegisterEntry) -> Markup {
    match e.state {
        "active" | "reviewing" => badge(Tone::Ok, lang.t("授權中", "Licensed")),
        "suspended" => badge(Tone::Bad, lang.t("停權中", "Suspended")),
        "expired" => badge(Tone::Neutral, lang.t("已到期", "Expired")),
        _ => badge(Tone::Bad, lang.t("已終止", "Terminated")),
    }
}

fn term(lang: Lang, e: &RegisterEntry) -> String {
    e.term_last_day
        .as_deref()
        .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
        .map_or_else(
            || "—".to_owned(),
            |d| format!("{}{}", lang.t("至 ", "until "), citizen_date(lang, d)),
        )
}

/// `GET /apps`.
pub(super) async fn page(State(state): State<AppState>, lang: Lang) -> Result<Markup, WebError> {
    let entries = state.platform.public_register().await?;
    let table = html! { table {
        thead { tr { th { (lang.t("應用程式", "App")) } th { (lang.t("開發者", "Developer")) } th { (lang.t("授權服務", "Licensed services")) } th { (lang.t("授權期間", "Term")) } th { (lang.t("狀態", "Status")) } } }
        tbody { @for e in &entries { tr {
            td { strong { (e.product) } br; span.muted { "AppID " (e.app_id) } }
            td { (e.developer) }
            td { ul { @for s in &e.services { li { (lang.t(s.name_zh(), s.name_en())) } } } }
            td { (term(lang, e)) }
            td { (status(lang, e)) }
        } } }
    } };
    Ok(super::super::layout::page(
        lang,
        ("已授權應用程式名冊", "Register of licensed apps"),
        PUBLIC_NAV,
        html! {
            p { (lang.t("以下應用程式經財政部財政資訊中心授權使用電子發票應用程式介面。App 要求您同意取用資料前，請先確認它列於此處且狀態為「授權中」。",
                "These apps are licensed by the Fiscal Information Agency to use the e-invoice API. Before you let an app use your data, check it is listed here as Licensed.")) }
            @if entries.is_empty() { p.muted { (lang.t("目前沒有已授權的應用程式。", "No app is licensed yet.")) } }
            @else { (scroll_table(lang.t("已授權應用程式", "Licensed apps"), table)) }
            p.muted { "JSON: " a href="/apps.json" { "/apps.json" } }
        },
    ))
}

/// `GET /apps.json`: the same register, for machines.
pub(super) async fn json(State(state): State<AppState>) -> Response {
    match state.platform.public_register().await {
        Ok(entries) => Json(serde_json::json!({ "apps": entries })).into_response(),
        Err(e) => WebError::Service(e).into_response(),
    }
}
