//! Users on the Platform (R6.1): registration with a mobile barcode and verification code,
//! sign-in, change of code, deregistration; their requests to developers (R5.2) and notices.

use chrono::Duration;
use einv_core::consent::VerificationCode;
use einv_core::MobileBarcode;
use einv_core::{AppId, DeletionRequestId, UserId};
use einv_store::{
    DeletionRequestRecord, Notification, Recipient, RequestKind, UserEntriesPage, UserRecord,
};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde_json::json;

use super::guessing::Secret;
use super::{AuditEntry, Platform};
use crate::error::{Proof, ServiceError, ServiceResult};

/// How many days a developer has to carry out a User's request (R5.2). The spec sets no
/// number; 30 days follows the PDPA's usual answer period (PDPA Enforcement Rules art. 13 ff.).
pub const REQUEST_DAYS: i64 = 30;

/// How many barcodes registration draws before giving up on finding a free one.
const ISSUE_ATTEMPTS: usize = 8;

/// An audit entry for something User `user_id` did, through app `app_id` when one.
pub(super) fn user_entry(
    user_id: UserId,
    app_id: Option<&AppId>,
    action: &str,
    detail: serde_json::Value,
) -> AuditEntry {
    AuditEntry {
        actor: format!("user:{user_id}"),
        action: action.to_owned(),
        user_id: Some(user_id),
        app_id: app_id.cloned(),
        invoices: Default::default(),
        ip: None,
        detail,
    }
}

impl Platform {
    /// R6.1: registers a User. The Platform issues the mobile barcode (ownership is proven,
    /// never claimed: no one can choose a barcode and so take over invoices sent to it); the
    /// User sets only the verification code, stored as a hash.
    pub async fn register_user(&self, code: &str) -> ServiceResult<UserRecord> {
        let mut rng = StdRng::from_entropy();
        self.register_user_with(code, &mut rng).await
    }

    /// [`Platform::register_user`] drawing the barcode from `rng` (the demo data set uses a
    /// seeded one, so its barcodes are the same on every run).
    pub async fn register_user_with<R: Rng + Send>(
        &self,
        code: &str,
        rng: &mut R,
    ) -> ServiceResult<UserRecord> {
        let code = VerificationCode::parse("code", code)?;
        let hash = self.codes.hash_off_runtime(code.expose()).await?;
        // 39^7 ≈ 1.4e11 barcodes: a collision is rare, and a few draws make one vanishingly so.
        for _ in 0..ISSUE_ATTEMPTS {
            let barcode = MobileBarcode::issue(|n| rng.gen_range(0..n));
            match self
                .store
                .create_user(&barcode, &hash, self.clock.now())
                .await
            {
                Ok(user) => {
                    self.audit(user_entry(
                        user.id,
                        None,
                        "user.registered",
                        serde_json::Value::Null,
                    ))
                    .await?;
                    return Ok(user);
                }
                Err(einv_store::StoreError::AlreadyExists(_)) => continue,
                Err(other) => return Err(other.into()),
            }
        }
        Err(ServiceError::Internal(
            "no free mobile barcode after several draws".into(),
        ))
    }

    /// The User's own account (their issued barcode), for their pages.
    pub async fn user_account(&self, user_id: UserId) -> ServiceResult<UserRecord> {
        self.registered_user(user_id).await
    }

    /// Signs a User in with mobile barcode and verification code from `ip`; the answer (and
    /// the time it takes) does not tell an unknown barcode from a wrong code. Throttled per
    /// barcode and per IP (services/guessing.rs).
    pub async fn sign_in_user(
        &self,
        barcode: &str,
        code: &str,
        ip: Option<std::net::IpAddr>,
    ) -> ServiceResult<UserRecord> {
        let barcode = barcode.trim();
        self.guarded(Secret::UserCode(barcode), ip, async {
            let barcode = MobileBarcode::parse_form_decoded(barcode)
                .map_err(|_| ServiceError::Unproven(Proof::UserSignIn))?;
            let user = self
                .store
                .find_user_by_barcode(&barcode)
                .await?
                .filter(|u| u.deregistered_at.is_none());
            let hash = user.as_ref().map(|u| u.verification_hash.as_str());
            match (
                self.codes
                    .check_off_runtime(barcode.as_str(), code, hash)
                    .await,
                user,
            ) {
                (true, Some(user)) => Ok(user),
                _ => Err(ServiceError::Unproven(Proof::UserSignIn)),
            }
        })
        .await
    }

    /// Changes a User's verification code after checking the current one.
    pub async fn change_verification_code(
        &self,
        user_id: UserId,
        current: &str,
        new: &str,
    ) -> ServiceResult<()> {
        let user = self.registered_user(user_id).await?;
        self.guarded(
            Secret::UserCode(user.mobile_barcode.as_str()),
            None,
            async {
                let hash = Some(user.verification_hash.as_str());
                if self
                    .codes
                    .check_off_runtime(user.mobile_barcode.as_str(), current, hash)
                    .await
                {
                    Ok(())
                } else {
                    Err(ServiceError::Unproven(Proof::UserSignIn))
                }
            },
        )
        .await?;
        let new = VerificationCode::parse("new_code", new)?;
        let hash = self.codes.hash_off_runtime(new.expose()).await?;
        self.store.set_verification_hash(user_id, &hash).await?;
        self.audit(user_entry(
            user_id,
            None,
            "user.code-changed",
            serde_json::Value::Null,
        ))
        .await?;
        Ok(())
    }

    /// R6.1: deregisters a User: every consent is revoked, and every app that ever held one
    /// gets a deletion request (R5.2); the User's sessions end.
    pub async fn deregister_user(
        &self,
        user_id: UserId,
    ) -> ServiceResult<Vec<DeletionRequestRecord>> {
        self.registered_user(user_id).await?;
        let now = self.clock.now();
        let apps = self.store.revoke_all_consents_of_user(user_id, now).await?;
        let mut requests = Vec::new();
        for app_id in &apps {
            let entry = user_entry(
                user_id,
                Some(app_id),
                "consent.revoked",
                json!({ "by": "deregistration" }),
            );
            self.audit(entry).await?;
            // A deletion the User already asked for and is still open is that app's request.
            let (request, _) = self
                .open_or_file(user_id, app_id, RequestKind::Delete)
                .await?;
            requests.push(request);
        }
        self.store.deregister_user(user_id, now).await?;
        self.end_sessions_of(super::SessionKind::User, &user_id.to_string())
            .await?;
        self.audit(user_entry(
            user_id,
            None,
            "user.deregistered",
            json!({ "apps": apps }),
        ))
        .await?;
        Ok(requests)
    }

    /// R5.2: the User asks `app_id` to stop using, stop processing or delete their data. Only
    /// an app the User consented to at some time can be asked. Asking again while the same
    /// request is still open answers that request: no duplicates.
    pub async fn request_deletion(
        &self,
        user_id: UserId,
        app_id: &AppId,
        kind: RequestKind,
    ) -> ServiceResult<DeletionRequestRecord> {
        Ok(self.file_deletion_request(user_id, app_id, kind).await?.0)
    }

    /// [`Self::request_deletion`], also saying whether the request is new (`false`: the same
    /// request was already open, and that one is returned).
    pub async fn file_deletion_request(
        &self,
        user_id: UserId,
        app_id: &AppId,
        kind: RequestKind,
    ) -> ServiceResult<(DeletionRequestRecord, bool)> {
        self.registered_user(user_id).await?;
        if let Some(open) = self
            .store
            .open_deletion_request(user_id, app_id, kind)
            .await?
        {
            return Ok((open, false));
        }
        if self
            .store
            .consent_grants_to_app(user_id, app_id)
            .await?
            .is_empty()
        {
            return Err(ServiceError::not_found("app_id"));
        }
        self.open_or_file(user_id, app_id, kind).await
    }

    /// Files the request, or answers the one already open: two filed at the same instant both
    /// found none open, and the store's unique index (migration 0125) lets only one in; the
    /// other gets that one (R5.2, no duplicate requests).
    async fn open_or_file(
        &self,
        user_id: UserId,
        app_id: &AppId,
        kind: RequestKind,
    ) -> ServiceResult<(DeletionRequestRecord, bool)> {
        match self.file_request(user_id, app_id, kind).await {
            Ok(filed) => Ok((filed, true)),
            Err(ServiceError::Conflict(_)) => self
                .store
                .open_deletion_request(user_id, app_id, kind)
                .await?
                .map(|open| (open, false))
                .ok_or_else(|| ServiceError::not_found("deletion request")),
            Err(e) => Err(e),
        }
    }

    /// One of the User's requests (their receipt); another User's is "not found".
    pub async fn deletion_request_of_user(
        &self,
        user_id: UserId,
        request_id: DeletionRequestId,
    ) -> ServiceResult<DeletionRequestRecord> {
        self.store
            .deletion_requests_of_user(user_id)
            .await?
            .into_iter()
            .find(|r| r.id == request_id)
            .ok_or(ServiceError::not_found("request"))
    }

    /// One page of the accesses to and events about the User's data, newest first (R6.4);
    /// at most 10 000 entries a page.
    pub async fn access_history(
        &self,
        page: UserEntriesPage,
    ) -> ServiceResult<Vec<einv_core::audit::StoredEntry>> {
        self.flush_audit().await?;
        let page = UserEntriesPage {
            limit: page.limit.clamp(1, 10_000),
            ..page
        };
        Ok(self.store.user_entries_page(&page).await?)
    }

    async fn file_request(
        &self,
        user_id: UserId,
        app_id: &AppId,
        kind: RequestKind,
    ) -> ServiceResult<DeletionRequestRecord> {
        let now = self.clock.now();
        let due = self.today() + Duration::days(REQUEST_DAYS);
        let request = self
            .store
            .create_deletion_request(user_id, app_id, kind, now, due)
            .await?;
        let detail =
            json!({ "request": request.id, "kind": kind.as_str(), "due": due.to_string() });
        self.audit(user_entry(
            user_id,
            Some(app_id),
            "deletion.requested",
            detail,
        ))
        .await?;
        Ok(request)
    }

    /// The User's requests and their status, newest first.
    pub async fn deletion_requests_of_user(
        &self,
        user_id: UserId,
    ) -> ServiceResult<Vec<DeletionRequestRecord>> {
        Ok(self.store.deletion_requests_of_user(user_id).await?)
    }

    /// The User's notices, newest first.
    pub async fn notifications_of_user(&self, user_id: UserId) -> ServiceResult<Vec<Notification>> {
        Ok(self
            .store
            .notifications_of(Recipient::User(user_id))
            .await?)
    }

    /// Marks the User's notices read.
    pub async fn read_notifications(&self, user_id: UserId) -> ServiceResult<()> {
        Ok(self
            .store
            .mark_all_notifications_read(Recipient::User(user_id), self.clock.now())
            .await?)
    }
}
