//! OAuth set-up on the licence page: the redirect URIs the AppID's authorization codes may go
//! to (https, or http only to a loopback address), added and removed with validation.

use einv_core::{DeveloperId, LicenceId};

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use maud::{html, Markup};

use crate::error::ServiceError;
use crate::http::web::common::{csrf_field, field, DEVELOPER_NAV};
use crate::http::web::components::confirm::{self, Confirmation};
use crate::http::web::layout::Lang;
use crate::http::web::messages;
use crate::http::web::session::{WebError, WebSession};
use crate::http::web::signed_in::Posted;
use crate::http::AppState;
use crate::services::licensing::MAX_REDIRECT_URIS;

/// A redirect URI that was refused, and why.
pub(super) struct Typed {
    value: String,
    problem: String,
}

/// The licence page's OAuth section.
pub(super) fn section(
    lang: Lang,
    session: &WebSession,
    id: LicenceId,
    uris: &[String],
    typed: Option<&Typed>,
) -> Markup {
    html! {
        section.card #oauth {
            h2 { (lang.t("OAuth 設定：重新導向 URI", "OAuth set-up: redirect URIs")) }
            p.hint { (lang.t("使用者同意後，授權碼只會送到這裡登錄的網址。", "After a User consents, authorization codes go only to the URIs registered here.")) }
            @if uris.is_empty() { p.muted #no-redirects { (lang.t("尚未登錄。", "None registered yet.")) } }
            ul #redirect-uris { @for u in uris { li {
                code { (u) } " "
                form.inline method="post" action=(format!("/developer/licences/{id}/redirect-uris/remove")) {
                    (csrf_field(session)) input type="hidden" name="redirect_uri" value=(u);
                    button.secondary type="submit" aria-label=(format!("{} {u}", lang.t("移除", "Remove"))) { (lang.t("移除", "Remove")) }
                }
            } } }
            form.stack method="post" action=(format!("/developer/licences/{id}/redirect-uris")) {
                (csrf_field(session))
                label for="redirect_uri" { (lang.t("新增重新導向 URI", "Add a redirect URI")) }
                p.hint #redirect-hint { (lang.t("須為 https；http 僅限本機（127.0.0.1、[::1]、localhost）。不可含 #。最多 ", "Must use https; http only for loopback (127.0.0.1, [::1], localhost). No #fragment. At most ")) (MAX_REDIRECT_URIS) (lang.t(" 個。", ".")) }
                @if let Some(t) = typed { p.field-error #redirect_uri-error role="alert" { (t.problem) } }
                input #redirect_uri name="redirect_uri" type="url" required maxlength="2000" placeholder="https://app.example/oauth/callback"
                    value=[typed.map(|t| t.value.as_str())] aria-invalid=[typed.map(|_| "true")]
                    aria-describedby=(if typed.is_some() { "redirect-hint redirect_uri-error" } else { "redirect-hint" });
                button type="submit" { (lang.t("登錄", "Register")) }
            }
        }
    }
}

/// `POST /developer/licences/{id}/redirect-uris`.
/// A refused URI comes back on the licence page, beside the field, as typed.
pub(super) async fn add(
    State(state): State<AppState>,
    lang: Lang,
    Path(id): Path<LicenceId>,
    Posted { session, me, form }: Posted<DeveloperId>,
) -> Result<Response, WebError> {
    let uri = field(&form, "redirect_uri");
    let (status, problem) = match state.platform.add_redirect_uri(me, id, uri).await {
        Ok(_) => {
            return Ok(Redirect::to(&format!(
                "/developer/licences/{id}?done=redirect-added#oauth"
            ))
            .into_response())
        }
        Err(e @ ServiceError::Invalid(_)) => (
            StatusCode::UNPROCESSABLE_ENTITY,
            messages::service_message(lang, &e),
        ),
        Err(e @ ServiceError::Conflict(_)) => {
            (StatusCode::CONFLICT, messages::service_message(lang, &e))
        }
        Err(e) => return Err(e.into()),
    };
    let typed = Typed {
        value: uri.to_owned(),
        problem,
    };
    let again = super::licences::Again::RedirectUri(&typed);
    let page = super::licences::detail_page(&state, lang, &session, (me, id), None, again).await?;
    Ok((status, page).into_response())
}

/// `POST /developer/licences/{id}/redirect-uris/remove`: confirmed first.
pub(super) async fn remove(
    State(state): State<AppState>,
    lang: Lang,
    Path(id): Path<LicenceId>,
    Posted { session, me, form }: Posted<DeveloperId>,
) -> Result<Response, WebError> {
    let uri = field(&form, "redirect_uri");
    if !confirm::confirmed(&form) {
        // Only the licence's own developer is asked, and only about a URI it registered.
        let registered = state.platform.redirect_uris_of(me, id).await?;
        if !registered.iter().any(|r| r == uri) {
            return Err(ServiceError::not_found("redirect_uri").into());
        }
        let c = Confirmation {
            title: ("確認移除重新導向 URI", "Confirm removing a redirect URI"),
            consequence: html! { p { (lang.t("之後送往此網址的授權請求都會被拒絕：", "Authorization requests naming this URI will be refused from now on: ")) code { (uri) } } },
            action: format!("/developer/licences/{id}/redirect-uris/remove"),
            button: ("移除", "Remove"),
            back: format!("/developer/licences/{id}#oauth"),
        };
        return Ok(confirm::page_for(lang, DEVELOPER_NAV, &session, c, &form).into_response());
    }
    state.platform.remove_redirect_uri(me, id, uri).await?;
    Ok(Redirect::to(&format!(
        "/developer/licences/{id}?done=redirect-removed#oauth"
    ))
    .into_response())
}
