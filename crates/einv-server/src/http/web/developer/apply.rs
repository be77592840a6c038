//! The application form (R4.1, R4.2, R4.3, R5.7, R6): multipart, with supporting documents.
//! The same form corrects an application sent back for changes (`?correct=ID`): every field
//! pre-filled, documents added or replaced. A refused form comes back with the problems listed
//! at the top and beside each field, and with what was typed.

use axum::extract::{Multipart, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use einv_core::DeveloperId;
use einv_core::LicenceId;
use maud::{html, Markup};

use crate::error::ServiceError;
use crate::http::web::common::{csrf_field, DEVELOPER_NAV};
use crate::http::web::components::{self, licence};
use crate::http::web::layout::{page, Lang};
use crate::http::web::messages;
use crate::http::web::session::{WebError, WebSession};
use crate::http::web::signed_in::SignedIn;
use crate::http::AppState;
use crate::services::licensing::{
    ApplicationInput, DocumentUpload, IsmsInput, Resubmission, MAX_DOCUMENT_BYTES,
};
use einv_core::Service;
use einv_store::{ApplicationForm, DocumentRecord};

/// `?correct=ID`: the form of licence ID, sent back for corrections, to be corrected (R4.2).
#[derive(Debug, Default, serde::Deserialize)]
pub(super) struct Correct {
    correct: Option<LicenceId>,
}

/// The form's fields by domain name (the names services report problems under).
const FIELDS: [&str; 13] = [
    "contact_name",
    "contact_email",
    "contact_phone",
    "product_name",
    "product_version",
    "purpose",
    "services",
    "isms_number",
    "isms_issuer",
    "isms_scope",
    "isms_expiry",
    "documents",
    "declarations",
];

fn label(lang: Lang, field: &str) -> String {
    messages::field_label(lang, field)
}

/// A problem with one field, in the page's language, to show at the top and beside the field.
struct FieldError {
    field: String,
    problem: String,
}

/// The field and the problem a service refusal names, when it names one the form has.
fn field_error(lang: Lang, e: &ServiceError) -> Option<FieldError> {
    let (field, problem) = match e {
        ServiceError::Invalid(v) => (v.field.clone(), messages::problem_words(lang, v)),
        ServiceError::Refused { rule, reason } => {
            let f = reason.split_once(": ").map_or("form", |(f, _)| f);
            (f.to_owned(), messages::refusal_words(lang, rule, reason))
        }
        _ => return None,
    };
    let field = match field.as_str() {
        "terms_version" => "declarations".to_owned(),
        f if FIELDS.contains(&f) => field,
        _ => "form".to_owned(),
    };
    Some(FieldError { field, problem })
}

fn input_of(f: &ApplicationForm) -> ApplicationInput {
    ApplicationInput {
        contact_name: f.contact_name.clone(),
        contact_email: f.contact_email.clone(),
        contact_phone: f.contact_phone.clone(),
        product_name: f.product_name.clone(),
        product_version: f.product_version.clone(),
        purpose: f.purpose.clone(),
        services: f.services.clone(),
        isms: IsmsInput {
            number: f.isms.number.clone().unwrap_or_default(),
            issuer: f.isms.issuer.clone().unwrap_or_default(),
            scope: f.isms.scope.clone().unwrap_or_default(),
            expiry: f.isms.expiry.map(|d| d.to_string()).unwrap_or_default(),
        },
        terms_version: f.terms_version.clone(),
        declarations_accepted: false,
    }
}

/// What the form shows: the values, the documents on file (when correcting), the problems.
struct FormView<'a> {
    correct: Option<LicenceId>,
    values: &'a ApplicationInput,
    documents: &'a [DocumentRecord],
    errors: &'a [FieldError],
    terms_version: &'a str,
}

pub(super) async fn form(
    State(state): State<AppState>,
    lang: Lang,
    SignedIn { session, me }: SignedIn<DeveloperId>,
    Query(correct): Query<Correct>,
) -> Result<Markup, WebError> {
    let terms = state.platform.current_terms().await?;
    let (values, documents) = match correct.correct {
        Some(id) => {
            let filed = state.platform.application_of(me, id).await?;
            let docs = state.platform.application_documents(me, id).await?;
            (input_of(&filed.form), docs)
        }
        None => (ApplicationInput::default(), Vec::new()),
    };
    let view = FormView {
        correct: correct.correct,
        values: &values,
        documents: &documents,
        errors: &[],
        terms_version: &terms.version,
    };
    Ok(render(lang, &session, &view))
}

fn render(lang: Lang, session: &WebSession, v: &FormView<'_>) -> Markup {
    let val = v.values;
    let error_of = |field: &str| v.errors.iter().find(|e| e.field == field);
    let beside = |field: &str| {
        html! { @if let Some(e) = error_of(field) { p.field-error id=(format!("{field}-error")) { (label(lang, field)) (lang.t("：", ": ")) (e.problem) } } }
    };
    let described = |field: &str, hint: Option<&str>| -> String {
        let mut ids: Vec<String> = hint.map(str::to_owned).into_iter().collect();
        if error_of(field).is_some() {
            ids.push(format!("{field}-error"));
        }
        ids.join(" ")
    };
    let text = |id: &str, kind: &str, value: &str, max: usize, hint: Option<(&str, &str)>| {
        let hint_id = format!("{id}-hint");
        html! {
            label for=(id) { (label(lang, id)) " " span.muted { (lang.t("（必填）", "(required)")) } }
            @if let Some((zh, en)) = hint { p.hint id=(hint_id) { (lang.t(zh, en)) } }
            (beside(id))
            input id=(id) name=(id) type=(kind) value=(value) required maxlength=(max)
                aria-invalid=[error_of(id).map(|_| "true")]
                aria-describedby=(described(id, hint.map(|_| hint_id.as_str())));
        }
    };
    let chosen = |s: Service| val.services.iter().any(|n| n == s.as_str());
    let (action, title) = match v.correct {
        Some(id) => (
            format!("/developer/apply?correct={id}"),
            ("補正申請資料", "Correct the application"),
        ),
        None => (
            "/developer/apply".to_owned(),
            ("申請 API 授權", "Apply for an API licence"),
        ),
    };
    let max_mb = MAX_DOCUMENT_BYTES / 1024 / 1024;
    page(
        lang,
        title,
        DEVELOPER_NAV,
        html! {
            @if !v.errors.is_empty() {
                div.error #error-summary role="alert" tabindex="-1" {
                    h2 { (lang.t("請修正以下問題", "There is a problem")) }
                    ul { @for e in v.errors { li { a href=(format!("#{}", e.field)) { (label(lang, &e.field)) } (lang.t("：", ": ")) (e.problem) } } }
                    p { (lang.t("您輸入的內容已保留；附件須重新選擇。", "What you typed is kept; choose any files again.")) }
                }
            }
            form.stack method="post" action=(action) enctype="multipart/form-data" {
                (csrf_field(session))
                input type="hidden" name="terms_version" value=(v.terms_version);
                h2 { (lang.t("聯絡資料", "Contact")) }
                (text("contact_name", "text", &val.contact_name, 100, None))
                (text("contact_email", "email", &val.contact_email, 254, Some(("例如 name@example.com", "For example name@example.com"))))
                (text("contact_phone", "tel", &val.contact_phone, 40, Some(("例如 02-1234-5678", "For example 02-1234-5678"))))
                h2 { (lang.t("軟體產品", "Product")) }
                (text("product_name", "text", &val.product_name, 200, None))
                (text("product_version", "text", &val.product_version, 50, Some(("例如 1.0", "For example 1.0"))))
                label for="purpose" { (label(lang, "purpose")) " " span.muted { (lang.t("（必填，2000 字以內）", "(required, up to 2000 characters)")) } }
                (beside("purpose"))
                textarea #purpose name="purpose" rows="3" required maxlength="2000" aria-invalid=[error_of("purpose").map(|_| "true")] { (val.purpose) }
                fieldset #services {
                    legend { (label(lang, "services")) }
                    p.hint { (lang.t("至少選一項。提供發票查詢者須一併提供雲端發票捐贈（第五點第七款）。", "Choose at least one. A Product that queries invoices must also offer donation (R5.7).")) }
                    (beside("services"))
                    @for s in Service::ALL {
                        label.plain {
                            input type="checkbox" name="services" value=(s.as_str()) checked[chosen(s)];
                            " " (licence::service_words(lang, s.as_str()))
                        }
                    }
                }
                h2 { (lang.t("資訊安全管理系統驗證（第六點）", "ISMS certificate (R6)")) }
                p.hint { (lang.t("資通安全責任等級 C 級以上之政府機關免填。", "Government bodies at cyber-security level C or above may leave this empty.")) }
                @for (id, value, max) in [("isms_number", &val.isms.number, 100), ("isms_issuer", &val.isms.issuer, 200), ("isms_scope", &val.isms.scope, 1000)] {
                    label for=(id) { (label(lang, id)) }
                    (beside(id))
                    input id=(id) name=(id) value=(value) maxlength=(max) aria-invalid=[error_of(id).map(|_| "true")];
                }
                label for="isms_expiry" { (label(lang, "isms_expiry")) }
                (beside("isms_expiry"))
                input #isms_expiry name="isms_expiry" type="date" value=(val.isms.expiry) aria-invalid=[error_of("isms_expiry").map(|_| "true")];
                h2 { (label(lang, "documents")) }
                p.hint #documents-hint { (lang.t("每個檔案 ", "Up to ")) (max_mb) (lang.t(" MB 以內；PDF、PNG、JPEG 或純文字可直接於瀏覽器檢視。", " MB each; PDF, PNG, JPEG or plain text can be viewed in the browser.")) }
                (beside("documents"))
                @if !v.documents.is_empty() {
                    div.scroll role="region" aria-label=(lang.t("已上傳文件", "Documents on file")) tabindex="0" { table #documents-on-file {
                        thead { tr { th { (lang.t("已附文件", "On file")) } th { (lang.t("大小", "Size")) } th { (lang.t("以新檔案取代", "Replace with a new file")) } } }
                        tbody { @for d in v.documents.iter().filter(|d| d.replaced_by.is_none()) { tr {
                            td { (d.file_name) } td { (components::file_size(d.size)) }
                            td { input type="file" id=(format!("replace_{}", d.id)) name=(format!("replace_{}", d.id)) aria-label=(format!("{}{}", lang.t("取代 ", "Replace "), d.file_name)); }
                        } } }
                    } }
                }
                label for="documents" { (lang.t("新增文件", "Add documents")) }
                input #documents type="file" name="documents" multiple aria-describedby="documents-hint";
                h2 { (label(lang, "declarations")) }
                (beside("declarations"))
                label.plain {
                    input #declarations type="checkbox" name="declarations" value="yes" required checked[val.declarations_accepted];
                    " " (lang.t("本人同意使用規範（版本 ", "I accept the terms (version ")) (v.terms_version)
                    (lang.t("），聲明所填資料真實、正確、完整，不侵害隱私與營業秘密、不違反稅捐稽徵法第三十三條、個人資料保護法及營業秘密法、不轉售使用者資料，並於產品中聲明財資中心不負 API 適用性等責任；資訊安全制度之法律遵循清單已納入本規範、稅捐稽徵法第三十三條、個人資料保護法及營業秘密法（第六點）。", "), declare the data true, correct and complete, will not infringe privacy or trade secrets nor breach the Tax Collection Act art. 33, the Personal Data Protection Act or the Trade Secrets Act, will not resell User data, will disclaim the Center's responsibility for the API in the Product, and that our ISMS's legal compliance list includes this specification, the Tax Collection Act art. 33, the Personal Data Protection Act and the Trade Secrets Act (R4.2, R4.3, R5.1, R5.5, R5.9, R6)."))
                }
                button type="submit" {
                    @if v.correct.is_some() { (lang.t("重新送出", "Resubmit")) } @else { (lang.t("送出申請", "Submit application")) }
                }
            }
        },
    )
}

/// What the multipart form carried.
#[derive(Default)]
struct Posted {
    input: ApplicationInput,
    added: Vec<DocumentUpload>,
    replaced: Vec<(i64, DocumentUpload)>,
    csrf: String,
    /// A file over the size limit: refused with the form shown again, nothing else lost.
    oversize: Option<String>,
}

async fn read_form(mut multipart: Multipart) -> Result<Posted, WebError> {
    let bad = |field: &str, e: &dyn std::fmt::Display| {
        WebError::Shown(StatusCode::BAD_REQUEST, format!("{field}: {e}"))
    };
    let mut posted = Posted::default();
    while let Some(part) = multipart.next_field().await.map_err(|e| bad("form", &e))? {
        let name = part.name().unwrap_or_default().to_owned();
        let replaces = name
            .strip_prefix("replace_")
            .and_then(|id| id.parse::<i64>().ok());
        if name == "documents" || replaces.is_some() {
            let file_name = part.file_name().unwrap_or("document").to_owned();
            let content_type = part
                .content_type()
                .unwrap_or("application/octet-stream")
                .to_owned();
            let bytes = part.bytes().await.map_err(|e| bad("documents", &e))?;
            if bytes.len() > MAX_DOCUMENT_BYTES {
                posted.oversize = Some(file_name);
                continue;
            }
            if bytes.is_empty() {
                continue; // a file input left empty
            }
            let upload = DocumentUpload {
                file_name,
                content_type,
                bytes: bytes.to_vec(),
            };
            match replaces {
                Some(id) => posted.replaced.push((id, upload)),
                None => posted.added.push(upload),
            }
            continue;
        }
        let value = part
            .text()
            .await
            .map_err(|e| bad(&name, &e))?
            .trim()
            .to_owned();
        let i = &mut posted.input;
        match name.as_str() {
            "csrf" => posted.csrf = value,
            "terms_version" => i.terms_version = value,
            "contact_name" => i.contact_name = value,
            "contact_email" => i.contact_email = value,
            "contact_phone" => i.contact_phone = value,
            "product_name" => i.product_name = value,
            "product_version" => i.product_version = value,
            "purpose" => i.purpose = value,
            "services" => i.services.push(value),
            "isms_number" => i.isms.number = value,
            "isms_issuer" => i.isms.issuer = value,
            "isms_scope" => i.isms.scope = value,
            "isms_expiry" => i.isms.expiry = value,
            "declarations" => i.declarations_accepted = value == "yes",
            _ => {}
        }
    }
    Ok(posted)
}

pub(super) async fn submit(
    State(state): State<AppState>,
    lang: Lang,
    SignedIn { session, me }: SignedIn<DeveloperId>,
    Query(correct): Query<Correct>,
    multipart: Multipart,
) -> Result<Response, WebError> {
    let posted = read_form(multipart).await?;
    session.check_csrf(&posted.csrf)?;
    let p = &state.platform;
    let max_mb = MAX_DOCUMENT_BYTES / 1024 / 1024;
    let outcome = match (correct.correct, &posted.oversize) {
        (_, Some(name)) => Err(Ok(FieldError {
            field: "documents".into(),
            problem: match lang {
                Lang::Zh => format!("{name} 超過 {max_mb} MB。"),
                Lang::En => format!("{name} is larger than {max_mb} MB."),
            },
        })),
        // R4.2: a resubmission corrects the form's fields and adds or replaces documents.
        (Some(id), None) => {
            let resubmission = Resubmission {
                corrected: Some(posted.input.clone()),
                added: posted.added,
                replaced: posted.replaced,
            };
            p.resubmit_with(me, id, &resubmission)
                .await
                .map(|l| (l, "resubmit"))
                .map_err(|e| field_error(lang, &e).ok_or(e))
        }
        (None, None) => p
            .submit_application(me, &posted.input, &posted.added)
            .await
            .map(|l| (l, "applied"))
            .map_err(|e| field_error(lang, &e).ok_or(e)),
    };
    match outcome {
        Ok((licence, done)) => Ok(Redirect::to(&format!(
            "/developer/licences/{}?done={done}",
            licence.id
        ))
        .into_response()),
        Err(Err(e)) => Err(e.into()),
        Err(Ok(error)) => {
            let terms = p.current_terms().await?;
            let documents = match correct.correct {
                Some(id) => p.application_documents(me, id).await?,
                None => Vec::new(),
            };
            let view = FormView {
                correct: correct.correct,
                values: &posted.input,
                documents: &documents,
                errors: &[error],
                terms_version: &terms.version,
            };
            Ok((
                StatusCode::UNPROCESSABLE_ENTITY,
                render(lang, &session, &view),
            )
                .into_response())
        }
    }
}
