//! The consent page of the OAuth flow (R5.3, R5.4): exactly what the app asks — its name, the
//! services, every PDPA item, and for an out-of-scope use the laws and what refusing means.

use maud::{html, Markup};

use super::{csrf_field, when, NAV};
use crate::http::web::{page, Lang, WebSession};
use crate::services::{AuthorizeParams, AuthorizeRequest};

/// The page.
pub fn render(
    lang: Lang,
    session: &WebSession,
    req: &AuthorizeRequest,
    params: &AuthorizeParams,
    now: chrono::DateTime<chrono::Utc>,
) -> Markup {
    let items = req.request.items();
    let lapse = einv_core::consent::lapse_instant(now);
    // The category is the Platform's word; the rest is what the app wrote, shown as given.
    let category = lang.t(items.category.name_zh(), items.category.name_en());
    let rows: Vec<(&str, &str, String)> = vec![
        ("利用期間", "Period", items.period.to_string()),
        ("利用地區", "Region", items.region.to_string()),
        ("利用對象", "Recipients", items.recipients.to_string()),
        ("利用方式", "Manner of use", items.manner.to_string()),
    ];
    let body = html! {
        div.card {
            p { strong { (req.app.name) } " (" code { (req.app.app_id) } ") "
                (lang.t("請求您同意以下授權：", "asks for your consent to the following:")) }
            h2 { (lang.t("授權範圍", "Scope")) }
            ul { @for s in req.request.services() { li { (super::words::service_name(lang, *s)) } } }
            table {
                tr { th scope="row" { (lang.t("特定目的", "Purpose")) } td { (category) " — " span data-typed { (items.purpose) } } }
                @for (zh, en, value) in &rows { tr { th scope="row" { (lang.t(zh, en)) } td data-typed { (value) } } }
                @if let Some(oos) = req.request.out_of_scope() {
                    tr { th scope="row" { (lang.t("所涉法令", "Laws involved")) } td data-typed { (oos.laws) } }
                    tr { th scope="row" { (lang.t("不同意之影響", "If you refuse")) } td data-typed { (oos.refusal_effect) } }
                }
            }
            @if req.request.out_of_scope().is_some() {
                p.flash { (lang.t("此為電子發票服務範圍以外之利用，需您另行同意（規範第五點第三款）。",
                    "This is a use beyond the e-invoice service and needs your separate consent (R5.3).")) }
            }
            p.muted { (lang.t("同意將於六個月後失效，屆時須重新同意（規範第五點第六款）；您可隨時於「我的同意」撤回。",
                "The consent lapses after six months and must then be given again (R5.6); you can revoke it at any time under My consents."))
                " (≈ " (when(lang, lapse)) ")" }
            form method="post" action="/oauth/authorize" {
                (csrf_field(session))
                @for (k, v) in hidden_fields(params) { input type="hidden" name=(k) value=(v); }
                button type="submit" name="decision" value="approve" { (lang.t("同意", "Approve")) }
                button.danger type="submit" name="decision" value="deny" { (lang.t("不同意", "Deny")) }
            }
        }
    };
    page(lang, ("授權同意", "Consent"), NAV, body)
}

/// The request's parameters, carried through the form unchanged.
fn hidden_fields(p: &AuthorizeParams) -> Vec<(&'static str, String)> {
    let c = &p.consent;
    let mut out = vec![
        ("client_id", p.client_id.clone()),
        ("redirect_uri", p.redirect_uri.clone()),
        ("response_type", p.response_type.clone()),
        ("scope", p.scope.clone()),
        ("state", p.state.clone()),
        ("code_challenge", p.code_challenge.clone()),
        ("code_challenge_method", p.code_challenge_method.clone()),
        ("purpose_category", c.purpose_category.clone()),
        ("purpose", c.purpose.clone()),
        ("period", c.period.clone()),
        ("region", c.region.clone()),
        ("recipients", c.recipients.clone()),
        ("manner", c.manner.clone()),
    ];
    out.extend(c.laws.clone().map(|v| ("laws", v)));
    out.extend(c.refusal_effect.clone().map(|v| ("refusal_effect", v)));
    out
}
