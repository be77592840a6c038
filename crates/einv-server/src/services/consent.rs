//! User consent (R5.2, R5.6): no User's data flows to an AppID without a live grant.
//!
//! (Stub: grants, lapse after six calendar months, revocation and the OAuth consent flow are
//! being implemented.)

use einv_core::Service;
use einv_store::UserRecord;

use super::{Caller, Platform};
use crate::error::ServiceResult;

impl Platform {
    /// Refuses the call unless `user` has a live consent grant to the caller's AppID covering
    /// `service`.
    pub async fn require_consent(
        &self,
        caller: &Caller,
        user: &UserRecord,
        service: Service,
    ) -> ServiceResult<()> {
        let _ = (caller, user, service);
        Ok(())
    }
}

impl Platform {
    /// Voids every consent grant given to `app_id` before `at` (R10.2: after a resumption
    /// every User must consent again; R11: a licence's end ends its consents). Returns how many
    /// grants were voided.
    ///
    /// (Stub: the consent grants arrive with migration 0004; its engineer implements this.)
    pub async fn void_consents_of_app(
        &self,
        app_id: &str,
        at: chrono::DateTime<chrono::Utc>,
    ) -> ServiceResult<u64> {
        let _ = (app_id, at);
        Ok(0)
    }
}
