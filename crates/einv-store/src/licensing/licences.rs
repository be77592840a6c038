//! Licences, their append-only event history (R10.4), and the credentials of their AppIDs
//! (R4.1: sealed keys, rotation with overlap, revocation).

use chrono::{DateTime, Utc};
use einv_core::licence::{LicenceState, LicenceStateKind};
use einv_core::{AppId, ApplicationId, DeveloperId, LicenceId};
use sqlx::any::AnyRow;
use sqlx::Row;

use crate::columns::{parsed, parsed_opt};
use crate::query::{placeholders, Records};
use crate::records::from_unix;
use crate::{
    CredentialRecord, LicenceEventRecord, LicenceRecord, NewLicenceEvent, Store, StoreError,
    StoreResult,
};

const LICENCE_COLUMNS: &str = "id, application_id, developer_id, app_id, state_json, updated_at";

/// Licences as [`LicenceRecord`]s.
const LICENCES: Records<LicenceRecord> =
    Records::new("licences", LICENCE_COLUMNS, licence_from_row);

/// A licence's history (R10.4).
const EVENTS: Records<LicenceEventRecord> = Records::new(
    "licence_events",
    "id, licence_id, event, actor, at, reason, rule, state_after",
    event_from_row,
);

const CREDENTIALS: Records<CredentialRecord> = Records::new(
    "credentials",
    "id, app_id, sealed_key, created_at, valid_until, revoked_at, revealed_at",
    credential_from_row,
);

pub(super) fn licence_from_row(r: &AnyRow) -> StoreResult<LicenceRecord> {
    let json: String = r.try_get("state_json")?;
    let state = serde_json::from_str::<LicenceState>(&json)
        .map_err(|e| StoreError::corrupt("licences", "state_json", e.to_string()))?;
    Ok(LicenceRecord {
        id: LicenceId::new(r.try_get("id")?),
        application_id: ApplicationId::new(r.try_get("application_id")?),
        developer_id: DeveloperId::new(r.try_get("developer_id")?),
        app_id: parsed_opt(r, "licences", "app_id")?,
        state,
        updated_at: from_unix(r.try_get("updated_at")?),
    })
}

fn state_json(state: &LicenceState) -> StoreResult<String> {
    serde_json::to_string(state)
        .map_err(|e| StoreError::corrupt("licences", "state_json", e.to_string()))
}

fn credential_from_row(r: &AnyRow) -> StoreResult<CredentialRecord> {
    Ok(CredentialRecord {
        id: r.try_get("id")?,
        app_id: parsed(r, "credentials", "app_id")?,
        sealed_key: r.try_get("sealed_key")?,
        created_at: from_unix(r.try_get("created_at")?),
        valid_until: r.try_get::<Option<i64>, _>("valid_until")?.map(from_unix),
        revoked_at: r.try_get::<Option<i64>, _>("revoked_at")?.map(from_unix),
        revealed_at: r.try_get::<Option<i64>, _>("revealed_at")?.map(from_unix),
    })
}

impl Store {
    /// Creates the licence of an application in `state`, with its first event.
    pub async fn create_licence(
        &self,
        application_id: ApplicationId,
        developer_id: DeveloperId,
        state: &LicenceState,
        event: &NewLicenceEvent,
    ) -> StoreResult<LicenceRecord> {
        let mut tx = self.pool().begin().await?;
        let row = sqlx::query(&format!(
            "INSERT INTO licences (application_id, developer_id, state, state_json, updated_at) \
             VALUES ($1, $2, $3, $4, $5) RETURNING {LICENCE_COLUMNS}"
        ))
        .bind(application_id.get())
        .bind(developer_id.get())
        .bind(state.name())
        .bind(state_json(state)?)
        .bind(event.at.timestamp())
        .fetch_one(&mut *tx)
        .await
        .map_err(|e| StoreError::on_unique(e, "a licence for this application"))?;
        let licence = licence_from_row(&row)?;
        insert_event(&mut tx, licence.id, event, state).await?;
        tx.commit().await?;
        Ok(licence)
    }

    /// Moves a licence from `from` to `to` and records `event`, atomically. Another
    /// transition that got there first makes this one [`StoreError::Stale`]. `app_id`, when
    /// given, is set (on approval).
    pub async fn transition_licence(
        &self,
        id: LicenceId,
        from: &LicenceState,
        to: &LicenceState,
        app_id: Option<&AppId>,
        event: &NewLicenceEvent,
    ) -> StoreResult<()> {
        let mut tx = self.pool().begin().await?;
        let done = sqlx::query(
            "UPDATE licences SET state = $1, state_json = $2, updated_at = $3, \
             app_id = COALESCE($4, app_id) WHERE id = $5 AND state_json = $6",
        )
        .bind(to.name())
        .bind(state_json(to)?)
        .bind(event.at.timestamp())
        .bind(app_id.map(AppId::as_str))
        .bind(id.get())
        .bind(state_json(from)?)
        .execute(&mut *tx)
        .await
        .map_err(|e| StoreError::on_unique(e, "this AppID"))?;
        if done.rows_affected() != 1 {
            return Err(StoreError::Stale("the licence"));
        }
        insert_event(&mut tx, id, event, to).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Gives a licence its AppID (a legacy licence registered after its approval).
    pub async fn set_licence_app(&self, id: LicenceId, app_id: &AppId) -> StoreResult<()> {
        let sql = "UPDATE licences SET app_id = $1 WHERE id = $2 AND app_id IS NULL";
        let query = sqlx::query(sql).bind(app_id.as_str()).bind(id.get());
        self.run_unique(query, "this AppID").await
    }

    /// The licence with row ID `id`.
    pub async fn find_licence(&self, id: LicenceId) -> StoreResult<Option<LicenceRecord>> {
        self.record_where(&LICENCES, "WHERE id = $1", id.get())
            .await
    }

    /// The licence of an AppID.
    pub async fn find_licence_by_app(&self, app_id: &AppId) -> StoreResult<Option<LicenceRecord>> {
        let filter = "WHERE app_id = $1";
        self.record_where(&LICENCES, filter, app_id.as_str()).await
    }

    /// A Developer's licences, newest first.
    pub async fn licences_of_developer(
        &self,
        developer_id: DeveloperId,
    ) -> StoreResult<Vec<LicenceRecord>> {
        let filter = "WHERE developer_id = $1 ORDER BY id DESC";
        self.records_where(&LICENCES, filter, developer_id.get())
            .await
    }

    /// Licences in any of `states` (state names), oldest change first: the review queue.
    pub async fn licences_in_states(
        &self,
        states: &[LicenceStateKind],
    ) -> StoreResult<Vec<LicenceRecord>> {
        let words: Vec<&str> = states.iter().map(|s| s.as_str()).collect();
        let list = placeholders(1, words.len());
        let queue = format!("WHERE state IN ({list}) ORDER BY updated_at, id");
        self.records_where(&LICENCES, &queue, words).await
    }

    /// A licence's history, oldest first.
    pub async fn licence_events(
        &self,
        licence_id: LicenceId,
    ) -> StoreResult<Vec<LicenceEventRecord>> {
        let oldest_first = "WHERE licence_id = $1 ORDER BY id";
        self.records_where(&EVENTS, oldest_first, licence_id.get())
            .await
    }

    /// The latest events across all licences (the reviewer's registry log), newest first.
    pub async fn recent_licence_events(&self, limit: i64) -> StoreResult<Vec<LicenceEventRecord>> {
        self.records_where(&EVENTS, "ORDER BY id DESC LIMIT $1", limit)
            .await
    }

    /// Stores a new APIKey for an AppID, sealed by `seal` for the credential's row ID (the
    /// sealed key is bound to its row, so the ID is known before the key is written: both in
    /// one transaction, so no credential is ever stored without its key).
    pub async fn add_credential<E: From<StoreError>>(
        &self,
        app_id: &AppId,
        at: DateTime<Utc>,
        seal: impl FnOnce(i64) -> Result<String, E>,
    ) -> Result<i64, E> {
        let mut tx = self.pool().begin().await.map_err(StoreError::from)?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO credentials (app_id, sealed_key, created_at) VALUES ($1, '', $2) RETURNING id",
        )
        .bind(app_id.as_str())
        .bind(at.timestamp())
        .fetch_one(&mut *tx)
        .await
        .map_err(StoreError::from)?;
        let sealed = seal(id)?;
        self.set_sealed_credential(&mut tx, id, &sealed).await?;
        tx.commit().await.map_err(StoreError::from)?;
        Ok(id)
    }

    async fn set_sealed_credential(
        &self,
        tx: &mut sqlx::Transaction<'_, sqlx::Any>,
        id: i64,
        sealed: &str,
    ) -> StoreResult<()> {
        sqlx::query("UPDATE credentials SET sealed_key = $1 WHERE id = $2")
            .bind(sealed)
            .bind(id)
            .execute(&mut **tx)
            .await?;
        Ok(())
    }

    /// Rewrites the sealed keys in `resealed` ((AppID, credential ID or `None` for the app's
    /// own key, sealed key)) in one transaction: keys sealed under an older format re-sealed.
    pub async fn reseal_keys(&self, resealed: &[(AppId, Option<i64>, String)]) -> StoreResult<()> {
        let mut tx = self.pool().begin().await?;
        for (app_id, credential, sealed) in resealed {
            match credential {
                Some(id) => self.set_sealed_credential(&mut tx, *id, sealed).await?,
                None => {
                    sqlx::query("UPDATE apps SET sealed_key = $1 WHERE app_id = $2")
                        .bind(sealed.as_str())
                        .bind(app_id.as_str())
                        .execute(&mut *tx)
                        .await?;
                }
            }
        }
        tx.commit().await?;
        Ok(())
    }

    /// Every sealed key not in the format `prefix` starts: (AppID, credential ID or `None` for
    /// the app's own key, sealed key).
    pub async fn sealed_keys_without(
        &self,
        prefix: &str,
    ) -> StoreResult<Vec<(AppId, Option<i64>, String)>> {
        let like = format!("{prefix}%");
        let sql = "SELECT app_id, id, sealed_key FROM credentials WHERE sealed_key NOT LIKE $1 \
                   UNION ALL SELECT app_id, NULL, sealed_key FROM apps WHERE sealed_key NOT LIKE $1";
        let query = sqlx::query(sql).bind(like.as_str());
        self.fetch_each(query, |r| {
            Ok((
                parsed(r, "credentials", "app_id")?,
                r.try_get("id")?,
                r.try_get("sealed_key")?,
            ))
        })
        .await
    }

    /// An AppID's keys, newest first.
    pub async fn credentials_of(&self, app_id: &AppId) -> StoreResult<Vec<CredentialRecord>> {
        let newest_first = "WHERE app_id = $1 ORDER BY id DESC";
        self.records_where(&CREDENTIALS, newest_first, app_id.as_str())
            .await
    }

    /// Ends the validity of every key of `app_id` except `keep` at `until` (a rotation's
    /// grace period), unless it already ends sooner.
    pub async fn expire_other_credentials(
        &self,
        app_id: &AppId,
        keep: i64,
        until: DateTime<Utc>,
    ) -> StoreResult<()> {
        let sql = "UPDATE credentials SET valid_until = $1 WHERE app_id = $2 AND id <> $3 \
                   AND (valid_until IS NULL OR valid_until > $1)";
        let query = sqlx::query(sql)
            .bind(until.timestamp())
            .bind(app_id.as_str())
            .bind(keep);
        self.run(query).await
    }

    /// Marks key `id` shown to its Developer. Returns `true` only the first time: the one
    /// moment the key may be shown (R4.1).
    pub async fn reveal_credential(&self, id: i64, at: DateTime<Utc>) -> StoreResult<bool> {
        let sql = "UPDATE credentials SET revealed_at = $1 WHERE id = $2 AND revealed_at IS NULL";
        let query = sqlx::query(sql).bind(at.timestamp()).bind(id);
        self.changed_one(query).await
    }

    /// Revokes every key of an AppID (R11).
    pub async fn revoke_credentials(&self, app_id: &AppId, at: DateTime<Utc>) -> StoreResult<()> {
        let sql = "UPDATE credentials SET revoked_at = $1 WHERE app_id = $2 AND revoked_at IS NULL";
        let query = sqlx::query(sql).bind(at.timestamp()).bind(app_id.as_str());
        self.run(query).await
    }
}

fn event_from_row(r: &AnyRow) -> StoreResult<LicenceEventRecord> {
    Ok(LicenceEventRecord {
        id: r.try_get("id")?,
        licence_id: LicenceId::new(r.try_get("licence_id")?),
        event: parsed(r, "licence_events", "event")?,
        actor: r.try_get("actor")?,
        at: from_unix(r.try_get("at")?),
        reason: r.try_get("reason")?,
        rule: r.try_get("rule")?,
        state_after: parsed(r, "licence_events", "state_after")?,
    })
}

async fn insert_event(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    licence_id: LicenceId,
    e: &NewLicenceEvent,
    after: &LicenceState,
) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO licence_events (licence_id, event, actor, at, reason, rule, state_after) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(licence_id.get())
    .bind(e.event.as_str())
    .bind(e.actor.as_str())
    .bind(e.at.timestamp())
    .bind(e.reason.as_str())
    .bind(e.rule.as_str())
    .bind(after.name())
    .execute(&mut **tx)
    .await?;
    Ok(())
}
