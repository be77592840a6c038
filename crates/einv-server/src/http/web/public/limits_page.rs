//! The public flow-control page (R4.6): the default limits, and every AppID's own limit as
//! reviewers announced it, with when it applies (R4.9). The same data as `GET /api/v2/limits`.

use maud::{html, Markup};

use crate::http::web::common::{taipei_time, PUBLIC_NAV};
use crate::http::web::layout::{page, Lang};
use crate::http::web::session::WebError;
use crate::http::AppState;

/// The page.
pub async fn render(state: &AppState, lang: Lang) -> Result<Markup, WebError> {
    let flow = &state.platform.flow;
    let announced = state.platform.limit_announcements().await?;
    let now = state.platform.clock.now();
    let mut rows = vec![
        (
            lang.t("每一 IP", "per IP address").to_owned(),
            flow.limits.per_ip,
        ),
        (
            lang.t("每一 AppID（預設）", "per AppID (default)")
                .to_owned(),
            flow.limits.per_app,
        ),
    ];
    for (service, limit) in &flow.per_service {
        let who = lang.t("每一 AppID 之服務 ", "per AppID, service ");
        rows.push((format!("{who}{service}"), *limit));
    }
    let bound = flow
        .book
        .check_interval()
        .num_milliseconds()
        .div_euclid(1000)
        + 1;
    Ok(page(
        lang,
        ("流量管制標準", "Flow-control limits"),
        PUBLIC_NAV,
        html! {
            p { (lang.t("同一 IP 或同一 AppID 於一定期間內連線超過下列次數時，平台將進行流量管制（規範第四點第六款）。", "When one IP address or one AppID connects more often than below within the period, the Platform applies flow control (R4.6).")) }
            table {
                thead { tr { th { (lang.t("對象", "Per")) } th { (lang.t("次數", "Calls")) } th { (lang.t("期間（秒）", "Window (s)")) } th { (lang.t("瞬間上限", "Burst")) } } }
                tbody { @for (who, l) in rows { tr { td { (who) } td { (l.calls) } td { (l.window_secs) } td { (l.burst) } } } }
            }
            h2 { (lang.t("個別 AppID 之流量標準異動", "Limits of single AppIDs: changes")) }
            p.muted { (lang.t(
                &format!("生效後 {bound} 秒內適用於所有節點。"),
                &format!("Each applies on every node within {bound} s of taking effect."),
            )) }
            @if announced.is_empty() { p.muted { (lang.t("目前無個別標準。", "No AppID has a limit of its own.")) } }
            @else {
                table {
                    thead { tr { th { "AppID" } th { (lang.t("服務", "Service")) } th { (lang.t("標準", "Limit")) } th { (lang.t("生效", "In effect from")) } th { (lang.t("公告", "Announced")) } } }
                    tbody { @for a in &announced { tr {
                        td { (a.app_id) }
                        td { @match a.service { Some(s) => { (s) } None => { (lang.t("所有呼叫", "all calls")) } } }
                        td { @match a.limit {
                            Some(l) => { (l.calls) " / " (l.window_secs) " s, " (lang.t("瞬間", "burst")) " " (l.burst) }
                            None => { (lang.t("回復預設", "back to the default")) }
                        } }
                        td { (taipei_time(a.effective_at)) @if a.effective_at > now { " " (lang.t("（尚未生效）", "(not yet)")) } }
                        td { (taipei_time(a.announced_at)) }
                    } } }
                }
            }
            p.muted { "JSON: " a href="/api/v2/limits" { "/api/v2/limits" } }
        },
    ))
}
