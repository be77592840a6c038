//! The application form (R4.1, R4.2, R4.3, R5.7, R6): multipart, with supporting documents.

use axum::extract::{Multipart, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use maud::{html, Markup};

use crate::http::web::common::{csrf_field, subject_id, DEVELOPER_NAV};
use crate::http::web::layout::{page, Lang};
use crate::http::web::session::{Role, WebError, WebSession};
use crate::http::AppState;
use crate::services::licensing::{ApplicationInput, DocumentUpload, MAX_DOCUMENT_BYTES};
use einv_core::Service;

pub(super) async fn form(
    State(state): State<AppState>,
    lang: Lang,
    session: WebSession,
) -> Result<Markup, WebError> {
    let (session, _) = subject_id(session, Role::Developer)?;
    let terms = state.platform.current_terms().await?;
    let text = |id: &str, zh: &str, en: &str, kind: &str| {
        html! {
            label for=(id) { (lang.t(zh, en)) }
            input id=(id) name=(id) type=(kind) required;
        }
    };
    Ok(page(
        lang,
        ("申請 API 授權", "Apply for an API licence"),
        DEVELOPER_NAV,
        html! {
            form.stack method="post" action="/developer/apply" enctype="multipart/form-data" {
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
                textarea #purpose name="purpose" rows="3" required {}
                h2 { (lang.t("申請服務", "Services")) }
                p.muted { (lang.t("提供發票查詢者須一併提供雲端發票捐贈（第五點第七款）。", "A Product that queries invoices must also offer donation (R5.7).")) }
                @for s in Service::ALL {
                    label style="font-weight:normal" {
                        input type="checkbox" name="services" value=(s.as_str());
                        " " (s.name_zh()) " (" (s.as_str()) ")"
                    }
                }
                h2 { (lang.t("資訊安全管理系統驗證（第六點）", "ISMS certificate (R6)")) }
                p.muted { (lang.t("資通安全責任等級 C 級以上之政府機關免填。", "Government bodies at cyber-security level C or above may leave this empty.")) }
                label for="isms_number" { (lang.t("證書號碼", "Certificate number")) } input #isms_number name="isms_number";
                label for="isms_issuer" { (lang.t("發證機構", "Issuer")) } input #isms_issuer name="isms_issuer";
                label for="isms_scope" { (lang.t("驗證範圍", "Scope")) } input #isms_scope name="isms_scope";
                label for="isms_expiry" { (lang.t("有效期限", "Expiry")) } input #isms_expiry name="isms_expiry" type="date";
                h2 { (lang.t("證明文件", "Supporting documents")) }
                input #documents type="file" name="documents" multiple;
                p.muted { (lang.t("每個檔案 5 MB 以內。", "Up to 5 MB each.")) }
                h2 { (lang.t("聲明", "Declarations")) }
                label style="font-weight:normal" {
                    input #declarations type="checkbox" name="declarations" value="yes" required;
                    " " (lang.t("本人同意使用規範（版本 ", "I accept the terms (version ")) (terms.version)
                    (lang.t("），聲明所填資料真實、正確、完整，不侵害隱私與營業秘密、不轉售使用者資料，並於產品中聲明財資中心不負 API 適用性等責任。", "), declare the data true, correct and complete, will not infringe privacy or trade secrets or resell User data, and will disclaim the Center's responsibility for the API in the Product (R4.2, R4.3, R5.1, R5.5, R5.9)."))
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
    let licence = state
        .platform
        .submit_application(me, &input, &documents)
        .await?;
    Ok(Redirect::to(&format!("/developer/licences/{}", licence.id)).into_response())
}
