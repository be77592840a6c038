//! The review loop (R4.2) and the reviewer's tools: what each resubmission changed, replaced
//! documents, assignment of a licence to a reviewer, and the searchable queue.

use chrono::{DateTime, Utc};
use einv_core::licence::LicenceStateKind;
use einv_core::{ApplicationId, LicenceId, ReviewerId};
use sqlx::Row;

use super::licences::licence_from_row;
use crate::query::{placeholders, Records};
use crate::records::from_unix;
use crate::{LicenceRecord, Store, StoreResult};

/// A stored resubmission: what changed, as the JSON the service wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RevisionRecord {
    /// Row ID.
    pub id: i64,
    /// The licence.
    pub licence_id: LicenceId,
    /// When it was resubmitted.
    pub at: DateTime<Utc>,
    /// The changes, JSON.
    pub changes: String,
}

/// A reviewer, as others see them (no password hash).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReviewerName {
    /// Row ID.
    pub id: ReviewerId,
    /// Name.
    pub name: String,
    /// E-mail.
    pub email: String,
}

/// What the reviewer's list is narrowed to. Empty strings and `None` mean "any".
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LicenceSearch {
    /// Licence state names (`applied`, `active` …); empty: every state.
    pub states: Vec<LicenceStateKind>,
    /// Words in the developer's name, the product name or the AppID.
    pub text: String,
    /// A service the application asks for.
    pub service: String,
    /// Last changed at or after.
    pub from: Option<DateTime<Utc>>,
    /// Last changed before.
    pub until: Option<DateTime<Utc>>,
    /// Assigned to this reviewer.
    pub assignee: Option<ReviewerId>,
}

/// One row of the reviewer's list: the licence with the names a person reads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LicenceListing {
    /// The licence (not settled: the list shows it as stored).
    pub licence: LicenceRecord,
    /// The product's name.
    pub product_name: String,
    /// The developer's name.
    pub developer_name: String,
    /// The services asked for.
    pub services: Vec<String>,
    /// When the application was filed.
    pub filed_at: DateTime<Utc>,
    /// The reviewer it is assigned to.
    pub assignee: Option<ReviewerName>,
}

/// `text` as a LIKE pattern that matches it anywhere, its wildcards taken literally.
fn contains_pattern(text: &str) -> String {
    let escaped = text
        .to_lowercase()
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_");
    format!("%{escaped}%")
}

impl Store {
    /// Records what a resubmission changed (append-only).
    pub async fn record_revision(
        &self,
        licence_id: LicenceId,
        at: DateTime<Utc>,
        changes: &str,
    ) -> StoreResult<i64> {
        Ok(sqlx::query_scalar(
            "INSERT INTO application_revisions (licence_id, at, changes) VALUES ($1, $2, $3) RETURNING id",
        )
        .bind(licence_id.get())
        .bind(at.timestamp())
        .bind(changes)
        .fetch_one(self.pool())
        .await?)
    }

    /// A licence's resubmissions, oldest first.
    pub async fn revisions_of(&self, licence_id: LicenceId) -> StoreResult<Vec<RevisionRecord>> {
        let sql = "SELECT id, licence_id, at, changes FROM application_revisions WHERE licence_id = $1 ORDER BY id";
        let query = sqlx::query(sql).bind(licence_id.get());
        self.fetch_each(query, |r| {
            Ok(RevisionRecord {
                id: r.try_get("id")?,
                licence_id: LicenceId::new(r.try_get("licence_id")?),
                at: from_unix(r.try_get("at")?),
                changes: r.try_get("changes")?,
            })
        })
        .await
    }

    /// Marks document `old` of `application_id` as replaced by `new`; false when `old` is not
    /// that application's current document.
    pub async fn replace_document(
        &self,
        application_id: ApplicationId,
        old: i64,
        new: i64,
    ) -> StoreResult<bool> {
        let sql = "UPDATE application_documents SET replaced_by = $1 \
                   WHERE id = $2 AND application_id = $3 AND replaced_by IS NULL";
        let query = sqlx::query(sql)
            .bind(new)
            .bind(old)
            .bind(application_id.get());
        self.changed_one(query).await
    }

    /// Assigns licence `licence_id` to reviewer `reviewer_id` (replacing any assignment).
    pub async fn assign_licence(
        &self,
        licence_id: LicenceId,
        reviewer_id: ReviewerId,
        at: DateTime<Utc>,
    ) -> StoreResult<()> {
        let sql = "INSERT INTO licence_assignments (licence_id, reviewer_id, assigned_at) VALUES ($1, $2, $3) \
                   ON CONFLICT (licence_id) DO UPDATE SET reviewer_id = excluded.reviewer_id, \
                   assigned_at = excluded.assigned_at";
        let query = sqlx::query(sql)
            .bind(licence_id.get())
            .bind(reviewer_id.get())
            .bind(at.timestamp());
        self.run(query).await
    }

    /// The reviewer licence `licence_id` is assigned to, if any.
    pub async fn assignee_of(&self, licence_id: LicenceId) -> StoreResult<Option<ReviewerName>> {
        let sql = "SELECT r.id, r.name, r.email FROM licence_assignments la \
                   JOIN reviewers r ON r.id = la.reviewer_id WHERE la.licence_id = $1";
        let query = sqlx::query(sql).bind(licence_id.get());
        self.fetch_opt(query, reviewer_from_row).await
    }

    /// Every reviewer, by name.
    pub async fn reviewer_names(&self) -> StoreResult<Vec<ReviewerName>> {
        self.records_where(&REVIEWERS, "ORDER BY name, id", ())
            .await
    }

    /// The licences matching `search`, most recently changed first.
    pub async fn search_licences(
        &self,
        search: &LicenceSearch,
    ) -> StoreResult<Vec<LicenceListing>> {
        // The state list is the only part of variable length: its placeholders are numbered
        // after the fixed ones.
        let state_clause = if search.states.is_empty() {
            String::new()
        } else {
            format!(" AND l.state IN ({})", placeholders(7, search.states.len()))
        };
        let sql = format!(
            "SELECT l.id, l.application_id, l.developer_id, l.app_id, l.state_json, l.updated_at, \
             a.product_name, a.services, a.filed_at, d.name AS developer_name, \
             r.id AS reviewer_id, r.name AS reviewer_name, r.email AS reviewer_email \
             FROM licences l JOIN applications a ON a.id = l.application_id \
             JOIN developers d ON d.id = l.developer_id \
             LEFT JOIN licence_assignments la ON la.licence_id = l.id \
             LEFT JOIN reviewers r ON r.id = la.reviewer_id \
             WHERE ($1 = '%%' OR LOWER(d.name) LIKE $1 ESCAPE '\\' OR LOWER(a.product_name) LIKE $1 ESCAPE '\\' \
                    OR LOWER(COALESCE(l.app_id, '')) LIKE $1 ESCAPE '\\') \
             AND ($2 = '' OR (',' || a.services || ',') LIKE $3) \
             AND l.updated_at >= $4 AND l.updated_at < $5 \
             AND ($6 = 0 OR la.reviewer_id = $6){state_clause} \
             ORDER BY l.updated_at DESC, l.id DESC"
        );
        let mut query = sqlx::query(&sql)
            .bind(contains_pattern(search.text.trim()))
            .bind(search.service.clone())
            .bind(format!("%,{},%", search.service))
            .bind(search.from.map_or(i64::MIN, |t| t.timestamp()))
            .bind(search.until.map_or(i64::MAX, |t| t.timestamp()))
            .bind(search.assignee.map_or(0, ReviewerId::get));
        for s in &search.states {
            query = query.bind(s.as_str());
        }
        let rows = query.fetch_all(self.pool()).await?;
        rows.iter()
            .map(|r| {
                let services: String = r.try_get("services")?;
                let assignee = match r.try_get::<Option<i64>, _>("reviewer_id")? {
                    Some(id) => Some(ReviewerName {
                        id: ReviewerId::new(id),
                        name: r.try_get("reviewer_name")?,
                        email: r.try_get("reviewer_email")?,
                    }),
                    None => None,
                };
                Ok(LicenceListing {
                    licence: licence_from_row(r)?,
                    product_name: r.try_get("product_name")?,
                    developer_name: r.try_get("developer_name")?,
                    services: services
                        .split(',')
                        .filter(|s| !s.is_empty())
                        .map(str::to_owned)
                        .collect(),
                    filed_at: from_unix(r.try_get("filed_at")?),
                    assignee,
                })
            })
            .collect()
    }
}

const REVIEWERS: Records<ReviewerName> =
    Records::new("reviewers", "id, name, email", reviewer_from_row);

fn reviewer_from_row(r: &sqlx::any::AnyRow) -> StoreResult<ReviewerName> {
    Ok(ReviewerName {
        id: ReviewerId::new(r.try_get("id")?),
        name: r.try_get("name")?,
        email: r.try_get("email")?,
    })
}
