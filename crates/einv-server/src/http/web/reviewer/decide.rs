//! The reviewer's decisions: which the licence's state allows, each with templated reasons
//! (a `<datalist>`: chosen or typed, no script needed), and what a confirmation page says
//! each will do.

use einv_core::LicenceId;
use std::collections::HashMap;

use einv_core::licence::{LicenceState, Renewal, SuspensionReason, TerminationGround};
use maud::{html, Markup};

use crate::http::web::common::{csrf_field, field};
use crate::http::web::components::licence;
use crate::http::web::layout::Lang;
use crate::http::web::session::{WebError, WebSession};
use crate::services::licensing::Dossier;

/// Decisions confirmed on a page of their own before they are made.
pub(super) const IRREVERSIBLE: [&str; 6] = [
    "approve",
    "reject",
    "approve-renewal",
    "reject-renewal",
    "suspend-isms",
    "terminate",
];

/// Reasons reviewers give often, per decision (zh, en).
fn templates(action: &str) -> &'static [(&'static str, &'static str)] {
    match action {
        "approve" | "approve-renewal" => &[("資料齊全，符合規範。", "Complete and compliant.")],
        "changes" => &[
            (
                "資訊安全驗證證書影本不清晰，請重新上傳。",
                "The ISMS certificate copy is illegible; please upload it again.",
            ),
            (
                "使用目的描述不足，請具體說明如何使用發票資料。",
                "The purpose is too vague; say how the invoice data will be used.",
            ),
            (
                "聯絡資料不完整，請補正。",
                "The contact details are incomplete.",
            ),
            (
                "請補附營業登記證明文件。",
                "Please attach proof of business registration.",
            ),
        ],
        "reject" | "reject-renewal" => &[
            (
                "申請目的不符合電子發票服務範圍。",
                "The purpose is outside the e-invoice service.",
            ),
            ("逾期未補正。", "Corrections were not made in time."),
        ],
        "suspend-isms" => &[(
            "資訊安全驗證證書已過期。",
            "The ISMS certificate has expired.",
        )],
        "terminate" => &[(
            "違反使用規範，經通知未改善。",
            "Breach of the terms, not remedied after notice.",
        )],
        _ => &[],
    }
}

fn decision(
    lang: Lang,
    session: &WebSession,
    id: LicenceId,
    action: &str,
    words: (&str, &str),
    class: &str,
    extra: Markup,
) -> Markup {
    let list = format!("reasons-{action}");
    let input = format!("reason-{action}");
    html! {
        form.stack.card method="post" action=(format!("/reviewer/licences/{id}/{action}")) {
            (csrf_field(session)) (extra)
            label for=(input) { (lang.t("理由（告知開發者）", "Reason (the developer is told)")) }
            p.hint { (lang.t("可選常用理由或自行輸入，2000 字以內。", "Pick a common reason or type your own, up to 2000 characters.")) }
            input id=(input) name="reason" list=(list) maxlength="2000" required[action != "approve" && action != "approve-renewal"];
            datalist id=(list) { @for (zh, en) in templates(action) { option value=(lang.t(zh, en)) {} } }
            button class=(class) type="submit" { (lang.t(words.0, words.1)) }
        }
    }
}

/// The decisions licence `id` in state `st` allows.
pub(super) fn decisions(
    lang: Lang,
    session: &WebSession,
    id: LicenceId,
    st: &LicenceState,
) -> Markup {
    let d = |action: &str, zh: &str, en: &str, class: &str| {
        decision(lang, session, id, action, (zh, en), class, html! {})
    };
    html! {
        @if matches!(st, LicenceState::Applied { .. } | LicenceState::Reviewing { .. }) { (d("approve", "核准…", "Approve…", "")) }
        @if matches!(st, LicenceState::Applied { .. }) { (d("changes", "要求補正", "Ask for changes", "secondary")) }
        @if matches!(st, LicenceState::Applied { .. } | LicenceState::ChangesRequested | LicenceState::Reviewing { .. }) { (d("reject", "駁回…", "Reject…", "danger")) }
        @if matches!(st.renewal(), Renewal::Applied { .. }) {
            (d("approve-renewal", "核准重行審核…", "Approve re-review…", ""))
            (d("reject-renewal", "駁回重行審核…", "Refuse re-review…", "danger"))
        }
        @if st.coverage().is_some() && !st.suspensions().contains(SuspensionReason::LapsedIsmsCertificate) { (d("suspend-isms", "因資安驗證失效停權…", "Suspend: lapsed ISMS (R6)…", "danger")) }
        @if st.coverage().is_some() {
            (decision(lang, session, id, "terminate", ("終止授權…", "Terminate (R10.3)…"), "danger", html! {
                label for="ground" { (lang.t("事由", "Ground")) }
                select #ground name="ground" { @for g in TerminationGround::ALL { option value=(g.as_str()) { (g.rule()) " " (lang.t(g.name_zh(), g.name_en())) } } }
            }))
        }
    }
}

/// What the confirmation page says `action` will do to the licence of `d`.
pub(super) fn consequence(
    lang: Lang,
    action: &str,
    d: &Dossier,
    form: &HashMap<String, String>,
) -> Result<Markup, WebError> {
    let (zh, en) = match action {
        "approve" => ("核准後將發給 AppID 與 APIKey，授權期間自今日起三年（第四點第七款），開發者即可呼叫 API。", "Approving issues an AppID and an APIKey, with a three-year term from today (R4.7a); the developer can call the API at once."),
        "reject" => ("駁回後此申請即結束，無法再補正；開發者須重新申請。", "Rejecting ends this application; it cannot be corrected, the developer must apply anew."),
        "approve-renewal" => ("核准後新授權期間自現行期間屆滿翌日起算（第四點第七款）。", "Approving starts the next term the day after the current one ends (R4.7b)."),
        "reject-renewal" => ("駁回後授權於現行期間屆滿時停止（第四點第七款）。", "Refusing stops the licence at the end of its current term (R4.7c)."),
        "suspend-isms" => ("停權後 API 立即停止，直到開發者提出有效證書（第六點）。", "Suspending stops the API at once, until the developer files a valid certificate (R6)."),
        "terminate" => ("終止後 API 立即停止、金鑰撤銷、使用者同意終止，開發者須銷毀資料（第十點、第十一點）。", "Terminating stops the API at once, revokes the keys, ends the Users' consents, and the developer must destroy the data (R10.3, R11)."),
        _ => return Err(crate::error::ServiceError::not_found("action").into()),
    };
    let f = &d.application.form;
    let ground = field(form, "ground");
    Ok(html! {
        p { strong { (f.product_name) " " (f.product_version) } " — " (d.developer.account.name) " " (licence::badge(lang, &d.licence.state)) }
        p #consequence { (lang.t(zh, en)) }
        @if !ground.is_empty() { p { (lang.t("事由：", "Ground: ")) (ground) } }
        p { (lang.t("理由：", "Reason: ")) (field(form, "reason")) }
    })
}
