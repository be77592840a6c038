//! "Try a signed call" for the developer's v2 signing page: a form that signs
//! `GET /api/v2/licence` in the browser with a key the developer pastes (never sent: only the
//! signature is) and shows the request and the answer. The script is served from
//! `/docs/try-signed-call.js` rather than inline, so a `script-src 'self'` policy allows it.

use axum::http::header;
use axum::response::IntoResponse;
use maud::{html, Markup};

use crate::http::web::Lang;

const SCRIPT: &str = include_str!("try_call.js");

/// `GET /docs/try-signed-call.js`.
pub async fn script() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        SCRIPT,
    )
}

/// The form, for `app_id`, with the Platform's time `platform_now` (Unix seconds).
pub fn widget(lang: Lang, app_id: &str, platform_now: i64) -> Markup {
    html! {
        h2 { (lang.t("試一次簽章呼叫", "Try a signed call")) }
        p { (lang.t(
            "在瀏覽器內簽署 GET /api/v2/licence 並送出。金鑰只在此頁面使用，不會傳給平台；送出的只有簽章。",
            "Signs GET /api/v2/licence in this browser and sends it. The key is used on this page only and never sent to the Platform: only the signature is.")) }
        form.stack.card #try-call data-app-id=(app_id) data-platform-now=(platform_now) autocomplete="off" {
            label for="try-alg" { (lang.t("簽章方式", "Signing method")) }
            select #try-alg name="alg" {
                option value="hmac-sha256" { "hmac-sha256 (APIKey)" }
                option value="ed25519" { (lang.t("ed25519（已登錄公鑰的私鑰，Base64 或 hex）", "ed25519 (the secret key of a registered public key, Base64 or hex)")) }
            }
            label for="try-key" { (lang.t("金鑰", "Key")) }
            input #try-key name="key" type="password" required autocomplete="off" spellcheck="false";
            button type="submit" #try-send { (lang.t("簽署並送出", "Sign and send")) }
        }
        h3 { (lang.t("送出的請求", "The request sent")) }
        pre #try-call-request aria-live="polite" {}
        h3 { (lang.t("平台的回應", "The Platform's answer")) }
        pre #try-call-answer aria-live="polite" {}
        script src="/docs/try-signed-call.js" defer {}
    }
}
