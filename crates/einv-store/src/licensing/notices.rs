//! What the Center tells Developers and Users, and what Developers tell the Center: terms
//! versions and acceptances (R4.3), announcements (R4.6, R4.8, R4.9), notifications with read
//! receipts (R4.9, R11), research submissions (R5.10), change notices (R5.11) and
//! destruction confirmations (R11).

use chrono::{DateTime, Utc};
use einv_core::{AppId, DeveloperId, LicenceId, UserId};
use sqlx::any::AnyRow;
use sqlx::Row;

use crate::columns::parsed;
use crate::query::Records;
use crate::records::from_unix;
use crate::{Announcement, LicenceNote, Notification, Recipient, Store, StoreResult, TermsVersion};
use einv_core::notice::NotificationKind;

fn terms_from_row(r: &AnyRow) -> StoreResult<TermsVersion> {
    Ok(TermsVersion {
        version: r.try_get("version")?,
        summary: r.try_get("summary")?,
        published_at: from_unix(r.try_get("published_at")?),
        deadline: from_unix(r.try_get("deadline")?),
    })
}

fn note_from_row(r: &AnyRow) -> StoreResult<LicenceNote> {
    Ok(LicenceNote {
        id: r.try_get("id")?,
        licence_id: LicenceId::new(r.try_get("licence_id")?),
        title: r.try_get("title")?,
        body: r.try_get("body")?,
        at: from_unix(r.try_get("at")?),
    })
}

fn announcement_from_row(r: &AnyRow) -> StoreResult<Announcement> {
    Ok(Announcement {
        id: r.try_get("id")?,
        kind: parsed(r, "announcements", "kind")?,
        title: r.try_get("title")?,
        body: r.try_get("body")?,
        starts_at: from_unix(r.try_get("starts_at")?),
        ends_at: r.try_get::<Option<i64>, _>("ends_at")?.map(from_unix),
        published_at: from_unix(r.try_get("published_at")?),
    })
}

fn notification_from_row(r: &AnyRow) -> StoreResult<Notification> {
    Ok(Notification {
        id: r.try_get("id")?,
        licence_id: r
            .try_get::<Option<i64>, _>("licence_id")?
            .map(LicenceId::new),
        kind: parsed(r, "notifications", "kind")?,
        title: r.try_get("title")?,
        body: r.try_get("body")?,
        created_at: from_unix(r.try_get("created_at")?),
        read_at: r.try_get::<Option<i64>, _>("read_at")?.map(from_unix),
    })
}

fn acceptance_from_row(r: &AnyRow) -> StoreResult<(String, DateTime<Utc>)> {
    Ok((r.try_get("version")?, from_unix(r.try_get("accepted_at")?)))
}

/// Terms versions, without their full text (the per-call terms check never reads it).
const TERMS: Records<TermsVersion> = Records::new(
    "terms_versions",
    "version, summary, published_at, deadline",
    terms_from_row,
);

/// A Developer's acceptances: the version and when.
const ACCEPTANCES: Records<(String, DateTime<Utc>)> = Records::new(
    "terms_acceptances",
    "version, accepted_at",
    acceptance_from_row,
);

const ANNOUNCEMENTS: Records<Announcement> = Records::new(
    "announcements",
    "id, kind, title, body, starts_at, ends_at, published_at",
    announcement_from_row,
);

const NOTIFICATIONS: Records<Notification> = Records::new(
    "notifications",
    "id, licence_id, kind, title, body, created_at, read_at",
    notification_from_row,
);

/// Research submissions (R5.10), change notices (R5.11) and destruction confirmations (R11),
/// each read as a [`LicenceNote`].
const RESEARCH: Records<LicenceNote> = Records::new(
    "research_submissions",
    "id, licence_id, title, body, submitted_at AS at",
    note_from_row,
);
const CHANGE_NOTICES: Records<LicenceNote> = Records::new(
    "change_notices",
    "id, licence_id, kind AS title, old_value || ' → ' || new_value AS body, noted_at AS at",
    note_from_row,
);
const DESTRUCTIONS: Records<LicenceNote> = Records::new(
    "destruction_confirmations",
    "id, licence_id, 'destruction' AS title, statement AS body, confirmed_at AS at",
    note_from_row,
);

impl Store {
    /// Publishes a terms version with its full text (R4.3, R9). A version already published is
    /// [`StoreError::AlreadyExists`]; the text never changes afterwards (a trigger refuses).
    pub async fn publish_terms(&self, t: &TermsVersion, full_text: &str) -> StoreResult<()> {
        let sql = "INSERT INTO terms_versions (version, summary, published_at, deadline, full_text) VALUES ($1, $2, $3, $4, $5)";
        let query = sqlx::query(sql)
            .bind(t.version.as_str())
            .bind(t.summary.as_str())
            .bind(t.published_at.timestamp())
            .bind(t.deadline.timestamp())
            .bind(full_text);
        self.run_unique(query, "this terms version").await
    }

    /// The full text of a terms version (R4.3, R9), if the version exists. Kept apart from
    /// [`TermsVersion`] so the per-call terms check never reads it.
    pub async fn terms_text(&self, version: &str) -> StoreResult<Option<String>> {
        let query = sqlx::query_scalar("SELECT full_text FROM terms_versions WHERE version = $1")
            .bind(version);
        self.scalar_opt(query).await
    }

    /// Every terms version, newest first.
    pub async fn list_terms(&self) -> StoreResult<Vec<TermsVersion>> {
        let newest_first = "ORDER BY published_at DESC, version DESC";
        self.records_where(&TERMS, newest_first, ()).await
    }

    /// Records that a Developer accepted a terms version (once; again is a no-op).
    pub async fn accept_terms(
        &self,
        developer_id: DeveloperId,
        version: &str,
        at: DateTime<Utc>,
    ) -> StoreResult<()> {
        let sql = "INSERT INTO terms_acceptances (developer_id, version, accepted_at) VALUES ($1, $2, $3) \
                   ON CONFLICT (developer_id, version) DO NOTHING";
        let query = sqlx::query(sql)
            .bind(developer_id.get())
            .bind(version)
            .bind(at.timestamp());
        self.run(query).await
    }

    /// The versions a Developer accepted, with when.
    pub async fn terms_accepted_by(
        &self,
        developer_id: DeveloperId,
    ) -> StoreResult<Vec<(String, DateTime<Utc>)>> {
        let filter = "WHERE developer_id = $1 ORDER BY accepted_at";
        self.records_where(&ACCEPTANCES, filter, developer_id.get())
            .await
    }

    /// Terms versions whose deadline is at or before `now` and that the Developer has not
    /// accepted (R4.3: such a Developer must stop).
    pub async fn overdue_terms(
        &self,
        developer_id: DeveloperId,
        now: DateTime<Utc>,
    ) -> StoreResult<Vec<TermsVersion>> {
        let overdue = "WHERE deadline <= $1 AND NOT EXISTS (SELECT 1 FROM terms_acceptances a \
                       WHERE a.version = terms_versions.version AND a.developer_id = $2) \
                       ORDER BY deadline";
        let key = (now.timestamp(), developer_id.get());
        self.records_where(&TERMS, overdue, key).await
    }

    /// Publishes an announcement; returns its ID.
    pub async fn add_announcement(&self, a: &Announcement) -> StoreResult<i64> {
        let insert = sqlx::query_scalar(
            "INSERT INTO announcements (kind, title, body, starts_at, ends_at, published_at) \
             VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
        )
        .bind(a.kind.as_str())
        .bind(a.title.as_str())
        .bind(a.body.as_str())
        .bind(a.starts_at.timestamp())
        .bind(a.ends_at.map(|t| t.timestamp()))
        .bind(a.published_at.timestamp());
        self.new_id(insert).await
    }

    /// Announcements, newest first.
    pub async fn list_announcements(&self, limit: i64) -> StoreResult<Vec<Announcement>> {
        let newest = "ORDER BY published_at DESC, id DESC LIMIT $1";
        self.records_where(&ANNOUNCEMENTS, newest, limit).await
    }

    /// Sends a notification; returns its ID.
    pub async fn notify(
        &self,
        to: Recipient,
        licence_id: Option<LicenceId>,
        kind: NotificationKind,
        title: &str,
        body: &str,
        at: DateTime<Utc>,
    ) -> StoreResult<i64> {
        let (role, id) = to.parts();
        let insert = sqlx::query_scalar(
            "INSERT INTO notifications (recipient_role, recipient_id, licence_id, kind, title, body, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
        )
        .bind(role)
        .bind(id)
        .bind(licence_id.map(LicenceId::get))
        .bind(kind.as_str())
        .bind(title)
        .bind(body)
        .bind(at.timestamp());
        self.new_id(insert).await
    }

    /// A recipient's notifications (a Developer's or a User's: one table holds both since
    /// migration 0010), newest first.
    pub async fn notifications_of(&self, to: Recipient) -> StoreResult<Vec<Notification>> {
        let newest = "WHERE recipient_role = $1 AND recipient_id = $2 ORDER BY id DESC";
        self.records_where(&NOTIFICATIONS, newest, to.parts()).await
    }

    /// Marks a notification read (its receipt), only for its own recipient. Returns whether
    /// it was that recipient's.
    pub async fn mark_notification_read(
        &self,
        to: Recipient,
        id: i64,
        at: DateTime<Utc>,
    ) -> StoreResult<bool> {
        let (role, rid) = to.parts();
        let sql = "UPDATE notifications SET read_at = COALESCE(read_at, $1) WHERE id = $2 \
                   AND recipient_role = $3 AND recipient_id = $4";
        let query = sqlx::query(sql)
            .bind(at.timestamp())
            .bind(id)
            .bind(role)
            .bind(rid);
        self.changed_one(query).await
    }

    /// Marks every unread notification of a recipient read.
    pub async fn mark_all_notifications_read(
        &self,
        to: Recipient,
        at: DateTime<Utc>,
    ) -> StoreResult<()> {
        let (role, id) = to.parts();
        let sql = "UPDATE notifications SET read_at = $1 \
                   WHERE recipient_role = $2 AND recipient_id = $3 AND read_at IS NULL";
        let query = sqlx::query(sql).bind(at.timestamp()).bind(role).bind(id);
        self.run(query).await
    }

    /// Records a research submission (R5.10).
    pub async fn add_research(
        &self,
        licence_id: LicenceId,
        title: &str,
        body: &str,
        at: DateTime<Utc>,
    ) -> StoreResult<i64> {
        let insert = sqlx::query_scalar("INSERT INTO research_submissions (licence_id, title, body, submitted_at) VALUES ($1, $2, $3, $4) RETURNING id")
            .bind(licence_id.get())
            .bind(title)
            .bind(body)
            .bind(at.timestamp());
        self.new_id(insert).await
    }

    /// Every research submission, newest first (for the Center).
    pub async fn list_research(&self) -> StoreResult<Vec<LicenceNote>> {
        self.records_where(&RESEARCH, "ORDER BY id DESC", ()).await
    }

    /// Records a change notice (R5.11): `kind` is `purpose` or `version`.
    pub async fn add_change_notice(
        &self,
        licence_id: LicenceId,
        kind: &str,
        old: &str,
        new: &str,
        at: DateTime<Utc>,
    ) -> StoreResult<i64> {
        let insert = sqlx::query_scalar(
            "INSERT INTO change_notices (licence_id, kind, old_value, new_value, noted_at) VALUES ($1, $2, $3, $4, $5) RETURNING id",
        )
        .bind(licence_id.get())
        .bind(kind)
        .bind(old)
        .bind(new)
        .bind(at.timestamp());
        self.new_id(insert).await
    }

    /// A licence's change notices, oldest first.
    pub async fn change_notices(&self, licence_id: LicenceId) -> StoreResult<Vec<LicenceNote>> {
        let oldest = "WHERE licence_id = $1 ORDER BY id";
        self.records_where(&CHANGE_NOTICES, oldest, licence_id.get())
            .await
    }

    /// Records the Developer's confirmation that programs and data were destroyed (R11).
    /// A second confirmation is [`StoreError::AlreadyExists`].
    pub async fn confirm_destruction(
        &self,
        licence_id: LicenceId,
        statement: &str,
        at: DateTime<Utc>,
    ) -> StoreResult<()> {
        let sql = "INSERT INTO destruction_confirmations (licence_id, statement, confirmed_at) VALUES ($1, $2, $3)";
        let query = sqlx::query(sql)
            .bind(licence_id.get())
            .bind(statement)
            .bind(at.timestamp());
        self.run_unique(query, "a destruction confirmation for this licence")
            .await
    }

    /// The destruction confirmation of a licence, if given.
    pub async fn destruction_of(&self, licence_id: LicenceId) -> StoreResult<Option<LicenceNote>> {
        let filter = "WHERE licence_id = $1";
        self.record_where(&DESTRUCTIONS, filter, licence_id.get())
            .await
    }
}

impl Store {
    /// The Users an AppID's end must be told about (R11): every User who ever gave it consent.
    pub async fn users_of_app(&self, app_id: &AppId) -> StoreResult<Vec<UserId>> {
        let users = sqlx::query_scalar::<_, i64>(
            "SELECT DISTINCT user_id FROM consent_grants WHERE app_id = $1 ORDER BY user_id",
        )
        .bind(app_id.as_str())
        .fetch_all(self.pool())
        .await?;
        Ok(users.into_iter().map(UserId::new).collect())
    }
}
