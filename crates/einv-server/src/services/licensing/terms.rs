//! Terms versions (R4.3), announcements (R4.6, R4.8, R4.9) and notifications (R4.9).

use chrono::{DateTime, NaiveDate, Utc};
use einv_core::clock::end_of_taipei_day;
use einv_core::notice::{AnnouncementKind, NotificationKind};
use einv_core::InvalidValue;
use einv_store::{Announcement, Notification, Recipient, TermsVersion};

use super::accounts::text;
use crate::error::{ServiceError, ServiceResult};
use crate::services::Platform;

impl Platform {
    /// The newest terms version: the one applying accepts (R4.3).
    pub async fn current_terms(&self) -> ServiceResult<TermsVersion> {
        let all = self.store.list_terms().await?;
        all.into_iter()
            .next()
            .ok_or(ServiceError::not_found("terms version"))
    }

    /// The full text of a terms version (R4.3, R9).
    pub async fn terms_text(&self, version: &str) -> ServiceResult<String> {
        self.store
            .terms_text(version)
            .await?
            .ok_or(ServiceError::not_found("terms version"))
    }

    /// Every terms version, newest first.
    pub async fn terms_versions(&self) -> ServiceResult<Vec<TermsVersion>> {
        Ok(self.store.list_terms().await?)
    }

    /// Publishes a terms version: every Developer who keeps using the API must accept it by
    /// the end of `deadline` (Taipei) or stop (R4.3). Developers are notified and the version
    /// is announced publicly.
    pub async fn publish_terms(
        &self,
        version: &str,
        summary: &str,
        full_text: &str,
        deadline: NaiveDate,
    ) -> ServiceResult<TermsVersion> {
        let now = self.clock.now();
        let version = text("version", version, 50)?;
        // R4.3, R9: what is accepted is the whole text, stored with its version.
        let full_text = text("text", full_text, 200_000)?;
        if deadline < self.today() {
            return Err(InvalidValue::new("deadline", format!("{deadline} has passed")).into());
        }
        let terms = TermsVersion {
            version: version.to_owned(),
            summary: if summary.trim().is_empty() {
                format!("Terms version {version}")
            } else {
                summary.trim().to_owned()
            },
            published_at: now,
            deadline: end_of_taipei_day(deadline),
        };
        self.store.publish_terms(&terms, full_text).await?;
        let body = format!(
            "新版使用規範 {version} 已發布，請於 {deadline} 前接受，逾期未接受者將停止提供 API。/ Terms {version} are published; accept them by {deadline} or the API stops for your apps (R4.3).\n{}",
            terms.summary
        );
        for developer in self.store.list_developers().await? {
            self.store
                .notify(
                    Recipient::Developer(developer.id),
                    None,
                    NotificationKind::Terms,
                    "新版使用規範 / New terms",
                    &body,
                    now,
                )
                .await?;
        }
        self.announce(
            AnnouncementKind::Terms,
            &format!("使用規範 {version} / Terms {version}"),
            &body,
            now,
            Some(terms.deadline),
        )
        .await?;
        Ok(terms)
    }

    /// Records that a Developer accepts a terms version (R4.3).
    pub async fn accept_terms(&self, developer_id: i64, version: &str) -> ServiceResult<()> {
        if !self
            .store
            .list_terms()
            .await?
            .iter()
            .any(|t| t.version == version)
        {
            return Err(ServiceError::not_found("terms version"));
        }
        Ok(self
            .store
            .accept_terms(developer_id, version, self.clock.now())
            .await?)
    }

    /// The versions a Developer accepted, with when.
    pub async fn terms_accepted(
        &self,
        developer_id: i64,
    ) -> ServiceResult<Vec<(String, DateTime<Utc>)>> {
        Ok(self.store.terms_accepted_by(developer_id).await?)
    }

    /// Publishes an announcement (R4.6 limits, R4.8 outages and maintenance, R4.9 changes).
    pub async fn announce(
        &self,
        kind: AnnouncementKind,
        title: &str,
        body: &str,
        starts_at: DateTime<Utc>,
        ends_at: Option<DateTime<Utc>>,
    ) -> ServiceResult<i64> {
        if ends_at.is_some_and(|end| end < starts_at) {
            return Err(InvalidValue::new("ends", "ends before it starts").into());
        }
        let a = Announcement {
            id: 0,
            kind,
            title: text("title", title, 200)?.to_owned(),
            body: body.trim().to_owned(),
            starts_at,
            ends_at,
            published_at: self.clock.now(),
        };
        Ok(self.store.add_announcement(&a).await?)
    }

    /// The latest announcements.
    pub async fn announcements(&self) -> ServiceResult<Vec<Announcement>> {
        Ok(self.store.list_announcements(100).await?)
    }

    /// A Developer's notifications, newest first.
    pub async fn developer_notifications(
        &self,
        developer_id: i64,
    ) -> ServiceResult<Vec<Notification>> {
        Ok(self
            .store
            .notifications_of(Recipient::Developer(developer_id))
            .await?)
    }

    /// Marks one of the Developer's notifications read (the read receipt, R4.9).
    pub async fn mark_read(&self, developer_id: i64, notification_id: i64) -> ServiceResult<()> {
        if self
            .store
            .mark_notification_read(
                Recipient::Developer(developer_id),
                notification_id,
                self.clock.now(),
            )
            .await?
        {
            Ok(())
        } else {
            Err(ServiceError::not_found("notification"))
        }
    }
}
