//! Consent grants (R5.2–R5.6, R10.2) and the OAuth codes and tokens that carry them.

use chrono::{DateTime, Utc};
use einv_core::consent::{ConsentFields, ConsentGrant, ConsentRequest};
use einv_core::{AppId, GrantId, UserId};
use sqlx::any::AnyRow;
use sqlx::Row;

use crate::columns::{parsed, parsed_all};
use crate::query::Records;
use crate::records::from_unix;
use crate::{
    ConsentGrantRecord, ConsentTokenRecord, OAuthCodeRecord, Store, StoreError, StoreResult,
    TokenKind,
};

const GRANT_COLUMNS: &str = "id, user_id, app_id, services, purpose_category, purpose, period, \
     region, recipients, manner, laws, refusal_effect, granted_at, revoked_at, voided_at, void_reason, renews";

/// Grants as [`ConsentGrantRecord`]s.
const GRANTS: Records<ConsentGrantRecord> =
    Records::new("consent_grants", GRANT_COLUMNS, grant_from_row);

fn opt_time(r: &AnyRow, column: &str) -> StoreResult<Option<DateTime<Utc>>> {
    Ok(r.try_get::<Option<i64>, _>(column)?.map(from_unix))
}

fn grant_from_row(r: &AnyRow) -> StoreResult<ConsentGrantRecord> {
    let fields = ConsentFields {
        services: r.try_get("services")?,
        purpose_category: r.try_get("purpose_category")?,
        purpose: r.try_get("purpose")?,
        period: r.try_get("period")?,
        region: r.try_get("region")?,
        recipients: r.try_get("recipients")?,
        manner: r.try_get("manner")?,
        laws: r.try_get("laws")?,
        refusal_effect: r.try_get("refusal_effect")?,
    };
    // Stored grants were valid when written; one that no longer parses is corrupt, not a refusal.
    let request = ConsentRequest::parse(&fields)
        .map_err(|e| StoreError::corrupt("consent_grants", "request", e.to_string()))?;
    let grant = ConsentGrant {
        request,
        granted_at: from_unix(r.try_get("granted_at")?),
        revoked_at: opt_time(r, "revoked_at")?,
        voided_at: opt_time(r, "voided_at")?,
    };
    Ok(ConsentGrantRecord {
        id: GrantId::new(r.try_get("id")?),
        user_id: UserId::new(r.try_get("user_id")?),
        app_id: parsed(r, "consent_grants", "app_id")?,
        grant,
        void_reason: r.try_get("void_reason")?,
        renews: r.try_get::<Option<i64>, _>("renews")?.map(GrantId::new),
    })
}

impl Store {
    /// Records a grant `user_id` gave `app_id`; `renews` names the grant it renews.
    pub async fn insert_consent_grant(
        &self,
        user_id: UserId,
        app_id: &AppId,
        grant: &ConsentGrant,
        renews: Option<GrantId>,
    ) -> StoreResult<ConsentGrantRecord> {
        let req = &grant.request;
        let items = req.items();
        let oos = req.out_of_scope();
        let row = sqlx::query(&format!(
            "INSERT INTO consent_grants (user_id, app_id, kind, services, purpose_category, purpose, \
             period, region, recipients, manner, laws, refusal_effect, granted_at, lapses_at, renews) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15) RETURNING {GRANT_COLUMNS}"
        ))
        .bind(user_id.get())
        .bind(app_id.as_str())
        .bind(req.kind().as_str())
        .bind(req.scope())
        .bind(items.category.as_str())
        .bind(items.purpose.as_str())
        .bind(items.period.as_str())
        .bind(items.region.as_str())
        .bind(items.recipients.as_str())
        .bind(items.manner.as_str())
        .bind(oos.map(|o| o.laws.as_str().to_owned()))
        .bind(oos.map(|o| o.refusal_effect.as_str().to_owned()))
        .bind(grant.granted_at.timestamp())
        .bind(grant.lapses_at().timestamp())
        .bind(renews.map(GrantId::get))
        .fetch_one(self.pool())
        .await?;
        grant_from_row(&row)
    }

    /// The grant with row ID `id`.
    pub async fn consent_grant(&self, id: GrantId) -> StoreResult<Option<ConsentGrantRecord>> {
        self.record_where(&GRANTS, "WHERE id = $1", id.get()).await
    }

    /// Every grant a User ever gave, newest first.
    pub async fn consent_grants_of_user(
        &self,
        user_id: UserId,
    ) -> StoreResult<Vec<ConsentGrantRecord>> {
        let filter = "WHERE user_id = $1 ORDER BY granted_at DESC, id DESC";
        self.records_where(&GRANTS, filter, user_id.get()).await
    }

    /// The grants `user_id` gave `app_id`, newest first.
    pub async fn consent_grants_to_app(
        &self,
        user_id: UserId,
        app_id: &AppId,
    ) -> StoreResult<Vec<ConsentGrantRecord>> {
        let filter = "WHERE user_id = $1 AND app_id = $2 ORDER BY granted_at DESC, id DESC";
        let key = (user_id.get(), app_id.as_str());
        self.records_where(&GRANTS, filter, key).await
    }

    /// Revokes a User's grant at `at`. Returns whether a grant of that User was still unrevoked.
    pub async fn revoke_consent_grant(
        &self,
        id: GrantId,
        user_id: UserId,
        at: DateTime<Utc>,
    ) -> StoreResult<bool> {
        let sql = "UPDATE consent_grants SET revoked_at = $1 WHERE id = $2 AND user_id = $3 AND revoked_at IS NULL";
        let query = sqlx::query(sql)
            .bind(at.timestamp())
            .bind(id.get())
            .bind(user_id.get());
        self.changed_one(query).await
    }

    /// Revokes every unrevoked grant of a User at `at`; returns the AppIDs that ever held one.
    pub async fn revoke_all_consents_of_user(
        &self,
        user_id: UserId,
        at: DateTime<Utc>,
    ) -> StoreResult<Vec<AppId>> {
        let sql =
            "UPDATE consent_grants SET revoked_at = $1 WHERE user_id = $2 AND revoked_at IS NULL";
        let query = sqlx::query(sql).bind(at.timestamp()).bind(user_id.get());
        self.run(query).await?;
        let apps = sqlx::query_scalar(
            "SELECT DISTINCT app_id FROM consent_grants WHERE user_id = $1 ORDER BY app_id",
        )
        .bind(user_id.get())
        .fetch_all(self.pool())
        .await?;
        parsed_all(apps, "consent_grants", "app_id")
    }

    /// R10.2: voids every grant of `app_id` given before `at`; returns the Users whose grants
    /// were voided (once each).
    pub async fn void_consents_of_app(
        &self,
        app_id: &AppId,
        at: DateTime<Utc>,
        reason: &str,
    ) -> StoreResult<Vec<UserId>> {
        let users: Vec<i64> = sqlx::query_scalar(
            "SELECT DISTINCT user_id FROM consent_grants WHERE app_id = $1 AND voided_at IS NULL \
             AND granted_at <= $2 ORDER BY user_id",
        )
        .bind(app_id.as_str())
        .bind(at.timestamp())
        .fetch_all(self.pool())
        .await?;
        let sql = "UPDATE consent_grants SET voided_at = $1, void_reason = $2 \
                   WHERE app_id = $3 AND voided_at IS NULL AND granted_at <= $1";
        let query = sqlx::query(sql)
            .bind(at.timestamp())
            .bind(reason)
            .bind(app_id.as_str());
        self.run(query).await?;
        Ok(users.into_iter().map(UserId::new).collect())
    }

    /// Registers a redirect URI for an app's OAuth flow (idempotent).
    pub async fn register_redirect_uri(&self, app_id: &AppId, uri: &str) -> StoreResult<()> {
        let sql = "INSERT INTO oauth_redirect_uris (app_id, redirect_uri) VALUES ($1, $2) ON CONFLICT DO NOTHING";
        let query = sqlx::query(sql).bind(app_id.as_str()).bind(uri);
        self.run(query).await
    }

    /// Removes a registered redirect URI; false when it was not registered.
    pub async fn remove_redirect_uri(&self, app_id: &AppId, uri: &str) -> StoreResult<bool> {
        let sql = "DELETE FROM oauth_redirect_uris WHERE app_id = $1 AND redirect_uri = $2";
        let query = sqlx::query(sql).bind(app_id.as_str()).bind(uri);
        self.changed_one(query).await
    }

    /// The redirect URIs an app registered.
    pub async fn redirect_uris(&self, app_id: &AppId) -> StoreResult<Vec<String>> {
        Ok(sqlx::query_scalar(
            "SELECT redirect_uri FROM oauth_redirect_uris WHERE app_id = $1 ORDER BY redirect_uri",
        )
        .bind(app_id.as_str())
        .fetch_all(self.pool())
        .await?)
    }

    /// Stores an authorization code.
    pub async fn insert_oauth_code(&self, c: &OAuthCodeRecord) -> StoreResult<()> {
        let sql = "INSERT INTO oauth_codes (code_hash, app_id, user_id, grant_id, redirect_uri, code_challenge, \
                   scope, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)";
        let query = sqlx::query(sql)
            .bind(c.code_hash.as_str())
            .bind(c.app_id.as_str())
            .bind(c.user_id.get())
            .bind(c.grant_id.get())
            .bind(c.redirect_uri.as_str())
            .bind(c.code_challenge.as_str())
            .bind(c.scope.as_str())
            .bind(c.expires_at.timestamp());
        self.run_unique(query, "this authorization code").await
    }

    /// Uses an authorization code: returns it if it was unused and unexpired, and marks it used
    /// in the same statement, so a code can never be exchanged twice.
    pub async fn take_oauth_code(
        &self,
        code_hash: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<Option<OAuthCodeRecord>> {
        let sql = "UPDATE oauth_codes SET used_at = $1 WHERE code_hash = $2 AND used_at IS NULL AND expires_at > $1 \
                   RETURNING code_hash, app_id, user_id, grant_id, redirect_uri, code_challenge, scope, expires_at";
        let query = sqlx::query(sql).bind(now.timestamp()).bind(code_hash);
        self.fetch_opt(query, |r| {
            Ok(OAuthCodeRecord {
                code_hash: r.try_get("code_hash")?,
                app_id: parsed(r, "oauth_codes", "app_id")?,
                user_id: UserId::new(r.try_get("user_id")?),
                grant_id: GrantId::new(r.try_get("grant_id")?),
                redirect_uri: r.try_get("redirect_uri")?,
                code_challenge: r.try_get("code_challenge")?,
                scope: r.try_get("scope")?,
                expires_at: from_unix(r.try_get("expires_at")?),
            })
        })
        .await
    }

    /// Stores a token.
    pub async fn insert_consent_token(&self, t: &ConsentTokenRecord) -> StoreResult<()> {
        let sql =
            "INSERT INTO consent_tokens (token_hash, kind, grant_id, app_id, user_id, expires_at) \
             VALUES ($1, $2, $3, $4, $5, $6)";
        let query = sqlx::query(sql)
            .bind(t.token_hash.as_str())
            .bind(t.kind.as_str())
            .bind(t.grant_id.get())
            .bind(t.app_id.as_str())
            .bind(t.user_id.get())
            .bind(t.expires_at.timestamp());
        self.run_unique(query, "this token").await
    }

    /// The unexpired, unused token of `kind` with this hash. A refresh token is marked used in
    /// the same statement (rotation: each is good once).
    pub async fn take_consent_token(
        &self,
        token_hash: &str,
        kind: TokenKind,
        now: DateTime<Utc>,
    ) -> StoreResult<Option<ConsentTokenRecord>> {
        let columns = "token_hash, grant_id, app_id, user_id, expires_at";
        let sql = match kind {
            TokenKind::Access => format!(
                "SELECT {columns} FROM consent_tokens WHERE token_hash = $2 AND kind = 'access' \
                 AND used_at IS NULL AND expires_at > $1"
            ),
            TokenKind::Refresh => format!(
                "UPDATE consent_tokens SET used_at = $1 WHERE token_hash = $2 AND kind = 'refresh' \
                 AND used_at IS NULL AND expires_at > $1 RETURNING {columns}"
            ),
        };
        let query = sqlx::query(&sql).bind(now.timestamp()).bind(token_hash);
        self.fetch_opt(query, |r| token_record(r, kind)).await
    }

    /// The token whatever its state (used, expired): only to tell an app why a token it holds
    /// stopped working (its grant lapsed, say), never to admit it.
    pub async fn consent_token_in_any_state(
        &self,
        token_hash: &str,
        kind: TokenKind,
    ) -> StoreResult<Option<ConsentTokenRecord>> {
        let sql = "SELECT token_hash, grant_id, app_id, user_id, expires_at FROM consent_tokens \
                   WHERE token_hash = $1 AND kind = $2";
        let query = sqlx::query(sql).bind(token_hash).bind(kind.as_str());
        self.fetch_opt(query, |r| token_record(r, kind)).await
    }
}

fn token_record(r: &sqlx::any::AnyRow, kind: TokenKind) -> StoreResult<ConsentTokenRecord> {
    Ok(ConsentTokenRecord {
        token_hash: r.try_get("token_hash")?,
        kind,
        grant_id: GrantId::new(r.try_get("grant_id")?),
        app_id: parsed(r, "consent_tokens", "app_id")?,
        user_id: UserId::new(r.try_get("user_id")?),
        expires_at: from_unix(r.try_get("expires_at")?),
    })
}
