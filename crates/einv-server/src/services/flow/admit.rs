//! The admission steps every surface calls (R4.6): per IP first, per AppID once the AppID is
//! known live, and the daily cap of qryInvDetail.

use std::net::IpAddr;

use einv_core::flow::RateLimit;
use einv_core::Service;

use super::count::Counted;
use super::{refusal, tally, FlowStatus, Scope};
use crate::error::ServiceResult;
use crate::services::Platform;

/// The specification's one published number: qryInvDetail answers at most this many queries
/// (code 950 past it). einv counts them per AppID and invoice over a day, which is what stops
/// a client from trying the 10 000 random codes of one invoice.
pub const DETAIL_QUERY_CAP: RateLimit = RateLimit::new(99, 86_400);

/// What the first counting step of a call did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[must_use]
pub struct FirstCount {
    /// The tightest allowance counted.
    pub status: FlowStatus,
    /// Whether the AppID's allowance was counted too (then the call is not counted again).
    pub app_counted: bool,
}

impl Platform {
    /// R4.6, first of all: counts a call from `ip` and refuses it past the per-IP limit (code
    /// 950 on v1, 429 elsewhere). Every surface calls this before any other work.
    pub async fn admit_ip(&self, ip: Option<IpAddr>) -> ServiceResult<FlowStatus> {
        self.admit_call(ip, "", None)
            .await
            .map(|first| first.status)
    }

    /// R4.6, first of all, in one round trip: per IP, and per AppID when `app_id` is one this
    /// node found live and callable unsigned (`early.rs`), so the per-IP refusal still comes
    /// before any other work and a made-up AppID is never counted. When the AppID was not
    /// counted here, the caller counts it with [`Platform::admit_app_calls`] once the
    /// authority found it live.
    pub async fn admit_call(
        &self,
        ip: Option<IpAddr>,
        app_id: &str,
        service: Option<Service>,
    ) -> ServiceResult<FirstCount> {
        let mut scopes = Vec::with_capacity(3);
        if let Some(ip) = ip {
            scopes.push(Scope::Ip(ip));
        }
        let app_counted = self.flow.early.contains(app_id);
        if app_counted {
            scopes.push(Scope::App(app_id));
            scopes.extend(service.map(|s| Scope::Service(app_id, s)));
        }
        if scopes.is_empty() {
            let status = FlowStatus {
                limit: self.flow.limits.per_ip.calls,
                remaining: u64::MAX,
                reset_secs: 0,
            };
            return Ok(FirstCount {
                status,
                app_counted,
            });
        }
        let status = self.admit_in(&scopes).await?;
        Ok(FirstCount {
            status,
            app_counted,
        })
    }

    /// R4.6: counts a call of `app_id` against its allowance (its own limit when a reviewer
    /// set one, else the default), and against its allowance for `service` when it has one.
    /// Only for an AppID the authority found live: a made-up or stolen-name AppID must never
    /// spend a real app's allowance.
    pub async fn admit_app_calls(
        &self,
        app_id: &str,
        service: Option<Service>,
    ) -> ServiceResult<FlowStatus> {
        match service {
            Some(s) => {
                self.admit_in(&[Scope::App(app_id), Scope::Service(app_id, s)])
                    .await
            }
            None => self.admit_in(&[Scope::App(app_id)]).await,
        }
    }

    /// Counts one qryInvDetail query by `app_id` for invoice `number`; past
    /// [`DETAIL_QUERY_CAP`] it is refused (950).
    pub async fn admit_detail_query(&self, app_id: &str, number: &str) -> ServiceResult<()> {
        let key = format!("{app_id}:{number}");
        self.admit_in(&[Scope::Detail(&key)]).await.map(|_| ())
    }

    /// The per-AppID limit in force for `app_id` now (over all its calls, or over its calls
    /// of `service`): its own, or the default; `None` for a service with no limit of its own.
    pub async fn app_limit(
        &self,
        app_id: &str,
        service: Option<Service>,
    ) -> ServiceResult<Option<RateLimit>> {
        let now = self.clock.now();
        self.flow.book.refresh(&self.store, now, false).await?;
        Ok(self.in_force(app_id, service, now.timestamp()))
    }

    fn in_force(&self, app_id: &str, service: Option<Service>, now: i64) -> Option<RateLimit> {
        let own = self.flow.book.own_limit(app_id, service, now);
        match service {
            None => Some(own.unwrap_or(self.flow.limits.per_app)),
            Some(s) => own.or_else(|| self.flow.per_service.get(&s).copied()),
        }
    }

    /// The limit `scope` is held to now (`None`: a service with no limit of its own). A store
    /// that cannot say whether an AppID has its own limit leaves the last known one in force
    /// (logged): flow control must not fail a call the rest of the Platform could answer.
    async fn limit_of(&self, scope: Scope<'_>) -> Option<RateLimit> {
        let (app_id, service) = match scope {
            Scope::Ip(_) => return Some(self.flow.limits.per_ip),
            Scope::Detail(_) => return Some(DETAIL_QUERY_CAP),
            Scope::App(app_id) => (app_id, None),
            Scope::Service(app_id, service) => (app_id, Some(service)),
        };
        let now = self.clock.now();
        if let Err(e) = self.flow.book.refresh(&self.store, now, false).await {
            tracing::warn!(error = %e, "flow control: cannot read the limit changes; keeping the last known");
        }
        self.in_force(app_id, service, now.timestamp())
    }

    /// Counts one call in every scope of `scopes`, in order, in one step (one Redis round
    /// trip). Never lets a call through uncounted: with the shared counter unreachable the
    /// node counts alone with its share (see `redis.rs`).
    async fn admit_in(&self, scopes: &[Scope<'_>]) -> ServiceResult<FlowStatus> {
        let mut steps = Vec::with_capacity(scopes.len());
        for scope in scopes {
            if let Some(limit) = self.limit_of(*scope).await {
                steps.push((*scope, limit));
            }
        }
        match self.flow.count_all(&steps).await {
            (
                Counted::Allowed {
                    tightest,
                    remaining,
                    reset_secs,
                },
                _,
            ) => Ok(FlowStatus {
                limit: steps.get(tightest).map_or(0, |(_, l)| l.calls),
                remaining,
                reset_secs,
            }),
            (
                Counted::Refused {
                    at,
                    retry_after_secs,
                },
                alone,
            ) => {
                let Some((scope, limit)) = steps.get(at).copied() else {
                    return Err(crate::error::ServiceError::Internal(
                        "flow control named no refusing limit".into(),
                    ));
                };
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
            Scope::App(app_id) | Scope::Service(app_id, _) => app_id,
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
