//! The reviewer's pages and actions.

use std::collections::HashMap;

use axum::extract::{Path, State};
use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use einv_core::licence::{LicenceState, Renewal, SuspensionReason, TerminationGround};
use einv_store::LicenceRecord;
use maud::{html, Markup};

use crate::error::ServiceError;
use crate::http::web::common::{
    check_csrf, csrf_field, field, history_table, subject_id, taipei_time, term_summary,
    REVIEWER_NAV,
};
use crate::http::web::layout::{page, Lang};
use crate::http::web::session::{Role, WebError, WebSession};
use crate::http::AppState;
use crate::services::licensing::{Actor, Dossier};

fn licence_table(
    lang: Lang,
    licences: &[LicenceRecord],
    now: chrono::DateTime<chrono::Utc>,
) -> Markup {
    html! { table {
        thead { tr { th { "#" } th { (lang.t("開發者", "Developer")) } th { "AppID" } th { (lang.t("狀態", "Status")) } th { (lang.t("更新", "Updated")) } } }
        tbody { @for l in licences { tr {
            td { a href=(format!("/reviewer/licences/{}", l.id)) { "#" (l.id) } }
            td { (l.developer_id) } td { (l.app_id.as_deref().unwrap_or("—")) }
            td { (term_summary(lang, l, now)) } td { (taipei_time(l.updated_at)) }
        } } }
    } }
}

pub(super) async fn queue(
    State(state): State<AppState>,
    lang: Lang,
    session: WebSession,
) -> Result<Markup, WebError> {
    let (session, _) = subject_id(session, Role::Reviewer)?;
    let queue = state.platform.review_queue().await?;
    Ok(page(
        lang,
        ("審核佇列", "Review queue"),
        REVIEWER_NAV,
        html! {
            @if queue.is_empty() { p.muted { (lang.t("佇列是空的。", "The queue is empty.")) } }
            (licence_table(lang, &queue, state.platform.clock.now()))
            form method="post" action="/reviewer/logout" { (csrf_field(&session)) button.secondary type="submit" { (lang.t("登出", "Sign out")) } }
        },
    ))
}

pub(super) async fn all(
    State(state): State<AppState>,
    lang: Lang,
    session: WebSession,
) -> Result<Markup, WebError> {
    subject_id(session, Role::Reviewer)?;
    let all = state.platform.all_licences().await?;
    Ok(page(
        lang,
        ("全部授權", "All licences"),
        REVIEWER_NAV,
        licence_table(lang, &all, state.platform.clock.now()),
    ))
}

pub(super) async fn events(
    State(state): State<AppState>,
    lang: Lang,
    session: WebSession,
) -> Result<Markup, WebError> {
    subject_id(session, Role::Reviewer)?;
    let events = state.platform.recent_events().await?;
    let research = state.platform.research().await?;
    Ok(page(
        lang,
        ("異動紀錄", "Events"),
        REVIEWER_NAV,
        html! {
            (history_table(lang, &events))
            h2 { (lang.t("研究統計資料（第五點第十款）", "Research submissions (R5.10)")) }
            ul { @for r in &research { li { "#" (r.licence_id) " · " (taipei_time(r.at)) " · " strong { (r.title) } " — " (r.body) } } }
        },
    ))
}

pub(super) async fn detail(
    State(state): State<AppState>,
    lang: Lang,
    session: WebSession,
    Path(id): Path<i64>,
) -> Result<Markup, WebError> {
    let (session, _) = subject_id(session, Role::Reviewer)?;
    let p = &state.platform;
    let Dossier {
        licence,
        application,
        developer,
        documents,
        changes,
        history,
        destruction,
        overdue_requests,
    } = p.dossier(id).await?;
    let signs_every_call = p.signs_every_call(id).await?;
    let flow = match &licence.app_id {
        Some(app_id) => Some(p.app_limit_view(app_id).await?),
        None => None,
    };
    let f = &application.form;
    let action = |name: &str, zh: &str, en: &str, class: &str, extra: Markup| {
        html! {
            form.stack.card method="post" action=(format!("/reviewer/licences/{id}/{name}")) {
                (csrf_field(&session)) (extra)
                label { (lang.t("理由", "Reason")) } input name="reason";
                button class=(class) type="submit" { (lang.t(zh, en)) }
            }
        }
    };
    Ok(page(
        lang,
        ("申請案件", "Application"),
        REVIEWER_NAV,
        html! {
            p { (term_summary(lang, &licence, p.clock.now())) }
            @if let Some(view) = &flow { (super::limits::licence_section(lang, view)) }
            table { tbody {
                tr { th { (lang.t("開發者", "Developer")) } td { (developer.account.name) " (" (developer.account.entity_type.as_str()) ", " (developer.account.business_id.as_deref().unwrap_or("—")) ")" } }
                tr { th { (lang.t("聯絡人", "Contact")) } td { (f.contact_name) " · " (f.contact_email) " · " (f.contact_phone) } }
                tr { th { (lang.t("產品", "Product")) } td { (f.product_name) " " (f.product_version) } }
                tr { th { (lang.t("目的", "Purpose")) } td { (f.purpose) } }
                tr { th { (lang.t("服務", "Services")) } td { (f.services.join(", ")) } }
                tr { th { "ISMS" } td { @if f.isms.exempt { (lang.t("政府機關豁免", "government exemption")) } @else { (f.isms.number.as_deref().unwrap_or("")) " · " (f.isms.issuer.as_deref().unwrap_or("")) " · " (f.isms.scope.as_deref().unwrap_or("")) " · " (f.isms.expiry.map(|d| d.to_string()).unwrap_or_default()) } } }
                tr { th { (lang.t("同意規範版本", "Terms accepted")) } td { (f.terms_version) } }
            } }
            h2 { (lang.t("證明文件", "Documents")) }
            table {
                thead { tr { th { (lang.t("檔名", "File")) } th { (lang.t("大小", "Size")) } th { "SHA-256" } } }
                tbody { @for d in &documents { tr {
                    td { a href=(format!("/reviewer/documents/{}", d.id)) { (d.file_name) } } td { (d.size) } td { code.sha { (d.sha256) } }
                } } }
            }
            @if !changes.is_empty() { h2 { (lang.t("變更通知", "Change notices")) } ul { @for c in &changes { li { (taipei_time(c.at)) " · " (c.title) ": " (c.body) } } } }
            @if !overdue_requests.is_empty() {
                h2 { (lang.t("逾期未完成之使用者請求（第五點第二款）", "Overdue User requests (R5.2)")) }
                p.error { (overdue_requests.len()) (lang.t(" 件停止利用或刪除請求已逾期未完成。", " requests to stop using or delete data are past due and not completed.")) }
                ul { @for r in &overdue_requests { li { "#" (r.id) " · " (r.kind.as_str()) " · " (lang.t("提出 ", "made ")) (taipei_time(r.created_at)) " · " (lang.t("期限 ", "due ")) (r.due_date) } } }
            }
            @if licence.state.ends_an_approved_licence() {
                h2 { (lang.t("銷毀確認（第十一點）", "Destruction confirmation (R11)")) }
                @match &destruction {
                    Some(d) => p { (taipei_time(d.at)) " · " (d.body) },
                    None => p.error { (lang.t("開發者尚未確認刪除程式與使用者資料。", "The Developer has not yet confirmed destroying the programs and User data.")) },
                }
            }
            h2 { (lang.t("審核", "Decide")) }
            @let st = &licence.state;
            @if matches!(st, LicenceState::Applied { .. } | LicenceState::Reviewing { .. }) {
                (action("approve", "核准", "Approve", "", html! {}))
            }
            @if matches!(st, LicenceState::Applied { .. }) { (action("changes", "要求補正", "Ask for changes", "secondary", html! {})) }
            @if matches!(st, LicenceState::Applied { .. } | LicenceState::ChangesRequested | LicenceState::Reviewing { .. }) {
                (action("reject", "駁回", "Reject", "danger", html! {}))
            }
            @if matches!(st.renewal(), Renewal::Applied { .. }) {
                (action("approve-renewal", "核准重行審核", "Approve re-review", "", html! {}))
                (action("reject-renewal", "駁回重行審核", "Refuse re-review", "danger", html! {}))
            }
            @if st.coverage().is_some() && !st.suspensions().contains(SuspensionReason::LapsedIsmsCertificate) { (action("suspend-isms", "因資安驗證失效停權", "Suspend: lapsed ISMS (R6)", "danger", html! {})) }
            @if st.coverage().is_some() {
                (action("terminate", "終止授權", "Terminate (R10.3)", "danger", html! {
                    label { (lang.t("事由", "Ground")) }
                    select name="ground" { @for g in TerminationGround::ALL { option value=(g.as_str()) { (g.rule()) " " (g.name_zh()) } } }
                }))
            }
            h2 { (lang.t("每次呼叫皆須簽章", "Sign every call")) }
            p {
                @if signs_every_call {
                    (lang.t("此 AppID 的每個 v1 呼叫皆須附 MOF 簽章（含查詢載具發票）。", "Every v1 call of this AppID must carry the MOF signature (carrier queries included)."))
                } @else {
                    (lang.t("此 AppID 可如財政部原設計，不簽章呼叫查詢類 API。", "This AppID may call the query actions unsigned, as the Ministry's design allows."))
                }
            }
            @if signs_every_call {
                (action("sign-every-call-off", "允許不簽章呼叫", "Allow unsigned calls", "secondary", html! {}))
            } @else {
                (action("sign-every-call-on", "要求每次呼叫皆簽章", "Require a signature on every call", "", html! {}))
            }
            h2 { (lang.t("異動紀錄", "History")) }
            (history_table(lang, &history))
        },
    ))
}

pub(super) async fn act(
    State(state): State<AppState>,
    session: WebSession,
    Path((id, action)): Path<(i64, String)>,
    Form(form): Form<HashMap<String, String>>,
) -> Result<Response, WebError> {
    let (session, me) = subject_id(session, Role::Reviewer)?;
    check_csrf(&session, &form)?;
    let p = &state.platform;
    let reason = field(&form, "reason");
    match action.as_str() {
        // The APIKey is shown to the Developer, once, on the Developer's credentials page.
        "approve" => {
            p.approve(me, id, reason).await?;
        }
        "changes" => {
            p.request_changes(me, id, reason).await?;
        }
        "reject" => {
            p.reject(me, id, reason).await?;
        }
        "approve-renewal" => {
            p.approve_renewal(me, id, reason).await?;
        }
        "reject-renewal" => {
            p.reject_renewal(me, id, reason).await?;
        }
        "suspend-isms" => {
            p.suspend(
                Actor::Reviewer(me),
                id,
                SuspensionReason::LapsedIsmsCertificate,
                reason,
            )
            .await?;
        }
        "sign-every-call-on" | "sign-every-call-off" => {
            let on = action == "sign-every-call-on";
            p.set_sign_every_call(Actor::Reviewer(me), id, on).await?;
        }
        "terminate" => {
            let ground: TerminationGround =
                field(&form, "ground").parse().map_err(ServiceError::from)?;
            p.terminate(Actor::Reviewer(me), id, ground, reason).await?;
        }
        _ => return Err(ServiceError::not_found("action").into()),
    }
    Ok(Redirect::to(&format!("/reviewer/licences/{id}")).into_response())
}

pub(super) async fn document(
    State(state): State<AppState>,
    session: WebSession,
    Path(id): Path<i64>,
) -> Result<Response, WebError> {
    subject_id(session, Role::Reviewer)?;
    let (record, bytes) = state.platform.document(id).await?;
    let disposition = format!(
        "attachment; filename=\"{}\"",
        record.file_name.replace(['"', '\\'], "_")
    );
    let headers = [
        // Served as a download, never rendered: an uploaded HTML file cannot run here.
        (
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/octet-stream"),
        ),
        (
            header::CONTENT_DISPOSITION,
            HeaderValue::from_str(&disposition).unwrap_or(HeaderValue::from_static("attachment")),
        ),
        (
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ),
    ];
    Ok((headers, bytes).into_response())
}
