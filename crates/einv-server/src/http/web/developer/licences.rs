//! A Developer's licences: the start page (apply, or the licences with their terms), one
//! licence's page with its progress, the reviewer's reason when corrections are asked for, its
//! OAuth set-up and its actions (R4.7b renew, R10.1 withdraw, R5.11 change, R6 certificate,
//! R5.10 research, R11 destruction).

use einv_core::AppId;
use einv_core::{DeveloperId, LicenceId};
use std::collections::HashMap;

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use einv_core::licence::{Coverage, LicenceEventKind, LicenceState, Renewal};
use einv_core::InvalidValue;
use maud::{html, Markup};

use super::licence_forms::{LicenceForm, Refused};
use super::{oauth, Done};
use crate::error::ServiceError;
use crate::http::web::common::{csrf_field, field, DEVELOPER_NAV};
use crate::http::web::components::confirm::{self, Confirmation};
use crate::http::web::components::{self, licence};
use crate::http::web::layout::{page, Lang};
use crate::http::web::session::{WebError, WebSession};
use crate::http::web::signed_in::{Posted, SignedIn};
use crate::http::AppState;
use crate::services::licensing::IsmsInput;

pub(super) async fn dashboard(
    State(state): State<AppState>,
    lang: Lang,
    SignedIn { session, me }: SignedIn<DeveloperId>,
) -> Result<Markup, WebError> {
    let p = &state.platform;
    let developer = p.developer(me).await?;
    let licences = p.developer_licences(me).await?;
    let unread = p
        .developer_notifications(me)
        .await?
        .iter()
        .filter(|n| n.read_at.is_none())
        .count();
    // The terms deadline stops the API of live licences only: with none, there is nothing
    // to stop, and the start page says how to begin instead (R4.3).
    let live = licences.iter().any(|l| l.state.coverage().is_some());
    let overdue = if live {
        p.overdue_terms_of(me).await?
    } else {
        None
    };
    let now = p.clock.now();
    let mut rows = Vec::new();
    for l in &licences {
        let product = p.application_of(me, l.id).await?.form.product_name;
        rows.push((l, product));
    }
    Ok(page(
        lang,
        ("我的授權", "My licences"),
        DEVELOPER_NAV,
        html! {
            p { (developer.account.name) " · " (developer.account.email) }
            @if let Some(t) = overdue { p.error { (lang.t("您尚未接受使用規範 ", "You have not accepted the terms ")) (t.version) (lang.t("，API 已停止。", "; the API is stopped. ")) a href="/developer/terms" { (lang.t("前往接受", "Accept them")) } } }
            @if unread > 0 { p.flash { a href="/developer/notifications" { (unread) (lang.t(" 則未讀通知", " unread notifications")) } } }
            @if licences.is_empty() {
                div.card #start {
                    h2 { (lang.t("開始使用：申請 API 授權", "Get started: apply for an API licence")) }
                    p { (lang.t("取得授權後，您會拿到 AppID 與 APIKey，才能呼叫電子發票應用 API。申請需要：", "A licence gives you an AppID and an APIKey to call the e-invoice API. You will need:")) }
                    ul {
                        li { (lang.t("聯絡人、產品名稱、版本與使用目的", "a contact, your product's name, version and purpose")) }
                        li { (lang.t("要使用的服務（提供發票查詢者須一併提供捐贈）", "the services you will use (querying invoices requires donation too)")) }
                        li { (lang.t("資訊安全管理系統驗證證書（政府機關 C 級以上免附）", "an ISMS certificate (government bodies at level C or above are exempt)")) }
                        li { (lang.t("證明文件，每個 5 MB 以內", "supporting documents, up to 5 MB each")) }
                    }
                    p { (lang.t("審核通常需數個工作天；結果會通知您。", "Review usually takes a few working days; you will be notified.")) }
                    a.button #apply-now href="/developer/apply" { (lang.t("申請授權", "Apply for a licence")) }
                }
            } @else {
                div.scroll role="region" aria-label=(lang.t("我的授權", "Your licences")) tabindex="0" { table {
                    thead { tr { th { (lang.t("產品", "Product")) } th { "AppID" } th { (lang.t("狀態", "Status")) } th { (lang.t("期間", "Term")) } } }
                    tbody { @for (l, product) in &rows { tr {
                        td { a href=(format!("/developer/licences/{}", l.id)) { (product) } }
                        td { code { (l.app_id.as_ref().map_or("—", AppId::as_str)) } }
                        td { (licence::badge(lang, &l.state)) }
                        td { (licence::term_line(lang, l, now)) }
                    } } }
                } }
                p { a href="/developer/apply" { (lang.t("申請另一項授權", "Apply for another licence")) } }
            }
            form method="post" action="/developer/logout" { (csrf_field(&session)) button.secondary type="submit" { (lang.t("登出", "Sign out")) } }
        },
    ))
}

/// The reason of the reviewer's latest "ask for changes", if that is where the licence stands.
fn changes_reason(
    state: &LicenceState,
    history: &[einv_store::LicenceEventRecord],
) -> Option<String> {
    if !matches!(state, LicenceState::ChangesRequested) {
        return None;
    }
    history
        .iter()
        .rev()
        .find(|e| e.event == LicenceEventKind::RequestChanges)
        .map(|e| e.reason.clone())
}

pub(super) async fn detail(
    State(state): State<AppState>,
    lang: Lang,
    SignedIn { session, me }: SignedIn<DeveloperId>,
    Path(id): Path<LicenceId>,
    Query(done): Query<Done>,
) -> Result<Markup, WebError> {
    detail_page(
        &state,
        lang,
        &session,
        (me, id),
        done.done.as_deref(),
        Again::Nothing,
    )
    .await
}

/// A refused form of the licence page, shown again with its problem.
pub(super) enum Again<'a> {
    /// Nothing was refused.
    Nothing,
    /// A redirect URI (OAuth set-up).
    RedirectUri(&'a oauth::Typed),
    /// One of the licence's forms (change, research, certificate …).
    Form(&'a Refused),
}

/// The licence page of licence `id` of developer `me`, with a refused form shown again.
pub(super) async fn detail_page(
    state: &AppState,
    lang: Lang,
    session: &WebSession,
    (me, id): (DeveloperId, LicenceId),
    done: Option<&str>,
    again: Again<'_>,
) -> Result<Markup, WebError> {
    let (typed, refused) = match again {
        Again::Nothing => (None, None),
        Again::RedirectUri(t) => (Some(t), None),
        Again::Form(r) => (None, Some(r)),
    };
    let p = &state.platform;
    let licence = p.developer_licence(me, id).await?;
    let application = p.application_of(me, id).await?;
    let history = p.licence_history(id).await?;
    let destroyed = p.destruction(id).await?;
    let overdue = p.overdue_requests_of(&licence).await?;
    let my_name = p.developer(me).await?.account.name;
    let me_actor = format!("developer:{me}");
    let names = |actor: &str| (actor == me_actor).then(|| my_name.clone());
    // R4.6: the AppID's limit and the calls refused (http/web/reviewer/limits.rs).
    let flow = match &licence.app_id {
        Some(app_id) => Some(p.app_limit_view(app_id).await?),
        None => None,
    };
    let form = |action: &str, title: (&str, &str), required: bool, intro: Option<Markup>| {
        LicenceForm {
            id,
            action,
            title,
            required,
            intro,
        }
        .render(lang, session, refused)
    };
    let s = &licence.state;
    let f = &application.form;
    Ok(page(
        lang,
        ("授權", "Licence"),
        DEVELOPER_NAV,
        html! {
            @if let Some(r) = refused { (r.errors.summary(lang)) }
            (licence::flash(lang, done))
            @if let Some(reason) = changes_reason(s, &history) {
                div.error #changes-reason role="alert" {
                    h2 { (lang.t("審核人員要求補正", "The reviewer asked for changes")) }
                    p { (reason) }
                    a.button #correct href=(format!("/developer/apply?correct={id}")) { (lang.t("修改申請並重新送出", "Correct the application and resubmit")) }
                }
            }
            h2 { (f.product_name) " " (f.product_version) " " (licence::badge(lang, s)) }
            (licence::progress(lang, s))
            @if let Some(app_id) = &licence.app_id { p { "AppID " code { (app_id) } " · " (licence::term_line(lang, &licence, p.clock.now())) } }
            p { (lang.t("服務：", "Services: ")) (licence::services_words(lang, &f.services)) }
            @if let Some(view) = &flow { (crate::http::web::reviewer::limits::licence_section(lang, view)) }
            @if !overdue.is_empty() {
                div.card {
                    p.error { (overdue.len()) (lang.t(" 件使用者之停止利用或刪除請求已逾期未完成（第五點第二款），審核人員可見。", " User requests to stop using or delete data are past due and not completed (R5.2); reviewers see them too.")) }
                    ul { @for r in &overdue { li { "#" (r.id) " · " (r.kind.as_str()) " · " (lang.t("期限 ", "due ")) (r.due_date) } } }
                }
            }
            @if licence.app_id.is_some() && !s.is_ended() {
                p { a.button href=(format!("/developer/licences/{id}/credentials")) { (lang.t("金鑰", "Credentials")) } " " a.button href=(format!("/developer/licences/{id}/signing")) { (lang.t("v2 簽章公鑰", "v2 signing keys")) } }
                (oauth::section(lang, session, id, &p.redirect_uris_of(me, id).await?, typed))
            }
            // R4.7b: a suspended licence (or one under purpose review) may still file its re-review.
            @if s.coverage().is_some() && s.renewal() == Renewal::None && renewal_open(s, p.clock.now()) {
                (form("renew", ("申請重行審核", "Apply for re-review (R4.7b)"), false, Some(html! {
                    p.muted { (lang.t("重行審核須附有效之資訊安全驗證證書（第六點）；留空則沿用已登錄者。", "A re-review rests on a valid ISMS certificate (R6); leave empty to keep the one on file.")) }
                })))
            }
            // R5.11: a change is notified whether the licence is active, suspended or under review.
            @if s.coverage().is_some() {
                (form("change", ("通知產品變更", "Notify a change (R5.11)"), true, None))
                (form("research", ("提供研究統計", "Submit research (R5.10)"), true, None))
                (form("certificate", ("更新資安驗證證書", "File a new ISMS certificate (R6)"), true, None))
            }
            @if s.coverage().is_some() || matches!(s, LicenceState::Applied { .. } | LicenceState::ChangesRequested) {
                (form("withdraw", ("終止使用（書面通知）…", "Withdraw (R10.1)…"), true, None))
            }
            @if s.ends_an_approved_licence() {
                @match &destroyed {
                    Some(d) => p.flash { (lang.t("已確認銷毀於 ", "Destruction confirmed at ")) (components::when(lang, d.at)) },
                    None => (form("destruction", ("確認已銷毀資料", "Confirm destruction (R11)"), true, Some(html! {
                        p { (lang.t("請刪除程式及所有產品使用者資料並通知使用者。", "Delete the programs and all User data and tell your Users.")) }
                    }))),
                }
            }
            h2 { (lang.t("異動紀錄", "History")) }
            (licence::history(lang, &history, &names))
        },
    ))
}

/// Whether a re-review may be filed now: inside the term's window (R4.7b), or before the
/// legacy deadline (R4.7d). The button shows only then; the service checks again.
fn renewal_open(state: &LicenceState, now: chrono::DateTime<chrono::Utc>) -> bool {
    match state.coverage() {
        Some(Coverage::Term { term }) => term.in_renewal_window(now),
        Some(legacy @ Coverage::Legacy { .. }) => now < legacy.ends_at(),
        None => false,
    }
}

fn isms_of(form: &HashMap<String, String>) -> IsmsInput {
    IsmsInput {
        number: field(form, "isms_number").into(),
        issuer: field(form, "isms_issuer").into(),
        scope: field(form, "isms_scope").into(),
        expiry: field(form, "isms_expiry").into(),
    }
}

pub(super) async fn act(
    State(state): State<AppState>,
    lang: Lang,
    Path((id, action)): Path<(LicenceId, String)>,
    Posted { session, me, form }: Posted<DeveloperId>,
) -> Result<Response, WebError> {
    match file(&state, lang, &session, (me, id), &action, &form).await {
        Ok(Some(confirmation)) => Ok(confirmation),
        Ok(None) => {
            Ok(Redirect::to(&format!("/developer/licences/{id}?done={action}")).into_response())
        }
        Err(e) => match Refused::of(lang, &action, &form, &e) {
            // The form again, as typed, with the problem beside its field.
            Some(refused) => {
                let again = Again::Form(&refused);
                let page = detail_page(&state, lang, &session, (me, id), None, again).await?;
                Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
            }
            None => Err(e.into()),
        },
    }
}

/// Files the form of `action`: `Some` page when it must be confirmed first.
async fn file(
    state: &AppState,
    lang: Lang,
    session: &WebSession,
    (me, id): (DeveloperId, LicenceId),
    action: &str,
    form: &HashMap<String, String>,
) -> Result<Option<Response>, ServiceError> {
    let p = &state.platform;
    match action {
        "renew" => {
            // R6: a certificate typed with the re-review is filed with it.
            p.apply_renewal(me, id, Some(&isms_of(form))).await?;
        }
        "withdraw" if !confirm::confirmed(form) => {
            // Asked before the confirmation, so the form comes back with the field empty.
            if field(form, "reason").is_empty() {
                return Err(InvalidValue::required("reason").into());
            }
            let licence = p.developer_licence(me, id).await?;
            let c = Confirmation {
                title: ("確認終止使用", "Confirm withdrawal"),
                consequence: html! {
                    p { (lang.t("撤回後授權即結束（第十點第一款）：API 立即停止，金鑰撤銷，使用者的同意終止，您須銷毀程式與使用者資料（第十一點）。", "Withdrawing ends the licence (R10.1): the API stops at once, the keys are revoked, your Users' consents end, and you must destroy the programs and User data (R11).")) }
                    p { "AppID " code { (licence.app_id.as_ref().map_or("—", AppId::as_str)) } " · " (lang.t("原因：", "Reason: ")) (field(form, "reason")) }
                },
                action: format!("/developer/licences/{id}/withdraw"),
                button: ("確認終止使用", "Withdraw the licence"),
                back: format!("/developer/licences/{id}"),
            };
            return Ok(Some(
                confirm::page_for(lang, DEVELOPER_NAV, session, c, form).into_response(),
            ));
        }
        "withdraw" => {
            p.withdraw(me, id, field(form, "reason")).await?;
        }
        "change" => {
            p.notify_change(
                me,
                id,
                field(form, "product_version"),
                field(form, "purpose"),
            )
            .await?;
        }
        "research" => {
            p.submit_research(me, id, field(form, "title"), field(form, "body"))
                .await?;
        }
        "destruction" => {
            p.confirm_destruction(me, id, field(form, "statement"))
                .await?;
        }
        "certificate" => {
            p.update_certificate(me, id, &isms_of(form)).await?;
        }
        _ => return Err(ServiceError::not_found("action")),
    }
    Ok(None)
}
