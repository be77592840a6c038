//! A licence's APIKeys (R4.1): the key shown once, with a copy button, on a page nobody may
//! cache; the keys listed by fingerprint with created/expiry and which is current; rotation
//! confirmed first, then POST → redirect → GET, so reloading the result never rotates again.

use einv_core::{DeveloperId, LicenceId};

use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Redirect, Response};
use maud::{html, Markup, PreEscaped};

use super::Done;
use crate::http::web::common::{csrf_field, field, DEVELOPER_NAV};
use crate::http::web::components::confirm::{self, Confirmation};
use crate::http::web::components::{self, licence};
use crate::http::web::layout::{page, Lang};
use crate::http::web::session::WebError;
use crate::http::web::signed_in::{Posted, SignedIn};
use crate::http::AppState;
use crate::services::licensing::{DEFAULT_GRACE_DAYS, MAX_GRACE_DAYS};
use crate::services::IssuedCredentials;

/// Copies the key to the clipboard; the page works without it (the key is selectable).
const COPY_SCRIPT: &str = "document.querySelectorAll('[data-copy]').forEach(function(b){b.hidden=false;b.addEventListener('click',function(){navigator.clipboard.writeText(document.getElementById(b.dataset.copy).textContent).then(function(){b.textContent=b.dataset.done;});});});";

fn shown_key(lang: Lang, creds: &IssuedCredentials) -> Markup {
    html! { div.card #new-key {
        p.flash { (lang.t("APIKey 僅顯示這一次，請立即妥善保存，勿提供第三人（第四點第一款）。", "The APIKey is shown this once: store it safely now and give it to no one (R4.1).")) }
        p { "AppID " code #app-id { (creds.app_id) } }
        p.secret #api-key { (creds.api_key) }
        button type="button" hidden data-copy="api-key" data-done=(lang.t("已複製", "Copied")) { (lang.t("複製 APIKey", "Copy the APIKey")) }
        script { (PreEscaped(COPY_SCRIPT)) }
    } }
}

/// `GET /developer/licences/{id}/credentials`: never cached, since it may carry a key.
pub(super) async fn credentials(
    State(state): State<AppState>,
    lang: Lang,
    SignedIn { session, me }: SignedIn<DeveloperId>,
    Path(id): Path<LicenceId>,
    Query(done): Query<Done>,
) -> Result<Response, WebError> {
    let p = &state.platform;
    let revealed = p.reveal_issued_key(me, id).await?;
    let keys = p.key_views(me, id).await?;
    let body = page(
        lang,
        ("金鑰", "Credentials"),
        DEVELOPER_NAV,
        html! {
            // "Rotated" is said with the new key only: a reload shows neither.
            (licence::flash(lang, done.done.as_deref().filter(|d| *d != "rotated" || revealed.is_some())))
            @if let Some(creds) = &revealed { (shown_key(lang, creds)) }
            @else { p.muted #key-hidden { (lang.t("APIKey 只在核發或更換時顯示一次，不再顯示；遺失請更換金鑰。", "An APIKey is shown once, when issued or rotated, and never again; if lost, rotate it.")) } }
            h2 { (lang.t("金鑰清單", "Keys")) }
            div.scroll role="region" aria-label=(lang.t("金鑰清單", "Keys")) tabindex="0" { table #keys {
                thead { tr { th { (lang.t("指紋", "Fingerprint")) } th { (lang.t("建立", "Created")) } th { (lang.t("有效至", "Valid until")) } th { (lang.t("狀態", "Status")) } } }
                tbody { @for k in &keys { tr data-current=[k.current.then_some("yes")] {
                    td { code { (k.fingerprint) } }
                    td { (components::when(lang, k.created_at)) }
                    td { @match (k.revoked_at, k.valid_until) {
                        (Some(r), _) => { (lang.t("已撤銷 ", "revoked ")) (components::when(lang, r)) },
                        (None, Some(u)) => { (components::when(lang, u)) (lang.t("（寬限期止）", " (end of grace period)")) },
                        (None, None) => { (lang.t("無期限（至授權結束）", "no end (until the licence ends)")) },
                    } }
                    td { @if k.current { span.badge.ok { (lang.t("目前金鑰", "Current")) } }
                         @else if k.valid { span.badge.wait { (lang.t("寬限期內仍有效", "Valid in grace period")) } }
                         @else { span.badge.bad { (lang.t("已失效", "No longer valid")) } } }
                } } }
            } }
            form.stack.card method="post" action=(format!("/developer/licences/{id}/rotate")) {
                (csrf_field(&session))
                h2 { (lang.t("更換金鑰", "Rotate the key")) }
                label for="grace_days" { (lang.t("舊金鑰寬限天數", "Days the old keys keep working")) }
                p.hint #grace-hint { (lang.t("0 到 30 天；寬限期內新舊金鑰都可使用，讓您更新伺服器設定。", "0 to 30 days; during the grace period old and new keys both work, so you can update your servers.")) }
                input #grace_days name="grace_days" type="number" min="0" max=(MAX_GRACE_DAYS) required value=(DEFAULT_GRACE_DAYS) aria-describedby="grace-hint";
                button type="submit" { (lang.t("更換金鑰…", "Rotate the key…")) }
            }
            p { a href=(format!("/developer/licences/{id}")) { (lang.t("返回授權", "Back to the licence")) } }
        },
    );
    let no_store = [(header::CACHE_CONTROL, HeaderValue::from_static("no-store"))];
    Ok((no_store, body).into_response())
}

/// `POST /developer/licences/{id}/rotate`: confirm, then rotate and redirect to the page that
/// shows the new key once.
pub(super) async fn rotate(
    State(state): State<AppState>,
    lang: Lang,
    Path(id): Path<LicenceId>,
    Posted { session, me, form }: Posted<DeveloperId>,
) -> Result<Response, WebError> {
    let grace = field(&form, "grace_days")
        .parse::<i64>()
        .map_err(|_| einv_core::InvalidValue::new("grace_days", "must be a whole number of days"))
        .map_err(crate::error::ServiceError::from)?;
    if !confirm::confirmed(&form) {
        // Only the licence's own developer is asked (another's licence is "not found").
        state.platform.developer_licence(me, id).await?;
        // Checked before asking, so the confirmation never promises what will be refused.
        if !(0..=MAX_GRACE_DAYS).contains(&grace) {
            return Err(
                crate::error::ServiceError::from(einv_core::InvalidValue::new(
                    "grace_days",
                    format!("must be 0 to {MAX_GRACE_DAYS}"),
                ))
                .into(),
            );
        }
        let until = components::when(
            lang,
            state.platform.clock.now() + chrono::Duration::days(grace),
        );
        let c = Confirmation {
            title: ("確認更換金鑰", "Confirm key rotation"),
            consequence: html! {
                p { (lang.t("將核發新的 APIKey，只顯示一次。", "A new APIKey will be issued and shown once.")) }
                p { (lang.t("目前的金鑰將於 ", "The current keys stop working at ")) strong { (until) } (lang.t(" 停止運作。", ".")) }
            },
            action: format!("/developer/licences/{id}/rotate"),
            button: ("更換金鑰", "Rotate the key"),
            back: format!("/developer/licences/{id}/credentials"),
        };
        return Ok(confirm::page_for(lang, DEVELOPER_NAV, &session, c, &form).into_response());
    }
    state.platform.rotate_key_unrevealed(me, id, grace).await?;
    Ok(Redirect::to(&format!(
        "/developer/licences/{id}/credentials?done=rotated"
    ))
    .into_response())
}
