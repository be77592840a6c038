//! Sessions: who a browser is signed in as. A session is a random token the browser keeps
//! (in a cookie, set by the web layer) and the Platform keeps only its SHA-256, with a CSRF
//! token every form of the session must carry. Web pages (developer, reviewer, User) and the
//! v1 blank pages all start, resume and end their sessions here.

use chrono::{DateTime, Duration, Utc};
use rand::RngCore;
use sha2::{Digest, Sha256};

use super::Platform;
use crate::error::ServiceResult;
pub use einv_store::SessionKind;
use einv_store::SessionRecord;

/// A live session.
#[derive(Debug, Clone)]
pub struct Session {
    /// Its kind.
    pub kind: SessionKind,
    /// Who: a developer or reviewer ID, a User ID, or a blank page's context.
    pub subject: String,
    /// The token its forms carry.
    pub csrf: String,
    token_hash: String,
}

impl Session {
    /// Whether `token` is this session's CSRF token, compared in constant time so it cannot
    /// be guessed byte by byte.
    pub fn csrf_matches(&self, token: &str) -> bool {
        constant_time_eq(token.as_bytes(), self.csrf.as_bytes())
    }
}

/// A session just started: the secret token to hand the browser, and the session.
#[derive(Debug, Clone)]
pub struct StartedSession {
    /// The token the browser presents (only its hash is stored).
    pub token: String,
    /// The session.
    pub session: Session,
}

fn hash_token(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// Constant-time equality of two tokens. (Hand-written: one line, where the `subtle` crate
/// would be a dependency for one function.)
pub(crate) fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// 32 random bytes as hex: session and CSRF tokens.
pub(crate) fn random_token() -> String {
    let mut bytes = [0u8; 32];
    rand::thread_rng().fill_bytes(&mut bytes);
    hex::encode(bytes)
}

impl Platform {
    /// Starts a session of `kind` for `subject`, lasting `lifetime` from now.
    pub async fn start_session(
        &self,
        kind: SessionKind,
        subject: &str,
        lifetime: Duration,
    ) -> ServiceResult<StartedSession> {
        let token = random_token();
        let now = self.clock.now();
        let record = SessionRecord {
            token_hash: hash_token(&token),
            role: kind,
            subject: subject.to_owned(),
            csrf_token: random_token(),
            expires_at: now + lifetime,
        };
        self.store.create_session(&record, now).await?;
        Ok(StartedSession {
            token,
            session: session_of(record, kind),
        })
    }

    /// The live session of `kind` whose token is `token`, if any.
    pub async fn resume_session(
        &self,
        kind: SessionKind,
        token: &str,
    ) -> ServiceResult<Option<Session>> {
        Ok(self
            .live_session(token, self.clock.now())
            .await?
            .filter(|s| s.kind == kind))
    }

    /// The live session whose token is `token`, whatever its kind.
    pub async fn resume_any_session(&self, token: &str) -> ServiceResult<Option<Session>> {
        self.live_session(token, self.clock.now()).await
    }

    async fn live_session(
        &self,
        token: &str,
        now: DateTime<Utc>,
    ) -> ServiceResult<Option<Session>> {
        let found = self.store.find_session(&hash_token(token), now).await?;
        Ok(found.map(|r| {
            let kind = r.role;
            session_of(r, kind)
        }))
    }

    /// Ends `session` (and, in passing, every expired one).
    pub async fn end_session(&self, session: &Session) -> ServiceResult<()> {
        self.store
            .delete_session(&session.token_hash, self.clock.now())
            .await?;
        Ok(())
    }

    /// Ends every session of `session`'s subject and kind but `session` itself (after a
    /// credential change, the other devices are signed out).
    pub async fn end_other_sessions(&self, session: &Session) -> ServiceResult<u64> {
        Ok(self
            .store
            .delete_other_sessions(session.kind, &session.subject, &session.token_hash)
            .await?)
    }

    /// Ends every session of `subject` in `kind` (after a code change, a deregistration …).
    pub async fn end_sessions_of(&self, kind: SessionKind, subject: &str) -> ServiceResult<()> {
        self.store.delete_sessions_of(kind, subject).await?;
        Ok(())
    }
}

fn session_of(r: SessionRecord, kind: SessionKind) -> Session {
    Session {
        kind,
        subject: r.subject,
        csrf: r.csrf_token,
        token_hash: r.token_hash,
    }
}
