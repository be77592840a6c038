//! R11: when a licence ends (expiry, the legacy deadline, withdrawal, termination, merger) its
//! credentials are revoked, its consents end, the Developer is told to destroy the programs and
//! all User data and to confirm it, and the AppID's Users are told.

use einv_core::notice::NotificationKind;
use einv_store::{LicenceRecord, Recipient};

use serde_json::json;

use crate::error::ServiceResult;
use crate::services::{AuditEntry, Platform};

impl Platform {
    /// Runs R11 for a licence that just ended.
    pub(super) async fn end_licence(&self, licence: &LicenceRecord) -> ServiceResult<()> {
        let now = self.clock.now();
        let why = licence.state.name();
        if let Some(app_id) = &licence.app_id {
            self.store.revoke_credentials(app_id, now).await?;
            // R11: the app's consents end with the licence, and its Users are told. Each voided
            // consent is audited like any other consent change (R6.4, hole 7).
            let reason = format!("licence ended ({why}): R11");
            let voided = self
                .store
                .void_consents_of_app(app_id, now, &reason)
                .await?;
            for user_id in voided {
                let entry = AuditEntry::event("system", "consent.voided")
                    .with_user(user_id)
                    .with_app(app_id)
                    .with_detail(json!({ "rule": "R11", "reason": reason }));
                self.audit(entry).await?;
            }
            let text = format!(
                "AppID {app_id} 的授權已終止（{why}）。開發者須刪除您的電子發票資料、載具資料與驗證碼。/ \
                 The licence of AppID {app_id} ended ({why}). Its developer must delete your e-invoice data, \
                 carrier data and verification codes (R11)."
            );
            for user_id in self.store.users_of_app(app_id).await? {
                self.store
                    .notify(
                        Recipient::User(user_id),
                        Some(licence.id),
                        NotificationKind::AppEnded,
                        "應用程式已終止 / App ended",
                        &text,
                        now,
                    )
                    .await?;
            }
        }
        self.tell_developer(
                licence,
                NotificationKind::LicenceEnded,
                "授權已終止：請銷毀資料並確認 / Licence ended: destroy the data and confirm",
                &format!(
                    "授權 #{id} 已終止（{why}）。請刪除程式及所有產品使用者資料、停止使用，並通知使用者，然後於開發者入口確認銷毀。/ \
                     Licence #{id} ended ({why}). Delete the programs and all User data (e-invoices, carrier data, \
                     verification codes, identifiable out-of-scope data), stop using them, tell your Users, then \
                     confirm the destruction in the developer portal (R11).",
                    id = licence.id
                ),
            )
            .await?;
        tracing::info!(
            licence.id = licence.id.get(),
            state = why,
            "licence ended: R11 notices sent, keys revoked"
        );
        Ok(())
    }
}
