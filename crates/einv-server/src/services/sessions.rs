//! Sessions: who a browser is signed in as. A session is a random token the browser keeps
//! (in a cookie, set by the web layer) and the Platform keeps only its SHA-256, with a CSRF
//! token every form of the session must carry. Web pages (developer, reviewer, User) and the
//! v1 blank pages all start, resume and end their sessions here.

use chrono::{DateTime, Duration, Utc};
use rand::RngCore;
use sha2::{Digest, Sha256};

use super::Platform;
use crate::error::ServiceResult;
use einv_store::SessionRecord;

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

    fn parse(word: &str) -> Option<Self> {
        [Self::Developer, Self::Reviewer, Self::User, Self::BlankPage]
            .into_iter()
            .find(|k| k.as_str() == word)
    }
}

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
        let (a, b) = (token.as_bytes(), self.csrf.as_bytes());
        a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
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

fn random_token() -> String {
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
            role: kind.as_str().to_owned(),
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
        Ok(found.and_then(|r| {
            let kind = SessionKind::parse(&r.role)?;
            Some(session_of(r, kind))
        }))
    }

    /// Ends `session` (and, in passing, every expired one).
    pub async fn end_session(&self, session: &Session) -> ServiceResult<()> {
        self.store
            .delete_session(&session.token_hash, self.clock.now())
            .await?;
        Ok(())
    }

    /// Ends every session of `subject` in `kind` (after a code change, a deregistration …).
    pub async fn end_sessions_of(&self, kind: SessionKind, subject: &str) -> ServiceResult<()> {
        self.store
            .delete_sessions_of(kind.as_str(), subject)
            .await?;
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
