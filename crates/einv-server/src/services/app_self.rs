//! What an app may read about itself (v2): its licence, its developer's notifications, the
//! audit entries of its own accesses; and the carriers of a User who consented to it.

use einv_core::Carrier;
use einv_core::{AppId, UserId};
use einv_store::{AuditFilter, CarrierKey, LicenceRecord, Notification, UserRecord};

use super::{CarrierHolder, Platform};
use crate::error::{ServiceError, ServiceResult};

/// The most audit entries one call returns.
pub const AUDIT_PAGE: i64 = 200;

impl Platform {
    /// The licence behind `app_id`, settled to now. Apps issued outside the licensing flow
    /// (the demo, tests) have none.
    pub async fn licence_of_app(&self, app_id: &AppId) -> ServiceResult<LicenceRecord> {
        let licence = self
            .store
            .find_licence_by_app(app_id)
            .await?
            .ok_or(ServiceError::not_found("licence"))?;
        self.settle_licence(licence).await
    }

    /// The notifications of the developer holding `app_id`'s licence, newest first.
    pub async fn notifications_of_app(&self, app_id: &AppId) -> ServiceResult<Vec<Notification>> {
        match self.store.find_licence_by_app(app_id).await? {
            Some(licence) => self.developer_notifications(licence.developer_id).await,
            None => Ok(Vec::new()),
        }
    }

    /// The audit entries about `app_id` (its accesses to Users' data, its licence's events),
    /// newest first, at most [`AUDIT_PAGE`], before sequence number `before` when given.
    pub async fn audit_of_app(
        &self,
        app_id: &AppId,
        before: Option<i64>,
    ) -> ServiceResult<Vec<einv_core::audit::StoredEntry>> {
        self.audit_page(&AuditFilter::App(app_id.to_owned()), before, AUDIT_PAGE)
            .await
    }

    /// The carriers of a User who consented (reached with the consent token, never the
    /// verification code): the mobile barcode and every carrier aggregated under it, narrowed
    /// to `only` when given (a carrier that is not the User's covers nothing).
    pub async fn holder_of_user(
        &self,
        user: UserRecord,
        only: Option<&Carrier>,
    ) -> ServiceResult<CarrierHolder> {
        let barcode = Carrier::of_mobile_barcode(&user.mobile_barcode);
        let mut covered = self.covered_by_barcode(user.id, &barcode).await?;
        if let Some(c) = only {
            covered.retain(|k| k.carrier_type == c.kind && k.id1 == c.id);
        }
        Ok(CarrierHolder {
            user,
            carrier: barcode,
            covered,
            // Not checked here: later reads in the call go to the database.
            checked: Default::default(),
        })
    }

    /// What User `user_id`'s mobile `barcode` covers: itself and every carrier aggregated
    /// under it.
    pub(crate) async fn covered_by_barcode(
        &self,
        user_id: UserId,
        barcode: &Carrier,
    ) -> ServiceResult<Vec<CarrierKey>> {
        let mut covered = vec![CarrierKey {
            carrier_type: barcode.kind.clone(),
            id1: barcode.id.clone(),
        }];
        covered.extend(
            self.store
                .user_carriers(user_id)
                .await?
                .into_iter()
                .map(|l| CarrierKey {
                    carrier_type: l.carrier_type,
                    id1: l.id1,
                }),
        );
        Ok(covered)
    }
}
