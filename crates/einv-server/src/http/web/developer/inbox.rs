//! Notifications with read receipts (R4.9, R11) and terms acceptance (R4.3).

use einv_core::DeveloperId;

use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use maud::{html, Markup};

use crate::http::web::common::{csrf_field, field, DEVELOPER_NAV};
use crate::http::web::components;
use crate::http::web::layout::{page, Lang};
use crate::http::web::session::WebError;
use crate::http::web::signed_in::{Posted, SignedIn};
use crate::http::AppState;

pub(super) async fn notifications(
    State(state): State<AppState>,
    lang: Lang,
    SignedIn { session, me }: SignedIn<DeveloperId>,
) -> Result<Markup, WebError> {
    let list = state.platform.developer_notifications(me).await?;
    Ok(page(
        lang,
        ("通知", "Notifications"),
        DEVELOPER_NAV,
        html! {
            @if list.is_empty() { p.muted { (lang.t("沒有通知。", "No notifications.")) } }
            @for n in &list {
                div.card {
                    h2 { (n.title) }
                    p.muted { (components::when(lang, n.created_at)) }
                    p.pre-wrap { (n.body) }
                    @match n.read_at {
                        Some(at) => p.muted { (lang.t("已讀於 ", "Read at ")) (components::when(lang, at)) },
                        None => form method="post" action=(format!("/developer/notifications/{}/read", n.id)) {
                            (csrf_field(&session))
                            button.secondary type="submit" { (lang.t("標示為已讀", "Mark as read")) }
                        },
                    }
                }
            }
        },
    ))
}

pub(super) async fn mark_read(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    Posted { me, .. }: Posted<DeveloperId>,
) -> Result<Response, WebError> {
    state.platform.mark_read(me, id).await?;
    Ok(Redirect::to("/developer/notifications").into_response())
}

pub(super) async fn terms(
    State(state): State<AppState>,
    lang: Lang,
    SignedIn { session, me }: SignedIn<DeveloperId>,
) -> Result<Markup, WebError> {
    let versions = state.platform.terms_versions().await?;
    let accepted = state.platform.terms_accepted(me).await?;
    Ok(page(
        lang,
        ("使用規範", "Terms"),
        DEVELOPER_NAV,
        html! {
            p { (lang.t("逾接受期限仍未接受最新版本者，其應用程式將停止使用 API（第四點第三款）。", "If the newest version is not accepted by its deadline, your apps stop using the API (R4.3).")) }
            table {
                thead { tr { th { (lang.t("版本", "Version")) } th { (lang.t("摘要", "Summary")) } th { (lang.t("接受期限", "Accept by")) } th { (lang.t("狀態", "Status")) } } }
                tbody {
                    @for t in &versions {
                        tr {
                            td { a href=(format!("/terms/{}", t.version)) { (t.version) } } td data-typed { (t.summary) } td { (components::when(lang, t.deadline)) }
                            td {
                                @match accepted.iter().find(|(v, _)| *v == t.version) {
                                    Some((_, at)) => { (lang.t("已接受 ", "Accepted ")) (components::when(lang, *at)) }
                                    None => form method="post" action="/developer/terms" {
                                        (csrf_field(&session))
                                        input type="hidden" name="version" value=(t.version);
                                        button type="submit" { (lang.t("接受", "Accept")) }
                                    },
                                }
                            }
                        }
                    }
                }
            }
        },
    ))
}

pub(super) async fn accept(
    State(state): State<AppState>,
    Posted { me, form, .. }: Posted<DeveloperId>,
) -> Result<Response, WebError> {
    state
        .platform
        .accept_terms(me, field(&form, "version"))
        .await?;
    Ok(Redirect::to("/developer/terms").into_response())
}
