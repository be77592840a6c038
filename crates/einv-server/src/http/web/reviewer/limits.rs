//! The reviewer's flow-control page (R4.6, R4.9): calls refused per AppID over the last day,
//! every AppID limit announced (with the reasons), and the form that sets or lifts a
//! licence's own limit from a given time. Also the small section a licence's pages show of
//! its AppID's limit and refusals (developer and reviewer alike).

use einv_core::LicenceId;
use einv_core::ReviewerId;
use std::collections::HashMap;

use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{DateTime, NaiveDateTime, Utc};
use einv_core::flow::RateLimit;
use einv_core::{InvalidValue, Service};
use maud::{html, Markup};

use crate::error::ServiceError;
use crate::http::web::common::{csrf_field, field, taipei_time, REVIEWER_NAV};
use crate::http::web::layout::{page, Lang};
use crate::http::web::session::WebError;
use crate::http::web::signed_in::{Posted, SignedIn};
use crate::http::AppState;
use crate::services::flow::AppLimitView;

/// `GET /reviewer/limits`.
pub(super) async fn view(
    State(state): State<AppState>,
    lang: Lang,
    SignedIn { session, .. }: SignedIn<ReviewerId>,
) -> Result<Markup, WebError> {
    let p = &state.platform;
    let refused = p.throttled_today().await?;
    let announced = p.limit_announcements().await?;
    let defaults = p.flow.limits;
    let per_service = &p.flow.per_service;
    Ok(page(
        lang,
        ("流量管制", "Flow control"),
        REVIEWER_NAV,
        html! {
            p { (lang.t("預設：每一 IP ", "Defaults: per IP ")) (defaults.per_ip) (lang.t("；每一 AppID ", "; per AppID ")) (defaults.per_app) (lang.t("（次數/秒/瞬間）", " (calls/seconds/burst)")) }
            @if !per_service.is_empty() { p { (lang.t("每一 AppID 每一服務：", "Per AppID per service: "))
                @for (s, l) in per_service { code { (s) } " " (l) "; " } } }
            h2 { (lang.t("近 24 小時被限流之呼叫", "Calls refused over the last 24 hours")) }
            @if refused.is_empty() { p.muted { (lang.t("無。", "None.")) } }
            @else { table {
                thead { tr { th { "AppID" } th { (lang.t("次數", "Calls")) } } }
                tbody { @for (app, n) in &refused { tr { td { (app) } td { (n) } } } }
            } }
            h2 { (lang.t("設定個別 AppID 標準", "Set a licence's own limit")) }
            form.stack.card method="post" action="/reviewer/limits" {
                (csrf_field(&session))
                label for="licence" { (lang.t("授權編號", "Licence #")) } input #licence name="licence" required inputmode="numeric";
                label for="service" { (lang.t("服務（留空：所有呼叫）", "Service (empty: all its calls)")) }
                select #service name="service" {
                    option value="" { (lang.t("所有呼叫", "All calls")) }
                    @for s in Service::ALL { option value=(s.as_str()) { (s.as_str()) } }
                }
                label for="calls" { (lang.t("次數（留空：回復預設）", "Calls (empty: back to the default)")) } input #calls name="calls" inputmode="numeric";
                label for="window" { (lang.t("期間（秒）", "Window (s)")) } input #window name="window" inputmode="numeric" value="60";
                label for="burst" { (lang.t("瞬間上限（留空：同次數）", "Burst (empty: as many as calls)")) } input #burst name="burst" inputmode="numeric";
                label for="effective" { (lang.t("生效時間（臺北時間；留空：立即）", "In effect from (Taipei time; empty: now)")) } input #effective name="effective" type="datetime-local";
                label for="reason" { (lang.t("理由", "Reason")) } input #reason name="reason" required;
                button type="submit" { (lang.t("公告並套用", "Announce and apply")) }
            }
            h2 { (lang.t("已公告之異動", "Announced changes")) }
            table {
                thead { tr { th { "AppID" } th { (lang.t("服務", "Service")) } th { (lang.t("標準", "Limit")) } th { (lang.t("生效", "From")) } th { (lang.t("公告", "Announced")) } } }
                tbody { @for a in &announced { tr {
                    td { (a.app_id) }
                    td { @match a.service { Some(s) => { (s) } None => { (lang.t("所有呼叫", "all calls")) } } }
                    td { @match a.limit { Some(l) => { (l) } None => { (lang.t("回復預設", "default")) } } }
                    td { (taipei_time(a.effective_at)) } td { (taipei_time(a.announced_at)) }
                } } }
            }
        },
    ))
}

/// `POST /reviewer/limits`: sets or lifts a licence's own limit.
pub(super) async fn set(
    State(state): State<AppState>,
    Posted { me, form, .. }: Posted<ReviewerId>,
) -> Result<Response, WebError> {
    let licence: LicenceId = number(&form, "licence")?;
    let limit = match field(&form, "calls").trim() {
        "" => None,
        _ => {
            let calls: u32 = number(&form, "calls")?;
            let window: u64 = number(&form, "window")?;
            let burst: u32 = match field(&form, "burst").trim() {
                "" => calls,
                _ => number(&form, "burst")?,
            };
            Some(RateLimit::checked(calls, window, burst).map_err(ServiceError::from)?)
        }
    };
    let effective = taipei_input(field(&form, "effective"))?;
    let service = match field(&form, "service") {
        "" => None,
        name => Some(name.parse::<Service>().map_err(ServiceError::from)?),
    };
    state
        .platform
        .set_app_service_limit(
            me,
            licence,
            service,
            limit,
            effective,
            field(&form, "reason"),
        )
        .await?;
    Ok(Redirect::to("/reviewer/limits").into_response())
}

fn number<T: std::str::FromStr>(
    form: &HashMap<String, String>,
    name: &'static str,
) -> Result<T, WebError> {
    field(form, name).trim().parse().map_err(|_| {
        WebError::from(ServiceError::from(InvalidValue::new(
            name,
            "expected a whole number",
        )))
    })
}

/// A `datetime-local` value read as Taipei time; empty is none.
fn taipei_input(text: &str) -> Result<Option<DateTime<Utc>>, WebError> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    let naive = NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M")
        .or_else(|_| NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S"))
        .map_err(|_| {
            ServiceError::from(InvalidValue::new(
                "effective",
                "expected a date and time such as 2026-12-01T09:00",
            ))
        })?;
    naive
        .and_local_timezone(einv_core::clock::taipei())
        .single()
        .map(|t| Some(t.with_timezone(&Utc)))
        .ok_or_else(|| {
            ServiceError::from(InvalidValue::new("effective", "not a Taipei time")).into()
        })
}

/// A licence's AppID limit and refusals, for the licence's pages (developer and reviewer).
pub fn licence_section(lang: Lang, view: &AppLimitView) -> Markup {
    html! {
        div.card #flow-limits {
            h2 { (lang.t("流量管制（第四點第六款）", "Flow control (R4.6)")) }
            p { "AppID " code { (view.app_id) } ": " (view.in_force)
                (lang.t("（次數/秒/瞬間）", " (calls/seconds/burst)"))
                " " @if view.own { (lang.t("個別標準", "its own limit")) } @else { (lang.t("預設", "the default")) } }
            @for (service, limit) in &view.services { p.service-limit { (lang.t("服務 ", "Service ")) code { (service) } ": " (limit) } }
            p { (lang.t("被限流之呼叫：近 24 小時 ", "Calls refused: last 24 hours ")) span #refused-day { (view.refused_day) }
                (lang.t("；近 30 日 ", "; last 30 days ")) span #refused-month { (view.refused_month) } }
            @if !view.changes.is_empty() {
                ul { @for c in &view.changes { li {
                    (taipei_time(c.effective_at)) ": "
                    @if let Some(s) = &c.service { "(" (s) ") " }
                    @match c.limit { Some((calls, window, burst)) => { (calls) "/" (window) "/" (burst) } None => { (lang.t("回復預設", "back to the default")) } }
                    " — " (c.reason)
                } } }
            }
        }
    }
}
