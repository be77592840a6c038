//! The Users' requests to stop using or delete their data (R5.2, R6.1), deregistration, notices
//! to Users, and bank accounts recorded through the blank pages.

use chrono::{DateTime, NaiveDate, Utc};
use einv_core::{AppId, DeletionRequestId, UserId};
use sqlx::any::AnyRow;
use sqlx::Row;

use crate::columns::parsed;
use crate::query::Records;
use crate::records::{date_from_key, date_key, from_unix};
use crate::{DeletionRequestRecord, RequestKind, Store, StoreError, StoreResult};

const REQUEST_COLUMNS: &str =
    "id, user_id, app_id, kind, created_at, due_date, acknowledged_at, completed_at";

/// Requests as [`DeletionRequestRecord`]s.
const REQUESTS: Records<DeletionRequestRecord> =
    Records::new("deletion_requests", REQUEST_COLUMNS, request_from_row);

fn request_from_row(r: &AnyRow) -> StoreResult<DeletionRequestRecord> {
    let kind: String = r.try_get("kind")?;
    let due: i64 = r.try_get("due_date")?;
    let corrupt = |column, problem: String| StoreError::Corrupt {
        table: "deletion_requests",
        column,
        problem,
    };
    Ok(DeletionRequestRecord {
        id: DeletionRequestId::new(r.try_get("id")?),
        user_id: UserId::new(r.try_get("user_id")?),
        app_id: parsed(r, "deletion_requests", "app_id")?,
        kind: RequestKind::parse(&kind).ok_or_else(|| corrupt("kind", kind.clone()))?,
        created_at: from_unix(r.try_get("created_at")?),
        due_date: date_from_key(due).ok_or_else(|| corrupt("due_date", due.to_string()))?,
        acknowledged_at: r
            .try_get::<Option<i64>, _>("acknowledged_at")?
            .map(from_unix),
        completed_at: r.try_get::<Option<i64>, _>("completed_at")?.map(from_unix),
    })
}

impl Store {
    /// Records a User's request to `app_id`, due on Taipei day `due`. While the same User has
    /// the same kind of request to the same app open, another is
    /// [`StoreError::AlreadyExists`] (migration 0125's unique index: two filed at the same
    /// instant cannot both be stored).
    pub async fn create_deletion_request(
        &self,
        user_id: UserId,
        app_id: &AppId,
        kind: RequestKind,
        at: DateTime<Utc>,
        due: NaiveDate,
    ) -> StoreResult<DeletionRequestRecord> {
        let sql = format!(
            "INSERT INTO deletion_requests (user_id, app_id, kind, created_at, due_date) \
             VALUES ($1, $2, $3, $4, $5) RETURNING {REQUEST_COLUMNS}"
        );
        let query = sqlx::query(&sql)
            .bind(user_id.get())
            .bind(app_id.as_str())
            .bind(kind.as_str())
            .bind(at.timestamp())
            .bind(date_key(due));
        self.insert_returning(query, "deletion request", request_from_row)
            .await
    }

    /// The User's open request of `kind` to `app_id`, if one (the earliest, when a database
    /// from before migration 0125 holds copies).
    pub async fn open_deletion_request(
        &self,
        user_id: UserId,
        app_id: &AppId,
        kind: RequestKind,
    ) -> StoreResult<Option<DeletionRequestRecord>> {
        let filter = "WHERE user_id = $1 AND app_id = $2 AND kind = $3 AND completed_at IS NULL \
                      ORDER BY id LIMIT 1";
        let key = (user_id.get(), app_id.as_str(), kind.as_str());
        self.record_where(&REQUESTS, filter, key).await
    }

    /// A User's requests, newest first.
    pub async fn deletion_requests_of_user(
        &self,
        user_id: UserId,
    ) -> StoreResult<Vec<DeletionRequestRecord>> {
        let filter = "WHERE user_id = $1 ORDER BY created_at DESC, id DESC";
        self.records_where(&REQUESTS, filter, user_id.get()).await
    }

    /// Every request not reported completed whose due day is before `today` (R5.2), oldest
    /// due first: what the deadline job reports.
    pub async fn overdue_deletion_requests(
        &self,
        today: NaiveDate,
    ) -> StoreResult<Vec<DeletionRequestRecord>> {
        let filter = "WHERE completed_at IS NULL AND due_date < $1 ORDER BY due_date, id";
        self.records_where(&REQUESTS, filter, date_key(today)).await
    }

    /// The requests addressed to `app_id`, oldest first; completed ones only if asked.
    pub async fn deletion_requests_of_app(
        &self,
        app_id: &AppId,
        include_completed: bool,
    ) -> StoreResult<Vec<DeletionRequestRecord>> {
        let filter = if include_completed {
            "WHERE app_id = $1 ORDER BY created_at, id"
        } else {
            "WHERE app_id = $1 AND completed_at IS NULL ORDER BY created_at, id"
        };
        self.records_where(&REQUESTS, filter, app_id.as_str()).await
    }

    /// The developer of `app_id` acknowledges (or, with `complete`, reports done) request `id`.
    /// Returns the request, or `None` when it is not addressed to that app.
    pub async fn progress_deletion_request(
        &self,
        id: DeletionRequestId,
        app_id: &AppId,
        complete: bool,
        at: DateTime<Utc>,
    ) -> StoreResult<Option<DeletionRequestRecord>> {
        // Completing implies acknowledging; neither time is ever moved once set.
        let set = if complete {
            "acknowledged_at = COALESCE(acknowledged_at, $1), completed_at = COALESCE(completed_at, $1)"
        } else {
            "acknowledged_at = COALESCE(acknowledged_at, $1)"
        };
        let sql = format!(
            "UPDATE deletion_requests SET {set} WHERE id = $2 AND app_id = $3 RETURNING {REQUEST_COLUMNS}"
        );
        let query = sqlx::query(&sql)
            .bind(at.timestamp())
            .bind(id.get())
            .bind(app_id.as_str());
        self.fetch_opt(query, request_from_row).await
    }

    /// Marks a User deregistered at `at`. Returns whether they were registered.
    pub async fn deregister_user(&self, user_id: UserId, at: DateTime<Utc>) -> StoreResult<bool> {
        let sql = "UPDATE users SET deregistered_at = $1 WHERE id = $2 AND deregistered_at IS NULL";
        let query = sqlx::query(sql).bind(at.timestamp()).bind(user_id.get());
        self.changed_one(query).await
    }

    /// Records (or replaces) the bank account a User gave for prize transfers.
    pub async fn record_bank_account(
        &self,
        user_id: UserId,
        bank_code: &str,
        account_no: &str,
        at: DateTime<Utc>,
    ) -> StoreResult<()> {
        let sql = "INSERT INTO user_bank_accounts (user_id, bank_code, account_no, recorded_at) VALUES ($1, $2, $3, $4) \
                   ON CONFLICT (user_id) DO UPDATE SET bank_code = $2, account_no = $3, recorded_at = $4";
        let query = sqlx::query(sql)
            .bind(user_id.get())
            .bind(bank_code)
            .bind(account_no)
            .bind(at.timestamp());
        self.run(query).await
    }
}
