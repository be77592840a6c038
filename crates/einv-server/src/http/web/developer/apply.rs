//! The application form (R4.1, R4.2, R4.3, R5.7, R6): multipart, with supporting documents.

use axum::extract::{Multipart, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use maud::{html, Markup};

use crate::http::web::common::{csrf_field, subject_id, DEVELOPER_NAV};
use crate::http::web::layout::{page, Lang};
use crate::http::web::session::{Role, WebError, WebSession};
use crate::http::AppState;
use crate::services::licensing::{ApplicationInput, DocumentUpload, MAX_DOCUMENT_BYTES};
use einv_core::Service;

/// `?correct=ID`: the form of licence ID, sent back for corrections, to be corrected (R4.2).
#[derive(Debug, Default, serde::Deserialize)]
pub(super) struct Correct {
    correct: Option<i64>,
}

pub(super) async fn form(
    State(state): State<AppState>,
    lang: Lang,
    session: WebSession,
    Query(correct): Query<Correct>,
) -> Result<Markup, WebError> {
    let (session, me) = subject_id(session, Role::Developer)?;
    let terms = state.platform.current_terms().await?;
    let filed = match correct.correct {
        Some(id) => Some(state.platform.application_of(me, id).await?.form),
        None => None,
    };
    let value = |id: &str| -> String {
        let Some(f) = &filed else {
            return String::new();
        };
        match id {
            "contact_name" => f.contact_name.clone(),
            "contact_email" => f.contact_email.clone(),
            "contact_phone" => f.contact_phone.clone(),
            "product_name" => f.product_name.clone(),
            "product_version" => f.product_version.clone(),
            "purpose" => f.purpose.clone(),
            "isms_number" => f.isms.number.clone().unwrap_or_default(),
            "isms_issuer" => f.isms.issuer.clone().unwrap_or_default(),
            "isms_scope" => f.isms.scope.clone().unwrap_or_default(),
            "isms_expiry" => f.isms.expiry.map(|d| d.to_string()).unwrap_or_default(),
            _ => String::new(),
        }
    };
    let chosen = |s: Service| {
        filed
            .as_ref()
            .is_some_and(|f| f.services.iter().any(|n| n == s.as_str()))
    };
    let text = |id: &str, zh: &str, en: &str, kind: &str| {
        html! {
            label for=(id) { (lang.t(zh, en)) }
            input id=(id) name=(id) type=(kind) value=(value(id)) required;
        }
    };
    let action = match correct.correct {
        Some(id) => format!("/developer/apply?correct={id}"),
        None => "/developer/apply".to_owned(),
    };
    let title = match correct.correct {
        Some(_) => ("補正申請資料", "Correct the application"),
        None => ("申請 API 授權", "Apply for an API licence"),
    };
    Ok(page(
        lang,
        title,
        DEVELOPER_NAV,
        html! {
            form.stack method="post" action=(action) enctype="multipart/form-data" {
                (csrf_field(&session))
                input type="hidden" name="terms_version" value=(terms.version);
                h2 { (lang.t("聯絡資料", "Contact")) }
                (text("contact_name", "聯絡人", "Contact person", "text"))
                (text("contact_email", "聯絡電子郵件", "Contact e-mail", "email"))
                (text("contact_phone", "聯絡電話", "Contact phone", "tel"))
                h2 { (lang.t("軟體產品", "Product")) }
                (text("product_name", "產品名稱", "Product name", "text"))
                (text("product_version", "版本", "Version", "text"))
                label for="purpose" { (lang.t("使用目的", "Purpose")) }
                textarea #purpose name="purpose" rows="3" required { (value("purpose")) }
                h2 { (lang.t("申請服務", "Services")) }
                p.muted { (lang.t("提供發票查詢者須一併提供雲端發票捐贈（第五點第七款）。", "A Product that queries invoices must also offer donation (R5.7).")) }
                @for s in Service::ALL {
                    label style="font-weight:normal" {
                        input type="checkbox" name="services" value=(s.as_str()) checked[chosen(s)];
                        " " (s.name_zh()) " (" (s.as_str()) ")"
                    }
                }
                h2 { (lang.t("資訊安全管理系統驗證（第六點）", "ISMS certificate (R6)")) }
                p.muted { (lang.t("資通安全責任等級 C 級以上之政府機關免填。", "Government bodies at cyber-security level C or above may leave this empty.")) }
                label for="isms_number" { (lang.t("證書號碼", "Certificate number")) } input #isms_number name="isms_number" value=(value("isms_number"));
                label for="isms_issuer" { (lang.t("發證機構", "Issuer")) } input #isms_issuer name="isms_issuer" value=(value("isms_issuer"));
                label for="isms_scope" { (lang.t("驗證範圍", "Scope")) } input #isms_scope name="isms_scope" value=(value("isms_scope"));
                label for="isms_expiry" { (lang.t("有效期限", "Expiry")) } input #isms_expiry name="isms_expiry" type="date" value=(value("isms_expiry"));
                h2 { (lang.t("證明文件", "Supporting documents")) }
                input #documents type="file" name="documents" multiple;
                p.muted { (lang.t("每個檔案 5 MB 以內。", "Up to 5 MB each.")) }
                h2 { (lang.t("聲明", "Declarations")) }
                label style="font-weight:normal" {
                    input #declarations type="checkbox" name="declarations" value="yes" required;
                    " " (lang.t("本人同意使用規範（版本 ", "I accept the terms (version ")) (terms.version)
                    (lang.t("），聲明所填資料真實、正確、完整，不侵害隱私與營業秘密、不違反稅捐稽徵法第三十三條、個人資料保護法及營業秘密法、不轉售使用者資料，並於產品中聲明財資中心不負 API 適用性等責任；資訊安全制度之法律遵循清單已納入本規範、稅捐稽徵法第三十三條、個人資料保護法及營業秘密法（第六點）。", "), declare the data true, correct and complete, will not infringe privacy or trade secrets nor breach the Tax Collection Act art. 33, the Personal Data Protection Act or the Trade Secrets Act, will not resell User data, will disclaim the Center's responsibility for the API in the Product, and that our ISMS's legal compliance list includes this specification, the Tax Collection Act art. 33, the Personal Data Protection Act and the Trade Secrets Act (R4.2, R4.3, R5.1, R5.5, R5.9, R6)."))
                }
                button type="submit" { (lang.t("送出申請", "Submit application")) }
            }
        },
    ))
}

fn bad(field: &str, problem: impl std::fmt::Display) -> WebError {
    WebError::Shown(StatusCode::BAD_REQUEST, format!("{field}: {problem}"))
}

pub(super) async fn submit(
    State(state): State<AppState>,
    session: WebSession,
    Query(correct): Query<Correct>,
    mut multipart: Multipart,
) -> Result<Response, WebError> {
    let (session, me) = subject_id(session, Role::Developer)?;
    let mut input = ApplicationInput::default();
    let mut documents = Vec::new();
    let mut csrf = String::new();
    while let Some(part) = multipart.next_field().await.map_err(|e| bad("form", e))? {
        let name = part.name().unwrap_or_default().to_owned();
        if name == "documents" {
            let file_name = part.file_name().unwrap_or("document").to_owned();
            let content_type = part
                .content_type()
                .unwrap_or("application/octet-stream")
                .to_owned();
            let bytes = part.bytes().await.map_err(|e| bad("documents", e))?;
            if bytes.len() > MAX_DOCUMENT_BYTES {
                return Err(bad("documents", format!("{file_name} is larger than 5 MB")));
            }
            documents.push(DocumentUpload {
                file_name,
                content_type,
                bytes: bytes.to_vec(),
            });
            continue;
        }
        let value = part.text().await.map_err(|e| bad(&name, e))?;
        let value = value.trim().to_owned();
        match name.as_str() {
            "csrf" => csrf = value,
            "terms_version" => input.terms_version = value,
            "contact_name" => input.contact_name = value,
            "contact_email" => input.contact_email = value,
            "contact_phone" => input.contact_phone = value,
            "product_name" => input.product_name = value,
            "product_version" => input.product_version = value,
            "purpose" => input.purpose = value,
            "services" => input.services.push(value),
            "isms_number" => input.isms.number = value,
            "isms_issuer" => input.isms.issuer = value,
            "isms_scope" => input.isms.scope = value,
            "isms_expiry" => input.isms.expiry = value,
            "declarations" => input.declarations_accepted = value == "yes",
            _ => {}
        }
    }
    session.check_csrf(&csrf)?;
    let licence = match correct.correct {
        // R4.2: a resubmission corrects the form's fields, not only adds documents.
        Some(id) => {
            state
                .platform
                .resubmit(me, id, Some(&input), &documents)
                .await?
        }
        None => {
            state
                .platform
                .submit_application(me, &input, &documents)
                .await?
        }
    };
    Ok(Redirect::to(&format!("/developer/licences/{}", licence.id)).into_response())
}
