//! Licensed apps (AppIDs) and barred devices.

use chrono::{DateTime, Utc};
use einv_core::AppId;
use einv_core::Service;
use sqlx::any::AnyRow;
use sqlx::Row;

use crate::columns::parsed;
use crate::query::Records;
use crate::records::from_unix;
use crate::{AppRecord, AppStatus, Store, StoreError, StoreResult};

fn app_from_row(r: &AnyRow) -> StoreResult<AppRecord> {
    let status: String = r.try_get("status")?;
    let services: String = r.try_get("services")?;
    Ok(AppRecord {
        app_id: parsed(r, "apps", "app_id")?,
        name: r.try_get("name")?,
        sealed_key: r.try_get("sealed_key")?,
        status: AppStatus::from_db(&status)
            .ok_or_else(|| StoreError::corrupt("apps", "status", status.clone()))?,
        services: services
            .split(',')
            .filter(|s| !s.is_empty())
            .map(|s| {
                s.parse::<Service>()
                    .map_err(|_| StoreError::corrupt_as::<Service>("apps", "services"))
            })
            .collect::<StoreResult<_>>()?,
        created_at: from_unix(r.try_get("created_at")?),
    })
}

/// The stored form of a list of services: their names, comma-separated.
fn service_list(services: &[Service]) -> String {
    let names: Vec<&str> = services.iter().map(|s| s.as_str()).collect();
    names.join(",")
}

const APPS: Records<AppRecord> = Records::new(
    "apps",
    "app_id, name, sealed_key, status, services, created_at",
    app_from_row,
);

impl Store {
    /// Creates an app. An AppID already taken is [`StoreError::AlreadyExists`].
    pub async fn create_app(&self, app: &AppRecord) -> StoreResult<()> {
        let sql = "INSERT INTO apps (app_id, name, sealed_key, status, services, created_at) \
                   VALUES ($1, $2, $3, $4, $5, $6)";
        let query = sqlx::query(sql)
            .bind(app.app_id.as_str())
            .bind(app.name.as_str())
            .bind(app.sealed_key.as_str())
            .bind(app.status.as_str())
            .bind(service_list(&app.services))
            .bind(app.created_at.timestamp());
        self.run_unique(query, "this AppID").await
    }

    /// The app with `app_id`.
    pub async fn find_app(&self, app_id: &AppId) -> StoreResult<Option<AppRecord>> {
        self.record_where(&APPS, "WHERE app_id = $1", app_id.as_str())
            .await
    }

    /// Sets an app's status. Returns whether the app exists.
    pub async fn set_app_status(&self, app_id: &AppId, status: AppStatus) -> StoreResult<bool> {
        let query = sqlx::query("UPDATE apps SET status = $1 WHERE app_id = $2")
            .bind(status.as_str())
            .bind(app_id.as_str());
        self.changed_one(query).await
    }

    /// Sets the services an app is licensed for. Returns whether the app exists.
    pub async fn set_app_services(
        &self,
        app_id: &AppId,
        services: &[Service],
    ) -> StoreResult<bool> {
        let query = sqlx::query("UPDATE apps SET services = $1 WHERE app_id = $2")
            .bind(service_list(services))
            .bind(app_id.as_str());
        self.changed_one(query).await
    }

    /// Bars a device ID (code 997).
    pub async fn block_device(
        &self,
        uuid: &str,
        reason: &str,
        at: DateTime<Utc>,
    ) -> StoreResult<()> {
        let sql = "INSERT INTO blocked_devices (uuid, reason, blocked_at) VALUES ($1, $2, $3) \
                   ON CONFLICT (uuid) DO NOTHING";
        let query = sqlx::query(sql)
            .bind(uuid)
            .bind(reason)
            .bind(at.timestamp());
        self.run(query).await
    }

    /// Whether a device ID is barred.
    pub async fn is_device_blocked(&self, uuid: &str) -> StoreResult<bool> {
        let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM blocked_devices WHERE uuid = $1")
            .bind(uuid)
            .fetch_one(self.pool())
            .await?;
        Ok(n > 0)
    }
}
