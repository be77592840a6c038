//! The developer's side of the Users' requests (R5.2, R6.1): an app lists the requests
//! addressed to it and reports them acknowledged and completed, before their due day.

use einv_core::DeletionRequestId;
use einv_core::MobileBarcode;
use einv_store::{AppRecord, DeletionRequestRecord};
use serde_json::json;

use super::{AuditEntry, Platform};
use crate::error::{ServiceError, ServiceResult};

/// A request as the developer sees it: the User is named by the mobile barcode the app already
/// knows them by (it held their consent), and by nothing else.
#[derive(Debug, Clone)]
pub struct AppDeletionRequest {
    /// The request.
    pub request: DeletionRequestRecord,
    /// The User's mobile barcode.
    pub mobile_barcode: MobileBarcode,
}

impl Platform {
    /// The requests addressed to `app`, oldest first (completed ones only if asked).
    pub async fn deletion_requests_for_app(
        &self,
        app: &AppRecord,
        include_completed: bool,
    ) -> ServiceResult<Vec<AppDeletionRequest>> {
        let requests = self
            .store
            .deletion_requests_of_app(&app.app_id, include_completed)
            .await?;
        let mut out = Vec::with_capacity(requests.len());
        for request in requests {
            let user = self
                .store
                .find_user(request.user_id)
                .await?
                .ok_or(ServiceError::not_found("user"))?;
            out.push(AppDeletionRequest {
                request,
                mobile_barcode: user.mobile_barcode,
            });
        }
        Ok(out)
    }

    /// The developer acknowledges request `id` (or reports it completed). Another app's
    /// request is "not found".
    pub async fn progress_deletion_request(
        &self,
        app: &AppRecord,
        id: DeletionRequestId,
        complete: bool,
    ) -> ServiceResult<AppDeletionRequest> {
        let now = self.clock.now();
        let request = self
            .store
            .progress_deletion_request(id, &app.app_id, complete, now)
            .await?
            .ok_or(ServiceError::not_found("id"))?;
        let action = if complete {
            "deletion.completed"
        } else {
            "deletion.acknowledged"
        };
        let entry = AuditEntry {
            actor: format!("app:{}", app.app_id),
            action: action.into(),
            user_id: Some(request.user_id),
            app_id: Some(app.app_id.clone()),
            invoices: Default::default(),
            ip: None,
            detail: json!({ "request": id }),
        };
        self.audit(entry).await?;
        let user = self
            .store
            .find_user(request.user_id)
            .await?
            .ok_or(ServiceError::not_found("user"))?;
        Ok(AppDeletionRequest {
            request,
            mobile_barcode: user.mobile_barcode,
        })
    }
}
