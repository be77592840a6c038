//! What a reviewer does (R4.1, R4.2, R4.7b, R5.11): approve (issuing the AppID and APIKey,
//! shown once), ask for changes, reject; approve or refuse a re-review.

use einv_core::licence::{LicenceEvent, LicenceState, LicenceStateKind};
use einv_core::notice::NotificationKind;
use einv_core::Service;
use einv_core::{LicenceId, ReviewerId};
use einv_store::LicenceRecord;

use super::accounts::text;
use super::apply::check_services;
use super::Actor;
use crate::error::ServiceResult;
use crate::services::KeySlot;
use crate::services::{IssuedCredentials, Platform};

/// The states a reviewer works on.
pub const QUEUE_STATES: [LicenceStateKind; 4] = [
    LicenceStateKind::Applied,
    LicenceStateKind::Reviewing,
    LicenceStateKind::Active,
    LicenceStateKind::Suspended,
];

/// The states in which a licence still rests on a coverage: what time and certificates act on.
pub const LIVE_STATES: [LicenceStateKind; 3] = [
    LicenceStateKind::Active,
    LicenceStateKind::Suspended,
    LicenceStateKind::Reviewing,
];

/// The decisions that must say why (R4.2: the Developer is told what to correct or why not),
/// with their event: one method each, named as the reviewer's pages and the API name them.
macro_rules! reasoned_decisions {
    ($($(#[$doc:meta])* $name:ident => $event:ident;)+) => {
        impl Platform {
            $(
                $(#[$doc])*
                pub async fn $name(
                    &self,
                    reviewer_id: ReviewerId,
                    licence_id: LicenceId,
                    reason: &str,
                ) -> ServiceResult<LicenceRecord> {
                    let reason = text("reason", reason, 2000)?;
                    self.decide_and_notify(reviewer_id, licence_id, LicenceEvent::$event, reason)
                        .await
                }
            )+
        }
    };
}

reasoned_decisions! {
    /// Asks the Developer for corrections (R4.2).
    request_changes => RequestChanges;
    /// Refuses an application or a purpose change.
    reject => Reject;
    /// Refuses a re-review: the licence runs to the end of its term, then stops (R4.7c).
    reject_renewal => RejectRenewal;
}

impl Platform {
    /// The review queue: new and resubmitted applications, purpose changes, and active
    /// licences with a re-review filed.
    pub async fn review_queue(&self) -> ServiceResult<Vec<LicenceRecord>> {
        let all = self.store.licences_in_states(&QUEUE_STATES).await?;
        Ok(all
            .into_iter()
            .filter(|l| match l.state {
                // R4.7b: an active or suspended licence is queued when its re-review is filed.
                LicenceState::Active { .. } | LicenceState::Suspended { .. } => {
                    matches!(
                        l.state.renewal(),
                        einv_core::licence::Renewal::Applied { .. }
                    )
                }
                _ => true,
            })
            .collect())
    }

    /// Approves an application (R4.1): a three-year term from today (R4.7a), a new AppID and
    /// APIKey, the key stored sealed and returned here — the only time it is shown. Approving a
    /// purpose change (R5.11) restores the licence with its keys; nothing new is issued.
    pub async fn approve(
        &self,
        reviewer_id: ReviewerId,
        licence_id: LicenceId,
        reason: &str,
    ) -> ServiceResult<Option<IssuedCredentials>> {
        let licence = self.licence(licence_id).await?;
        let actor = Actor::Reviewer(reviewer_id);
        let reason = if reason.trim().is_empty() {
            "approved"
        } else {
            reason.trim()
        };
        if let LicenceState::Reviewing { .. } = licence.state {
            self.transition_with_app(licence, LicenceEvent::Approve, actor, reason, None)
                .await?;
            return Ok(None);
        }
        let application = self.licence_application(&licence).await?;
        // R5.7 is checked again: the form may predate the rule's check.
        let services: Vec<Service> = check_services(&application.form.services)?;
        let credentials = self.new_credentials()?;
        // The state moves first (it refuses a second approval), then the app is created.
        let licence = self
            .transition_with_app(
                licence,
                LicenceEvent::Approve,
                actor,
                reason,
                Some(&credentials.app_id),
            )
            .await?;
        self.store_app(
            &application.form.product_name,
            &services,
            &credentials.app_id,
            &credentials.api_key,
        )
        .await?;
        self.store
            .add_credential(&credentials.app_id, self.clock.now(), |id| {
                self.sealer.seal_key(
                    &credentials.app_id,
                    KeySlot::Credential(id),
                    &credentials.api_key,
                )
            })
            .await?;
        let term = licence.state.coverage().and_then(|c| c.term());
        let body = match term {
            Some(t) => format!("AppID {}：授權期間 {} 至 {}。APIKey 僅顯示一次。/ Term {} to {}. The APIKey is shown once.", credentials.app_id, t.start(), t.last_day(), t.start(), t.last_day()),
            None => format!("AppID {}", credentials.app_id),
        };
        self.tell_developer(
            &licence,
            NotificationKind::Approved,
            "申請已核准 / Application approved",
            &body,
        )
        .await?;
        Ok(Some(credentials))
    }

    /// Approves a re-review: the next term starts the day after the current one ends (R4.7b).
    pub async fn approve_renewal(
        &self,
        reviewer_id: ReviewerId,
        licence_id: LicenceId,
        reason: &str,
    ) -> ServiceResult<LicenceRecord> {
        let reason = if reason.trim().is_empty() {
            "re-review approved"
        } else {
            reason.trim()
        };
        // R6: the new term rests on a certificate valid now (or the exemption).
        let licence = self.licence(licence_id).await?;
        let application = self.licence_application(&licence).await?;
        self.require_valid_certificate(&application.form.isms)?;
        self.decide_and_notify(
            reviewer_id,
            licence_id,
            LicenceEvent::ApproveRenewal,
            reason,
        )
        .await
    }

    /// A reviewer's decision on a licence: the transition, then the Developer is told why.
    async fn decide_and_notify(
        &self,
        reviewer_id: ReviewerId,
        licence_id: LicenceId,
        event: LicenceEvent,
        reason: &str,
    ) -> ServiceResult<LicenceRecord> {
        let (kind, title) = decision_notice(event);
        let licence = self
            .transition(licence_id, event, Actor::Reviewer(reviewer_id), reason)
            .await?;
        self.tell_developer(&licence, kind, title, reason).await?;
        Ok(licence)
    }
}

/// The notification that tells the Developer of a reviewer's decision.
fn decision_notice(event: LicenceEvent) -> (NotificationKind, &'static str) {
    match event {
        LicenceEvent::RequestChanges => (
            NotificationKind::ChangesRequested,
            "請補正申請資料 / Corrections requested",
        ),
        LicenceEvent::ApproveRenewal => (
            NotificationKind::RenewalApproved,
            "重行審核通過 / Re-review approved",
        ),
        LicenceEvent::RejectRenewal => (
            NotificationKind::RenewalRejected,
            "重行審核未通過 / Re-review refused",
        ),
        // `Reject`, the one other decision that comes here.
        _ => (
            NotificationKind::Rejected,
            "申請未核准 / Application rejected",
        ),
    }
}
