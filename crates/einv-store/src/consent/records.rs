//! The records of consent (R5.2–R5.6): grants, OAuth codes and tokens, the Users' requests to
//! stop using or delete their data, and notices to Users.

use chrono::{DateTime, NaiveDate, Utc};
use einv_core::consent::ConsentGrant;
use einv_core::{AppId, DeletionRequestId, GrantId, UserId};
use serde::{Deserialize, Serialize};

/// A stored consent grant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConsentGrantRecord {
    /// Row ID.
    pub id: GrantId,
    /// The User who gave it.
    pub user_id: UserId,
    /// The AppID it was given to.
    pub app_id: AppId,
    /// What was consented to, and when; revocation and voiding times.
    pub grant: ConsentGrant,
    /// Why the Platform voided it (R10.2), if it did.
    pub void_reason: Option<String>,
    /// The grant this one renews (R5.6: renewal is a new recorded act).
    pub renews: Option<GrantId>,
}

/// A stored OAuth authorization code (only its hash).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OAuthCodeRecord {
    /// SHA-256 of the code, hex.
    pub code_hash: String,
    /// The AppID it was issued to.
    pub app_id: AppId,
    /// The User who approved.
    pub user_id: UserId,
    /// The grant the approval created.
    pub grant_id: GrantId,
    /// The redirect URI it was sent to; the token request must repeat it.
    pub redirect_uri: String,
    /// The PKCE S256 challenge.
    pub code_challenge: String,
    /// The services, space-separated.
    pub scope: String,
    /// When it expires.
    pub expires_at: DateTime<Utc>,
}

/// Access or refresh.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TokenKind {
    /// A short-lived access token.
    Access,
    /// A refresh token, used once.
    Refresh,
}

impl TokenKind {
    /// The stored word.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Access => "access",
            Self::Refresh => "refresh",
        }
    }
}

/// A stored consent token (only its hash).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConsentTokenRecord {
    /// SHA-256 of the token, hex.
    pub token_hash: String,
    /// Access or refresh.
    pub kind: TokenKind,
    /// The grant it carries.
    pub grant_id: GrantId,
    /// The AppID it is bound to.
    pub app_id: AppId,
    /// The User it is bound to.
    pub user_id: UserId,
    /// When it expires.
    pub expires_at: DateTime<Utc>,
}

/// What a User asks a developer to do with their data (R5.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum RequestKind {
    /// Stop using the data (停止使用).
    StopUse,
    /// Stop processing the data (停止處理、利用).
    StopProcessing,
    /// Delete the data (刪除).
    Delete,
}

impl RequestKind {
    /// Every kind.
    pub const ALL: [RequestKind; 3] = [Self::StopUse, Self::StopProcessing, Self::Delete];

    /// The stored word.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::StopUse => "stop-use",
            Self::StopProcessing => "stop-processing",
            Self::Delete => "delete",
        }
    }

    /// Reads a stored word.
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// A User's request to a developer, tracked to completion.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DeletionRequestRecord {
    /// Row ID.
    pub id: DeletionRequestId,
    /// The User.
    pub user_id: UserId,
    /// The app it is addressed to.
    pub app_id: AppId,
    /// What is asked.
    pub kind: RequestKind,
    /// When it was made.
    pub created_at: DateTime<Utc>,
    /// The Taipei day by which it must be completed.
    pub due_date: NaiveDate,
    /// When the developer acknowledged it.
    pub acknowledged_at: Option<DateTime<Utc>>,
    /// When the developer reported it done.
    pub completed_at: Option<DateTime<Utc>>,
}
