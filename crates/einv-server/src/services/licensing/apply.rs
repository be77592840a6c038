//! What a Developer does: apply (R4.1, R4.2, R4.3, R5.7, R6), resubmit, renew (R4.7b),
//! withdraw (R10.1), notify a change (R5.11), file a new ISMS certificate (R6), submit
//! research (R5.10) and confirm destruction (R11).

use chrono::NaiveDate;
use einv_core::licence::{LicenceEvent, LicenceEventKind, LicenceState};
use einv_core::{DeveloperId, LicenceId};
use einv_core::{InvalidValue, Service};
use einv_store::{ApplicationForm, ApplicationRecord, IsmsRecord, LicenceRecord, NewLicenceEvent};
use sha2::{Digest, Sha256};

use super::accounts::text;
use super::resubmission::{DocumentSummary, Resubmission};
use super::Actor;
use crate::error::{ServiceError, ServiceResult};
use crate::services::Platform;

/// The largest supporting document accepted.
pub const MAX_DOCUMENT_BYTES: usize = 5 * 1024 * 1024;

/// The ISMS certificate as typed into the form (R6).
#[derive(Debug, Clone, Default)]
pub struct IsmsInput {
    /// Certificate number.
    pub number: String,
    /// Issuer.
    pub issuer: String,
    /// Scope.
    pub scope: String,
    /// Expiry, `YYYY-MM-DD`.
    pub expiry: String,
}

/// An application as typed into the form.
#[derive(Debug, Clone, Default)]
pub struct ApplicationInput {
    /// Contact person.
    pub contact_name: String,
    /// Contact e-mail.
    pub contact_email: String,
    /// Contact phone.
    pub contact_phone: String,
    /// Product name.
    pub product_name: String,
    /// Product version.
    pub product_version: String,
    /// Declared purpose.
    pub purpose: String,
    /// Requested services, by name.
    pub services: Vec<String>,
    /// The certificate.
    pub isms: IsmsInput,
    /// The terms version the Developer accepts by applying (R4.3).
    pub terms_version: String,
    /// The declarations were ticked: R5.1, R5.5, R5.9, and R6's compliance list (this spec,
    /// Tax Collection Act art. 33, Personal Data Protection Act, Trade Secrets Act).
    pub declarations_accepted: bool,
}

/// What the Developer declares by ticking the declarations (R4.2, R4.3, R5.1, R5.5, R5.9, R6).
/// R6 asks that the ISMS's legal compliance list include this spec, the Tax Collection Act
/// art. 33, the Personal Data Protection Act and the Trade Secrets Act.
pub const DECLARATIONS: &str = "the data is true, correct and complete (R4.2); the terms are accepted (R4.3); \
no infringement of privacy, trade secrets or other rights, in compliance with the Tax Collection Act art. 33, \
the Personal Data Protection Act and the Trade Secrets Act (R5.1); no profiling of trade secrets nor resale of \
User data (R5.5); the Product is kept patched and disclaims the Center's responsibility for the API (R5.9); \
the ISMS's legal compliance list includes this specification, the Tax Collection Act art. 33, the Personal Data \
Protection Act and the Trade Secrets Act (R6)";

/// An uploaded supporting document.
#[derive(Debug, Clone)]
pub struct DocumentUpload {
    /// File name.
    pub file_name: String,
    /// Content type.
    pub content_type: String,
    /// The bytes.
    pub bytes: Vec<u8>,
}

/// Refuses any document over [`MAX_DOCUMENT_BYTES`], naming it (R4.2).
pub(super) fn check_document_sizes<'a>(
    documents: impl IntoIterator<Item = &'a DocumentUpload>,
) -> ServiceResult<()> {
    for d in documents {
        if d.bytes.len() > MAX_DOCUMENT_BYTES {
            return Err(InvalidValue::new(
                "documents",
                format!(
                    "{}: larger than {} MB",
                    d.file_name,
                    MAX_DOCUMENT_BYTES / 1024 / 1024
                ),
            )
            .into());
        }
    }
    Ok(())
}

fn parse_date(field: &str, value: &str) -> ServiceResult<NaiveDate> {
    NaiveDate::parse_from_str(value.trim(), "%Y-%m-%d")
        .map_err(|_| InvalidValue::not_a_date(field).into())
}

/// R5.7: a licence that lets Users query invoices must include donation.
pub(super) fn check_services(names: &[String]) -> ServiceResult<Vec<Service>> {
    let mut services = Vec::new();
    for name in names {
        let service: Service = name
            .parse()
            .map_err(|e: InvalidValue| e.for_field("services"))?;
        if !services.contains(&service) {
            services.push(service);
        }
    }
    if services.is_empty() {
        return Err(InvalidValue::new("services", "choose at least one service").into());
    }
    if services.contains(&Service::CarrierInvoices) && !services.contains(&Service::Donation) {
        return Err(ServiceError::Refused {
            rule: "R5.7",
            reason: "a Product that lets Users query their invoices must also offer cloud-invoice donation".into(),
        });
    }
    services.sort();
    Ok(services)
}

impl Platform {
    /// R6 at re-review: the certificate on file is valid today, or the Developer is exempt.
    pub(super) fn require_valid_certificate(&self, isms: &IsmsRecord) -> ServiceResult<()> {
        match isms.expiry {
            _ if isms.exempt => Ok(()),
            Some(expiry) if expiry >= self.today() => Ok(()),
            Some(expiry) => Err(ServiceError::Refused {
                rule: "R6",
                reason: format!("isms_expiry: the ISMS certificate on file expired on {expiry}; file a valid one with the re-review"),
            }),
            None => Err(ServiceError::Refused {
                rule: "R6",
                reason: "isms_number: no ISMS certificate is on file; file one with the re-review".into(),
            }),
        }
    }

    /// R6: the certificate (number, issuer, scope, expiry not yet passed), or the exemption of
    /// a government body at cyber-security level C or above.
    pub(super) async fn check_isms(
        &self,
        developer_id: DeveloperId,
        input: &IsmsInput,
    ) -> ServiceResult<IsmsRecord> {
        let developer = self.developer(developer_id).await?;
        let exempt = developer
            .account
            .security_level
            .as_deref()
            .is_some_and(|l| matches!(l, "A" | "B" | "C"));
        if exempt && input.number.trim().is_empty() {
            return Ok(IsmsRecord {
                exempt: true,
                ..IsmsRecord::default()
            });
        }
        let expiry = parse_date("isms_expiry", &input.expiry)?;
        if expiry < self.today() {
            return Err(ServiceError::Refused {
                rule: "R6",
                reason: format!("isms_expiry: the certificate expired on {expiry}"),
            });
        }
        Ok(IsmsRecord {
            number: Some(text("isms_number", &input.number, 100)?.to_owned()),
            issuer: Some(text("isms_issuer", &input.issuer, 200)?.to_owned()),
            scope: Some(text("isms_scope", &input.scope, 1000)?.to_owned()),
            expiry: Some(expiry),
            exempt: false,
        })
    }

    pub(super) async fn check_form(
        &self,
        developer_id: DeveloperId,
        i: &ApplicationInput,
    ) -> ServiceResult<ApplicationForm> {
        if !i.declarations_accepted {
            return Err(InvalidValue::new(
                "declarations",
                format!("the declarations must be accepted: {DECLARATIONS}"),
            )
            .into());
        }
        let current = self.current_terms().await?;
        if i.terms_version != current.version {
            return Err(ServiceError::Refused {
                rule: "R4.3",
                reason: format!(
                    "terms_version: applying accepts the current terms {}, not {:?}",
                    current.version, i.terms_version
                ),
            });
        }
        let services = check_services(&i.services)?;
        Ok(ApplicationForm {
            developer_id,
            contact_name: text("contact_name", &i.contact_name, 100)?.to_owned(),
            contact_email: text("contact_email", &i.contact_email, 254)?.to_owned(),
            contact_phone: text("contact_phone", &i.contact_phone, 40)?.to_owned(),
            product_name: text("product_name", &i.product_name, 200)?.to_owned(),
            product_version: text("product_version", &i.product_version, 50)?.to_owned(),
            purpose: text("purpose", &i.purpose, 2000)?.to_owned(),
            services: services.iter().map(|s| s.as_str().to_owned()).collect(),
            isms: self.check_isms(developer_id, &i.isms).await?,
            terms_version: current.version,
        })
    }

    /// Files an application with its documents (R4.1, R4.2); applying accepts the current
    /// terms (R4.3). Returns the new licence, `applied`.
    pub async fn submit_application(
        &self,
        developer_id: DeveloperId,
        input: &ApplicationInput,
        documents: &[DocumentUpload],
    ) -> ServiceResult<LicenceRecord> {
        let form = self.check_form(developer_id, input).await?;
        check_document_sizes(documents)?;
        let now = self.clock.now();
        let application = self.store.create_application(&form, now).await?;
        self.add_documents(&application, documents).await?;
        self.store
            .accept_terms(developer_id, &form.terms_version, now)
            .await?;
        let event = NewLicenceEvent {
            event: LicenceEventKind::Apply,
            actor: Actor::Developer(developer_id).to_string(),
            at: now,
            reason: format!("{} {}", form.product_name, form.product_version),
            rule: "R4.1".into(),
        };
        Ok(self
            .store
            .create_licence(
                application.id,
                developer_id,
                &LicenceState::filed(now),
                &event,
            )
            .await?)
    }

    /// Stores `documents` (empty ones skipped) with their SHA-256; returns what was stored.
    pub(super) async fn add_documents(
        &self,
        application: &ApplicationRecord,
        documents: &[DocumentUpload],
    ) -> ServiceResult<Vec<DocumentSummary>> {
        let mut stored = Vec::new();
        let now = self.clock.now();
        for d in documents.iter().filter(|d| !d.bytes.is_empty()) {
            let name: String = d
                .file_name
                .chars()
                .filter(|c| !c.is_control() && *c != '/' && *c != '\\')
                .take(200)
                .collect();
            let digest = hex::encode(Sha256::digest(&d.bytes));
            let id = self
                .store
                .add_document(
                    application.id,
                    &name,
                    &d.content_type,
                    &d.bytes,
                    &digest,
                    now,
                )
                .await?;
            stored.push(DocumentSummary {
                id,
                file_name: name,
                sha256: digest,
                size: i64::try_from(d.bytes.len()).unwrap_or(i64::MAX),
            });
        }
        Ok(stored)
    }

    /// The licence `licence_id` if it is `developer_id`'s (another's is "not found": R8).
    pub async fn developer_licence(
        &self,
        developer_id: DeveloperId,
        licence_id: LicenceId,
    ) -> ServiceResult<LicenceRecord> {
        let licence = self.licence(licence_id).await?;
        if licence.developer_id != developer_id {
            return Err(ServiceError::not_found("licence"));
        }
        Ok(licence)
    }

    /// Files again after corrections were asked for (R4.2): the form's fields corrected when
    /// `corrected` is given (checked as at filing, R4.3, R5.7, R6), and more documents. See
    /// [`Platform::resubmit_with`], which also replaces documents.
    pub async fn resubmit(
        &self,
        developer_id: DeveloperId,
        licence_id: LicenceId,
        corrected: Option<&ApplicationInput>,
        documents: &[DocumentUpload],
    ) -> ServiceResult<LicenceRecord> {
        let resubmission = Resubmission {
            corrected: corrected.cloned(),
            added: documents.to_vec(),
            replaced: Vec::new(),
        };
        self.resubmit_with(developer_id, licence_id, &resubmission)
            .await
    }

    /// Applies for re-review (R4.7b window; R4.7d for legacy licences). R6: the re-review
    /// rests on a valid ISMS certificate (or the exemption): a new one given here is checked and
    /// filed; otherwise the one on file must still be valid.
    pub async fn apply_renewal(
        &self,
        developer_id: DeveloperId,
        licence_id: LicenceId,
        certificate: Option<&IsmsInput>,
    ) -> ServiceResult<LicenceRecord> {
        let licence = self.developer_licence(developer_id, licence_id).await?;
        let now = self.clock.now();
        einv_core::licence::apply(&licence.state, LicenceEvent::ApplyRenewal, now)?;
        let mut application = self.licence_application(&licence).await?;
        if let Some(isms) = certificate.filter(|i| !i.number.trim().is_empty()) {
            application.form.isms = self.check_isms(developer_id, isms).await?;
            self.store
                .update_application(application.id, &application.form)
                .await?;
        }
        self.require_valid_certificate(&application.form.isms)?;
        self.transition_with_app(
            licence,
            LicenceEvent::ApplyRenewal,
            Actor::Developer(developer_id),
            "re-review requested",
            None,
        )
        .await
    }

    /// Stops by notice (R10.1); R11 follows.
    pub async fn withdraw(
        &self,
        developer_id: DeveloperId,
        licence_id: LicenceId,
        reason: &str,
    ) -> ServiceResult<LicenceRecord> {
        let licence = self.developer_licence(developer_id, licence_id).await?;
        let reason = text("reason", reason, 1000)?;
        self.transition_with_app(
            licence,
            LicenceEvent::Withdraw,
            Actor::Developer(developer_id),
            reason,
            None,
        )
        .await
    }
}
