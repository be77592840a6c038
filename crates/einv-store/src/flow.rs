//! R4.6 flow control as data: the per-licence limit changes reviewers make (append-only, the
//! announcement and the history at once) and the calls refused per AppID and hour
//! (migration 0080).

use chrono::{DateTime, Utc};
use einv_core::{AppId, LicenceId};
use sqlx::Row;

use crate::columns::parsed;
use crate::records::from_unix;
use crate::{Store, StoreError, StoreResult};

/// One change of an AppID's own limit, as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FlowLimitChangeRecord {
    /// Its ID (the order changes were made in).
    pub id: i64,
    /// The AppID whose limit changes.
    pub app_id: AppId,
    /// The service (its R3.6 name) whose calls it limits; `None`: all the AppID's calls.
    pub service: Option<String>,
    /// The licence the AppID belongs to.
    pub licence_id: LicenceId,
    /// The new limit as (calls, window seconds, burst); `None` lifts the AppID's own limit.
    pub limit: Option<(i64, i64, i64)>,
    /// When it applies.
    pub effective_at: DateTime<Utc>,
    /// Who made it (`reviewer:7`).
    pub actor: String,
    /// Why (kept for the reviewers; the public sees the limit and the time).
    pub reason: String,
    /// When it was made.
    pub created_at: DateTime<Utc>,
}

impl Store {
    /// Records a change of an AppID's own limit; returns its ID. The insert bumps the `flow`
    /// cache version (trigger), which is how every node learns of it.
    pub async fn add_flow_limit_change(&self, change: &FlowLimitChangeRecord) -> StoreResult<i64> {
        let (calls, window, burst) = match change.limit {
            Some((c, w, b)) => (Some(c), Some(w), Some(b)),
            None => (None, None, None),
        };
        let sql = "INSERT INTO flow_limit_changes \
                   (app_id, licence_id, calls, window_secs, burst, effective_at, actor, reason, created_at, \
                   service) \
                   VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id";
        let insert = sqlx::query_scalar(sql)
            .bind(change.app_id.as_str())
            .bind(change.licence_id.get())
            .bind(calls)
            .bind(window)
            .bind(burst)
            .bind(change.effective_at.timestamp())
            .bind(&change.actor)
            .bind(&change.reason)
            .bind(change.created_at.timestamp())
            .bind(change.service.as_deref());
        self.new_id(insert).await
    }

    /// Every limit change, oldest first (a handful per licence: the whole list is small).
    pub async fn flow_limit_changes(&self) -> StoreResult<Vec<FlowLimitChangeRecord>> {
        let sql = "SELECT id, app_id, licence_id, calls, window_secs, burst, effective_at, actor, \
                   reason, created_at, service FROM flow_limit_changes ORDER BY id";
        let query = sqlx::query(sql);
        self.fetch_each(query, |r| {
            let calls: Option<i64> = r.try_get("calls")?;
            let window: Option<i64> = r.try_get("window_secs")?;
            let burst: Option<i64> = r.try_get("burst")?;
            Ok(FlowLimitChangeRecord {
                id: r.try_get("id")?,
                app_id: parsed(r, "flow_limit_changes", "app_id")?,
                service: r.try_get("service")?,
                licence_id: LicenceId::new(r.try_get("licence_id")?),
                limit: match (calls, window, burst) {
                    (Some(c), Some(w), Some(b)) => Some((c, w, b)),
                    _ => None,
                },
                effective_at: from_unix(r.try_get("effective_at")?),
                actor: r.try_get("actor")?,
                reason: r.try_get("reason")?,
                created_at: from_unix(r.try_get("created_at")?),
            })
        })
        .await
    }

    /// The version of the limit changes (bumped by every insert): one small read.
    pub async fn flow_limits_version(&self) -> StoreResult<i64> {
        let version: Option<i64> =
            sqlx::query_scalar("SELECT version FROM cache_versions WHERE scope = 'flow'")
                .fetch_optional(self.pool())
                .await?;
        Ok(version.unwrap_or(0))
    }

    /// Adds refused calls to the per-AppID, per-hour counts, one upsert per row, in one
    /// transaction.
    pub async fn add_throttled(&self, counts: &[(String, i64, i64)]) -> StoreResult<()> {
        let mut tx = self.pool().begin().await?;
        for (app_id, hour, calls) in counts {
            sqlx::query(
                "INSERT INTO flow_throttled (app_id, hour, calls) VALUES ($1, $2, $3) \
                 ON CONFLICT (app_id, hour) DO UPDATE SET calls = flow_throttled.calls + excluded.calls",
            )
            .bind(app_id.as_str())
            .bind(hour)
            .bind(calls)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Calls refused per AppID since `since`, as (AppID, calls), most refused first; only
    /// `app_id`'s when given.
    pub async fn throttled_since(
        &self,
        since: DateTime<Utc>,
        app_id: Option<&AppId>,
    ) -> StoreResult<Vec<(AppId, i64)>> {
        let rows: Vec<(String, i64)> = sqlx::query_as(
            "SELECT app_id, CAST(SUM(calls) AS BIGINT) AS calls FROM flow_throttled \
             WHERE hour >= $1 AND ($2 = '' OR app_id = $2) \
             GROUP BY app_id ORDER BY calls DESC, app_id LIMIT 500",
        )
        .bind(since.timestamp())
        .bind(app_id.map_or("", AppId::as_str))
        .fetch_all(self.pool())
        .await?;
        rows.into_iter()
            .map(|(app_id, calls)| {
                let app_id = app_id
                    .parse()
                    .map_err(|_| StoreError::corrupt_as::<AppId>("flow_throttled", "app_id"))?;
                Ok((app_id, calls))
            })
            .collect()
    }

    /// Deletes the refused-call counts of the hours before `before` (retention); returns how
    /// many (AppID, hour) rows went.
    pub async fn purge_throttled(&self, before: DateTime<Utc>) -> StoreResult<u64> {
        let done = sqlx::query("DELETE FROM flow_throttled WHERE hour < $1")
            .bind(before.timestamp())
            .execute(self.pool())
            .await?;
        Ok(done.rows_affected())
    }
}
