//! Web sessions.

use chrono::{DateTime, Utc};
use sqlx::Row;

use crate::columns::parsed;
use crate::query::Records;
use crate::records::from_unix;
use crate::{Store, StoreResult};

/// Who a session belongs to. The kinds never share a session: a token started as one kind is
/// not found as another.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SessionKind {
    /// An app developer's pages.
    Developer,
    /// A reviewer's pages.
    Reviewer,
    /// A User's own pages (`/me`).
    User,
    /// One v1 blank page (registration, aggregation, donation) between its GET and its POST.
    BlankPage,
}

impl SessionKind {
    /// The stored word.
    pub fn as_str(self) -> &'static str {
        match self {
            SessionKind::Developer => "developer",
            SessionKind::Reviewer => "reviewer",
            SessionKind::User => "user",
            SessionKind::BlankPage => "blank-page",
        }
    }
}

impl std::str::FromStr for SessionKind {
    type Err = ();
    fn from_str(word: &str) -> Result<Self, ()> {
        [Self::Developer, Self::Reviewer, Self::User, Self::BlankPage]
            .into_iter()
            .find(|k| k.as_str() == word)
            .ok_or(())
    }
}

/// A stored session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionRecord {
    /// SHA-256 of the token, hex.
    pub token_hash: String,
    /// Whose session it is.
    pub role: SessionKind,
    /// Who: a developer or reviewer ID, or a User ID.
    pub subject: String,
    /// The CSRF token forms of this session must carry.
    pub csrf_token: String,
    /// When it ends.
    pub expires_at: DateTime<Utc>,
}

fn session_from_row(r: &sqlx::any::AnyRow) -> StoreResult<SessionRecord> {
    Ok(SessionRecord {
        token_hash: r.try_get("token_hash")?,
        role: parsed(r, "sessions", "role")?,
        subject: r.try_get("subject")?,
        csrf_token: r.try_get("csrf_token")?,
        expires_at: from_unix(r.try_get("expires_at")?),
    })
}

const SESSIONS: Records<SessionRecord> = Records::new(
    "sessions",
    "token_hash, role, subject, csrf_token, expires_at",
    session_from_row,
);

impl Store {
    /// Stores a session.
    pub async fn create_session(&self, s: &SessionRecord, now: DateTime<Utc>) -> StoreResult<()> {
        let sql =
            "INSERT INTO sessions (token_hash, role, subject, csrf_token, created_at, expires_at) \
             VALUES ($1, $2, $3, $4, $5, $6)";
        let query = sqlx::query(sql)
            .bind(s.token_hash.as_str())
            .bind(s.role.as_str())
            .bind(s.subject.as_str())
            .bind(s.csrf_token.as_str())
            .bind(now.timestamp())
            .bind(s.expires_at.timestamp());
        self.run(query).await
    }

    /// The live session with this token hash.
    pub async fn find_session(
        &self,
        token_hash: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<Option<SessionRecord>> {
        let live = "WHERE token_hash = $1 AND expires_at > $2";
        let key = (token_hash, now.timestamp());
        self.record_where(&SESSIONS, live, key).await
    }

    /// Ends a session, and every expired one.
    pub async fn delete_session(&self, token_hash: &str, now: DateTime<Utc>) -> StoreResult<()> {
        let sql = "DELETE FROM sessions WHERE token_hash = $1 OR expires_at <= $2";
        let query = sqlx::query(sql).bind(token_hash).bind(now.timestamp());
        self.run(query).await
    }

    /// Ends every session of a subject (on deregistration or licence end).
    pub async fn delete_sessions_of(&self, role: SessionKind, subject: &str) -> StoreResult<()> {
        let query = sqlx::query("DELETE FROM sessions WHERE role = $1 AND subject = $2")
            .bind(role.as_str())
            .bind(subject);
        self.run(query).await
    }

    /// Ends every session of a subject but the one whose token hashes to `keep` (after a
    /// credential change, the other devices are signed out).
    pub async fn delete_other_sessions(
        &self,
        role: SessionKind,
        subject: &str,
        keep: &str,
    ) -> StoreResult<u64> {
        let done = sqlx::query(
            "DELETE FROM sessions WHERE role = $1 AND subject = $2 AND token_hash <> $3",
        )
        .bind(role.as_str())
        .bind(subject)
        .bind(keep)
        .execute(self.pool())
        .await?;
        Ok(done.rows_affected())
    }
}
