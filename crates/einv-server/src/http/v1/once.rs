//! Answering a signed v1 call once (services/replay/): the wrapper every v1 action runs in.
//!
//! The gate, once everything else about the call holds (flow control, the authority, the
//! timestamps, the signature), claims it ([`claim`]). The first of identical requests wins
//! and acts; its answer is kept for the rest of the timestamp window. A later identical
//! request is stopped in the gate, before any action, and the wrapper answers it with the
//! kept answer; while the first is still being answered, or when its answer was too large
//! to keep where this node can read it (`STORED_ANSWER_MAX`), it is refused. A replay therefore
//! never gets past a refusal the first request would get now (a licence that ended, a
//! rotated-away key).

use einv_core::AppId;
use std::future::Future;
use std::sync::{Arc, OnceLock};

use axum::extract::State;
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Duration, Utc};
use einv_core::wire::{TIMESTAMP_AHEAD_SECS, TIMESTAMP_BEHIND_SECS};
use sha2::{Digest, Sha256};

use super::error::{V1Error, V1Result};
use super::params::V1Params;
use super::reply::Reply;
use crate::http::metrics::V1Labels;
use crate::http::AppState;
use crate::services::audit::held;
use crate::services::replay::book::CallKey;
use crate::services::replay::{ClaimOutcome, SignedClaim};
use crate::services::Platform;

/// What the gate decided about a signed call, for the wrapper.
#[derive(Debug, Clone)]
pub enum Claim {
    /// This request acts; its answer is kept under its key.
    Won(SignedClaim),
    /// An identical request acted first: this is its answer.
    AnsweredBefore(String),
}

/// Where the gate leaves its [`Claim`].
pub type ClaimSlot = Arc<OnceLock<Claim>>;

/// The key of a signed call: SHA-256 over the AppID and every parameter, sorted, signature
/// included. `None` for an unsigned call.
pub fn call_key(params: &V1Params) -> Option<CallKey> {
    let signature = params.get("signature").filter(|s| !s.is_empty())?;
    let app_id = params.get("appID").unwrap_or_default();
    let mut pairs: Vec<&(String, String)> = params.decoded().iter().collect();
    pairs.sort_unstable();
    let mut hash = Sha256::new();
    for part in [app_id, signature] {
        hash.update((part.len() as u64).to_be_bytes());
        hash.update(part.as_bytes());
    }
    for (k, v) in pairs {
        for part in [k, v] {
            hash.update((part.len() as u64).to_be_bytes());
            hash.update(part.as_bytes());
        }
    }
    Some(hash.finalize().into())
}

/// Until when a signed call's answer is kept: as long as its `timeStamp` is accepted, or,
/// for an action without one, the width of that window from now.
fn window_end(params: &V1Params, now: DateTime<Utc>) -> DateTime<Utc> {
    params
        .get("timeStamp")
        .and_then(|t| t.parse::<i64>().ok())
        .and_then(|t| DateTime::from_timestamp(t + TIMESTAMP_BEHIND_SECS, 0))
        .filter(|end| *end > now)
        .unwrap_or(now + Duration::seconds(TIMESTAMP_AHEAD_SECS + TIMESTAMP_BEHIND_SECS))
}

/// Called by the gate once everything about a signed call holds: claims it (`writes`: the
/// action changes stored data beyond its audited reads, services/replay/). When an identical
/// request came first the call goes no further (an error here stops the action): the
/// wrapper answers with the first answer, or, while that is not ready or when it was not
/// kept, the refusal stands.
pub async fn claim(
    platform: &Platform,
    params: &V1Params,
    app_id: &AppId,
    writes: bool,
) -> V1Result<()> {
    let Some(key) = call_key(params) else {
        return Ok(());
    };
    let expires = window_end(params, platform.clock.now()).timestamp();
    match platform
        .claim_signed_call(key, app_id, expires, writes)
        .await?
    {
        ClaimOutcome::Won(claim) => {
            let _ = params.claim.set(Claim::Won(claim));
            // The call's reads are recorded with its kept answer, in one transaction
            // (services/audit/held.rs), by `answered_once`.
            held::hold_reads();
            return Ok(());
        }
        ClaimOutcome::Answered(stored) => {
            let _ = params.claim.set(Claim::AnsweredBefore(stored));
        }
        ClaimOutcome::AnsweredNotKept => {
            return Err(V1Error::BadSignature(
                "an identical signed request was answered already and its answer is not kept \
                 here; sign a new request"
                    .into(),
            ));
        }
        ClaimOutcome::InFlight => {}
    }
    Err(V1Error::BadSignature(
        "an identical signed request is being answered; wait for its answer".into(),
    ))
}

/// Runs `action` for `params`, answering a repeated signed call from its first answer.
pub async fn answered_once<F, Fut>(
    State(state): State<AppState>,
    params: V1Params,
    action: F,
) -> Response
where
    F: FnOnce(State<AppState>, V1Params) -> Fut,
    Fut: Future<Output = Reply>,
{
    let platform = &state.platform;
    let (reply, reads) = held::holding_reads(action(State(state.clone()), params.clone())).await;
    let reply = match params.claim.get() {
        Some(Claim::Won(claim)) => {
            let keep = (!reply.is_internal_failure()).then(|| reply.to_stored());
            let answers_reads = !reads.is_empty();
            // The answer and the entries of the reads it answers, in one transaction; nothing
            // is answered before it is committed (durable first, docs/audit.md).
            match platform.keep_signed_answer(claim, keep, reads).await {
                Ok(()) => reply,
                Err(e) if answers_reads => {
                    // Neither the entries nor the answer are stored: the data is not answered,
                    // and the claim is given up so an identical request may act.
                    let _ = platform.keep_signed_answer(claim, None, Vec::new()).await;
                    reply.refused_instead(params.get("version"), e)
                }
                Err(e) => {
                    tracing::error!(error = %e, "could not keep a signed call's answer");
                    reply
                }
            }
        }
        Some(Claim::AnsweredBefore(stored)) => Reply::from_stored(stored).unwrap_or(reply),
        None => reply,
    };
    // The metrics count v1 calls per action and MOF code (every v1 reply is HTTP 200).
    let labels = V1Labels::new(params.get("action"), reply.code());
    let mut response = reply.into_response();
    response.extensions_mut().insert(labels);
    response
}
