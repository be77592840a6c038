//! What a Developer tells the Center during a licence: a change of purpose or version (R5.11),
//! a new ISMS certificate (R6), research (R5.10), and, after the end, destruction (R11).

use chrono::NaiveDate;
use einv_core::licence::{LicenceEvent, SuspensionReason};
use einv_core::{DeveloperId, LicenceId};
use einv_store::LicenceRecord;

use super::accounts::text;
use super::apply::IsmsInput;
use super::Actor;
use crate::error::{ServiceError, ServiceResult};
use crate::services::Platform;

impl Platform {
    /// Notifies a change of the Product's purpose or version (R5.11). A purpose change sends
    /// the licence back to review; a version change is recorded.
    pub async fn notify_change(
        &self,
        developer_id: DeveloperId,
        licence_id: LicenceId,
        version: &str,
        purpose: &str,
    ) -> ServiceResult<LicenceRecord> {
        let licence = self.developer_licence(developer_id, licence_id).await?;
        let mut application = self.licence_application(&licence).await?;
        let now = self.clock.now();
        let version = text("product_version", version, 50)?;
        let purpose = text("purpose", purpose, 2000)?;
        let old = application.form.clone();
        let purpose_changed = purpose != old.purpose;
        // R5.11: a purpose change must reach review. Ask the lifecycle first, so a change it
        // would refuse is not saved unreviewed.
        if purpose_changed {
            einv_core::licence::apply(&licence.state, LicenceEvent::ChangePurpose, now)?;
        }
        if version != old.product_version {
            self.store
                .add_change_notice(licence.id, "version", &old.product_version, version, now)
                .await?;
        }
        if purpose_changed {
            self.store
                .add_change_notice(licence.id, "purpose", &old.purpose, purpose, now)
                .await?;
        }
        application.form.product_version = version.to_owned();
        application.form.purpose = purpose.to_owned();
        self.store
            .update_application(application.id, &application.form)
            .await?;
        if purpose_changed {
            return self
                .transition_with_app(
                    licence,
                    LicenceEvent::ChangePurpose,
                    Actor::Developer(developer_id),
                    "the Product's purpose changed",
                    None,
                )
                .await;
        }
        Ok(licence)
    }

    /// Files a new ISMS certificate (R6); a licence suspended for a lapsed one is reinstated.
    pub async fn update_certificate(
        &self,
        developer_id: DeveloperId,
        licence_id: LicenceId,
        isms: &IsmsInput,
    ) -> ServiceResult<LicenceRecord> {
        let licence = self.developer_licence(developer_id, licence_id).await?;
        let mut application = self.licence_application(&licence).await?;
        application.form.isms = self.check_isms(developer_id, isms).await?;
        self.store
            .update_application(application.id, &application.form)
            .await?;
        // R6: the certificate lifts its own cause only (R10.2: causes stack).
        match licence.state.suspensions() {
            held if held.contains(SuspensionReason::LapsedIsmsCertificate) => {
                let event = LicenceEvent::Reinstate {
                    reason: SuspensionReason::LapsedIsmsCertificate,
                    certificate_valid_until: application.form.isms.expiry.or(Some(NaiveDate::MAX)),
                };
                self.transition_with_app(
                    licence,
                    event,
                    Actor::Developer(developer_id),
                    "a valid ISMS certificate is on file",
                    None,
                )
                .await
            }
            _ => Ok(licence),
        }
    }

    /// Gives the Center research or statistics made from API use (R5.10).
    pub async fn submit_research(
        &self,
        developer_id: DeveloperId,
        licence_id: LicenceId,
        title: &str,
        body: &str,
    ) -> ServiceResult<i64> {
        let licence = self.developer_licence(developer_id, licence_id).await?;
        let (title, body) = (text("title", title, 200)?, text("body", body, 20_000)?);
        Ok(self
            .store
            .add_research(licence.id, title, body, self.clock.now())
            .await?)
    }

    /// Records the Developer's confirmation that programs and User data were destroyed (R11).
    pub async fn confirm_destruction(
        &self,
        developer_id: DeveloperId,
        licence_id: LicenceId,
        statement: &str,
    ) -> ServiceResult<()> {
        let licence = self.developer_licence(developer_id, licence_id).await?;
        if !licence.state.ends_an_approved_licence() {
            return Err(ServiceError::Refused {
                rule: "R11",
                reason: "destruction is confirmed after the licence ends".into(),
            });
        }
        let statement = text("statement", statement, 2000)?;
        Ok(self
            .store
            .confirm_destruction(licence.id, statement, self.clock.now())
            .await?)
    }
}
