//! v2 request signing: developers' Ed25519 public keys, the nonces seen within the replay
//! window, and idempotent writes' answers.

use chrono::{DateTime, Utc};
use einv_core::AppId;
use sqlx::Row;

use crate::columns::parsed;
use crate::query::Records;
use crate::records::from_unix;
use crate::{Store, StoreError, StoreResult};
use einv_core::httpsig::{public_key_from_base64, Algorithm};

/// A public key a developer registered for signing v2 requests.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SigningKeyRecord {
    /// Row ID.
    pub id: i64,
    /// The app.
    pub app_id: AppId,
    /// The algorithm it verifies (`ed25519`).
    pub algorithm: Algorithm,
    /// The public key, Base64, as registered.
    pub public_key: String,
    /// The public key's bytes (a row whose Base64 does not decode is read as corrupt: a
    /// stored key is never dropped unseen).
    pub key_bytes: Vec<u8>,
    /// The developer's name for it.
    pub label: String,
    /// When registered.
    pub created_at: DateTime<Utc>,
    /// When revoked, if it was.
    pub revoked_at: Option<DateTime<Utc>>,
}

fn key_from_row(r: &sqlx::any::AnyRow) -> StoreResult<SigningKeyRecord> {
    let id: i64 = r.try_get("id")?;
    let public_key: String = r.try_get("public_key")?;
    let key_bytes = public_key_from_base64(&public_key).ok_or_else(|| {
        StoreError::corrupt(
            "app_signing_keys",
            "public_key",
            format!("key {id}: not Base64"),
        )
    })?;
    Ok(SigningKeyRecord {
        id,
        app_id: parsed(r, "app_signing_keys", "app_id")?,
        algorithm: parsed(r, "app_signing_keys", "algorithm")?,
        public_key,
        key_bytes,
        label: r.try_get("label")?,
        created_at: from_unix(r.try_get("created_at")?),
        revoked_at: r.try_get::<Option<i64>, _>("revoked_at")?.map(from_unix),
    })
}

const KEYS: Records<SigningKeyRecord> = Records::new(
    "app_signing_keys",
    "id, app_id, algorithm, public_key, label, created_at, revoked_at",
    key_from_row,
);

/// The stored answer to an idempotent write.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IdempotentAnswer {
    /// The key is new: it is now claimed, and the caller acts and then records the answer.
    Claimed,
    /// The same request was answered before: here is the answer (HTTP status, JSON body).
    Answered {
        /// HTTP status.
        status: u16,
        /// The body.
        body: String,
    },
    /// The same request is still being served (a concurrent retry).
    InProgress,
    /// The key was used for a different request.
    Mismatch,
}

impl Store {
    /// Registers a public key for `app_id`. The same key twice is
    /// [`StoreError::AlreadyExists`].
    pub async fn add_signing_key(
        &self,
        app_id: &AppId,
        algorithm: Algorithm,
        public_key: &str,
        label: &str,
        at: DateTime<Utc>,
    ) -> StoreResult<i64> {
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO app_signing_keys (app_id, algorithm, public_key, label, created_at) \
             VALUES ($1, $2, $3, $4, $5) RETURNING id",
        )
        .bind(app_id.as_str())
        .bind(algorithm.as_str())
        .bind(public_key)
        .bind(label)
        .bind(at.timestamp())
        .fetch_one(self.pool())
        .await
        .map_err(|e| StoreError::on_unique(e, "this public key"))?;
        Ok(id)
    }

    /// The keys of `app_id`, revoked ones included, oldest first.
    pub async fn signing_keys(&self, app_id: &AppId) -> StoreResult<Vec<SigningKeyRecord>> {
        let oldest_first = "WHERE app_id = $1 ORDER BY id";
        self.records_where(&KEYS, oldest_first, app_id.as_str())
            .await
    }

    /// Revokes key `id` of `app_id`; false when there is no such live key.
    pub async fn revoke_signing_key(
        &self,
        app_id: &AppId,
        id: i64,
        at: DateTime<Utc>,
    ) -> StoreResult<bool> {
        let sql = "UPDATE app_signing_keys SET revoked_at = $1 \
                   WHERE id = $2 AND app_id = $3 AND revoked_at IS NULL";
        let query = sqlx::query(sql)
            .bind(at.timestamp())
            .bind(id)
            .bind(app_id.as_str());
        self.changed_one(query).await
    }

    /// Records `nonce` of `app_id` until `expires_at`; false when it is already recorded and
    /// not yet expired (a replay). Expired nonces are deleted first.
    pub async fn claim_nonce(
        &self,
        app_id: &AppId,
        nonce: &str,
        now: DateTime<Utc>,
        expires_at: DateTime<Utc>,
    ) -> StoreResult<bool> {
        let query =
            sqlx::query("DELETE FROM request_nonces WHERE expires_at < $1").bind(now.timestamp());
        self.run(query).await?;
        let sql = "INSERT INTO request_nonces (app_id, nonce, expires_at) VALUES ($1, $2, $3) \
                   ON CONFLICT DO NOTHING";
        let query = sqlx::query(sql)
            .bind(app_id.as_str())
            .bind(nonce)
            .bind(expires_at.timestamp());
        self.changed_one(query).await
    }

    /// Claims `key` of `app_id` for the request with `request_hash`, or returns what an
    /// earlier use of the key answered.
    pub async fn claim_idempotency_key(
        &self,
        app_id: &AppId,
        key: &str,
        request_hash: &str,
        at: DateTime<Utc>,
    ) -> StoreResult<IdempotentAnswer> {
        let inserted = sqlx::query(
            "INSERT INTO idempotency_keys (app_id, idem_key, request_hash, created_at) \
             VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
        )
        .bind(app_id.as_str())
        .bind(key)
        .bind(request_hash)
        .bind(at.timestamp())
        .execute(self.pool())
        .await?;
        if inserted.rows_affected() == 1 {
            return Ok(IdempotentAnswer::Claimed);
        }
        let row = sqlx::query(
            "SELECT request_hash, status, response FROM idempotency_keys \
             WHERE app_id = $1 AND idem_key = $2",
        )
        .bind(app_id.as_str())
        .bind(key)
        .fetch_one(self.pool())
        .await?;
        let hash: String = row.try_get("request_hash")?;
        if hash != request_hash {
            return Ok(IdempotentAnswer::Mismatch);
        }
        let status: Option<i64> = row.try_get("status")?;
        let body: Option<String> = row.try_get("response")?;
        Ok(match (status, body) {
            (Some(status), Some(body)) => IdempotentAnswer::Answered {
                status: u16::try_from(status).unwrap_or(500),
                body,
            },
            _ => IdempotentAnswer::InProgress,
        })
    }

    /// Records the answer to the request that claimed `key`.
    pub async fn answer_idempotency_key(
        &self,
        app_id: &AppId,
        key: &str,
        status: u16,
        body: &str,
    ) -> StoreResult<()> {
        let sql = "UPDATE idempotency_keys SET status = $1, response = $2 \
                   WHERE app_id = $3 AND idem_key = $4";
        let query = sqlx::query(sql)
            .bind(i64::from(status))
            .bind(body)
            .bind(app_id.as_str())
            .bind(key);
        self.run(query).await
    }

    /// Releases a claimed key whose request failed before acting, so a retry can act.
    pub async fn release_idempotency_key(&self, app_id: &AppId, key: &str) -> StoreResult<()> {
        let sql =
            "DELETE FROM idempotency_keys WHERE app_id = $1 AND idem_key = $2 AND status IS NULL";
        let query = sqlx::query(sql).bind(app_id.as_str()).bind(key);
        self.run(query).await
    }
}
