//! The blank pages' forms as a citizen sees them: labelled fields with their format up front,
//! what was typed kept after a mistake (never the verification code), and each problem in the
//! page's language at the top and beside its field (GOV.UK style).

use maud::{html, Markup};

use super::blank_session::BlankSession;
use super::params::V1Params;
use crate::error::ServiceError;
use crate::http::web::components::{FormErrors, TextField};
use crate::http::web::user::{code_rule_error, register_form};
use crate::http::web::{messages, page, Lang};
use einv_core::{InvalidValue, Service};

/// One of the four blank pages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Blank {
    Register,
    Link,
    Bank,
    Donate,
}

impl Blank {
    pub(super) fn name(self) -> &'static str {
        match self {
            Blank::Register => "generalCarrierRegBlank",
            Blank::Link => "carrierLinkBlank",
            Blank::Bank => "carrierBankAccBlank",
            Blank::Donate => "carrierInvDntBlank",
        }
    }

    pub(super) fn path(self) -> String {
        format!("/PB2CAPIVAN/APIService/{}", self.name())
    }

    pub(super) fn service(self) -> Service {
        match self {
            Blank::Donate => Service::Donation,
            _ => Service::CarrierAggregation,
        }
    }
}

/// The message for a field the services refused, in the page's language.
fn field_message(lang: Lang, field: &str, v: &InvalidValue) -> String {
    let text = match field {
        "code" | "new_code" => code_rule_error(lang),
        "carrierType" => lang.t(
            "請選擇手機條碼以外的載具類別。",
            "Choose a carrier type other than a mobile barcode.",
        ),
        "carrierId1" => lang.t(
            "載具號碼與所選類別的格式不符，請再檢查一次。",
            "The carrier number does not match the chosen type; check it again.",
        ),
        "carrierId2" => lang.t(
            "請輸入載具驗證碼（隱碼）。",
            "Enter the carrier's hidden code.",
        ),
        "carrierName" => lang.t("請為這個載具取個名稱。", "Give this carrier a name."),
        "bankCode" => lang.t(
            "銀行代碼為 3 位數字，例如 004。",
            "The bank code is 3 digits, e.g. 004.",
        ),
        "accountNo" => lang.t(
            "帳號為 6 到 16 位數字。",
            "The account number is 6 to 16 digits.",
        ),
        _ => return messages::problem_words(lang, v),
    };
    text.to_owned()
}

/// The input a problem belongs to: the form's first field when the problem is not one field's.
fn first_field(blank: Blank) -> &'static str {
    match blank {
        Blank::Register => "code",
        Blank::Link => "carrierType",
        Blank::Bank => "bankCode",
        Blank::Donate => "donate",
    }
}

/// What to show for a failed change.
pub(super) fn errors(lang: Lang, blank: Blank, e: &ServiceError) -> FormErrors {
    match e {
        ServiceError::Invalid(v) => {
            let field = if v.field == "new_code" {
                "code"
            } else {
                v.field.as_str()
            };
            FormErrors::one(field, field_message(lang, field, v))
        }
        ServiceError::Store(_) | ServiceError::Internal(_) => FormErrors::one(
            first_field(blank),
            lang.t(
                "系統暫時無法完成，請稍後再試。",
                "We could not finish this just now; try again later.",
            ),
        ),
        other => FormErrors::one(
            first_field(blank),
            format!(
                "{}{}",
                lang.t("無法完成：", "Could not complete: "),
                messages::service_message(lang, other)
            ),
        ),
    }
}

/// The page's form: posts to the bare path with the CSRF token; no secret in any URL.
pub(super) fn form(
    lang: Lang,
    blank: Blank,
    session: &BlankSession,
    typed: &V1Params,
    errors: &FormErrors,
) -> Markup {
    let action = blank.path();
    let csrf = html! { input type="hidden" name="csrf" value=(session.csrf); };
    if blank == Blank::Register {
        return register_form(lang, errors, &action, csrf);
    }
    let (title, fields, button) = match blank {
        Blank::Link => (
            ("載具歸戶", "Aggregate a carrier"),
            link_fields(lang, errors, typed),
            ("歸戶", "Aggregate"),
        ),
        Blank::Bank => (
            ("領獎帳戶", "Prize bank account"),
            bank_fields(lang, errors, typed),
            ("登錄", "Record"),
        ),
        _ => (
            ("發票捐贈", "Donate invoices"),
            html! {
                p #donate { (lang.t("將 ", "Donate your cloud invoices of ")) (session.context.month.as_deref().unwrap_or_default()) (lang.t(" 的雲端發票捐贈予愛心碼 ", " to love code ")) strong { (session.context.dnt_no.as_deref().unwrap_or_default()) } }
            },
            ("確認捐贈", "Donate"),
        ),
    };
    let body = html! {
        (errors.summary(lang))
        form.stack.card method="post" action=(action) novalidate {
            (csrf)
            (fields)
            button type="submit" { (lang.t(button.0, button.1)) }
        }
    };
    page(lang, title, &[], body)
}

fn link_fields(lang: Lang, errors: &FormErrors, typed: &V1Params) -> Markup {
    let kept = |name: &str| typed.get(name).unwrap_or_default();
    let chosen = kept("carrierType");
    let error = errors.of("carrierType");
    let (id1, id2, name) = (kept("carrierId1"), kept("carrierId2"), kept("carrierName"));
    html! {
        label for="carrierType" { (lang.t("載具類別", "Carrier type")) }
        @if let Some(message) = error { p.field-error id="carrierType-error" { (message) } }
        select #carrierType name="carrierType" aria-invalid=[error.map(|_| "true")] aria-describedby=[error.map(|_| "carrierType-error")] {
            @for (code, name) in einv_core::carrier::KNOWN_CARRIER_TYPES {
                @if *code != einv_core::carrier::MOBILE_BARCODE {
                    option value=(code) selected[*code == chosen] { (name) " " (code) }
                }
            }
        }
        (TextField { value: id1, maxlength: Some(64), ..TextField::new("carrierId1", ("載具號碼", "Carrier number")) }.render(lang, errors))
        (TextField { value: id2, maxlength: Some(64), hint: Some(("卡片背面或載具上的隱碼", "The hidden code on the back of the card or carrier")), ..TextField::new("carrierId2", ("載具驗證碼（隱碼）", "Carrier hidden code")) }.render(lang, errors))
        (TextField { value: name, maxlength: Some(30), ..TextField::new("carrierName", ("名稱", "Name")) }.render(lang, errors))
    }
}

fn bank_fields(lang: Lang, errors: &FormErrors, typed: &V1Params) -> Markup {
    let kept = |name: &str| typed.get(name).unwrap_or_default();
    let (bank, account) = (kept("bankCode"), kept("accountNo"));
    html! {
        (TextField { value: bank, maxlength: Some(3), hint: Some(("3 位數字，例如 004", "3 digits, e.g. 004")), ..TextField::new("bankCode", ("銀行代碼", "Bank code")) }.render(lang, errors))
        (TextField { value: account, maxlength: Some(16), hint: Some(("6 到 16 位數字，不含符號", "6 to 16 digits, no symbols")), ..TextField::new("accountNo", ("帳號", "Account number")) }.render(lang, errors))
    }
}
