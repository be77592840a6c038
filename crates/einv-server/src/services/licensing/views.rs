//! Read-only views the portal pages show: a Developer's licences, a licence's history, the
//! reviewer's dossier of an application, the registry of events, research submissions.

use einv_core::{DeveloperId, LicenceId};
use einv_store::{
    ApplicationRecord, DeletionRequestRecord, DeveloperRecord, DocumentRecord, LicenceEventRecord,
    LicenceNote, LicenceRecord,
};

use crate::error::{ServiceError, ServiceResult};
use crate::services::Platform;
use einv_core::licence::LicenceStateKind;

use super::review::LIVE_STATES;

/// What a reviewer sees of one application.
#[derive(Debug, Clone)]
pub struct Dossier {
    /// The licence, settled.
    pub licence: LicenceRecord,
    /// The form.
    pub application: ApplicationRecord,
    /// The Developer.
    pub developer: DeveloperRecord,
    /// Supporting documents with their SHA-256.
    pub documents: Vec<DocumentRecord>,
    /// Change notices (R5.11).
    pub changes: Vec<LicenceNote>,
    /// The history (R10.4).
    pub history: Vec<LicenceEventRecord>,
    /// What each resubmission changed (R4.2), oldest first.
    pub revisions: Vec<super::DatedRevision>,
    /// The reviewer the licence is assigned to.
    pub assignee: Option<einv_store::ReviewerName>,
    /// The Developer's confirmation of destruction after the end, if given (R11).
    pub destruction: Option<LicenceNote>,
    /// Users' requests to the AppID past their due day and not completed (R5.2).
    pub overdue_requests: Vec<DeletionRequestRecord>,
}

impl Platform {
    /// A Developer's licences, newest first, time settled.
    pub async fn developer_licences(
        &self,
        developer_id: DeveloperId,
    ) -> ServiceResult<Vec<LicenceRecord>> {
        let mut out = Vec::new();
        for l in self.store.licences_of_developer(developer_id).await? {
            out.push(self.settle_licence(l).await?);
        }
        Ok(out)
    }

    /// The application behind a Developer's own licence (another's is "not found": R8).
    pub async fn application_of(
        &self,
        developer_id: DeveloperId,
        licence_id: LicenceId,
    ) -> ServiceResult<ApplicationRecord> {
        let licence = self.developer_licence(developer_id, licence_id).await?;
        self.licence_application(&licence).await
    }

    /// The application `licence` was granted on; every licence has one.
    pub(crate) async fn licence_application(
        &self,
        licence: &LicenceRecord,
    ) -> ServiceResult<ApplicationRecord> {
        self.store
            .find_application(licence.application_id)
            .await?
            .ok_or(ServiceError::not_found("application"))
    }

    /// The documents of a Developer's own application, the replaced ones included (R4.2).
    pub async fn application_documents(
        &self,
        developer_id: DeveloperId,
        licence_id: LicenceId,
    ) -> ServiceResult<Vec<DocumentRecord>> {
        let licence = self.developer_licence(developer_id, licence_id).await?;
        Ok(self.store.list_documents(licence.application_id).await?)
    }

    /// R5.2: the Users' requests (stop using, delete) addressed to the licence's AppID that are
    /// past their due day and not reported completed, oldest first. Shown to the Developer and
    /// to reviewers; they carry no User identity.
    pub async fn overdue_requests_of(
        &self,
        licence: &LicenceRecord,
    ) -> ServiceResult<Vec<DeletionRequestRecord>> {
        let Some(app_id) = &licence.app_id else {
            return Ok(Vec::new());
        };
        let today = self.today();
        Ok(self
            .store
            .deletion_requests_of_app(app_id, false)
            .await?
            .into_iter()
            .filter(|r| r.due_date < today)
            .collect())
    }

    /// A licence's history, oldest first.
    pub async fn licence_history(
        &self,
        licence_id: LicenceId,
    ) -> ServiceResult<Vec<LicenceEventRecord>> {
        Ok(self.store.licence_events(licence_id).await?)
    }

    /// The destruction confirmation of a licence, if given (R11).
    pub async fn destruction(&self, licence_id: LicenceId) -> ServiceResult<Option<LicenceNote>> {
        Ok(self.store.destruction_of(licence_id).await?)
    }

    /// Every licence, for reviewers.
    pub async fn all_licences(&self) -> ServiceResult<Vec<LicenceRecord>> {
        Ok(self.store.licences_in_states(LicenceStateKind::ALL).await?)
    }

    /// The latest events across licences, newest first.
    pub async fn recent_events(&self) -> ServiceResult<Vec<LicenceEventRecord>> {
        Ok(self.store.recent_licence_events(200).await?)
    }

    /// Research submissions (R5.10), newest first.
    pub async fn research(&self) -> ServiceResult<Vec<LicenceNote>> {
        Ok(self.store.list_research().await?)
    }

    /// Everything a reviewer needs to decide on licence `id`.
    pub async fn dossier(&self, licence_id: LicenceId) -> ServiceResult<Dossier> {
        let licence = self.licence(licence_id).await?;
        let application = self.licence_application(&licence).await?;
        Ok(Dossier {
            destruction: self.store.destruction_of(licence_id).await?,
            overdue_requests: self.overdue_requests_of(&licence).await?,
            developer: self.developer(licence.developer_id).await?,
            documents: self.store.list_documents(application.id).await?,
            changes: self.store.change_notices(licence_id).await?,
            history: self.store.licence_events(licence_id).await?,
            revisions: self.revisions(licence_id).await?,
            assignee: self.store.assignee_of(licence_id).await?,
            application,
            licence,
        })
    }

    /// Applies the passage of time to every live licence: renewed terms begin, ended terms
    /// expire (R4.7c, R4.7d, with R11), lapsed certificates suspend (R6). The v1 gate does this
    /// lazily for each AppID it sees; this makes it happen for licences nobody calls with
    /// (`einv admin sweep`, e.g. daily). Returns how many licences changed.
    pub async fn sweep_licences(&self) -> ServiceResult<usize> {
        let mut changed = 0;
        for licence in self.store.licences_in_states(&LIVE_STATES).await? {
            let before = licence.state;
            let licence = self.settle_licence(licence).await?;
            let licence = self.check_certificate(licence).await?;
            if licence.state != before {
                changed += 1;
            }
        }
        Ok(changed)
    }

    /// A document's record and bytes, for reviewers.
    pub async fn document(&self, id: i64) -> ServiceResult<(DocumentRecord, Vec<u8>)> {
        self.store
            .document_bytes(id)
            .await?
            .ok_or(ServiceError::not_found("document"))
    }
}
