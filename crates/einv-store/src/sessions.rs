//! Web sessions.

use chrono::{DateTime, Utc};
use sqlx::Row;

use crate::records::from_unix;
use crate::{Store, StoreResult};

/// A stored session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionRecord {
    /// SHA-256 of the token, hex.
    pub token_hash: String,
    /// `developer`, `reviewer` or `user`.
    pub role: String,
    /// Who: a developer or reviewer ID, or a User ID.
    pub subject: String,
    /// The CSRF token forms of this session must carry.
    pub csrf_token: String,
    /// When it ends.
    pub expires_at: DateTime<Utc>,
}

impl Store {
    /// Stores a session.
    pub async fn create_session(&self, s: &SessionRecord, now: DateTime<Utc>) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO sessions (token_hash, role, subject, csrf_token, created_at, expires_at) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(s.token_hash.as_str())
        .bind(s.role.as_str())
        .bind(s.subject.as_str())
        .bind(s.csrf_token.as_str())
        .bind(now.timestamp())
        .bind(s.expires_at.timestamp())
        .execute(self.pool())
        .await?;
        Ok(())
    }

    /// The live session with this token hash.
    pub async fn find_session(
        &self,
        token_hash: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<Option<SessionRecord>> {
        let row = sqlx::query(
            "SELECT token_hash, role, subject, csrf_token, expires_at FROM sessions \
             WHERE token_hash = $1 AND expires_at > $2",
        )
        .bind(token_hash)
        .bind(now.timestamp())
        .fetch_optional(self.pool())
        .await?;
        row.map(|r| {
            Ok(SessionRecord {
                token_hash: r.try_get("token_hash")?,
                role: r.try_get("role")?,
                subject: r.try_get("subject")?,
                csrf_token: r.try_get("csrf_token")?,
                expires_at: from_unix(r.try_get("expires_at")?),
            })
        })
        .transpose()
    }

    /// Ends a session, and every expired one.
    pub async fn delete_session(&self, token_hash: &str, now: DateTime<Utc>) -> StoreResult<()> {
        sqlx::query("DELETE FROM sessions WHERE token_hash = $1 OR expires_at <= $2")
            .bind(token_hash)
            .bind(now.timestamp())
            .execute(self.pool())
            .await?;
        Ok(())
    }

    /// Ends every session of a subject (on deregistration or licence end).
    pub async fn delete_sessions_of(&self, role: &str, subject: &str) -> StoreResult<()> {
        sqlx::query("DELETE FROM sessions WHERE role = $1 AND subject = $2")
            .bind(role)
            .bind(subject)
            .execute(self.pool())
            .await?;
        Ok(())
    }

    /// Ends every session of a subject but the one whose token hashes to `keep` (after a
    /// credential change, the other devices are signed out).
    pub async fn delete_other_sessions(
        &self,
        role: &str,
        subject: &str,
        keep: &str,
    ) -> StoreResult<u64> {
        let done = sqlx::query(
            "DELETE FROM sessions WHERE role = $1 AND subject = $2 AND token_hash <> $3",
        )
        .bind(role)
        .bind(subject)
        .bind(keep)
        .execute(self.pool())
        .await?;
        Ok(done.rows_affected())
    }
}
