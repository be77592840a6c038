//! One application as the reviewer decides it: the form in words, what the last resubmission
//! changed, the documents (viewable in the browser when their type is safe), assignment, and
//! the decisions — each with a templated or typed reason, the ones that cannot be undone
//! confirmed first — and the registry of events (R4.1, R4.2, R4.7b, R6, R10).

use einv_core::{LicenceId, ReviewerId};

use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Redirect, Response};
use einv_core::licence::{SuspensionReason, TerminationGround};
use maud::{html, Markup};

use super::decide::{consequence, decisions, IRREVERSIBLE};
use crate::error::ServiceError;
use crate::http::web::common::{csrf_field, field, REVIEWER_NAV};
use crate::http::web::components::confirm::{self, Confirmation};
use crate::http::web::components::{self, licence};
use crate::http::web::developer::Done;
use crate::http::web::layout::{page, Lang};
use crate::http::web::session::WebError;
use crate::http::web::signed_in::{Posted, SignedIn};
use crate::http::AppState;
use crate::services::licensing::{Actor, DatedRevision, Dossier};

pub(super) async fn events(
    State(state): State<AppState>,
    lang: Lang,
    _: SignedIn<ReviewerId>,
) -> Result<Markup, WebError> {
    let mut events = state.platform.recent_events().await?;
    // Newest first from the store; `history` shows its input newest first by reversing it.
    events.reverse();
    let research = state.platform.research().await?;
    Ok(page(
        lang,
        ("異動紀錄", "Events"),
        REVIEWER_NAV,
        html! {
            (licence::history(lang, &events, &|_| None))
            h2 { (lang.t("研究統計資料（第五點第十款）", "Research submissions (R5.10)")) }
            ul { @for r in &research { li { a href=(format!("/reviewer/licences/{}", r.licence_id)) { "#" (r.licence_id) } " · " (components::when(lang, r.at)) " · " strong { (r.title) } " — " (r.body) } } }
        },
    ))
}

/// What the latest resubmission changed: fields old → new, documents added and replaced.
fn diff(lang: Lang, revisions: &[DatedRevision]) -> Markup {
    let Some(last) = revisions.last() else {
        return html! {};
    };
    let r = &last.revision;
    html! {
        section.card #diff {
            h2 { (lang.t("本次補正的變更", "What the resubmission changed")) }
            p.muted { (lang.t("重新送出於 ", "Resubmitted ")) (components::when(lang, last.at)) }
            @if r.is_empty() { p { (lang.t("開發者未修改任何欄位或文件。", "The developer changed no field and no document.")) } }
            @if !r.fields.is_empty() { div.scroll role="region" aria-label=(lang.t("變更的欄位", "Changed fields")) tabindex="0" { table {
                thead { tr { th { (lang.t("欄位", "Field")) } th { (lang.t("原內容", "Before")) } th { (lang.t("新內容", "After")) } } }
                tbody { @for c in &r.fields { tr data-field=(c.field) { td { (crate::http::web::messages::field_label(lang, &c.field)) } td { del { (c.old) } } td { ins { (c.new) } } } } }
            } } }
            @if !r.added.is_empty() { p { (lang.t("新增文件：", "Documents added: ")) @for d in &r.added { a href=(format!("/reviewer/documents/{}", d.id)) { (d.file_name) } " (" (components::file_size(d.size)) ") " } } }
            @if !r.replaced.is_empty() { ul { @for (old, new) in &r.replaced { li {
                (lang.t("取代文件 ", "Replaced ")) del { (old.file_name) } " → " a href=(format!("/reviewer/documents/{}", new.id)) { (new.file_name) } " (" (components::file_size(new.size)) ")"
            } } } }
        }
    }
}

pub(super) async fn detail(
    State(state): State<AppState>,
    lang: Lang,
    SignedIn { session, me }: SignedIn<ReviewerId>,
    Path(id): Path<LicenceId>,
    Query(done): Query<Done>,
) -> Result<Markup, WebError> {
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
        revisions,
        assignee,
    } = p.dossier(id).await?;
    let reviewers = p.reviewers().await?;
    let signs_every_call = p.signs_every_call(id).await?;
    let flow = match &licence.app_id {
        Some(app_id) => Some(p.app_limit_view(app_id).await?),
        None => None,
    };
    let dev_actor = format!("developer:{}", developer.id);
    let names = |actor: &str| {
        if actor == dev_actor {
            return Some(developer.account.name.clone());
        }
        let rid = actor
            .strip_prefix("reviewer:")?
            .parse::<ReviewerId>()
            .ok()?;
        reviewers
            .iter()
            .find(|r| r.id == rid)
            .map(|r| format!("{} {}", lang.t("審核人員", "Reviewer"), r.name))
    };
    let f = &application.form;
    let st = &licence.state;
    Ok(page(
        lang,
        ("申請案件", "Application"),
        REVIEWER_NAV,
        html! {
            (licence::flash(lang, done.done.as_deref()))
            h2 { (f.product_name) " " (f.product_version) " — " (developer.account.name) " " (licence::badge(lang, st)) }
            (licence::progress(lang, st))
            (diff(lang, &revisions))
            @if let Some(view) = &flow { (super::limits::licence_section(lang, view)) }
            div.scroll role="region" aria-label=(lang.t("申請內容", "Application details")) tabindex="0" { table { tbody {
                tr { th { (lang.t("開發者", "Developer")) } td { (developer.account.name) " (" (entity_words(lang, developer.account.entity_type.as_str())) ", " (developer.account.business_id.as_deref().unwrap_or("—")) ")" } }
                tr { th { (lang.t("聯絡人", "Contact")) } td { (f.contact_name) " · " (f.contact_email) " · " (f.contact_phone) } }
                tr { th { (lang.t("產品", "Product")) } td { (f.product_name) " " (f.product_version) } }
                tr { th { (lang.t("目的", "Purpose")) } td { (f.purpose) } }
                tr { th { (lang.t("服務", "Services")) } td { (licence::services_words(lang, &f.services)) } }
                tr { th { "ISMS" } td { @if f.isms.exempt { (lang.t("政府機關豁免", "government exemption")) } @else { (f.isms.number.as_deref().unwrap_or("")) " · " (f.isms.issuer.as_deref().unwrap_or("")) " · " (f.isms.scope.as_deref().unwrap_or("")) " · " (f.isms.expiry.map(|d| d.to_string()).unwrap_or_default()) } } }
                tr { th { (lang.t("同意規範版本", "Terms accepted")) } td { (f.terms_version) } }
                tr { th { (lang.t("申請時間", "Filed")) } td { (components::when(lang, application.filed_at)) } }
            } } }
            h2 { (lang.t("證明文件", "Documents")) }
            div.scroll role="region" aria-label=(lang.t("證明文件", "Documents")) tabindex="0" { table #documents {
                thead { tr { th { (lang.t("檔名", "File")) } th { (lang.t("大小", "Size")) } th { (lang.t("上傳", "Uploaded")) } th { "SHA-256" } } }
                tbody { @for d in &documents { tr {
                    td { a href=(format!("/reviewer/documents/{}", d.id)) target="_blank" rel="noopener" { (d.file_name) }
                         @if d.replaced_by.is_some() { " " span.badge.info { (lang.t("已被取代", "replaced")) } } }
                    td { (components::file_size(d.size)) } td { (components::when(lang, d.uploaded_at)) } td { code.sha { (d.sha256) } }
                } } }
            } }
            @if !changes.is_empty() { h2 { (lang.t("變更通知", "Change notices")) } ul { @for c in &changes { li { (components::when(lang, c.at)) " · " (c.title) ": " (c.body) } } } }
            @if !overdue_requests.is_empty() {
                h2 { (lang.t("逾期未完成之使用者請求（第五點第二款）", "Overdue User requests (R5.2)")) }
                p.error { (overdue_requests.len()) (lang.t(" 件停止利用或刪除請求已逾期未完成。", " requests to stop using or delete data are past due and not completed.")) }
                ul { @for r in &overdue_requests { li { "#" (r.id) " · " (r.kind.as_str()) " · " (lang.t("提出 ", "made ")) (components::when(lang, r.created_at)) " · " (lang.t("期限 ", "due ")) (r.due_date) } } }
            }
            @if st.ends_an_approved_licence() {
                h2 { (lang.t("銷毀確認（第十一點）", "Destruction confirmation (R11)")) }
                @match &destruction {
                    Some(d) => p { (components::when(lang, d.at)) " · " (d.body) },
                    None => p.error { (lang.t("開發者尚未確認刪除程式與使用者資料。", "The Developer has not yet confirmed destroying the programs and User data.")) },
                }
            }
            form.card.stack #assign method="post" action=(format!("/reviewer/licences/{id}/assign")) {
                (csrf_field(&session))
                label for="reviewer" { (lang.t("指派審核人員", "Assign a reviewer")) }
                p.hint { (lang.t("目前：", "Now: ")) (assignee.as_ref().map(|a| a.name.as_str()).unwrap_or("—")) }
                select #reviewer name="reviewer" {
                    @for r in &reviewers { option value=(r.id) selected[assignee.as_ref().map_or(r.id == me, |a| a.id == r.id)] { (r.name) " (" (r.email) ")" } }
                }
                button.secondary type="submit" { (lang.t("指派", "Assign")) }
            }
            h2 { (lang.t("審核", "Decide")) }
            (decisions(lang, &session, id, st))
            h2 { (lang.t("每次呼叫皆須簽章", "Sign every call")) }
            p {
                @if signs_every_call {
                    (lang.t("此 AppID 的每個 v1 呼叫皆須附 MOF 簽章（含查詢載具發票）。", "Every v1 call of this AppID must carry the MOF signature (carrier queries included)."))
                } @else {
                    (lang.t("此 AppID 可如財政部原設計，不簽章呼叫查詢類 API。", "This AppID may call the query actions unsigned, as the Ministry's design allows."))
                }
            }
            @let toggle = if signs_every_call { ("sign-every-call-off", "允許不簽章呼叫", "Allow unsigned calls") } else { ("sign-every-call-on", "要求每次呼叫皆簽章", "Require a signature on every call") };
            form method="post" action=(format!("/reviewer/licences/{id}/{}", toggle.0)) { (csrf_field(&session)) button.secondary type="submit" { (lang.t(toggle.1, toggle.2)) } }
            h2 { (lang.t("異動紀錄", "History")) }
            (licence::history(lang, &history, &names))
        },
    ))
}

pub(super) async fn act(
    State(state): State<AppState>,
    lang: Lang,
    Path((id, action)): Path<(LicenceId, String)>,
    Posted { session, me, form }: Posted<ReviewerId>,
) -> Result<Response, WebError> {
    let p = &state.platform;
    let reason = field(&form, "reason");
    if IRREVERSIBLE.contains(&action.as_str()) && !confirm::confirmed(&form) {
        let dossier = p.dossier(id).await?;
        let c = Confirmation {
            title: ("確認審核決定", "Confirm the decision"),
            consequence: consequence(lang, &action, &dossier, &form)?,
            action: format!("/reviewer/licences/{id}/{action}"),
            button: ("確認", "Confirm"),
            back: format!("/reviewer/licences/{id}"),
        };
        return Ok(confirm::page_for(lang, REVIEWER_NAV, &session, c, &form).into_response());
    }
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
        "assign" => {
            let reviewer = field(&form, "reviewer")
                .parse::<ReviewerId>()
                .map_err(|_| {
                    ServiceError::from(einv_core::InvalidValue::new(
                        "reviewer",
                        "choose a reviewer",
                    ))
                })?;
            p.assign(id, reviewer).await?;
        }
        _ => return Err(ServiceError::not_found("action").into()),
    }
    Ok(Redirect::to(&format!("/reviewer/licences/{id}?done={action}")).into_response())
}

/// A Developer's kind of entity in words.
fn entity_words(lang: Lang, kind: &str) -> &'static str {
    match kind {
        "business" => lang.t("營業人", "business"),
        "organisation" => lang.t("組織團體", "organisation"),
        "government" => lang.t("政府機關", "government agency"),
        _ => lang.t("其他", "other"),
    }
}

/// The content types a browser may show inline: none of them runs script.
const INLINE_TYPES: [&str; 5] = [
    "application/pdf",
    "image/png",
    "image/jpeg",
    "image/gif",
    "text/plain",
];

/// `Content-Disposition` with the file name both plain (ASCII, quoted) and RFC 5987-encoded.
fn disposition(kind: &str, file_name: &str) -> HeaderValue {
    let ascii: String = file_name
        .chars()
        .map(|c| {
            if c.is_ascii_graphic() && c != '"' && c != '\\' || c == ' ' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let encoded: String = form_urlencoded::byte_serialize(file_name.as_bytes())
        .collect::<String>()
        .replace('+', "%20");
    HeaderValue::from_str(&format!(
        "{kind}; filename=\"{ascii}\"; filename*=UTF-8''{encoded}"
    ))
    .unwrap_or(HeaderValue::from_static("attachment"))
}

pub(super) async fn document(
    State(state): State<AppState>,
    _: SignedIn<ReviewerId>,
    Path(id): Path<i64>,
) -> Result<Response, WebError> {
    let (record, bytes) = state.platform.document(id).await?;
    let declared = record
        .content_type
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    // PDFs, images and plain text open in the browser, with a type the Platform chose (never
    // HTML or SVG: an uploaded page must not run here); anything else is a download.
    let (content_type, kind) = match declared.as_str() {
        "text/plain" => ("text/plain; charset=utf-8".to_owned(), "inline"),
        t if INLINE_TYPES.contains(&t) => (t.to_owned(), "inline"),
        _ => ("application/octet-stream".to_owned(), "attachment"),
    };
    let headers = [
        (
            header::CONTENT_TYPE,
            HeaderValue::from_str(&content_type)
                .unwrap_or(HeaderValue::from_static("application/octet-stream")),
        ),
        (
            header::CONTENT_DISPOSITION,
            disposition(kind, &record.file_name),
        ),
        (
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ),
        // Images and text are sandboxed as well; Chromium refuses to show a PDF in a sandbox,
        // and its viewer keeps a PDF's own scripts away from this origin anyway.
        (
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(if declared == "application/pdf" {
                "default-src 'self'"
            } else {
                "sandbox; default-src 'none'; img-src 'self'; style-src 'unsafe-inline'"
            }),
        ),
        (
            header::CACHE_CONTROL,
            HeaderValue::from_static("private, no-store"),
        ),
    ];
    Ok((headers, bytes).into_response())
}
