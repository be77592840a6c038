//! The admission steps every surface calls (R4.6): per IP first, per AppID once the AppID is
//! known live, and the daily cap of qryInvDetail.

use std::net::IpAddr;

use einv_core::flow::{FlowDecision, RateLimit};

use super::{refusal, tally, FlowStatus, Scope};
use crate::error::ServiceResult;
use crate::services::Platform;

/// The specification's one published number: qryInvDetail answers at most this many queries
/// (code 950 past it). einv counts them per AppID and invoice over a day, which is what stops
/// a client from trying the 10 000 random codes of one invoice.
pub const DETAIL_QUERY_CAP: RateLimit = RateLimit::new(99, 86_400);

impl Platform {
    /// R4.6, first of all: counts a call from `ip` and refuses it past the per-IP limit (code
    /// 950 on v1, 429 elsewhere). Every surface calls this before any other work.
    pub async fn admit_ip(&self, ip: Option<IpAddr>) -> ServiceResult<FlowStatus> {
        match ip {
            Some(ip) => self.admit_in(Scope::Ip(ip)).await,
            None => Ok(FlowStatus {
                limit: self.flow.limits.per_ip.calls,
                remaining: u64::MAX,
                reset_secs: 0,
            }),
        }
    }

    /// R4.6: counts a call of `app_id` against its allowance (its own limit when a reviewer
    /// set one, else the default). Only for an AppID the authority found live: a made-up or
    /// stolen-name AppID must never spend a real app's allowance.
    pub async fn admit_app_calls(&self, app_id: &str) -> ServiceResult<FlowStatus> {
        self.admit_in(Scope::App(app_id)).await
    }

    /// Counts one qryInvDetail query by `app_id` for invoice `number`; past
    /// [`DETAIL_QUERY_CAP`] it is refused (950).
    pub async fn admit_detail_query(&self, app_id: &str, number: &str) -> ServiceResult<()> {
        let key = format!("{app_id}:{number}");
        self.admit_in(Scope::Detail(&key)).await.map(|_| ())
    }

    /// The per-AppID limit in force for `app_id` now: its own, or the default.
    pub async fn app_limit(&self, app_id: &str) -> ServiceResult<RateLimit> {
        let now = self.clock.now();
        self.flow.book.refresh(&self.store, now, false).await?;
        Ok(self
            .flow
            .book
            .own_limit(app_id, now.timestamp())
            .unwrap_or(self.flow.limits.per_app))
    }

    /// The limit `scope` is held to now. A store that cannot say whether an AppID has its own
    /// limit leaves the last known one in force (logged): flow control must not fail a call
    /// the rest of the Platform could answer.
    async fn limit_of(&self, scope: Scope<'_>) -> RateLimit {
        match scope {
            Scope::Ip(_) => self.flow.limits.per_ip,
            Scope::Detail(_) => DETAIL_QUERY_CAP,
            Scope::App(app_id) => {
                let now = self.clock.now();
                if let Err(e) = self.flow.book.refresh(&self.store, now, false).await {
                    tracing::warn!(error = %e, "flow control: cannot read the limit changes; keeping the last known");
                }
                self.flow
                    .book
                    .own_limit(app_id, now.timestamp())
                    .unwrap_or(self.flow.limits.per_app)
            }
        }
    }

    /// Never lets a call through uncounted: with the shared counter unreachable the node
    /// counts alone with its share (see `redis.rs`).
    async fn admit_in(&self, scope: Scope<'_>) -> ServiceResult<FlowStatus> {
        let limit = self.limit_of(scope).await;
        match self.flow.count(scope, limit).await {
            (
                FlowDecision::Allowed {
                    remaining,
                    reset_secs,
                },
                _,
            ) => Ok(FlowStatus {
                limit: limit.calls,
                remaining,
                reset_secs,
            }),
            (FlowDecision::Refused { retry_after_secs }, alone) => {
                self.throttled(scope, alone).await;
                Err(refusal(limit, retry_after_secs))
            }
        }
    }

    /// Counts a refusal: in the metrics, and per AppID (scopes that name one) in the store.
    async fn throttled(&self, scope: Scope<'_>, alone: bool) {
        let labels = [
            ("scope", scope.name()),
            ("counter", if alone { "alone" } else { "shared" }),
        ];
        metrics::counter!(tally::THROTTLED, &labels).increment(1);
        let app_id = match scope {
            Scope::Ip(_) => return,
            Scope::App(app_id) => app_id,
            Scope::Detail(key) => key.split(':').next().unwrap_or_default(),
        };
        let now = self.clock.now();
        if self.flow.tally.count(app_id, now) {
            if let Err(e) = self.flow.tally.flush(&self.store, now).await {
                tracing::warn!(error = %e, "flow control: refusal counts not stored yet; kept for the next flush");
            }
        }
    }

    /// Writes this node's pending refusal counts (pages call it before showing them).
    pub async fn flush_throttled(&self) -> ServiceResult<()> {
        self.flow.tally.flush(&self.store, self.clock.now()).await
    }
}
