//! A reviewer gives one licence's AppID its own limit, or lifts it (R4.6), announced with
//! the time it takes effect (R4.9): on the public limits page and `GET /api/v2/limits`, to the
//! Developer as a notification, in the audit trail. What the developer and the reviewer see
//! of it, with the calls refused.

use chrono::{DateTime, Duration, Utc};
use einv_core::flow::RateLimit;
use einv_core::notice::NotificationKind;
use einv_core::{AppId, LicenceId, ReviewerId};
use einv_core::{InvalidValue, Service};
use einv_store::FlowLimitChangeRecord;
use serde::Serialize;

use crate::error::{ServiceError, ServiceResult};
use crate::services::{AuditEntry, Platform};

/// How far ahead a change may be announced.
const MAX_NOTICE_DAYS: i64 = 366;
/// Longest reason kept.
const MAX_REASON: usize = 500;

/// One announced change, as the public sees it: the AppID, the limit, when it applies.
#[derive(Debug, Clone, Serialize)]
pub struct LimitAnnouncement {
    /// The AppID.
    #[serde(rename = "appId")]
    pub app_id: AppId,
    /// The service whose calls it limits; absent: all the AppID's calls.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub service: Option<Service>,
    /// Its limit from then on; `null`: the default per-AppID limit again.
    pub limit: Option<RateLimit>,
    /// When it applies (RFC 3339).
    #[serde(rename = "effectiveAt")]
    pub effective_at: DateTime<Utc>,
    /// When it was announced (RFC 3339).
    #[serde(rename = "announcedAt")]
    pub announced_at: DateTime<Utc>,
}

/// One AppID's limits and refusals, for its developer's licence page and the reviewer.
#[derive(Debug, Clone)]
pub struct AppLimitView {
    /// The AppID.
    pub app_id: AppId,
    /// The per-AppID limit in force now.
    pub in_force: RateLimit,
    /// Whether that is the AppID's own (else the default).
    pub own: bool,
    /// The limits in force over single services' calls (its own or the configured default).
    pub services: Vec<(Service, RateLimit)>,
    /// The changes announced for it, newest first, with the reviewer's reasons.
    pub changes: Vec<FlowLimitChangeRecord>,
    /// Calls refused over the last 24 hours and the last 30 days.
    pub refused_day: i64,
    /// Calls refused over the last 30 days.
    pub refused_month: i64,
}

impl Platform {
    /// R4.6, R4.9: reviewer `reviewer_id` sets licence `licence_id`'s AppID limit (or lifts it
    /// with `None`) from `effective_at` (now when `None`; never in the past, as announcements
    /// are not rewritten). Audited; the Developer is notified; every node applies it within
    /// the check interval of its effective time.
    pub async fn set_app_limit(
        &self,
        reviewer_id: ReviewerId,
        licence_id: LicenceId,
        limit: Option<RateLimit>,
        effective_at: Option<DateTime<Utc>>,
        reason: &str,
    ) -> ServiceResult<i64> {
        self.set_app_service_limit(reviewer_id, licence_id, None, limit, effective_at, reason)
            .await
    }

    /// R4.6 "per AppID per service where useful": as [`Platform::set_app_limit`], for the
    /// AppID's calls of `service` only (`None`: all its calls). Lifting a service's own limit
    /// leaves the configured default of that service, if any.
    pub async fn set_app_service_limit(
        &self,
        reviewer_id: ReviewerId,
        licence_id: LicenceId,
        service: Option<Service>,
        limit: Option<RateLimit>,
        effective_at: Option<DateTime<Utc>>,
        reason: &str,
    ) -> ServiceResult<i64> {
        let licence = self.licence(licence_id).await?;
        let app_id = licence
            .app_id
            .clone()
            .ok_or_else(|| ServiceError::Refused {
                rule: "R4.6",
                reason: "this licence has no AppID yet: limits are set per AppID".into(),
            })?;
        let now = self.clock.now();
        let effective_at = effective_at.unwrap_or(now);
        if effective_at < now - Duration::minutes(1) {
            return Err(InvalidValue::new("effective", "must not be in the past").into());
        }
        if effective_at > now + Duration::days(MAX_NOTICE_DAYS) {
            return Err(InvalidValue::new("effective", "at most a year ahead").into());
        }
        let reason = reason.trim();
        if reason.is_empty() || reason.chars().count() > MAX_REASON {
            return Err(InvalidValue::new(
                "reason",
                format!("say why, in at most {MAX_REASON} characters"),
            )
            .into());
        }
        let actor = format!("reviewer:{reviewer_id}");
        let record = FlowLimitChangeRecord {
            id: 0,
            app_id: app_id.clone(),
            service: service.map(|s| s.as_str().to_owned()),
            licence_id,
            limit: limit.map(|l| {
                (
                    i64::from(l.calls),
                    i64::try_from(l.window_secs).unwrap_or(i64::MAX),
                    i64::from(l.burst),
                )
            }),
            effective_at,
            actor: actor.clone(),
            reason: reason.to_owned(),
            created_at: now,
        };
        let id = self.store.add_flow_limit_change(&record).await?;
        let shown = limit.map_or_else(|| "the default".to_owned(), |l| describe(&l));
        let calls_of = service.map_or_else(String::new, |s| format!(" for the service {s}"));
        self.audit(
            AuditEntry::event(actor, "flow.limit.set")
                .with_app(&app_id)
                .with_detail(serde_json::json!({
                    "licence": licence_id,
                    "service": service,
                    "limit": limit,
                    "effectiveAt": effective_at.to_rfc3339(),
                    "reason": reason,
                })),
        )
        .await?;
        self.tell_developer(
            &licence,
            NotificationKind::Limits,
            &format!("Flow-control limit of {app_id} changes"),
            &format!(
                "From {} the per-AppID limit of {app_id}{calls_of} is {shown} (R4.6). Reason: {reason}",
                effective_at.to_rfc3339()
            ),
        )
        .await?;
        self.flow.book.refresh(&self.store, now, true).await?;
        tracing::info!(licence.id = licence_id.get(), app.id = %app_id, service = ?service, limit = %shown, effective_at = %effective_at, "flow limit set");
        Ok(id)
    }

    /// The announced per-AppID changes, newest first (public: AppID, limit, times).
    pub async fn limit_announcements(&self) -> ServiceResult<Vec<LimitAnnouncement>> {
        let mut changes = self.store.flow_limit_changes().await?;
        changes.reverse();
        Ok(changes
            .iter()
            .filter_map(|r| {
                let change = super::book::to_change(r)?;
                Some(LimitAnnouncement {
                    app_id: r.app_id.clone(),
                    service: change.service,
                    limit: change.limit,
                    effective_at: r.effective_at,
                    announced_at: r.created_at,
                })
            })
            .collect())
    }

    /// One AppID's limits and refusals (the caller has checked who may see it).
    pub async fn app_limit_view(&self, app_id: &AppId) -> ServiceResult<AppLimitView> {
        self.flush_throttled().await?;
        let now = self.clock.now();
        let in_force = self
            .app_limit(app_id.as_str(), None)
            .await?
            .unwrap_or(self.flow.limits.per_app);
        let own = self
            .flow
            .book
            .own_limit(app_id.as_str(), None, now.timestamp())
            .is_some();
        let mut services = Vec::new();
        for service in Service::ALL {
            if let Some(limit) = self.app_limit(app_id.as_str(), Some(service)).await? {
                services.push((service, limit));
            }
        }
        let mut changes: Vec<_> = self
            .store
            .flow_limit_changes()
            .await?
            .into_iter()
            .filter(|c| c.app_id == *app_id)
            .collect();
        changes.reverse();
        let refused = |rows: Vec<(AppId, i64)>| rows.first().map_or(0, |(_, n)| *n);
        let day = self
            .store
            .throttled_since(now - Duration::hours(24), Some(app_id))
            .await?;
        let month = self
            .store
            .throttled_since(now - Duration::days(30), Some(app_id))
            .await?;
        Ok(AppLimitView {
            app_id: app_id.clone(),
            in_force,
            own,
            services,
            changes,
            refused_day: refused(day),
            refused_month: refused(month),
        })
    }

    /// Calls refused per AppID over the last 24 hours, most refused first (reviewer).
    pub async fn throttled_today(&self) -> ServiceResult<Vec<(AppId, i64)>> {
        self.flush_throttled().await?;
        let since = self.clock.now() - Duration::hours(24);
        Ok(self.store.throttled_since(since, None).await?)
    }
}

/// `600 calls per 60 s (bursts of 50)`.
pub fn describe(limit: &RateLimit) -> String {
    if limit.burst == limit.calls {
        format!("{} calls per {} s", limit.calls, limit.window_secs)
    } else {
        format!(
            "{} calls per {} s (bursts of {})",
            limit.calls, limit.window_secs, limit.burst
        )
    }
}
