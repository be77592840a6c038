//! Small pieces the portal pages share: times in Taipei, the CSRF field, navigation, the
//! signed-in subject's row ID, a redirect after a POST, and the licence pieces both the
//! Developer's and the reviewer's pages show (a licence's term line and its history table).

use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{DateTime, Utc};
use einv_core::licence::{Coverage, Renewal};
use einv_store::LicenceRecord;
use maud::{html, Markup};

use super::layout::Lang;
use super::session::{Role, WebError, WebSession};

/// An instant as Taipei local time, `YYYY-MM-DD HH:MM`.
pub fn taipei_time(at: DateTime<Utc>) -> String {
    at.with_timezone(&einv_core::clock::taipei())
        .format("%Y-%m-%d %H:%M")
        .to_string()
}

/// The hidden CSRF field every POST form carries.
pub fn csrf_field(session: &WebSession) -> Markup {
    html! { input type="hidden" name="csrf" value=(session.csrf); }
}

/// The Developer portal's navigation.
pub const DEVELOPER_NAV: &[(&str, &str, &str)] = &[
    ("/developer", "我的授權", "My licences"),
    ("/developer/apply", "申請", "Apply"),
    ("/developer/notifications", "通知", "Notifications"),
    ("/developer/terms", "使用規範", "Terms"),
];

/// The reviewer console's navigation.
pub const REVIEWER_NAV: &[(&str, &str, &str)] = &[
    ("/reviewer", "審核佇列", "Queue"),
    ("/reviewer/licences", "全部授權", "All licences"),
    ("/reviewer/events", "異動紀錄", "Events"),
    ("/reviewer/limits", "流量管制", "Flow control"),
    ("/reviewer/jobs", "背景作業", "Background jobs"),
];

/// The public pages' navigation.
pub const PUBLIC_NAV: &[(&str, &str, &str)] = &[
    ("/announcements", "公告", "Announcements"),
    ("/limits", "流量管制", "Limits"),
    ("/terms", "使用規範", "Terms"),
    ("/developer", "開發者", "Developers"),
];

/// The row ID of the signed-in subject, requiring `role`.
pub fn subject_id(session: WebSession, role: Role) -> Result<(WebSession, i64), WebError> {
    let session = session.require(role)?;
    let id = session
        .subject
        .parse::<i64>()
        .map_err(|_| WebError::SignIn(role))?;
    Ok((session, id))
}

/// A 303 to `to` that also sets a cookie.
pub fn redirect_with_cookie(to: &str, cookie: HeaderValue) -> Response {
    ([(header::SET_COOKIE, cookie)], Redirect::to(to)).into_response()
}

/// A form field, trimmed, or empty.
pub fn field<'a>(form: &'a std::collections::HashMap<String, String>, name: &str) -> &'a str {
    form.get(name).map(|s| s.trim()).unwrap_or_default()
}

/// Checks the form's CSRF token against the session.
pub fn check_csrf(
    session: &WebSession,
    form: &std::collections::HashMap<String, String>,
) -> Result<(), WebError> {
    session.check_csrf(field(form, "csrf"))
}

/// One line about where a licence stands: state, term, and the renewal window.
pub fn term_summary(
    lang: Lang,
    licence: &LicenceRecord,
    now: chrono::DateTime<chrono::Utc>,
) -> Markup {
    let coverage = licence.state.coverage();
    html! {
        strong { (licence.state.name()) }
        @if let Some(Coverage::Term { term }) = coverage {
            " · " (lang.t("授權期間 ", "term ")) (term.start()) " – " (term.last_day())
            @let (opens, closes) = term.renewal_window();
            @if now < opens {
                " · " (lang.t("距重行審核申請開放尚有 ", "renewal window opens in ")) ((opens - now).num_days()) (lang.t(" 天", " days"))
            } @else if now <= closes {
                " · " (lang.t("重行審核申請期間至 ", "renewal window open until ")) (taipei_time(closes))
            }
        }
        @if let Some(Coverage::Legacy { .. }) = coverage {
            " · " (lang.t("舊制授權，須於 2025-03-31 前申請重新審核", "legacy licence: re-review due by 2025-03-31"))
        }
        @if let Renewal::Applied { .. } = licence.state.renewal() { " · " (lang.t("重行審核中", "re-review pending")) }
        @if let Renewal::Approved { next } = licence.state.renewal() { " · " (lang.t("次期 ", "next term ")) (next.start()) " – " (next.last_day()) }
    }
}

/// A licence's events as a table.
pub fn history_table(lang: Lang, history: &[einv_store::LicenceEventRecord]) -> Markup {
    html! { table {
        thead { tr { th { (lang.t("時間", "Time")) } th { (lang.t("事件", "Event")) } th { (lang.t("執行者", "Actor")) } th { (lang.t("依據", "Rule")) } th { (lang.t("說明", "Reason")) } } }
        tbody { @for e in history { tr { td { (taipei_time(e.at)) } td { (e.event) " → " (e.state_after) } td { (e.actor) } td { (e.rule) } td { (e.reason) } } } }
    } }
}
