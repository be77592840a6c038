//! A Developer's licences: the list with terms and renewal windows, one licence's page with
//! its actions (R4.7b renew, R10.1 withdraw, R5.11 change, R6 certificate, R5.10 research,
//! R11 destruction), and its credentials (R4.1: the key shown once; rotation).

use std::collections::HashMap;

use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use einv_core::licence::{Coverage, LicenceState, Renewal};
use maud::{html, Markup};

use crate::http::web::common::{
    check_csrf, csrf_field, field, history_table, subject_id, taipei_time, term_summary,
    DEVELOPER_NAV,
};
use crate::http::web::layout::{page, Lang};
use crate::http::web::session::{Role, WebError, WebSession};
use crate::http::AppState;
use crate::services::licensing::{IsmsInput, DEFAULT_GRACE_DAYS};
use crate::services::IssuedCredentials;

pub(super) async fn dashboard(
    State(state): State<AppState>,
    lang: Lang,
    session: WebSession,
) -> Result<Markup, WebError> {
    let (session, me) = subject_id(session, Role::Developer)?;
    let p = &state.platform;
    let developer = p.developer(me).await?;
    let licences = p.developer_licences(me).await?;
    let overdue = p.overdue_terms_of(me).await?;
    let unread = p
        .developer_notifications(me)
        .await?
        .iter()
        .filter(|n| n.read_at.is_none())
        .count();
    let now = p.clock.now();
    Ok(page(
        lang,
        ("我的授權", "My licences"),
        DEVELOPER_NAV,
        html! {
            p { (developer.account.name) " · " (developer.account.email) }
            @if let Some(t) = overdue { p.error { (lang.t("您尚未接受使用規範 ", "You have not accepted the terms ")) (t.version) (lang.t("，API 已停止。", "; the API is stopped. ")) a href="/developer/terms" { (lang.t("前往接受", "Accept them")) } } }
            @if unread > 0 { p.flash { a href="/developer/notifications" { (unread) (lang.t(" 則未讀通知", " unread notifications")) } } }
            @if licences.is_empty() { p { (lang.t("尚無申請。", "No applications yet. ")) a href="/developer/apply" { (lang.t("立即申請", "Apply now")) } } }
            table {
                thead { tr { th { "#" } th { "AppID" } th { (lang.t("狀態", "Status")) } } }
                tbody { @for l in &licences { tr {
                    td { a href=(format!("/developer/licences/{}", l.id)) { "#" (l.id) } }
                    td { (l.app_id.as_deref().unwrap_or("—")) }
                    td { (term_summary(lang, l, now)) }
                } } }
            }
            form method="post" action="/developer/logout" { (csrf_field(&session)) button.secondary type="submit" { (lang.t("登出", "Sign out")) } }
        },
    ))
}

pub(super) async fn detail(
    State(state): State<AppState>,
    lang: Lang,
    session: WebSession,
    Path(id): Path<i64>,
) -> Result<Markup, WebError> {
    let (session, me) = subject_id(session, Role::Developer)?;
    let p = &state.platform;
    let licence = p.developer_licence(me, id).await?;
    let history = p.licence_history(id).await?;
    let destroyed = p.destruction(id).await?;
    let overdue = p.overdue_requests_of(&licence).await?;
    // R4.6: the AppID's limit and the calls refused (http/web/reviewer/limits.rs).
    let flow = match &licence.app_id {
        Some(app_id) => Some(p.app_limit_view(app_id).await?),
        None => None,
    };
    let form = |action: &str, zh: &str, en: &str, fields: Markup| {
        html! {
            form.stack.card method="post" action=(format!("/developer/licences/{id}/{action}")) {
                (csrf_field(&session)) (fields)
                button type="submit" { (lang.t(zh, en)) }
            }
        }
    };
    let s = &licence.state;
    Ok(page(
        lang,
        ("授權", "Licence"),
        DEVELOPER_NAV,
        html! {
            p { "#" (licence.id) " · AppID " code { (licence.app_id.as_deref().unwrap_or("—")) } }
            p { (term_summary(lang, &licence, p.clock.now())) }
            @if let Some(view) = &flow { (crate::http::web::reviewer::limits::licence_section(lang, view)) }
            @if !overdue.is_empty() {
                div.card {
                    p.error { (overdue.len()) (lang.t(" 件使用者之停止利用或刪除請求已逾期未完成（第五點第二款），審核人員可見。", " User requests to stop using or delete data are past due and not completed (R5.2); reviewers see them too.")) }
                    ul { @for r in &overdue { li { "#" (r.id) " · " (r.kind.as_str()) " · " (lang.t("期限 ", "due ")) (r.due_date) } } }
                }
            }
            @if licence.app_id.is_some() && !s.is_ended() { p { a.button href=(format!("/developer/licences/{id}/credentials")) { (lang.t("金鑰", "Credentials")) } " " a.button href=(format!("/developer/licences/{id}/signing")) { (lang.t("v2 簽章", "v2 signing")) } } }
            @if matches!(s, LicenceState::ChangesRequested) {
                p { a.button href=(format!("/developer/apply?correct={id}")) { (lang.t("補正申請資料", "Correct the application (R4.2)")) } }
                (form("resubmit", "補正後重新送出", "Resubmit", html! {}))
            }
            // R4.7b: a suspended licence (or one under purpose review) may still file its re-review.
            @if s.coverage().is_some() && s.renewal() == Renewal::None && renewal_open(s, p.clock.now()) {
                (form("renew", "申請重行審核", "Apply for re-review (R4.7b)", html! {
                    p.muted { (lang.t("重行審核須附有效之資訊安全驗證證書（第六點）；留空則沿用已登錄者。", "A re-review rests on a valid ISMS certificate (R6); leave empty to keep the one on file.")) }
                    label { (lang.t("證書號碼", "Number")) } input name="isms_number";
                    label { (lang.t("發證機構", "Issuer")) } input name="isms_issuer";
                    label { (lang.t("範圍", "Scope")) } input name="isms_scope";
                    label { (lang.t("有效期限", "Expiry")) } input name="isms_expiry" type="date";
                }))
            }
            // R5.11: a change is notified whether the licence is active, suspended or under review.
            @if s.coverage().is_some() {
                (form("change", "通知產品變更", "Notify a change (R5.11)", html! {
                    label { (lang.t("版本", "Version")) } input name="product_version" required;
                    label { (lang.t("使用目的（變更將重新審核）", "Purpose (a change goes back to review)")) } textarea name="purpose" required {}
                }))
                (form("research", "提供研究統計", "Submit research (R5.10)", html! {
                    label { (lang.t("標題", "Title")) } input name="title" required;
                    label { (lang.t("內容", "Content")) } textarea name="body" required {}
                }))
            }
            @if s.coverage().is_some() {
                (form("certificate", "更新資安驗證證書", "File a new ISMS certificate (R6)", html! {
                    label { (lang.t("證書號碼", "Number")) } input name="isms_number" required;
                    label { (lang.t("發證機構", "Issuer")) } input name="isms_issuer" required;
                    label { (lang.t("範圍", "Scope")) } input name="isms_scope" required;
                    label { (lang.t("有效期限", "Expiry")) } input name="isms_expiry" type="date" required;
                }))
            }
            @if s.coverage().is_some() || matches!(s, LicenceState::Applied { .. } | LicenceState::ChangesRequested) {
                (form("withdraw", "終止使用（書面通知）", "Withdraw (R10.1)", html! {
                    label { (lang.t("原因", "Reason")) } input name="reason" required;
                }))
            }
            @if s.ends_an_approved_licence() {
                @match &destroyed {
                    Some(d) => p.flash { (lang.t("已確認銷毀於 ", "Destruction confirmed at ")) (taipei_time(d.at)) },
                    None => (form("destruction", "確認已銷毀資料", "Confirm destruction (R11)", html! {
                        p { (lang.t("請刪除程式及所有產品使用者資料並通知使用者。", "Delete the programs and all User data and tell your Users.")) }
                        label { (lang.t("聲明", "Statement")) } textarea name="statement" required {}
                    })),
                }
            }
            h2 { (lang.t("異動紀錄", "History")) }
            (history_table(lang, &history))
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

fn shown_key(lang: Lang, creds: &IssuedCredentials) -> Markup {
    html! { div.card {
        p.flash { (lang.t("APIKey 僅顯示這一次，請立即妥善保存，勿提供第三人（第四點第一款）。", "The APIKey is shown this once: store it safely now and give it to no one (R4.1).")) }
        p { "AppID " code #app-id { (creds.app_id) } }
        p.secret #api-key { (creds.api_key) }
    } }
}

pub(super) async fn credentials(
    State(state): State<AppState>,
    lang: Lang,
    session: WebSession,
    Path(id): Path<i64>,
) -> Result<Markup, WebError> {
    let (session, me) = subject_id(session, Role::Developer)?;
    let p = &state.platform;
    let revealed = p.reveal_issued_key(me, id).await?;
    let keys = p.key_history(me, id).await?;
    let now = p.clock.now();
    Ok(page(
        lang,
        ("金鑰", "Credentials"),
        DEVELOPER_NAV,
        html! {
            @if let Some(creds) = &revealed { (shown_key(lang, creds)) }
            @else { p.muted #key-hidden { (lang.t("APIKey 已於核發時顯示過，不再顯示；遺失請更換金鑰。", "The APIKey was shown when issued and is not shown again; if lost, rotate it.")) } }
            table {
                thead { tr { th { "#" } th { (lang.t("建立", "Created")) } th { (lang.t("有效至", "Valid until")) } th { (lang.t("狀態", "Status")) } } }
                tbody { @for k in &keys { tr {
                    td { (k.id) } td { (taipei_time(k.created_at)) }
                    td { (k.valid_until.map(taipei_time).unwrap_or_else(|| "—".into())) }
                    td { @if k.is_valid(now) { (lang.t("有效", "valid")) } @else { (lang.t("失效", "not valid")) } }
                } } }
            }
            form.stack.card method="post" action=(format!("/developer/licences/{id}/rotate")) {
                (csrf_field(&session))
                label for="grace_days" { (lang.t("舊金鑰寬限天數", "Days the old key keeps working")) }
                input #grace_days name="grace_days" type="number" min="0" max="30" value=(DEFAULT_GRACE_DAYS);
                button type="submit" { (lang.t("更換金鑰", "Rotate the key")) }
            }
        },
    ))
}

pub(super) async fn rotate(
    State(state): State<AppState>,
    lang: Lang,
    session: WebSession,
    Path(id): Path<i64>,
    Form(form): Form<HashMap<String, String>>,
) -> Result<Markup, WebError> {
    let (session, me) = subject_id(session, Role::Developer)?;
    check_csrf(&session, &form)?;
    let grace = field(&form, "grace_days")
        .parse::<i64>()
        .map_err(|_| einv_core::InvalidValue::new("grace_days", "must be a whole number of days"))
        .map_err(crate::error::ServiceError::from)?;
    let creds = state.platform.rotate_key(me, id, grace).await?;
    Ok(page(
        lang,
        ("新金鑰", "New key"),
        DEVELOPER_NAV,
        html! {
            (shown_key(lang, &creds))
            p { a href=(format!("/developer/licences/{id}/credentials")) { (lang.t("返回金鑰", "Back to credentials")) } }
        },
    ))
}

pub(super) async fn act(
    State(state): State<AppState>,
    session: WebSession,
    Path((id, action)): Path<(i64, String)>,
    Form(form): Form<HashMap<String, String>>,
) -> Result<Response, WebError> {
    let (session, me) = subject_id(session, Role::Developer)?;
    check_csrf(&session, &form)?;
    let p = &state.platform;
    match action.as_str() {
        "resubmit" => {
            p.resubmit(me, id, None, &[]).await?;
        }
        "renew" => {
            // R6: a certificate typed with the re-review is filed with it.
            let isms = IsmsInput {
                number: field(&form, "isms_number").into(),
                issuer: field(&form, "isms_issuer").into(),
                scope: field(&form, "isms_scope").into(),
                expiry: field(&form, "isms_expiry").into(),
            };
            p.apply_renewal(me, id, Some(&isms)).await?;
        }
        "withdraw" => {
            p.withdraw(me, id, field(&form, "reason")).await?;
        }
        "change" => {
            p.notify_change(
                me,
                id,
                field(&form, "product_version"),
                field(&form, "purpose"),
            )
            .await?;
        }
        "research" => {
            p.submit_research(me, id, field(&form, "title"), field(&form, "body"))
                .await?;
        }
        "destruction" => {
            p.confirm_destruction(me, id, field(&form, "statement"))
                .await?;
        }
        "certificate" => {
            let isms = IsmsInput {
                number: field(&form, "isms_number").into(),
                issuer: field(&form, "isms_issuer").into(),
                scope: field(&form, "isms_scope").into(),
                expiry: field(&form, "isms_expiry").into(),
            };
            p.update_certificate(me, id, &isms).await?;
        }
        _ => return Err(crate::error::ServiceError::not_found("action").into()),
    }
    Ok(Redirect::to(&format!("/developer/licences/{id}")).into_response())
}
