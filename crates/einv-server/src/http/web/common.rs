//! Small pieces the portal pages share: times in Taipei, the CSRF field, navigation, a
//! redirect after a POST, a form field. (Page parts with markup of their own
//! are in `components`.)

use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{DateTime, Utc};
use maud::{html, Markup};

use super::session::WebSession;

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

/// A 303 to `to` that also sets a cookie.
pub fn redirect_with_cookie(to: &str, cookie: HeaderValue) -> Response {
    ([(header::SET_COOKIE, cookie)], Redirect::to(to)).into_response()
}

/// A form field, trimmed, or empty.
pub fn field<'a>(form: &'a std::collections::HashMap<String, String>, name: &str) -> &'a str {
    form.get(name).map(|s| s.trim()).unwrap_or_default()
}
