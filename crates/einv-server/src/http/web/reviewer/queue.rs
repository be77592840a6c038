//! The reviewer's list: search and filter (status, last change, service, developer or
//! product, assigned to me), paging, names instead of numbers.

use axum::extract::{MatchedPath, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use einv_core::AppId;
use einv_core::ReviewerId;
use maud::{html, Markup};

use crate::error::ServiceError;
use crate::http::web::common::{csrf_field, REVIEWER_NAV};
use crate::http::web::components::{self, licence, FormErrors};
use crate::http::web::layout::{page, Lang};
use crate::http::web::messages;
use crate::http::web::session::WebError;
use crate::http::web::signed_in::SignedIn;
use crate::http::AppState;
use crate::services::licensing::{QueueFilter, QueuePage};
use einv_core::licence::LicenceStateKind;
use einv_core::{InvalidValue, ProblemKind, Service};

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

/// The filter's inputs a problem can be shown beside; a problem with another parameter (the
/// page number) is shown beside the search box.
const FILTER_FIELDS: [&str; 5] = ["q", "status", "service", "from", "to"];

/// A refused filter: the problem beside its input, in the page's language.
fn filter_errors(lang: Lang, v: &InvalidValue) -> FormErrors {
    let field = FILTER_FIELDS
        .into_iter()
        .find(|f| *f == v.field)
        .unwrap_or("q");
    let problem = match (field, v.kind) {
        ("to", ProblemKind::Other) => lang
            .t(
                "迄日不可早於起日。",
                "The end day must not be before the start day.",
            )
            .to_owned(),
        _ => messages::problem_words(lang, v),
    };
    FormErrors::one(field, problem)
}

fn filter_form(lang: Lang, f: &QueueFilter, action: &str, errors: &FormErrors) -> Markup {
    let status = if f.status.is_empty() {
        "queue"
    } else {
        f.status.as_str()
    };
    let beside = |id: &str| {
        html! { @if let Some(m) = errors.of(id) { p.field-error id=(format!("{id}-error")) { span.visually-hidden { (lang.t("錯誤：", "Error: ")) } (m) } } }
    };
    let invalid = |id: &str| errors.of(id).map(|_| "true");
    let described = |id: &str| errors.of(id).map(|_| format!("{id}-error"));
    html! {
        (errors.summary(lang))
        form.card #filter method="get" action=(action) role="search" {
            div.filter-grid {
                div { label for="q" { (lang.t("開發者、產品或 AppID", "Developer, product or AppID")) } (beside("q")) input #q name="q" type="search" value=(f.q) maxlength="100" aria-invalid=[invalid("q")] aria-describedby=[described("q")]; }
                div { label for="status" { (lang.t("狀態", "Status")) }
                    (beside("status"))
                    select #status name="status" aria-invalid=[invalid("status")] aria-describedby=[described("status")] {
                        option value="queue" selected[status == "queue"] { (lang.t("待審核", "Waiting for review")) }
                        option value="all" selected[status == "all"] { (lang.t("全部", "All")) }
                        @for s in LicenceStateKind::ALL { option value=(s) selected[status == s.as_str()] { (licence::state_words(lang, *s).0) } }
                    } }
                div { label for="service" { (lang.t("服務", "Service")) }
                    (beside("service"))
                    select #service name="service" aria-invalid=[invalid("service")] aria-describedby=[described("service")] {
                        option value="" { (lang.t("全部", "Any")) }
                        @for s in Service::ALL { option value=(s.as_str()) selected[f.service == s.as_str()] { (licence::service_words(lang, s.as_str())) } }
                    } }
                div { label for="from" { (lang.t("最後異動起", "Changed from")) } (beside("from")) input #from name="from" type="date" value=(f.from) aria-invalid=[invalid("from")] aria-describedby=[described("from")]; }
                div { label for="to" { (lang.t("最後異動迄", "Changed until")) } (beside("to")) input #to name="to" type="date" value=(f.to) aria-invalid=[invalid("to")] aria-describedby=[described("to")]; }
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
                td { a href=(format!("/reviewer/licences/{}", row.licence.id)) { (row.product_name) } br; span.muted { "#" (row.licence.id) " · " (row.licence.app_id.as_ref().map_or("—", AppId::as_str)) } }
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

/// `GET /reviewer` (what waits for a decision) and `GET /reviewer/licences` (every
/// licence): one list, told apart by the path it was asked on, which its filter form posts to.
pub(super) async fn list(
    State(state): State<AppState>,
    lang: Lang,
    path: MatchedPath,
    SignedIn { session, me }: SignedIn<ReviewerId>,
    Query(mut filter): Query<QueueFilter>,
) -> Result<Response, WebError> {
    let action = path.as_str();
    let title = if action == "/reviewer/licences" {
        if filter.status.is_empty() {
            filter.status = "all".into();
        }
        ("全部授權", "All licences")
    } else {
        ("審核佇列", "Review queue")
    };
    // A malformed filter (a day that is not a date …) comes back in the filter form, as typed.
    let (result, errors) = match state.platform.review_list(me, &filter).await {
        Ok(result) => (Some(result), FormErrors::none()),
        Err(ServiceError::Invalid(v)) => (None, filter_errors(lang, &v)),
        Err(e) => return Err(e.into()),
    };
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let body = page(
        lang,
        title,
        REVIEWER_NAV,
        html! {
            (filter_form(lang, &filter, action, &errors))
            @match &result {
                Some(r) if r.total == 0 => p.muted #empty { (lang.t("沒有符合的案件。", "Nothing matches.")) },
                Some(r) => (listing(lang, r, &filter, state.platform.clock.now())),
                None => {},
            }
            form method="post" action="/reviewer/logout" { (csrf_field(&session)) button.secondary type="submit" { (lang.t("登出", "Sign out")) } }
        },
    );
    Ok((status, body).into_response())
}
