//! The audit trail (R5.3, R6.4): every data access and every consent and licence event.
//!
//! (Stub: recording is being implemented as an append-only, hash-chained log.)

use std::net::IpAddr;

use einv_core::Service;
use serde_json::Value;

use super::{Caller, Platform};
use crate::error::ServiceResult;

/// One entry of the audit trail.
#[derive(Debug, Clone)]
pub struct AuditEntry {
    /// Who acted: `app:<AppID>`, `developer:<id>`, `reviewer:<id>`, `user:<id>`, `system`.
    pub actor: String,
    /// What happened, e.g. `data.carrier-invoices`, `consent.granted`, `licence.suspended`.
    pub action: String,
    /// The User whose data or consent it concerns.
    pub user_id: Option<i64>,
    /// The AppID it concerns.
    pub app_id: Option<String>,
    /// The invoices read or changed.
    pub invoices: Vec<String>,
    /// The caller's IP address.
    pub ip: Option<IpAddr>,
    /// Anything else worth keeping, as JSON.
    pub detail: Value,
}

impl AuditEntry {
    /// A data access by an app on a User's data.
    pub fn access(caller: &Caller, user_id: i64, service: Service, invoices: Vec<String>) -> Self {
        Self {
            actor: format!("app:{}", caller.app_id),
            action: format!("data.{service}"),
            user_id: Some(user_id),
            app_id: Some(caller.app_id.clone()),
            invoices,
            ip: caller.ip,
            detail: Value::Null,
        }
    }
}

impl Platform {
    /// Records `entry` in the audit trail.
    pub async fn audit(&self, entry: AuditEntry) -> ServiceResult<()> {
        tracing::debug!(action = %entry.action, actor = %entry.actor, "audit");
        Ok(())
    }
}

impl Platform {
    /// The data accesses to a User's data, newest first, with their times (R6.4), for the
    /// User's own access-history page.
    ///
    /// Stub until the audit trail lands (its branch implements this over the hash-chained log);
    /// until then there is no history to show.
    pub async fn accesses_of_user(
        &self,
        user_id: i64,
    ) -> ServiceResult<Vec<(chrono::DateTime<chrono::Utc>, AuditEntry)>> {
        let _ = user_id;
        Ok(Vec::new())
    }
}
