//! Tax-registry events and the Center's own decisions: suspension and resumption (R10.2),
//! closure, deregistration, reorganisation (R10.3-3/-4/-5), merger (R10.5), and termination
//! on any ground (R10.3).

use einv_core::{DeveloperId, LicenceId};

use einv_core::licence::{LicenceEvent, LicenceState, SuspensionReason, TerminationGround};
use einv_store::LicenceRecord;

use super::Actor;
use crate::error::{ServiceError, ServiceResult};
use crate::services::Platform;

/// What the tax registry (or a government reorganisation) reports about a Developer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RegistryEvent {
    /// 停業: suspended (R10.2).
    Suspend,
    /// 復業 filed and approved (R10.2): back, every User's consent to be given again.
    Resume,
    /// Closed without permission or otherwise abnormal (R10.3-3).
    Close,
    /// Registration deregistered (R10.3-4).
    Deregister,
    /// Merged into another entity (R10.5): the survivor must apply anew.
    Merge,
    /// A government body merged, abolished or reorganised (R10.3-5).
    Reorganise,
}

einv_core::word_text!(RegistryEvent, "event", "registry event");

impl RegistryEvent {
    /// Every event.
    pub const ALL: [Self; 6] = [
        Self::Suspend,
        Self::Resume,
        Self::Close,
        Self::Deregister,
        Self::Merge,
        Self::Reorganise,
    ];

    /// The event's word (`einv admin registry suspend`).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Suspend => "suspend",
            Self::Resume => "resume",
            Self::Close => "close",
            Self::Deregister => "deregister",
            Self::Merge => "merge",
            Self::Reorganise => "reorganise",
        }
    }

    fn licence_event(self) -> LicenceEvent {
        let tax = SuspensionReason::TaxRegistrySuspension;
        match self {
            Self::Suspend => LicenceEvent::Suspend { reason: tax },
            Self::Resume => LicenceEvent::Reinstate {
                reason: tax,
                certificate_valid_until: None,
            },
            Self::Close => LicenceEvent::Terminate {
                ground: TerminationGround::RegistrationAbnormal,
            },
            Self::Deregister => LicenceEvent::Terminate {
                ground: TerminationGround::Deregistered,
            },
            Self::Merge => LicenceEvent::Merge,
            Self::Reorganise => LicenceEvent::Terminate {
                ground: TerminationGround::GovernmentReorganised,
            },
        }
    }

    /// Whether a licence in `state` is one this event is about.
    fn concerns(self, state: &LicenceState) -> bool {
        match self {
            // R10.2: 復業 concerns a licence held for 停業, whatever else holds it.
            Self::Resume => state
                .suspensions()
                .contains(SuspensionReason::TaxRegistrySuspension),
            // 停業 stops every covered licence not already stopped for it, stacking on an R6
            // suspension or an R5.11 review.
            Self::Suspend => {
                state.coverage().is_some()
                    && !state
                        .suspensions()
                        .contains(SuspensionReason::TaxRegistrySuspension)
            }
            _ => state.coverage().is_some(),
        }
    }
}

impl Platform {
    /// Applies a registry event to every live licence of the Developer: the cascade R10.2,
    /// R10.3 and R10.5 describe. A resumption voids every earlier consent of each AppID
    /// (R10.2). Returns the licences changed.
    pub async fn registry_event(
        &self,
        developer_id: DeveloperId,
        event: RegistryEvent,
        reason: &str,
    ) -> ServiceResult<Vec<LicenceRecord>> {
        self.developer(developer_id).await?;
        let mut changed = Vec::new();
        for licence in self.store.licences_of_developer(developer_id).await? {
            let licence = self.settle_licence(licence).await?;
            if !event.concerns(&licence.state) {
                continue;
            }
            let licence = self
                .transition_with_app(
                    licence,
                    event.licence_event(),
                    Actor::Registry,
                    reason,
                    None,
                )
                .await?;
            if event == RegistryEvent::Resume {
                if let Some(app_id) = &licence.app_id {
                    let voided = self
                        .void_consents_of_app(
                            app_id,
                            self.clock.now(),
                            "the developer's business resumed after suspension",
                        )
                        .await?;
                    tracing::info!(app.id = %app_id, voided, "R10.2: consents voided on resumption");
                }
            }
            changed.push(licence);
        }
        Ok(changed)
    }

    /// The Developer IDs registered under a business ID.
    pub async fn developers_with_business_id(
        &self,
        business_id: &str,
    ) -> ServiceResult<Vec<DeveloperId>> {
        let found = self
            .store
            .find_developers_by_business_id(business_id.trim())
            .await?;
        if found.is_empty() {
            return Err(ServiceError::not_found("developer with this business ID"));
        }
        Ok(found.into_iter().map(|d| d.id).collect())
    }

    /// Terminates a licence on one of the seven grounds (R10.3); R11 follows.
    pub async fn terminate(
        &self,
        actor: Actor,
        licence_id: LicenceId,
        ground: TerminationGround,
        reason: &str,
    ) -> ServiceResult<LicenceRecord> {
        let reason = super::accounts::text("reason", reason, 2000)?;
        self.transition(
            licence_id,
            LicenceEvent::Terminate { ground },
            actor,
            reason,
        )
        .await
    }

    /// Suspends a licence for a reason of R6 or R10.2.
    pub async fn suspend(
        &self,
        actor: Actor,
        licence_id: LicenceId,
        reason: SuspensionReason,
        note: &str,
    ) -> ServiceResult<LicenceRecord> {
        self.transition(licence_id, LicenceEvent::Suspend { reason }, actor, note)
            .await
    }
}
