//! The audit trail (R5.3, R6.4): every data access and every consent and licence event goes
//! into an append-only, hash-chained log (`einv_core::audit`), kept at least six months and
//! verifiable by `einv audit verify`.
//!
//! [`Platform::audit`] stamps the entry with the Platform clock and hands it to a background
//! writer ([`writer`]) that appends in batches; [`Platform::flush_audit`] waits until everything
//! handed over so far is stored. See `docs/audit.md` for the durability promise.

use einv_core::{AppId, UserId};
use std::net::IpAddr;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use einv_core::audit::EntryContent;
use einv_core::Service;
use serde_json::Value;

use super::{Caller, Platform};
use crate::error::ServiceResult;

pub mod held;
mod review;
pub mod writer;

pub use review::PurgeOutcome;
pub use writer::{AuditConfig, AuditTrail};

/// One entry of the audit trail.
#[derive(Debug, Clone)]
pub struct AuditEntry {
    /// Who acted: `app:<AppID>`, `developer:<id>`, `reviewer:<id>`, `user:<id>`, `system`.
    pub actor: String,
    /// What happened, e.g. `data.carrier-invoices`, `consent.granted`, `licence.suspended`.
    pub action: String,
    /// The User whose data or consent it concerns.
    pub user_id: Option<UserId>,
    /// The AppID it concerns.
    pub app_id: Option<AppId>,
    /// The invoices read or changed (shared with a kept list page: services/list_replies.rs).
    pub invoices: Arc<[String]>,
    /// The caller's IP address.
    pub ip: Option<IpAddr>,
    /// Anything else worth keeping, as JSON.
    pub detail: Value,
}

impl AuditEntry {
    /// A data access by an app on a User's data.
    pub fn access(
        caller: &Caller,
        user_id: UserId,
        service: Service,
        invoices: impl Into<Arc<[String]>>,
    ) -> Self {
        Self {
            // Joined, not formatted: every v1 data call builds one.
            actor: ["app:", caller.app_id.as_str()].concat(),
            action: ["data.", service.as_str()].concat(),
            user_id: Some(user_id),
            app_id: Some(caller.app_id.clone()),
            invoices: invoices.into(),
            ip: caller.ip,
            detail: Value::Null,
        }
    }

    /// An event with no User, AppID or invoices yet: set them with struct update syntax or
    /// the `with_*` methods.
    pub fn event(actor: impl Into<String>, action: impl Into<String>) -> Self {
        Self {
            actor: actor.into(),
            action: action.into(),
            user_id: None,
            app_id: None,
            invoices: Arc::default(),
            ip: None,
            detail: Value::Null,
        }
    }

    /// The same entry about User `user_id`.
    pub fn with_user(mut self, user_id: UserId) -> Self {
        self.user_id = Some(user_id);
        self
    }

    /// The same entry about AppID `app_id`.
    pub fn with_app(mut self, app_id: &AppId) -> Self {
        self.app_id = Some(app_id.clone());
        self
    }

    /// The same entry with `detail`.
    pub fn with_detail(mut self, detail: Value) -> Self {
        self.detail = detail;
        self
    }

    /// What the chain stores and hashes, stamped `at`.
    pub fn into_content(self, at: DateTime<Utc>) -> EntryContent {
        EntryContent {
            at: at.timestamp(),
            actor: self.actor,
            action: self.action,
            user_id: self.user_id.map(UserId::get),
            app_id: self.app_id.map(String::from),
            invoices: self.invoices,
            ip: self.ip.map(|ip| ip.to_string()),
            // A data read has no detail: its JSON text without the serializer.
            detail: match self.detail {
                Value::Null => "null".to_owned(),
                detail => detail.to_string(),
            },
        }
    }
}

impl Platform {
    /// Records `entry` in the audit trail (R6.4), stamped with the Platform clock. Returns once
    /// the writer has it; it is stored within one batch write (see [`writer`]).
    pub async fn audit(&self, entry: AuditEntry) -> ServiceResult<()> {
        let content = entry.into_content(self.clock.now());
        self.trail.record(content).await
    }

    /// Records a data read (R6.4) and returns only once its entry is committed: no data is
    /// answered whose audit entry could still be lost (hole 7). While the trail cannot be
    /// written the read fails, and the caller refuses it.
    ///
    /// Inside a signed v1 call that is answered once and has claimed its answer
    /// ([`held::hold_reads`]), the entry is held instead and committed with the kept answer,
    /// in one transaction, before anything is answered ([`Platform::keep_signed_answer`]).
    pub async fn audit_read(&self, entry: AuditEntry) -> ServiceResult<()> {
        let content = entry.into_content(self.clock.now());
        match held::hold(content) {
            None => Ok(()),
            Some(content) => self.trail.record_durable(content).await,
        }
    }

    /// Keeps the answer of the signed call `claim` (or, `None`, gives its claim up) and
    /// commits the entries of the reads it answers with it (held by [`held::holding_reads`]);
    /// returns once both are stored. On an error nothing of it is stored and the data must
    /// not be answered.
    pub async fn keep_signed_answer(
        &self,
        claim: &super::replay::SignedClaim,
        reply: Option<String>,
        reads: Vec<EntryContent>,
    ) -> ServiceResult<()> {
        let answer = einv_store::SignedAnswer {
            call_key: hex::encode(claim.key),
            app_id: claim.app_id.clone(),
            expires_at: claim.expires_at,
            reply: reply
                .as_deref()
                .map(|r| super::replay::stored_form(claim, r)),
        };
        self.trail.record_answer(reads, answer).await?;
        self.signed_call_settled(claim, reply.as_deref()).await;
        Ok(())
    }

    /// Waits until every entry recorded so far is stored (for tests and shutdown).
    pub async fn flush_audit(&self) -> ServiceResult<()> {
        self.trail.flush().await
    }

    /// Stores everything recorded so far and signs a checkpoint of the chain head (on demand
    /// and at shutdown, besides the one every `checkpoint_every` entries).
    pub async fn audit_checkpoint(&self) -> ServiceResult<()> {
        self.trail.flush().await?;
        self.trail.checkpoint_head(self.clock.now()).await
    }
}
