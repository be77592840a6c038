//! The User's consents (R5.2, R5.6): one card per app and scope (the newest grant; earlier
//! ones under "earlier consents"), app names instead of AppIDs, and a confirmation page that
//! says what revoking does before anything changes.

use einv_core::GrantId;
use std::collections::HashMap;

use axum::extract::{MatchedPath, Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{DateTime, Utc};
use einv_core::consent::ConsentStatus;
use einv_store::ConsentGrantRecord;
use maud::{html, Markup};

use super::words::{consent_badge, service_name};
use super::{csrf_field, when, NAV};
use crate::http::web::components::confirm::confirm_form;
use crate::http::web::signed_in::{Posted, SignedIn};
use crate::http::web::{page, Lang, WebError, WebSession};
use crate::http::AppState;
use einv_core::UserId;

fn app_name<'a>(names: &'a HashMap<String, String>, app_id: &'a str) -> &'a str {
    names.get(app_id).map_or(app_id, String::as_str)
}

fn services(lang: Lang, g: &ConsentGrantRecord) -> Markup {
    html! { ul { @for s in g.grant.request.services() { li { (service_name(lang, *s)) } } } }
}

fn consent_card(
    lang: Lang,
    session: &WebSession,
    g: &ConsentGrantRecord,
    name: &str,
    now: DateTime<Utc>,
) -> Markup {
    let status = g.grant.status(now);
    let items = g.grant.request.items();
    html! {
        div.card {
            h3 { (name) " " (consent_badge(lang, status)) }
            p { (lang.t("可取用：", "May use:")) }
            (services(lang, g))
            // The category is the Platform's word; purpose and recipients are the app's, as given.
            p.muted { (lang.t("目的：", "Purpose: ")) (lang.t(items.category.name_zh(), items.category.name_en())) " — " span data-typed { (items.purpose) } br;
                (lang.t("提供對象：", "Given to: ")) span data-typed { (items.recipients) } br;
                (lang.t("同意時間：", "Given: ")) (when(lang, g.grant.granted_at)) br;
                (lang.t("有效至：", "Valid until: ")) (when(lang, g.grant.lapses_at())) }
            @if status == ConsentStatus::Live {
                a.button.danger href={ "/me/consents/" (g.id) "/revoke" } { (lang.t("撤回同意…", "Revoke consent…")) }
            } @else if status == ConsentStatus::Lapsed {
                form method="post" action={ "/me/consents/" (g.id) "/renew" } {
                    (csrf_field(session))
                    button type="submit" { (lang.t("重新同意", "Give consent again")) }
                }
            }
        }
    }
}

/// The consents part of `/me`: the newest grant of each app and scope, then the rest.
pub(super) fn consents_section(
    lang: Lang,
    session: &WebSession,
    grants: &[ConsentGrantRecord],
    names: &HashMap<String, String>,
    now: DateTime<Utc>,
) -> Markup {
    // Grants come newest first: the first of each (app, scope) is the one that counts.
    let mut seen = std::collections::HashSet::new();
    let (current, earlier): (Vec<&ConsentGrantRecord>, Vec<&ConsentGrantRecord>) = grants
        .iter()
        .partition(|g| seen.insert((g.app_id.clone(), g.grant.request.scope())));
    html! {
        h2 { (lang.t("我的同意", "My consents")) }
        @if current.is_empty() { p.muted { (lang.t("您尚未同意任何 App 取用您的資料。", "You have not let any app use your data.")) } }
        @for g in &current { (consent_card(lang, session, g, app_name(names, g.app_id.as_str()), now)) }
        @if !earlier.is_empty() {
            details {
                summary { (lang.t("較早的同意紀錄", "Earlier consents")) " (" (earlier.len()) ")" }
                @for g in &earlier { (consent_card(lang, session, g, app_name(names, g.app_id.as_str()), now)) }
            }
        }
    }
}

/// `GET /me/consents/{id}/revoke`: what revoking will do, and the button that does it.
pub(super) async fn confirm_revoke(
    State(state): State<AppState>,
    lang: Lang,
    SignedIn { session, me: user }: SignedIn<UserId>,
    Path(id): Path<GrantId>,
) -> Result<Markup, WebError> {
    let p = &state.platform;
    let grant = p
        .consents_of_user(user)
        .await?
        .into_iter()
        .find(|g| g.id == id)
        .ok_or(crate::error::ServiceError::not_found("consent"))?;
    let names = p.app_names(&[grant.app_id.as_str()]).await?;
    let name = app_name(&names, grant.app_id.as_str());
    let what = html! {
        ul {
            li { strong { (name) } (lang.t(" 將立即無法再取用您的資料：", " immediately stops getting your data:")) (services(lang, &grant)) }
            li { (lang.t("它持有的存取權杖會立即失效。", "Any access token it holds stops working at once.")) }
            li { (lang.t("它已取得的資料不會自動刪除；撤回後您可以請它刪除（它須於 30 日內處理）。", "Data it already has is not deleted automatically: you can then ask it to delete it (it must act within 30 days).")) }
            li { (lang.t("日後若要再使用，須在 App 中重新同意。", "To use it again later, you give your consent again in the app.")) }
        }
    };
    let body = confirm_form(
        lang,
        what,
        &format!("/me/consents/{id}/revoke"),
        csrf_field(&session),
        ("撤回同意", "Revoke consent"),
        "/me",
    );
    Ok(page(
        lang,
        ("確認撤回同意", "Confirm: revoke consent"),
        NAV,
        body,
    ))
}

/// `POST /me/consents/{id}/revoke` (R5.2) and `POST /me/consents/{id}/renew` (R5.6, a new
/// recorded act): CSRF-checked, then back to `/me` with the success banner.
pub(super) async fn act(
    State(state): State<AppState>,
    path: MatchedPath,
    Path(id): Path<GrantId>,
    Posted { me: user, .. }: Posted<UserId>,
) -> Result<Response, WebError> {
    let p = &state.platform;
    // The route names the act: `…/revoke` or `…/renew`.
    let done = match path.as_str().rsplit('/').next() {
        Some("revoke") => {
            p.revoke_consent(user, id).await?;
            "revoked"
        }
        Some("renew") => {
            p.renew_consent(user, id).await?;
            "renewed"
        }
        _ => return Err(crate::error::ServiceError::not_found("action").into()),
    };
    Ok(Redirect::to(&format!("/me?done={done}")).into_response())
}
