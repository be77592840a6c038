//! A licence's v2 signing page: which signing methods the licence accepts, the Ed25519 public
//! keys registered (so the Platform holds no secret for the requests they sign), and a worked
//! example of a signed call with the developer's own AppID.

use einv_core::AppId;
use einv_core::{DeveloperId, LicenceId};

use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use einv_core::httpsig::{content_digest, signature_base, Algorithm, RequestParts, SignatureInput};
use maud::{html, Markup};

use crate::http::web::common::{csrf_field, field, DEVELOPER_NAV};
use crate::http::web::components;
use crate::http::web::layout::{page, Lang};
use crate::http::web::session::WebError;
use crate::http::web::signed_in::{Posted, SignedIn};
use crate::http::AppState;

async fn app_id_of(state: &AppState, me: DeveloperId, id: LicenceId) -> Result<AppId, WebError> {
    let licence = state.platform.developer_licence(me, id).await?;
    Ok(licence
        .app_id
        .ok_or(crate::error::ServiceError::not_found("AppID"))?)
}

/// `GET /developer/licences/{id}/signing`.
pub(super) async fn page_view(
    State(state): State<AppState>,
    lang: Lang,
    SignedIn { session, me }: SignedIn<DeveloperId>,
    Path(id): Path<LicenceId>,
) -> Result<Markup, WebError> {
    let app_id = app_id_of(&state, me, id).await?;
    let keys = state.platform.signing_keys(&app_id).await?;
    let live: Vec<_> = keys.iter().filter(|k| k.revoked_at.is_none()).collect();
    let now = state.platform.clock.now().timestamp();
    let input = SignatureInput {
        label: "sig1".into(),
        created: now,
        key_id: app_id.to_string(),
        nonce: "replace-with-a-fresh-random-nonce".into(),
        alg: Algorithm::HmacSha256,
    };
    let digest = content_digest(b"");
    let base = signature_base(
        &RequestParts {
            method: "GET",
            path: "/api/v2/licence",
            query: None,
            content_digest: &digest,
        },
        &input,
    );
    Ok(page(
        lang,
        ("v2 簽章", "v2 signing"),
        DEVELOPER_NAV,
        html! {
            p { "AppID " code #app-id { (app_id) } }
            h2 { (lang.t("本授權接受的簽章方式", "Signing methods this licence accepts")) }
            ul #methods {
                li { code { "hmac-sha256" } " — " (lang.t("以 APIKey 為金鑰", "keyed with the APIKey")) }
                @if !live.is_empty() { li #ed25519-accepted { code { "ed25519" } " — " (lang.t("以下列已登錄公鑰驗證", "verified with the public keys below")) } }
                @else { li.muted { code { "ed25519" } " — " (lang.t("登錄公鑰後即可使用", "available once a public key is registered")) } }
            }
            h2 { (lang.t("Ed25519 公鑰", "Ed25519 public keys")) }
            table {
                thead { tr { th { "#" } th { (lang.t("名稱", "Label")) } th { (lang.t("公鑰", "Public key")) } th { (lang.t("登錄", "Registered")) } th {} } }
                tbody { @for k in &live { tr {
                    td { (k.id) } td { (k.label) } td { code { (k.public_key) } } td { (components::when(lang, k.created_at)) }
                    td { form method="post" action=(format!("/developer/licences/{id}/signing/keys/{}/revoke", k.id)) {
                        (csrf_field(&session)) button.danger type="submit" { (lang.t("撤銷…", "Revoke…")) }
                    } }
                } } }
            }
            form.stack.card method="post" action=(format!("/developer/licences/{id}/signing/keys")) {
                (csrf_field(&session))
                label for="public_key" { (lang.t("公鑰（32 位元組，Base64）", "Public key (32 bytes, Base64)")) }
                input #public_key name="public_key" required;
                label for="label" { (lang.t("名稱", "Label")) }
                input #label name="label";
                button type="submit" { (lang.t("登錄公鑰", "Register the public key")) }
            }
            h2 { (lang.t("範例：以您的 AppID 簽署一次呼叫", "Example: one signed call with your AppID")) }
            p { (lang.t("GET /api/v2/licence，無本文。簽章基底：", "GET /api/v2/licence, no body. The signature base:")) }
            pre #example-base { (base) }
            p { (lang.t("以 APIKey 計算（shell）：", "Sign it with your APIKey (shell):")) }
            pre { "BASE='…the base above…'\nprintf '%s' \"$BASE\" | openssl dgst -sha256 -hmac \"$APIKEY\" -binary | base64" }
            p { (lang.t("送出的標頭：", "Send these headers:")) }
            pre #example-headers { "Content-Digest: " (digest) "\nSignature-Input: " (input.header_value()) "\nSignature: sig1=:<Base64 signature>:" }
            p { (lang.t("created 需在平台時間前後五分鐘內；每個 nonce 只能用一次。", "created must be within five minutes of the Platform's clock; each nonce is used once.")) " " a href="/docs" { "/docs" } }
            (crate::http::v2::try_call::widget(lang, app_id.as_str(), now))
        },
    ))
}

/// `POST /developer/licences/{id}/signing/keys`.
pub(super) async fn register(
    State(state): State<AppState>,
    Path(id): Path<LicenceId>,
    Posted { me, form, .. }: Posted<DeveloperId>,
) -> Result<Response, WebError> {
    let app_id = app_id_of(&state, me, id).await?;
    state
        .platform
        .register_signing_key(&app_id, field(&form, "public_key"), field(&form, "label"))
        .await?;
    Ok(Redirect::to(&format!("/developer/licences/{id}/signing")).into_response())
}

/// `POST /developer/licences/{id}/signing/keys/{key}/revoke`: confirmed first.
pub(super) async fn revoke(
    State(state): State<AppState>,
    lang: Lang,
    Path((id, key)): Path<(LicenceId, i64)>,
    Posted { session, me, form }: Posted<DeveloperId>,
) -> Result<Response, WebError> {
    let app_id = app_id_of(&state, me, id).await?;
    if !crate::http::web::components::confirm::confirmed(&form) {
        let c = crate::http::web::components::confirm::Confirmation {
            title: ("確認撤銷公鑰", "Confirm revoking a public key"),
            consequence: html! { p { (lang.t("撤銷後，以此公鑰簽署的 v2 請求一律拒絕。公鑰 #", "Once revoked, v2 requests signed with this key are refused. Key #")) (key) } },
            action: format!("/developer/licences/{id}/signing/keys/{key}/revoke"),
            button: ("撤銷", "Revoke"),
            back: format!("/developer/licences/{id}/signing"),
        };
        return Ok(crate::http::web::components::confirm::page_for(
            lang,
            DEVELOPER_NAV,
            &session,
            c,
            &form,
        )
        .into_response());
    }
    state.platform.revoke_signing_key(&app_id, key).await?;
    Ok(Redirect::to(&format!("/developer/licences/{id}/signing")).into_response())
}
