//! The "ask for changes" loop (R4.2): the Developer corrects any field of the stored form, adds
//! documents or replaces them, and resubmits; what changed is recorded (field old → new,
//! documents added or replaced) so that the reviewer sees a diff before deciding.

use chrono::{DateTime, Utc};
use einv_core::licence::LicenceEvent;
use einv_core::InvalidValue;
use einv_core::{DeveloperId, LicenceId};
use einv_store::{ApplicationForm, DocumentRecord, LicenceRecord};
use serde::{Deserialize, Serialize};

use super::apply::{ApplicationInput, DocumentUpload};
use super::Actor;
use crate::error::{ServiceError, ServiceResult};
use crate::services::Platform;

/// What a Developer sends back after "changes requested".
#[derive(Debug, Clone, Default)]
pub struct Resubmission {
    /// The whole form as corrected (`None`: the form stays as filed).
    pub corrected: Option<ApplicationInput>,
    /// New documents.
    pub added: Vec<DocumentUpload>,
    /// Documents replaced: the current document's ID and its replacement.
    pub replaced: Vec<(i64, DocumentUpload)>,
}

/// One field that a resubmission changed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldChange {
    /// The form field's name (`purpose`, `isms_expiry` …).
    pub field: String,
    /// As filed before.
    pub old: String,
    /// As resubmitted.
    pub new: String,
}

/// A document as the diff names it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DocumentSummary {
    /// Row ID.
    pub id: i64,
    /// File name.
    pub file_name: String,
    /// SHA-256, hex.
    pub sha256: String,
    /// Size in bytes.
    pub size: i64,
}

/// What one resubmission changed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Revision {
    /// Fields changed.
    pub fields: Vec<FieldChange>,
    /// Documents added.
    pub added: Vec<DocumentSummary>,
    /// Documents replaced: (old, new).
    pub replaced: Vec<(DocumentSummary, DocumentSummary)>,
}

impl Revision {
    /// Whether nothing changed.
    pub fn is_empty(&self) -> bool {
        self.fields.is_empty() && self.added.is_empty() && self.replaced.is_empty()
    }

    /// One line for the licence history.
    pub fn summary(&self) -> String {
        if self.is_empty() {
            return "resubmitted without changes".to_owned();
        }
        let mut parts = Vec::new();
        if !self.fields.is_empty() {
            let names: Vec<&str> = self.fields.iter().map(|f| f.field.as_str()).collect();
            parts.push(format!("changed {}", names.join(", ")));
        }
        if !self.added.is_empty() {
            parts.push(format!("{} document(s) added", self.added.len()));
        }
        if !self.replaced.is_empty() {
            parts.push(format!("{} document(s) replaced", self.replaced.len()));
        }
        format!("resubmitted: {}", parts.join("; "))
    }
}

/// A stored resubmission with its time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DatedRevision {
    /// When.
    pub at: DateTime<Utc>,
    /// What changed.
    pub revision: Revision,
}

/// The form's fields as (name, text), in the order the form shows them.
pub fn form_fields(f: &ApplicationForm) -> Vec<(&'static str, String)> {
    vec![
        ("contact_name", f.contact_name.clone()),
        ("contact_email", f.contact_email.clone()),
        ("contact_phone", f.contact_phone.clone()),
        ("product_name", f.product_name.clone()),
        ("product_version", f.product_version.clone()),
        ("purpose", f.purpose.clone()),
        ("services", f.services.join(", ")),
        ("isms_number", f.isms.number.clone().unwrap_or_default()),
        ("isms_issuer", f.isms.issuer.clone().unwrap_or_default()),
        ("isms_scope", f.isms.scope.clone().unwrap_or_default()),
        (
            "isms_expiry",
            f.isms.expiry.map(|d| d.to_string()).unwrap_or_default(),
        ),
    ]
}

/// The fields that differ between `old` and `new`.
pub fn field_changes(old: &ApplicationForm, new: &ApplicationForm) -> Vec<FieldChange> {
    form_fields(old)
        .into_iter()
        .zip(form_fields(new))
        .filter(|((_, a), (_, b))| a != b)
        .map(|((field, old), (_, new))| FieldChange {
            field: field.to_owned(),
            old,
            new,
        })
        .collect()
}

fn summary_of(d: &DocumentRecord) -> DocumentSummary {
    DocumentSummary {
        id: d.id,
        file_name: d.file_name.clone(),
        sha256: d.sha256.clone(),
        size: d.size,
    }
}

impl Platform {
    /// Resubmits after "changes requested" (R4.2): the corrected form is checked as at filing
    /// (R4.3, R5.7, R6), documents are added or replaced (the replaced ones stay on file), and
    /// what changed is recorded for the reviewer.
    pub async fn resubmit_with(
        &self,
        developer_id: DeveloperId,
        licence_id: LicenceId,
        r: &Resubmission,
    ) -> ServiceResult<LicenceRecord> {
        let licence = self.developer_licence(developer_id, licence_id).await?;
        // Only a licence the reviewer sent back is corrected: ask the lifecycle first.
        einv_core::licence::apply(&licence.state, LicenceEvent::Resubmit, self.clock.now())?;
        let application = self.licence_application(&licence).await?;
        let uploads = r.added.iter().chain(r.replaced.iter().map(|(_, d)| d));
        super::apply::check_document_sizes(uploads)?;
        let current = self.store.list_documents(application.id).await?;
        let mut olds = Vec::new();
        for (old, _) in &r.replaced {
            let found = current
                .iter()
                .find(|d| d.id == *old && d.replaced_by.is_none())
                .ok_or_else(|| {
                    InvalidValue::new("documents", format!("document #{old} is not on file"))
                })?;
            olds.push(summary_of(found));
        }
        let mut revision = Revision::default();
        if let Some(input) = &r.corrected {
            let form = self.check_form(developer_id, input).await?;
            revision.fields = field_changes(&application.form, &form);
            self.store.update_application(application.id, &form).await?;
            self.store
                .accept_terms(developer_id, &form.terms_version, self.clock.now())
                .await?;
        }
        revision.added = self.add_documents(&application, &r.added).await?;
        for (old, (_, upload)) in olds.into_iter().zip(&r.replaced) {
            let new = self
                .add_documents(&application, std::slice::from_ref(upload))
                .await?;
            let Some(new) = new.into_iter().next() else {
                continue; // an empty file replaces nothing
            };
            self.store
                .replace_document(application.id, old.id, new.id)
                .await?;
            revision.replaced.push((old, new));
        }
        let changes = serde_json::to_string(&revision).map_err(|e| {
            ServiceError::Internal(crate::error::InternalError::caused_by(
                "revision as JSON",
                e,
            ))
        })?;
        self.store
            .record_revision(licence.id, self.clock.now(), &changes)
            .await?;
        self.transition_with_app(
            licence,
            LicenceEvent::Resubmit,
            Actor::Developer(developer_id),
            &revision.summary(),
            None,
        )
        .await
    }

    /// A licence's resubmissions, oldest first, with what each changed.
    pub async fn revisions(&self, licence_id: LicenceId) -> ServiceResult<Vec<DatedRevision>> {
        self.store
            .revisions_of(licence_id)
            .await?
            .into_iter()
            .map(|r| {
                let revision = serde_json::from_str(&r.changes).map_err(|e| {
                    einv_store::StoreError::Corrupt {
                        table: "application_revisions",
                        column: "changes",
                        problem: e.to_string(),
                    }
                })?;
                Ok(DatedRevision { at: r.at, revision })
            })
            .collect()
    }
}
