//! Set-up shared by the tests that run a live Platform: this crate's integration tests, the
//! CLI's (which start `einv serve` processes on a database the harness prepared) and the client
//! kit's. Behind the `test-support` feature: never part of a release build.
//!
//! Everything here goes through the use cases, as an operator or a Developer would: a test
//! arranges its world the way the Platform's users make it.

use einv_core::{DeveloperId, LicenceId, ReviewerId};
use std::sync::Arc;

use crate::error::{ServiceError, ServiceResult};
use crate::services::licensing::{ApplicationInput, DeveloperSignUp, DocumentUpload, IsmsInput};
use crate::services::IssuedCredentials;
use crate::Platform;

/// The password of every test Developer.
pub const DEVELOPER_PASSWORD: &str = "correct horse battery";

/// Serves `platform` on a free port of 127.0.0.1 in this runtime; returns its base URL.
pub async fn serve_on_free_port(platform: Arc<Platform>) -> std::io::Result<String> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let base = format!("http://{}", listener.local_addr()?);
    tokio::spawn(crate::startup::serve(listener, platform));
    Ok(base)
}

/// A business Developer's sign-up under `email`.
pub fn developer(email: &str) -> DeveloperSignUp {
    DeveloperSignUp {
        email: email.into(),
        password: DEVELOPER_PASSWORD.into(),
        name: "示範資訊股份有限公司".into(),
        entity_type: "business".into(),
        business_id: "04595257".into(),
        security_level: String::new(),
    }
}

/// A complete application for `services` (their catalogue names), with `contact_email`.
pub fn application(contact_email: &str, services: &[&str]) -> ApplicationInput {
    ApplicationInput {
        contact_name: "王小明".into(),
        contact_email: contact_email.into(),
        contact_phone: "02-1234-5678".into(),
        product_name: "記帳 App".into(),
        product_version: "1.0".into(),
        purpose: "personal bookkeeping".into(),
        services: services.iter().map(|s| (*s).to_owned()).collect(),
        isms: IsmsInput {
            number: "ISMS-001".into(),
            issuer: "BSI".into(),
            scope: "the app and its servers".into(),
            expiry: "2035-12-31".into(),
        },
        terms_version: "2023-03-30".into(),
        declarations_accepted: true,
    }
}

/// The ISMS certificate an application attaches.
pub fn isms_certificate() -> DocumentUpload {
    DocumentUpload {
        file_name: "isms.pdf".into(),
        content_type: "application/pdf".into(),
        bytes: b"%PDF-1.4 cert".to_vec(),
    }
}

/// A reviewer account: e-mail, password, name.
#[derive(Debug, Clone, Copy)]
pub struct Reviewer<'a> {
    /// Sign-in e-mail.
    pub email: &'a str,
    /// Password.
    pub password: &'a str,
    /// Display name.
    pub name: &'a str,
}

/// A licence a reviewer approved, with who was involved and the credentials issued.
#[derive(Debug)]
pub struct Approved {
    /// The Developer's row ID.
    pub developer: DeveloperId,
    /// The approving reviewer's row ID.
    pub reviewer: ReviewerId,
    /// The licence's ID.
    pub licence: LicenceId,
    /// The AppID and APIKey issued on approval.
    pub creds: IssuedCredentials,
}

/// Signs `developer` up, files `form` with `documents`, adds `reviewer` and has them approve.
pub async fn approved_licence(
    platform: &Platform,
    developer: &DeveloperSignUp,
    form: &ApplicationInput,
    documents: &[DocumentUpload],
    reviewer: Reviewer<'_>,
) -> ServiceResult<Approved> {
    let developer = platform.sign_up_developer(developer).await?.id;
    let licence = platform
        .submit_application(developer, form, documents)
        .await?
        .id;
    let reviewer = platform
        .add_reviewer(reviewer.email, reviewer.password, reviewer.name)
        .await?;
    let creds = platform
        .approve(reviewer, licence, "ok")
        .await?
        .ok_or_else(|| ServiceError::Internal("an approval issued no credentials".into()))?;
    Ok(Approved {
        developer,
        reviewer,
        licence,
        creds,
    })
}

/// The attributes of a `Set-Cookie` value but its `name=value` and `Max-Age`: what setting and
/// clearing a cookie must agree on.
pub fn cookie_attributes(set_cookie: &str) -> Vec<String> {
    set_cookie
        .split("; ")
        .skip(1)
        .filter(|a| !a.starts_with("Max-Age="))
        .map(str::to_owned)
        .collect()
}
