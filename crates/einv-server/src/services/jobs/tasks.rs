//! What each background job does. Notices go out once per subject: the subject is marked in
//! `job_notices` first and unmarked if sending fails, so a later tick retries it.

use chrono::Duration;
use einv_core::audit::Retention;
use einv_core::licence::Renewal;
use einv_core::notice::NotificationKind;
use einv_store::Recipient;
use serde_json::json;

use super::Counts;
use crate::error::ServiceResult;
use crate::services::licensing::LIVE_STATES;
use crate::services::{AuditEntry, Platform};

/// How far back the consent-lapse job looks: a node down for less than this misses no lapse,
/// and the query stays a bounded range scan however old the data set grows.
const LAPSE_LOOKBACK_DAYS: i64 = 31;

/// How long the refused-call counts (R4.6) are kept: the developer's page shows the last 30
/// days; reviewers may look back a little further.
const THROTTLED_KEPT_DAYS: i64 = 90;

/// Gauge of requests past their due day and not completed: the deletion "queue" operators watch.
const OVERDUE_REQUESTS: &str = "einv_deletion_requests_overdue";

impl Platform {
    /// R4.6: deletes the per-AppID refused-call counts older than [`THROTTLED_KEPT_DAYS`].
    pub(super) async fn job_throttled_retention(&self) -> ServiceResult<Counts> {
        let before = self.clock.now() - Duration::days(THROTTLED_KEPT_DAYS);
        let purged = self.store.purge_throttled(before).await?;
        Ok(Counts::from([("purged", purged)]))
    }

    pub(super) async fn job_licence_sweep(&self) -> ServiceResult<Counts> {
        let changed = self.sweep_licences().await?;
        Ok(Counts::from([("changed", changed as u64)]))
    }

    /// R4.7b: a licence whose renewal window is open and has no renewal filed gets one notice
    /// per term (legacy licences have their own deadline, R4.7d, and are told at publication).
    pub(super) async fn job_renewal_notices(&self) -> ServiceResult<Counts> {
        let now = self.clock.now();
        let mut notified = 0;
        for licence in self.store.licences_in_states(&LIVE_STATES).await? {
            let Some(term) = licence.state.coverage().and_then(|c| c.term()) else {
                continue;
            };
            if licence.state.renewal() != Renewal::None || !term.in_renewal_window(now) {
                continue;
            }
            let closes = term.renewal_window().1;
            let subject = format!("licence:{}:{}", licence.id, term.last_day());
            let title = "授權即將屆期：請申請重行審核 / Licence term ending: apply for renewal";
            let body = format!(
                "授權 #{id} 將於 {last} 屆期；請於 {closes} 前申請重行審核（R4.7b）。/ \
                 Licence #{id} ends after {last}; file its renewal before {closes} (R4.7b).",
                id = licence.id,
                last = term.last_day(),
                closes = einv_core::clock::taipei_date(closes),
            );
            let send = self.store.notify(
                Recipient::Developer(licence.developer_id),
                Some(licence.id),
                NotificationKind::RenewalWindow,
                title,
                &body,
                now,
            );
            if self.notice_once("renewal-window", &subject, send).await? {
                notified += 1;
            }
        }
        Ok(Counts::from([("notified", notified)]))
    }

    /// R5.6: a consent that lapsed without a renewal is told to its User once (the grant
    /// already stopped the data at the lapse instant; this is the notice and the record).
    pub(super) async fn job_consent_lapse(&self) -> ServiceResult<Counts> {
        let now = self.clock.now();
        let since = now - Duration::days(LAPSE_LOOKBACK_DAYS);
        let mut lapsed = 0;
        for grant in self.store.lapsed_consent_grants(since, now).await? {
            let subject = format!("grant:{}", grant.grant_id);
            let text = format!(
                "您對 {app} 的授權已於 {at} 屆滿六個月失效；如要繼續使用，請重新同意（R5.6）。/ \
                 Your consent to {app} lapsed on {at} after six months; consent again to keep using it (R5.6).",
                app = grant.app_id,
                at = einv_core::clock::taipei_date(grant.lapsed_at),
            );
            let send = async {
                self.store
                    .notify(
                        Recipient::User(grant.user_id),
                        None,
                        NotificationKind::ConsentLapsed,
                        "同意已屆期 / Consent lapsed",
                        &text,
                        now,
                    )
                    .await?;
                let detail = json!({ "grant": grant.grant_id, "lapsed_at": grant.lapsed_at.timestamp(), "rule": "R5.6" });
                self.audit(
                    AuditEntry::event("system", "consent.lapsed")
                        .with_user(grant.user_id)
                        .with_app(grant.app_id.clone())
                        .with_detail(detail),
                )
                .await?;
                ServiceResult::Ok(())
            };
            if self.notice_once("consent-lapsed", &subject, send).await? {
                lapsed += 1;
            }
        }
        Ok(Counts::from([("lapsed", lapsed)]))
    }

    /// R5.2: each request past its due day and not reported completed is told to the app's
    /// Developer once and recorded; the number still overdue is a gauge.
    pub(super) async fn job_deletion_deadlines(&self) -> ServiceResult<Counts> {
        let now = self.clock.now();
        let overdue = self.store.overdue_deletion_requests(self.today()).await?;
        let mut notified = 0;
        for request in &overdue {
            let subject = format!("request:{}", request.id);
            let send = async {
                let detail = json!({ "request": request.id, "due": request.due_date.to_string(), "rule": "R5.2" });
                self.audit(
                    AuditEntry::event("system", "deletion.overdue")
                        .with_app(request.app_id.clone())
                        .with_detail(detail),
                )
                .await?;
                // An app stored without a licence (demo, tests) has no Developer to tell.
                if let Some(licence) = self.store.find_licence_by_app(&request.app_id).await? {
                    self.store
                        .notify(
                            Recipient::Developer(licence.developer_id),
                            Some(licence.id),
                            NotificationKind::RequestOverdue,
                            "使用者請求逾期 / A User's request is overdue",
                            &overdue_text(request),
                            now,
                        )
                        .await?;
                }
                ServiceResult::Ok(())
            };
            if self.notice_once("request-overdue", &subject, send).await? {
                notified += 1;
            }
        }
        // Precision loss above 2^52 requests is irrelevant for a gauge.
        #[allow(clippy::cast_precision_loss)]
        metrics::gauge!(OVERDUE_REQUESTS).set(overdue.len() as f64);
        Ok(Counts::from([
            ("overdue", overdue.len() as u64),
            ("notified", notified),
        ]))
    }

    pub(super) async fn job_audit_checkpoint(&self) -> ServiceResult<Counts> {
        self.audit_checkpoint().await?;
        Ok(Counts::from([("checkpoints", 1)]))
    }

    /// R5.3: purges what is older than the retention period; never less than six months
    /// (the `Retention` type cannot hold less).
    pub(super) async fn job_audit_retention(&self, retention: Retention) -> ServiceResult<Counts> {
        let before = retention.earliest_kept(self.today());
        let outcome = self.purge_audit(before, retention).await?;
        Ok(Counts::from([("purged", outcome.purged)]))
    }

    /// Sends a notice about `subject` unless one was sent: `true` when this call sent it.
    async fn notice_once<T>(
        &self,
        kind: &str,
        subject: &str,
        send: impl std::future::Future<Output = Result<T, impl Into<crate::error::ServiceError>>>,
    ) -> ServiceResult<bool> {
        if !self
            .store
            .mark_notice(kind, subject, self.clock.now())
            .await?
        {
            return Ok(false);
        }
        if let Err(e) = send.await {
            self.store.unmark_notice(kind, subject).await?;
            return Err(e.into());
        }
        Ok(true)
    }
}

fn overdue_text(request: &einv_store::DeletionRequestRecord) -> String {
    format!(
        "使用者請求 #{id}（{kind}）已逾處理期限 {due}；請盡速完成並回報（R5.2）。/ \
         User request #{id} ({kind}) was due by {due}; complete it and report it done (R5.2).",
        id = request.id,
        kind = request.kind.as_str(),
        due = request.due_date,
    )
}
