//! The reviewer's list: search and filter (status, last change, service, developer or
//! product, assigned to me), paging, names instead of numbers.

use axum::extract::{Query, State};
use maud::{html, Markup};

use crate::http::web::common::{csrf_field, subject_id, REVIEWER_NAV};
use crate::http::web::components::{self, licence};
use crate::http::web::layout::{page, Lang};
use crate::http::web::session::{Role, WebError, WebSession};
use crate::http::AppState;
use crate::services::licensing::{QueueFilter, QueuePage, STATE_NAMES};
use einv_core::Service;

/// This filter's query string for page `n`.
fn page_link(f: &QueueFilter, n: usize) -> String {
    let mut q = form_urlencoded::Serializer::new(String::new());
    for (k, v) in [
        ("status", &f.status),
        ("q", &f.q),
        ("service", &f.service),
        ("from", &f.from),
        ("to", &f.to),
        ("assignee", &f.assignee),
    ] {
        if !v.is_empty() {
            q.append_pair(k, v);
        }
    }
    q.append_pair("page", &n.to_string());
    format!("?{}", q.finish())
}

fn filter_form(lang: Lang, f: &QueueFilter, action: &str) -> Markup {
    let status = if f.status.is_empty() {
        "queue"
    } else {
        f.status.as_str()
    };
    html! {
        form.card #filter method="get" action=(action) role="search" {
            div.filter-grid {
                div { label for="q" { (lang.t("開發者、產品或 AppID", "Developer, product or AppID")) } input #q name="q" type="search" value=(f.q) maxlength="100"; }
                div { label for="status" { (lang.t("狀態", "Status")) }
                    select #status name="status" {
                        option value="queue" selected[status == "queue"] { (lang.t("待審核", "Waiting for review")) }
                        option value="all" selected[status == "all"] { (lang.t("全部", "All")) }
                        @for s in STATE_NAMES { option value=(s) selected[status == s] { (licence::state_words(lang, s).0) } }
                    } }
                div { label for="service" { (lang.t("服務", "Service")) }
                    select #service name="service" {
                        option value="" { (lang.t("全部", "Any")) }
                        @for s in Service::ALL { option value=(s.as_str()) selected[f.service == s.as_str()] { (licence::service_words(lang, s.as_str())) } }
                    } }
                div { label for="from" { (lang.t("最後異動起", "Changed from")) } input #from name="from" type="date" value=(f.from); }
                div { label for="to" { (lang.t("最後異動迄", "Changed until")) } input #to name="to" type="date" value=(f.to); }
                div { label for="assignee" { (lang.t("指派", "Assigned")) }
                    select #assignee name="assignee" {
                        option value="" { (lang.t("任何人", "Anyone")) }
                        option value="me" selected[f.assignee == "me"] { (lang.t("指派給我", "To me")) }
                    } }
            }
            button type="submit" { (lang.t("篩選", "Filter")) }
            " " a href=(action) { (lang.t("清除", "Clear")) }
        }
    }
}

fn listing(
    lang: Lang,
    r: &QueuePage,
    f: &QueueFilter,
    now: chrono::DateTime<chrono::Utc>,
) -> Markup {
    html! {
        p #result-count role="status" { (r.total) (lang.t(" 件", " found")) " · " (lang.t("第 ", "page ")) (r.page) " / " (r.pages) (lang.t(" 頁", "")) }
        div.scroll role="region" aria-label=(lang.t("授權案件", "Licences")) tabindex="0" { table #licences {
            thead { tr { th { (lang.t("產品", "Product")) } th { (lang.t("開發者", "Developer")) } th { (lang.t("服務", "Services")) } th { (lang.t("狀態", "Status")) } th { (lang.t("指派", "Assigned")) } th { (lang.t("最後異動", "Last change")) } } }
            tbody { @for row in &r.rows { tr {
                td { a href=(format!("/reviewer/licences/{}", row.licence.id)) { (row.product_name) } br; span.muted { "#" (row.licence.id) " · " (row.licence.app_id.as_deref().unwrap_or("—")) } }
                td { (row.developer_name) }
                td { (licence::services_words(lang, &row.services)) }
                td { (licence::badge(lang, &row.licence.state)) br; span.muted { (licence::term_line(lang, &row.licence, now)) } }
                td { (row.assignee.as_ref().map(|a| a.name.as_str()).unwrap_or("—")) }
                td { (components::when(lang, row.licence.updated_at)) }
            } } }
        } }
        nav aria-label=(lang.t("分頁", "Pages")) {
            @if r.page > 1 { a.button rel="prev" href=(page_link(f, r.page - 1)) { "← " (lang.t("上一頁", "Previous")) } " " }
            @if r.page < r.pages { a.button rel="next" href=(page_link(f, r.page + 1)) { (lang.t("下一頁", "Next")) " →" } }
        }
    }
}

async fn list(
    state: AppState,
    lang: Lang,
    session: WebSession,
    mut filter: QueueFilter,
    title: (&str, &str),
    action: &str,
) -> Result<Markup, WebError> {
    let (session, me) = subject_id(session, Role::Reviewer)?;
    if action == "/reviewer/licences" && filter.status.is_empty() {
        filter.status = "all".into();
    }
    let result = state.platform.review_list(me, &filter).await?;
    Ok(page(
        lang,
        title,
        REVIEWER_NAV,
        html! {
            (filter_form(lang, &filter, action))
            @if result.total == 0 { p.muted #empty { (lang.t("沒有符合的案件。", "Nothing matches.")) } }
            @else { (listing(lang, &result, &filter, state.platform.clock.now())) }
            form method="post" action="/reviewer/logout" { (csrf_field(&session)) button.secondary type="submit" { (lang.t("登出", "Sign out")) } }
        },
    ))
}

/// `GET /reviewer`: what waits for a decision.
pub(super) async fn queue(
    State(state): State<AppState>,
    lang: Lang,
    session: WebSession,
    Query(filter): Query<QueueFilter>,
) -> Result<Markup, WebError> {
    list(
        state,
        lang,
        session,
        filter,
        ("審核佇列", "Review queue"),
        "/reviewer",
    )
    .await
}

/// `GET /reviewer/licences`: every licence.
pub(super) async fn all(
    State(state): State<AppState>,
    lang: Lang,
    session: WebSession,
    Query(filter): Query<QueueFilter>,
) -> Result<Markup, WebError> {
    list(
        state,
        lang,
        session,
        filter,
        ("全部授權", "All licences"),
        "/reviewer/licences",
    )
    .await
}
