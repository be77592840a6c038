//! Signed v1 calls are answered once: a repeated identical signed request inside its
//! timestamp window gets the first answer and never acts twice (a donation, an aggregation
//! or an audited read happens once however often the request is replayed).
//!
//! The answers live in the database (`signed_calls`), so several nodes share them; a row dies
//! with its window and the table is pruned with every batch of kept answers, so it holds at
//! most the signed calls of about one window, which flow control bounds. The claim is one
//! statement, made before the call acts (so two identical requests never both act); the
//! answer is kept by the audit writer, in the transaction that records the call's reads
//! (`Platform::keep_signed_answer`).

use chrono::{DateTime, Utc};
use einv_core::AppId;
use einv_store::SignedCall;

use super::Platform;
use crate::error::ServiceResult;

impl Platform {
    /// What is known of the signed call `call_key` now.
    pub async fn signed_call(&self, call_key: &str) -> ServiceResult<SignedCall> {
        Ok(self.store.signed_call(call_key, self.clock.now()).await?)
    }

    /// Claims the signed call `call_key` (whose signature verified) until `expires_at`;
    /// false when an identical request claimed it first.
    pub async fn claim_signed_call(
        &self,
        call_key: &str,
        app_id: &AppId,
        expires_at: DateTime<Utc>,
    ) -> ServiceResult<bool> {
        Ok(self
            .store
            .claim_signed_call(call_key, app_id, expires_at, self.clock.now())
            .await?)
    }
}
