//! `/me/history`: who used the User's data and when (R6.4), in plain words, one row per
//! access with its invoices folded away, filtered by day (Taipei), paged, and as CSV.

use std::collections::HashMap;

use axum::extract::{Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use einv_core::audit::StoredEntry;
use maud::{html, Markup};
use serde::Deserialize;

use super::words::action_text;
use super::{when, NAV};
use crate::http::web::components::{scroll_table, FormErrors, TextField};
use crate::http::web::signed_in::SignedIn;
use crate::http::web::{page, Lang, WebError};
use crate::http::AppState;
use einv_core::UserId;
use einv_store::UserEntriesPage;

/// Rows on one page.
const PAGE_ROWS: i64 = 20;
/// Most rows in one CSV download.
const CSV_ROWS: i64 = 10_000;

/// The filter: days as `YYYY-MM-DD` (Taipei), and the page (entries older than `before`).
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(super) struct Filter {
    from: String,
    to: String,
    before: Option<i64>,
}

/// The filter's instants `[from, to)` as Unix seconds, or the problems with it.
fn range(lang: Lang, f: &Filter) -> Result<(i64, i64), FormErrors> {
    let mut errors = FormErrors::none();
    let mut day = |id: &str, text: &str| -> Option<NaiveDate> {
        if text.trim().is_empty() {
            return None;
        }
        let parsed = NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d").ok();
        if parsed.is_none() {
            errors.push(
                id,
                lang.t(
                    "日期須為 年-月-日，例如 2026-11-27。",
                    "Enter a date as year-month-day, e.g. 2026-11-27.",
                ),
            );
        }
        parsed
    };
    let (from, to) = (day("from", &f.from), day("to", &f.to));
    if let (Some(a), Some(b)) = (from, to) {
        if a > b {
            errors.push(
                "to",
                lang.t(
                    "結束日期不可早於開始日期。",
                    "The end date cannot be before the start date.",
                ),
            );
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let start_of = |d: NaiveDate| {
        einv_core::clock::taipei()
            .from_local_datetime(&d.and_time(chrono::NaiveTime::MIN))
            .earliest()
            .map_or(0, |t| t.timestamp())
    };
    let from = from.map_or(0, start_of);
    let to = to.and_then(|d| d.succ_opt()).map_or(i64::MAX, start_of);
    Ok((from, to))
}

fn who(lang: Lang, e: &StoredEntry, names: &HashMap<String, String>) -> String {
    match &e.content.app_id {
        Some(app)
            if e.content.actor.starts_with("app:") || !e.content.actor.starts_with("user:") =>
        {
            names.get(app).cloned().unwrap_or_else(|| app.clone())
        }
        _ if e.content.actor.starts_with("user:") => lang.t("您", "You").to_owned(),
        _ => lang.t("平台", "The Platform").to_owned(),
    }
}

fn entry_apps(entries: &[StoredEntry]) -> Vec<&str> {
    entries
        .iter()
        .filter_map(|e| e.content.app_id.as_deref())
        .collect()
}

fn at(e: &StoredEntry) -> DateTime<Utc> {
    DateTime::from_timestamp(e.content.at, 0).unwrap_or_default()
}

fn rows_table(lang: Lang, entries: &[StoredEntry], names: &HashMap<String, String>) -> Markup {
    html! { table {
        thead { tr { th { (lang.t("時間", "When")) } th { (lang.t("誰", "Who")) } th { (lang.t("做了什麼", "What")) } th { (lang.t("發票", "Invoices")) } } }
        tbody { @for e in entries { tr {
            td { (when(lang, at(e))) }
            td { (who(lang, e, names)) }
            td { (action_text(lang, &e.content.action)) }
            td { @match e.content.invoices.len() {
                0 => { "—" }
                1 => { (e.content.invoices[0]) }
                n => { details { summary { (n) (lang.t(" 張發票", " invoices")) } ul { @for i in e.content.invoices.iter() { li { (i) } } } } }
            } }
        } } }
    } }
}

fn filter_form(lang: Lang, f: &Filter, errors: &FormErrors) -> Markup {
    html! {
        form.stack.card method="get" action="/me/history" novalidate {
            (TextField { kind: "date", value: &f.from, required: false, ..TextField::new("from", ("從（含）", "From (inclusive)")) }.render(lang, errors))
            (TextField { kind: "date", value: &f.to, required: false, ..TextField::new("to", ("到（含）", "To (inclusive)")) }.render(lang, errors))
            button type="submit" { (lang.t("篩選", "Filter")) }
            a.button.secondary href="/me/history" { (lang.t("清除", "Clear")) }
        }
    }
}

fn query(f: &Filter, before: Option<i64>) -> String {
    let mut q = form_urlencoded::Serializer::new(String::new());
    q.append_pair("from", &f.from).append_pair("to", &f.to);
    if let Some(b) = before {
        q.append_pair("before", &b.to_string());
    }
    q.finish()
}

/// `GET /me/history`.
pub(super) async fn show(
    State(state): State<AppState>,
    lang: Lang,
    SignedIn { me: user, .. }: SignedIn<UserId>,
    Query(f): Query<Filter>,
) -> Result<Response, WebError> {
    let (from, to) = match range(lang, &f) {
        Ok(r) => r,
        Err(errors) => {
            let body = html! { (errors.summary(lang)) (filter_form(lang, &f, &errors)) };
            let page = page_of(lang, body);
            return Ok((axum::http::StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
        }
    };
    let p = &state.platform;
    // One more than a page tells whether there is an older page.
    let page = UserEntriesPage::newest(user, (from, to), PAGE_ROWS + 1);
    let page = f.before.map_or(page, |seq| page.before(seq));
    let mut entries = p.access_history(page).await?;
    let more = entries.len() > usize::try_from(PAGE_ROWS).unwrap_or(usize::MAX);
    entries.truncate(usize::try_from(PAGE_ROWS).unwrap_or(usize::MAX));
    let names = p.app_names(&entry_apps(&entries)).await?;
    let body = html! {
        p { (lang.t("這裡列出每一次 App 取用您的資料，以及與您的同意有關的每一件事（規範第六點第四款）。",
            "Every time an app used your data, and everything that happened to your consents, is listed here (R6.4).")) }
        (filter_form(lang, &f, &FormErrors::none()))
        @if entries.is_empty() { p.muted { (lang.t("這段期間沒有紀錄。", "Nothing recorded in this period.")) } }
        @else { (scroll_table(lang.t("存取紀錄", "Access history"), rows_table(lang, &entries, &names))) }
        nav.pager aria-label=(lang.t("分頁", "Pages")) {
            @if f.before.is_some() { a href={ "/me/history?" (query(&f, None)) } { (lang.t("← 最新", "← Newest")) } }
            @if more { @if let Some(last) = entries.last() {
                a href={ "/me/history?" (query(&f, Some(last.seq))) } { (lang.t("較早的紀錄 →", "Older →")) }
            } }
        }
        p { a href={ "/me/history.csv?" (query(&f, None)) } download { (lang.t("下載這段期間的紀錄（CSV）", "Download this period (CSV)")) } }
    };
    Ok(page_of(lang, body).into_response())
}

fn page_of(lang: Lang, body: Markup) -> Markup {
    page(lang, ("存取紀錄", "Access history"), NAV, body)
}

/// One CSV field, quoted when it must be (RFC 4180), and with a leading `=`, `+`, `-`, `@`
/// defused so a spreadsheet does not run it as a formula.
fn csv_field(text: &str) -> String {
    let text = if text.starts_with(['=', '+', '-', '@']) {
        format!("'{text}")
    } else {
        text.to_owned()
    };
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text
    }
}

/// `GET /me/history.csv`: the filtered period, newest first, UTF-8 with a BOM (so Excel in
/// Taiwan opens it as UTF-8).
pub(super) async fn csv(
    State(state): State<AppState>,
    lang: Lang,
    SignedIn { me: user, .. }: SignedIn<UserId>,
    Query(f): Query<Filter>,
) -> Result<Response, WebError> {
    let (from, to) = range(lang, &f).map_err(|e| {
        WebError::Shown(
            axum::http::StatusCode::UNPROCESSABLE_ENTITY,
            e.summary(lang).into_string(),
        )
    })?;
    let p = &state.platform;
    let newest = UserEntriesPage::newest(user, (from, to), CSV_ROWS);
    let entries = p.access_history(newest).await?;
    let names = p.app_names(&entry_apps(&entries)).await?;
    let mut out = String::from("\u{feff}");
    let heading = [
        lang.t("時間（臺北）", "Time (Taipei)"),
        lang.t("誰", "Who"),
        "AppID",
        lang.t("做了什麼", "What"),
        lang.t("發票", "Invoices"),
    ];
    out.push_str(&heading.join(","));
    out.push_str("\r\n");
    for e in &entries {
        let local = at(e)
            .with_timezone(&einv_core::clock::taipei())
            .format("%Y-%m-%d %H:%M:%S")
            .to_string();
        let fields = [
            local,
            who(lang, e, &names),
            e.content.app_id.clone().unwrap_or_default(),
            action_text(lang, &e.content.action),
            e.content.invoices.join(" "),
        ];
        let line: Vec<String> = fields.iter().map(|t| csv_field(t)).collect();
        out.push_str(&line.join(","));
        out.push_str("\r\n");
    }
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"einv-history.csv\"",
            ),
        ],
        out,
    )
        .into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_fields_are_quoted_and_defused() {
        assert_eq!(csv_field("plain"), "plain");
        assert_eq!(csv_field("a,b"), "\"a,b\"");
        assert_eq!(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(csv_field("=1+1"), "'=1+1");
    }

    #[test]
    fn a_day_range_is_taipei_days_and_checked() {
        let f = Filter {
            from: "2026-11-27".into(),
            to: "2026-11-27".into(),
            before: None,
        };
        let (from, to) = range(Lang::En, &f).unwrap_or_default();
        // 2026-11-27 00:00 Taipei is 2026-11-26 16:00 UTC; the day is 24 hours long.
        assert_eq!(from, 1_795_708_800);
        assert_eq!(to - from, 86_400);
        let bad = Filter {
            from: "2026-11-28".into(),
            to: "2026-11-27".into(),
            before: None,
        };
        assert!(range(Lang::En, &bad).is_err_and(|e| e.of("to").is_some()));
        let typo = Filter {
            from: "27/11/2026".into(),
            ..Filter::default()
        };
        assert!(range(Lang::En, &typo).is_err_and(|e| e.of("from").is_some()));
    }
}
