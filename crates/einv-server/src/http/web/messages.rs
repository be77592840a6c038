//! The services' refusals in the page's language. Services report kinds — a field with a typed
//! problem, a rule, a missing record, a conflict — and English sentences for the APIs; the pages
//! word the kinds here, in Chinese or English, so a Chinese page never shows an API's English
//! and an English page never shows Chinese. Stored notes the Platform itself wrote (a licence
//! event's "the Product's purpose changed") are worded here too, at render time; notes people
//! typed are shown as typed.

use einv_core::{InvalidValue, ProblemKind};

use super::layout::Lang;
use crate::error::{Conflict, Missing, Proof, ServiceError};

/// What is wrong with a field's value, without the field's name (the page puts its label in
/// front): typed problems in the page's language; a field's own format rule in English as the
/// service said it, or a general sentence on a Chinese page.
pub fn problem_words(lang: Lang, v: &InvalidValue) -> String {
    match v.kind {
        ProblemKind::Required => lang.t("此欄必填。", "This field is required.").to_owned(),
        ProblemKind::TooLong { max } => match lang {
            Lang::Zh => format!("最多 {max} 個字。"),
            Lang::En => format!("Use at most {max} characters."),
        },
        ProblemKind::NotADate => lang
            .t(
                "請輸入日期，格式為 YYYY-MM-DD。",
                "Enter a date as YYYY-MM-DD.",
            )
            .to_owned(),
        ProblemKind::Other => match lang {
            Lang::Zh => "格式或內容不正確，請再檢查一次。".to_owned(),
            Lang::En => sentence(&v.problem),
        },
    }
}

/// A refusal by rule `rule`: on an English page the service's reason; on a Chinese page the
/// rule in the specification's words (the reason's English stays with the APIs).
pub fn refusal_words(lang: Lang, rule: &str, reason: &str) -> String {
    if lang == Lang::En {
        let why =
            reason.split_once(": ").map_or(
                reason,
                |(field, why)| {
                    if field.contains(' ') {
                        reason
                    } else {
                        why
                    }
                },
            );
        return format!("{} ({rule})", sentence(why).trim_end_matches('.'));
    }
    let zh = match rule {
        "R4.1" => "授權尚未核准，或已沒有可用之金鑰（第四點第一款）。",
        "R4.2" => "申請資料須真實、正確、完整（第四點第二款）。",
        "R4.3" => "須接受現行之使用規範版本（第四點第三款）。",
        "R4.6" => "超過流量管制之限制（第四點第六款）。",
        "R4.7a" => "授權期間最長三年（第四點第七款）。",
        "R4.7b" => "重行審核須於授權期滿前六個月至二個月間申請（第四點第七款）。",
        "R4.7c" => "授權期滿未經重行審核通過，API 已停止（第四點第七款）。",
        "R4.7d" => "舊制授權須於 2025 年 3 月 31 日前申請重行審核（第四點第七款）。",
        "R5.7" => "提供發票查詢者須一併提供雲端發票捐贈（第五點第七款）。",
        "R5.11" => "產品使用目的變更，授權重新審核中（第五點第十一款）。",
        "R6" => "須附有效之資訊安全管理系統驗證證書（第六點）。",
        "R10.1" => "開發者已終止使用（第十點第一款）。",
        "R10.2" => "授權停權中（第十點第二款）。",
        "R10.5" => "授權因合併而消滅，存續者須重新申請（第十點第五款）。",
        "R11" => "授權結束後才能確認銷毀，結束後金鑰即撤銷（第十一點）。",
        r if r.starts_with("R10.3") => "授權已終止（第十點第三款）。",
        _ => return format!("依使用規範（{rule}）無法辦理。"),
    };
    zh.to_owned()
}

/// A record that was not found, by its domain name.
fn missing_words(lang: Lang, m: &Missing) -> String {
    let (zh, en) = match m {
        Missing::Invoice => ("找不到這張發票。", "No such invoice."),
        Missing::Draw(_) => ("該期尚未開獎。", "That period has not been drawn yet."),
        Missing::Charity(_) => ("找不到這個受捐贈機關或團體。", "No such charity."),
        Missing::Record(what) => match *what {
            "licence" | "application" => ("找不到這項授權。", "No such licence."),
            "request" | "deletion request" => ("找不到這項請求。", "No such request."),
            "grant" | "consent" => ("找不到這項同意。", "No such consent."),
            "app_id" | "app" => ("找不到這個 App。", "No such app."),
            "redirect_uri" => ("找不到這個重新導向 URI。", "No such redirect URI."),
            _ => (
                "找不到您要的資料，或您沒有權限查看。",
                "Not found, or not yours to see.",
            ),
        },
    };
    lang.t(zh, en).to_owned()
}

/// What a failed proof of identity means to the person who typed it.
fn proof_words(lang: Lang, p: Proof) -> &'static str {
    match p {
        Proof::Password => lang.t("電子郵件或密碼錯誤。", "Wrong e-mail or password."),
        Proof::UserSignIn => lang.t(
            "手機條碼或驗證碼錯誤。",
            "The mobile barcode or verification code is wrong.",
        ),
        Proof::VerificationCode => lang.t(
            "驗證碼與載具不符。",
            "The verification code does not match the carrier.",
        ),
        Proof::CheckCode => lang.t(
            "檢查碼與發票不符。",
            "The check code does not match the invoice.",
        ),
    }
}

/// A service's refusal as one sentence in the page's language. Internal failures are not
/// worded here: the caller logs them and says "try again later".
pub fn service_message(lang: Lang, e: &ServiceError) -> String {
    match e {
        // Named by its label, so a page without the field beside it still says which.
        ServiceError::Invalid(v) => format!(
            "{}{}{}",
            field_label(lang, &v.field),
            lang.t("：", ": "),
            problem_words(lang, v)
        ),
        ServiceError::NotFound(m) => missing_words(lang, m),
        ServiceError::Conflict(Conflict::AlreadyDonated) => lang
            .t(
                "這張發票已經捐贈過了。",
                "This invoice was already donated.",
            )
            .to_owned(),
        ServiceError::Conflict(Conflict::Exists(_)) => lang
            .t(
                "已經有相同的資料，或剛被另一項變更更新；請重新整理頁面再試。",
                "That already exists, or a newer change came first; reload the page and try again.",
            )
            .to_owned(),
        ServiceError::Refused { rule, reason } => refusal_words(lang, rule, reason),
        ServiceError::Unproven(p) => proof_words(lang, *p).to_owned(),
        ServiceError::TooManyFailures { retry_after_secs } => match lang {
            Lang::Zh => format!("嘗試次數過多，請於 {retry_after_secs} 秒後再試。"),
            Lang::En => format!("Too many failed attempts; try again in {retry_after_secs} s."),
        },
        ServiceError::RateLimited {
            retry_after_secs, ..
        } => match lang {
            Lang::Zh => format!("請求過於頻繁，請於 {retry_after_secs} 秒後再試。"),
            Lang::En => format!("Too many requests; try again in {retry_after_secs} s."),
        },
        ServiceError::NotDonatable(_) => lang
            .t("這張發票不能捐贈。", "This invoice cannot be donated.")
            .to_owned(),
        ServiceError::ConsentRequired { .. } | ServiceError::Unauthorised(_) => lang
            .t(
                "同意已失效或不涵蓋這項服務，請重新同意。",
                "The consent has ended or does not cover this; consent again.",
            )
            .to_owned(),
        ServiceError::AppRefused { .. } | ServiceError::DeviceBlocked => lang
            .t("這個 App 目前不能使用。", "This app cannot be used now.")
            .to_owned(),
        ServiceError::Store(_) | ServiceError::Internal(_) => lang
            .t(
                "系統發生錯誤，請稍後再試。",
                "Something went wrong on our side. Try again later.",
            )
            .to_owned(),
    }
}

/// A note the Platform itself stored with a licence event, in the page's language; a note a
/// person typed (a reviewer's reason, a developer's withdrawal) is returned as typed.
pub fn note_words(lang: Lang, note: &str) -> String {
    if lang == Lang::En {
        return note.to_owned();
    }
    let fixed = [
        ("the Product's purpose changed", "產品使用目的已變更"),
        (
            "a valid ISMS certificate is on file",
            "已登錄有效之資訊安全驗證證書",
        ),
        ("re-review requested", "已申請重行審核"),
        ("no ISMS certificate is on file", "未登錄資訊安全驗證證書"),
        (
            "the approved re-review's term began the day after the old one ended",
            "重行審核通過之新授權期間，自原期間屆滿之次日開始",
        ),
        (
            "the term ended without an approved re-review",
            "授權期滿，未經重行審核通過",
        ),
        ("resubmitted without changes", "未修改即重新送出"),
    ];
    if let Some((_, zh)) = fixed.iter().find(|(en, _)| *en == note) {
        return (*zh).to_owned();
    }
    if let Some(day) = note.strip_prefix("the ISMS certificate expired on ") {
        return format!("資訊安全驗證證書已於 {day} 失效");
    }
    if let Some(parts) = note.strip_prefix("resubmitted: ") {
        return format!("補正後重新送出：{}", resubmission_words(parts));
    }
    note.to_owned()
}

/// A form field's label, by the field's domain name (the name services report it under).
pub fn field_label(lang: Lang, field: &str) -> String {
    let (zh, en) = match field {
        "contact_name" => ("聯絡人", "Contact person"),
        "contact_email" => ("聯絡電子郵件", "Contact e-mail"),
        "contact_phone" => ("聯絡電話", "Contact phone"),
        "product_name" => ("產品名稱", "Product name"),
        "product_version" => ("版本", "Version"),
        "purpose" => ("使用目的", "Purpose"),
        "services" => ("申請服務", "Services"),
        "isms_number" => ("證書號碼", "Certificate number"),
        "isms_issuer" => ("發證機構", "Issuer"),
        "isms_scope" => ("驗證範圍", "Scope"),
        "isms_expiry" => ("證書有效期限", "Certificate expiry"),
        "documents" => ("證明文件", "Supporting documents"),
        "declarations" => ("聲明", "Declarations"),
        "title" => ("標題", "Title"),
        "body" => ("內容", "Content"),
        "statement" => ("聲明", "Statement"),
        "reason" => ("原因", "Reason"),
        "redirect_uri" => ("重新導向 URI", "Redirect URI"),
        "from" => ("起日", "From"),
        "to" => ("迄日", "To"),
        other => return other.to_owned(),
    };
    lang.t(zh, en).to_owned()
}

/// "changed purpose, contact_name; 1 document(s) added" in Chinese.
fn resubmission_words(parts: &str) -> String {
    let words: Vec<String> = parts
        .split("; ")
        .map(|part| {
            if let Some(fields) = part.strip_prefix("changed ") {
                let labels: Vec<String> = fields
                    .split(", ")
                    .map(|f| field_label(Lang::Zh, f))
                    .collect();
                format!("修改{}", labels.join("、"))
            } else if let Some(n) = part.strip_suffix(" document(s) added") {
                format!("新增 {n} 份文件")
            } else if let Some(n) = part.strip_suffix(" document(s) replaced") {
                format!("取代 {n} 份文件")
            } else {
                part.to_owned()
            }
        })
        .collect();
    words.join("；")
}

/// `text` as a sentence: a capital first letter and a full stop.
fn sentence(text: &str) -> String {
    let mut chars = text.trim().chars();
    let Some(first) = chars.next() else {
        return String::new();
    };
    let mut out: String = first.to_uppercase().chain(chars).collect();
    if !out.ends_with('.') {
        out.push('.');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn has_cjk(text: &str) -> bool {
        text.chars().any(|c| {
            ('\u{3000}'..='\u{9fff}').contains(&c) || ('\u{ff00}'..='\u{ffef}').contains(&c)
        })
    }

    fn every_kind() -> Vec<ServiceError> {
        vec![
            InvalidValue::required("purpose").into(),
            InvalidValue::too_long("title", 200).into(),
            InvalidValue::not_a_date("from").into(),
            InvalidValue::new("services", "unknown \"x\"").into(),
            ServiceError::not_found("licence"),
            ServiceError::NotFound(Missing::Invoice),
            ServiceError::already_exists("deletion request"),
            ServiceError::Refused {
                rule: "R6",
                reason: "isms_expiry: the certificate expired on 2020-01-01".into(),
            },
            ServiceError::Refused {
                rule: "R9.9",
                reason: "something new".into(),
            },
            ServiceError::Unproven(Proof::Password),
            ServiceError::TooManyFailures {
                retry_after_secs: 30,
            },
        ]
    }

    #[test]
    fn chinese_pages_get_no_english_sentence_from_a_service() {
        for e in every_kind() {
            let zh = service_message(Lang::Zh, &e);
            assert!(has_cjk(&zh), "{e:?} → {zh}");
            let english_words = zh
                .split(|c: char| !c.is_ascii_alphabetic())
                .filter(|w| w.len() > 3 && *w != "YYYY")
                .count();
            assert_eq!(english_words, 0, "{e:?} → {zh}");
        }
    }

    #[test]
    fn english_pages_get_no_chinese() {
        for e in every_kind() {
            let en = service_message(Lang::En, &e);
            assert!(!has_cjk(&en) && !en.is_empty(), "{e:?} → {en}");
        }
    }

    #[test]
    fn an_english_refusal_drops_the_field_and_names_the_rule() {
        let words = refusal_words(
            Lang::En,
            "R6",
            "isms_expiry: the certificate expired on 2020-01-01",
        );
        assert_eq!(words, "The certificate expired on 2020-01-01 (R6)");
    }

    #[test]
    fn the_platforms_own_notes_read_in_chinese_and_typed_ones_stay() {
        assert_eq!(
            note_words(
                Lang::Zh,
                "resubmitted: changed purpose; 1 document(s) added"
            ),
            "補正後重新送出：修改使用目的；新增 1 份文件"
        );
        assert!(has_cjk(&note_words(
            Lang::Zh,
            "the ISMS certificate expired on 2026-01-01"
        )));
        assert_eq!(note_words(Lang::Zh, "請補附件"), "請補附件");
        assert_eq!(
            note_words(Lang::En, "the Product's purpose changed"),
            "the Product's purpose changed"
        );
    }
}
