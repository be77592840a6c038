//! The licensing regime's use cases (R4–R11): accounts, applications, review, renewal,
//! credentials, suspension and termination, terms, notices, and the end of a licence (R11).
//!
//! Every transition goes through [`Platform::transition`], which settles the passage of time
//! first (R4.7b–d), asks the pure state machine (`einv_core::licence::apply`), stores the new
//! state together with its event (actor, time, reason, rule), keeps the AppID's status in
//! step, and runs R11 when a licence ends.

use einv_core::notice::NotificationKind;
use einv_core::AppId;
use einv_core::{DeveloperId, LicenceId, ReviewerId};
use std::fmt;

use einv_core::licence::{self, LicenceEvent, LicenceEventKind, LicenceState};
use einv_store::{AppStatus, LicenceRecord, NewLicenceEvent};

use super::Platform;
use crate::error::ServiceResult;

mod accounts;
pub(crate) mod admission;
mod apply;
mod changes;
mod credentials;
mod directory;
mod end;
mod legacy;
mod oauth_setup;
mod public;
mod queue;
mod registry;
mod resubmission;
mod review;
mod signing;
mod terms;
mod views;

pub use accounts::{DeveloperSignUp, PASSWORD_MIN};
pub use apply::{ApplicationInput, DocumentUpload, IsmsInput, DECLARATIONS, MAX_DOCUMENT_BYTES};
pub use credentials::{KeyView, DEFAULT_GRACE_DAYS, MAX_GRACE_DAYS};
pub use directory::RegisterEntry;
pub use legacy::LegacyLicence;
pub use oauth_setup::{RedirectUri, MAX_REDIRECT_URIS};
pub use public::Attribution;
pub use queue::{QueueFilter, QueuePage, PAGE_SIZE};
pub use registry::RegistryEvent;
pub use resubmission::{
    field_changes, form_fields, DatedRevision, DocumentSummary, FieldChange, Resubmission, Revision,
};
pub(crate) use review::LIVE_STATES;
pub use views::Dossier;

/// Who did something to a licence, as recorded in its history.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Actor {
    /// A Developer, by row ID.
    Developer(DeveloperId),
    /// A reviewer of the Center, by row ID.
    Reviewer(ReviewerId),
    /// The tax registry (a registry event entered by the operator).
    Registry,
    /// The operator, on the command line.
    Operator,
    /// The clock: a term ended or began.
    Clock,
}

impl fmt::Display for Actor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Developer(id) => write!(f, "developer:{id}"),
            Self::Reviewer(id) => write!(f, "reviewer:{id}"),
            Self::Registry => f.write_str("registry"),
            Self::Operator => f.write_str("operator"),
            Self::Clock => f.write_str("clock"),
        }
    }
}

/// The AppID status that mirrors a licence state, so the v1 gate's first check agrees.
fn app_status(state: &LicenceState) -> AppStatus {
    match state {
        LicenceState::Active { .. } => AppStatus::Active,
        s if s.is_ended() => AppStatus::Revoked,
        _ => AppStatus::Suspended,
    }
}

impl Platform {
    /// The licence `id`, with the passage of time applied and stored (R4.7b–d).
    pub async fn licence(&self, id: LicenceId) -> ServiceResult<LicenceRecord> {
        let found = self
            .store
            .find_licence(id)
            .await?
            .ok_or(crate::error::ServiceError::not_found("licence"))?;
        self.settle_licence(found).await
    }

    /// Applies what time alone did to `licence` (a renewed term began, or the term ended),
    /// stores it as an event by the clock, and runs R11 on expiry.
    pub async fn settle_licence(&self, mut licence: LicenceRecord) -> ServiceResult<LicenceRecord> {
        let now = self.clock.now();
        let Some(settled) = licence::settle(&licence.state, now) else {
            return Ok(licence);
        };
        let event = NewLicenceEvent {
            event: settled.event,
            actor: Actor::Clock.to_string(),
            at: now,
            reason: match settled.event {
                LicenceEventKind::TermRenewed => {
                    "the approved re-review's term began the day after the old one ended".to_owned()
                }
                _ => "the term ended without an approved re-review".to_owned(),
            },
            rule: settled.rule.to_owned(),
        };
        match self
            .store
            .transition_licence(licence.id, &licence.state, &settled.state, None, &event)
            .await
        {
            Ok(()) => {}
            // Another request settled it first: read what it stored.
            Err(einv_store::StoreError::Stale(_)) => {
                return self
                    .store
                    .find_licence(licence.id)
                    .await?
                    .ok_or(crate::error::ServiceError::not_found("licence"));
            }
            Err(e) => return Err(e.into()),
        }
        let before = licence.state;
        licence.state = settled.state;
        self.after_transition(&licence, &before).await?;
        Ok(licence)
    }

    /// Applies `event` to licence `id` by `actor` for `reason`: refused with the rule when the
    /// lifecycle forbids it; stored with its event otherwise.
    pub async fn transition(
        &self,
        id: LicenceId,
        event: LicenceEvent,
        actor: Actor,
        reason: &str,
    ) -> ServiceResult<LicenceRecord> {
        let licence = self.licence(id).await?;
        self.transition_with_app(licence, event, actor, reason, None)
            .await
    }

    pub(crate) async fn transition_with_app(
        &self,
        mut licence: LicenceRecord,
        event: LicenceEvent,
        actor: Actor,
        reason: &str,
        app_id: Option<&AppId>,
    ) -> ServiceResult<LicenceRecord> {
        let now = self.clock.now();
        let next = licence::apply(&licence.state, event, now)?;
        let record = NewLicenceEvent {
            event: event.kind(),
            actor: actor.to_string(),
            at: now,
            reason: reason.to_owned(),
            rule: event.rule().to_owned(),
        };
        self.store
            .transition_licence(licence.id, &licence.state, &next, app_id, &record)
            .await?;
        tracing::info!(licence.id = licence.id.get(), event = event.name(), %actor, "licence transition");
        let before = licence.state;
        licence.state = next;
        if let Some(app_id) = app_id {
            licence.app_id = Some(app_id.clone());
        }
        self.after_transition(&licence, &before).await?;
        Ok(licence)
    }

    /// Keeps the AppID's status in step, and runs R11 when the licence just ended.
    async fn after_transition(
        &self,
        licence: &LicenceRecord,
        before: &LicenceState,
    ) -> ServiceResult<()> {
        if let Some(app_id) = &licence.app_id {
            self.store
                .set_app_status(app_id, app_status(&licence.state))
                .await?;
        }
        if licence.state.ends_an_approved_licence() && !before.is_ended() {
            self.end_licence(licence).await?;
        }
        // R10.2: tell the Developer of each cause as it comes (causes stack).
        let (now_held, held_before) = (licence.state.suspensions(), before.suspensions());
        for reason in now_held.iter().filter(|r| !held_before.contains(*r)) {
            let body = format!(
                "授權 #{} 已停權：{} ({}) / Licence #{} is suspended: {}",
                licence.id,
                reason.rule(),
                reason.describe(),
                licence.id,
                reason.describe()
            );
            self.tell_developer(
                licence,
                NotificationKind::Suspended,
                "授權停權 / Licence suspended",
                &body,
            )
            .await?;
        }
        Ok(())
    }

    /// Notifies the Developer holding `licence` about it, now.
    pub(in crate::services) async fn tell_developer(
        &self,
        licence: &LicenceRecord,
        kind: NotificationKind,
        title: &str,
        body: &str,
    ) -> ServiceResult<()> {
        self.store
            .notify(
                einv_store::Recipient::Developer(licence.developer_id),
                Some(licence.id),
                kind,
                title,
                body,
                self.clock.now(),
            )
            .await?;
        Ok(())
    }
}
