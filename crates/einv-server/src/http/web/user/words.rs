//! The words a citizen reads: statuses, request kinds, services and history entries in plain
//! language, in the page's language, with the badge tone each status takes.

use einv_core::consent::ConsentStatus;
use einv_core::Service;
use einv_store::{DeletionRequestRecord, RequestKind};
use maud::Markup;

use crate::http::web::components::{badge, Tone};
use crate::http::web::Lang;

/// A consent's status as a badge.
pub(super) fn consent_badge(lang: Lang, s: ConsentStatus) -> Markup {
    let (tone, text) = match s {
        ConsentStatus::Live => (Tone::Ok, lang.t("有效", "Active")),
        ConsentStatus::Lapsed => (
            Tone::Warn,
            lang.t("已逾六個月失效", "Lapsed after six months"),
        ),
        ConsentStatus::Revoked => (Tone::Neutral, lang.t("已撤回", "Revoked")),
        ConsentStatus::Voided => (
            Tone::Bad,
            lang.t(
                "已失效（開發者曾停權）",
                "Void (the developer was suspended)",
            ),
        ),
    };
    badge(tone, text)
}

/// What a request asks.
pub(super) fn kind_text(lang: Lang, k: RequestKind) -> &'static str {
    match k {
        RequestKind::StopUse => lang.t("停止使用我的資料", "Stop using my data"),
        RequestKind::StopProcessing => lang.t("停止處理、利用我的資料", "Stop processing my data"),
        RequestKind::Delete => lang.t("刪除我的資料", "Delete my data"),
    }
}

/// A request's status as a badge.
pub(super) fn request_badge(lang: Lang, r: &DeletionRequestRecord) -> Markup {
    if r.completed_at.is_some() {
        badge(Tone::Ok, lang.t("已完成", "Done"))
    } else if r.acknowledged_at.is_some() {
        badge(Tone::Warn, lang.t("開發者已受理", "Acknowledged"))
    } else {
        badge(
            Tone::Neutral,
            lang.t("等待開發者處理", "Waiting for the developer"),
        )
    }
}

/// A service's name.
pub(super) fn service_name(lang: Lang, s: Service) -> &'static str {
    lang.t(s.name_zh(), s.name_en())
}

/// A receipt number people can quote: `DR-000012`.
pub(super) fn receipt_number(r: &DeletionRequestRecord) -> String {
    format!("DR-{:06}", r.id)
}

/// What an audit entry about the User means, as a sentence whose subject is the app (or the
/// User): "read your carrier invoices".
pub(super) fn action_text(lang: Lang, action: &str) -> String {
    if let Some(service) = action
        .strip_prefix("data.")
        .and_then(|s| s.parse::<Service>().ok())
    {
        return match service {
            Service::CarrierInvoices => lang.t("讀取了您的載具發票", "read your carrier invoices"),
            Service::Donation => lang.t("代您捐贈了雲端發票", "donated cloud invoices for you"),
            Service::CarrierAggregation => {
                lang.t("讀取了您歸戶的載具", "read the carriers under your barcode")
            }
            Service::InvoiceLookup => lang.t("查詢了發票", "looked up invoices"),
            Service::WinningNumbers => lang.t("查詢了中獎號碼", "looked up winning numbers"),
        }
        .to_owned();
    }
    let text = match action {
        "consent.granted" => lang.t("您同意了授權", "you gave your consent"),
        "consent.renewed" => lang.t("您重新同意了授權", "you renewed your consent"),
        "consent.replaced" => lang.t(
            "您的授權由新的同意取代",
            "your consent was replaced by a newer one",
        ),
        "consent.revoked" => lang.t("您撤回了授權", "you revoked your consent"),
        "consent.voided" => lang.t(
            "授權因開發者停權而失效",
            "your consent was voided (developer suspended)",
        ),
        "consent.lapsed-refused" => {
            lang.t("因授權逾期而被拒絕", "was refused: your consent had lapsed")
        }
        "deletion.requested" => lang.t(
            "您提出了停止使用或刪除請求",
            "you sent a stop or delete request",
        ),
        "deletion.acknowledged" => lang.t(
            "開發者受理了您的請求",
            "the developer acknowledged your request",
        ),
        "deletion.completed" => lang.t(
            "開發者完成了您的請求",
            "the developer completed your request",
        ),
        "user.registered" => lang.t("您註冊了手機條碼", "you registered your mobile barcode"),
        "user.code-changed" => lang.t("您變更了驗證碼", "you changed your verification code"),
        "user.deregistered" => lang.t("您註銷了帳號", "you deregistered"),
        "carrier.linked" => lang.t(
            "將載具歸戶到您的手機條碼",
            "linked a carrier to your barcode",
        ),
        "bank-account.recorded" => lang.t("登錄了您的領獎帳戶", "recorded your prize bank account"),
        other => return other.to_owned(),
    };
    text.to_owned()
}
