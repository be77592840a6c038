//! A licence in human words, for the developer's and the reviewer's pages: states as badges,
//! events, actors and services in the page's language, the application's progress line, the
//! term line, a flash message after each decision, and the licence history told in those words.

use chrono::{DateTime, Utc};
use einv_core::licence::{LicenceEventKind, LicenceState, LicenceStateKind};
use einv_core::Service;
use einv_store::LicenceEventRecord;
use maud::{html, Markup};

use super::when;
use crate::http::web::layout::Lang;

/// A licence state in words, and its badge colour.
pub fn state_words(lang: Lang, state: LicenceStateKind) -> (&'static str, &'static str) {
    use LicenceStateKind as S;
    let (zh, en, tone) = match state {
        S::Applied => ("審核中", "In review", "wait"),
        S::ChangesRequested => ("待補正", "Changes requested", "wait"),
        S::Reviewing => ("變更審核中", "Change in review", "wait"),
        S::Active => ("有效", "Active", "ok"),
        S::Suspended => ("停權", "Suspended", "bad"),
        S::Rejected => ("未核准", "Rejected", "bad"),
        S::Expired => ("期滿", "Expired", "bad"),
        S::Terminated => ("已終止", "Terminated", "bad"),
        S::Withdrawn => ("已撤回", "Withdrawn", "info"),
        S::MergedAway => ("因合併消滅", "Ended by merger", "info"),
    };
    (if lang == Lang::Zh { zh } else { en }, tone)
}

/// A licence state as a badge.
pub fn badge(lang: Lang, state: &LicenceState) -> Markup {
    let (text, tone) = state_words(lang, state.kind());
    html! { span class=(format!("badge {tone}")) data-state=(state.name()) { (text) } }
}

/// What happened, in words.
pub fn event_words(lang: Lang, event: LicenceEventKind) -> &'static str {
    use LicenceEventKind as E;
    let (zh, en) = match event {
        E::Apply => ("提出申請", "Applied"),
        E::LegacyRegistered => ("登錄既有授權", "Legacy licence registered"),
        E::Resubmit => ("補正後重新送出", "Resubmitted"),
        E::RequestChanges => ("要求補正", "Changes requested"),
        E::Reject => ("駁回", "Rejected"),
        E::Approve => ("核准", "Approved"),
        E::ApplyRenewal => ("申請重行審核", "Re-review filed"),
        E::ApproveRenewal => ("重行審核通過", "Re-review approved"),
        E::RejectRenewal => ("重行審核未通過", "Re-review refused"),
        E::Suspend => ("停權", "Suspended"),
        E::Reinstate => ("復權", "Reinstated"),
        E::Terminate => ("終止授權", "Terminated"),
        E::Withdraw => ("撤回／終止使用", "Withdrawn"),
        E::Merge => ("合併消滅", "Ended by merger"),
        E::ChangePurpose => ("變更使用目的", "Purpose changed"),
        E::TermRenewed => ("新授權期間開始", "New term began"),
        E::Expired => ("授權期滿", "Term ended"),
    };
    lang.t(zh, en)
}

/// A service's name in the page's language.
pub fn service_words(lang: Lang, name: &str) -> String {
    let Ok(service) = name.parse::<Service>() else {
        return name.to_owned();
    };
    let en = match service {
        Service::WinningNumbers => "Winning numbers",
        Service::InvoiceLookup => "Invoice lookup (receipt barcode)",
        Service::CarrierInvoices => "Carrier invoices",
        Service::Donation => "Cloud-invoice donation",
        Service::CarrierAggregation => "Carrier aggregation",
    };
    lang.t(service.name_zh(), en).to_owned()
}

/// Services, in words, comma-separated.
pub fn services_words(lang: Lang, names: &[String]) -> String {
    let words: Vec<String> = names.iter().map(|n| service_words(lang, n)).collect();
    words.join(lang.t("、", ", "))
}

/// Who did it: a developer or reviewer by name, or the Platform's own actors.
pub fn actor_words(lang: Lang, actor: &str, names: &dyn Fn(&str) -> Option<String>) -> String {
    if let Some(name) = names(actor) {
        return name;
    }
    let (zh, en) = match actor.split(':').next().unwrap_or_default() {
        "developer" => ("開發者", "Developer"),
        "reviewer" => ("審核人員", "Reviewer"),
        "registry" => ("稅籍登記", "Tax registry"),
        "operator" => ("平台管理者", "Operator"),
        "clock" => ("系統（時間屆至）", "System (time)"),
        _ => return actor.to_owned(),
    };
    lang.t(zh, en).to_owned()
}

/// The application's progress: applied → in review → decided, the current step marked.
pub fn progress(lang: Lang, state: &LicenceState) -> Markup {
    // 0: applied, 1: waiting (for the reviewer or for corrections), 2: decided.
    let (step, decided) = match state.name() {
        "applied" | "reviewing" => (1, None),
        "changes-requested" => (1, Some(lang.t("待您補正", "waiting for your corrections"))),
        "rejected" => (2, Some(lang.t("未核准", "rejected"))),
        "withdrawn" => (2, Some(lang.t("已撤回", "withdrawn"))),
        _ => (2, Some(lang.t("已核准", "approved"))),
    };
    let steps = [
        lang.t("已申請", "Applied").to_owned(),
        match (step, decided) {
            (1, Some(note)) => format!(
                "{}{}{note}{}",
                lang.t("審核中", "In review"),
                lang.t("（", " ("),
                lang.t("）", ")")
            ),
            _ => lang.t("審核中", "In review").to_owned(),
        },
        match (step, decided) {
            (2, Some(d)) => format!("{}{}{d}", lang.t("已決定", "Decided"), lang.t("：", ": ")),
            _ => lang.t("決定", "Decided").to_owned(),
        },
    ];
    html! {
        ol.progress aria-label=(lang.t("申請進度", "Application progress")) {
            @for (i, s) in steps.iter().enumerate() {
                @if i == step { li aria-current="step" { (s) } }
                @else if i < step { li.done { "✓ " (s) } }
                @else { li { (s) } }
            }
        }
    }
}

/// Where a licence's term stands, in words: the term, the renewal window, a re-review. Empty
/// before approval (the badge and the progress line say that).
pub fn term_line(lang: Lang, licence: &einv_store::LicenceRecord, now: DateTime<Utc>) -> Markup {
    use einv_core::licence::{Coverage, Renewal};
    let coverage = licence.state.coverage();
    html! {
        @if let Some(Coverage::Term { term }) = coverage {
            (lang.t("授權期間 ", "Term ")) (term.start()) " – " (term.last_day())
            @let (opens, closes) = term.renewal_window();
            @if now < opens {
                " · " (lang.t("距重行審核申請開放尚有 ", "renewal window opens in ")) ((opens - now).num_days()) (lang.t(" 天", " days"))
            } @else if now <= closes {
                " · " (lang.t("重行審核申請期間至 ", "renewal window open until ")) (when(lang, closes))
            }
        }
        @if let Some(Coverage::Legacy { .. }) = coverage {
            (lang.t("舊制授權，須於 2025-03-31 前申請重新審核", "Legacy licence: re-review due by 2025-03-31"))
        }
        @if let Renewal::Applied { .. } = licence.state.renewal() { " · " (lang.t("重行審核中", "re-review pending")) }
        @if let Renewal::Approved { next } = licence.state.renewal() { " · " (lang.t("次期 ", "next term ")) (next.start()) " – " (next.last_day()) }
    }
}

/// The success message for `done` (the `?done=` of the page a decision redirected to).
pub fn flash(lang: Lang, done: Option<&str>) -> Markup {
    let Some(done) = done else { return html! {} };
    let (zh, en) = match done {
        "approve" => (
            "已核准申請；開發者將於金鑰頁面看到一次 APIKey。",
            "Application approved; the developer sees the APIKey once on the credentials page.",
        ),
        "changes" => (
            "已要求補正，開發者已收到理由。",
            "Changes requested; the developer has been told why.",
        ),
        "reject" => (
            "已駁回申請，開發者已收到理由。",
            "Application rejected; the developer has been told why.",
        ),
        "approve-renewal" => ("已核准重行審核。", "Re-review approved."),
        "reject-renewal" => ("已駁回重行審核。", "Re-review refused."),
        "suspend-isms" => (
            "已停權，開發者已收到通知。",
            "Licence suspended; the developer has been told.",
        ),
        "terminate" => (
            "已終止授權，金鑰已撤銷。",
            "Licence terminated; its keys are revoked.",
        ),
        "assign" => ("已指派審核人員。", "Reviewer assigned."),
        "sign-every-call-on" | "sign-every-call-off" => {
            ("已更新簽章要求。", "Signing requirement updated.")
        }
        "resubmit" => (
            "已重新送出，審核人員會看到您修改的內容。",
            "Resubmitted; the reviewer sees what you changed.",
        ),
        "applied" => ("已送出申請。", "Application submitted."),
        "withdraw" => ("已撤回，API 已停止。", "Withdrawn; the API has stopped."),
        "renew" => ("已申請重行審核。", "Re-review filed."),
        "change" => ("已通知變更。", "Change notified."),
        "research" => ("已提供研究統計資料。", "Research submitted."),
        "certificate" => ("已更新證書。", "Certificate filed."),
        "destruction" => ("已確認銷毀。", "Destruction confirmed."),
        "rotated" => (
            "已更換金鑰。新的 APIKey 只在下方顯示這一次。",
            "Key rotated. The new APIKey is shown below this once.",
        ),
        "redirect-added" => ("已登錄重新導向 URI。", "Redirect URI registered."),
        "redirect-removed" => ("已移除重新導向 URI。", "Redirect URI removed."),
        _ => return html! {},
    };
    html! { p.success role="status" { "✓ " (lang.t(zh, en)) } }
}

/// A licence's history, newest first, in words.
pub fn history(
    lang: Lang,
    events: &[LicenceEventRecord],
    names: &dyn Fn(&str) -> Option<String>,
) -> Markup {
    html! { div.scroll role="region" aria-label=(lang.t("授權歷程", "Licence history")) tabindex="0" { table {
        thead { tr { th { (lang.t("時間", "Time")) } th { (lang.t("事件", "Event")) } th { (lang.t("狀態", "Status")) } th { (lang.t("執行者", "By")) } th { (lang.t("依據", "Rule")) } th { (lang.t("說明", "Note")) } } }
        tbody { @for e in events.iter().rev() { tr {
            td { (when(lang, e.at)) }
            td { (event_words(lang, e.event)) }
            td { @let (text, tone) = state_words(lang, e.state_after); span class=(format!("badge {tone}")) { (text) } }
            td { (actor_words(lang, &e.actor, names)) }
            td { (e.rule) }
            td { (crate::http::web::messages::note_words(lang, &e.reason)) }
        } } }
    } } }
}
