//! Flow control (R4.6): per caller IP and per AppID, counted in memory on one node or in Redis
//! when several nodes must share the counts.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;

use einv_core::flow::{FlowDecision, FlowLimits, RateLimit};

use super::Platform;
use crate::error::{ServiceError, ServiceResult};

/// Past this many counters the in-memory store drops the ones of finished windows.
const PRUNE_AT: usize = 50_000;

/// Where the counts live.
pub enum FlowCounter {
    /// One node: a map in memory.
    Memory(Mutex<HashMap<String, (i64, u64)>>),
    /// Several nodes: Redis, one key per (scope, window) expiring with the window, under a
    /// namespace so several Platforms can share one Redis.
    Redis {
        /// The connection (boxed: it is large, and the memory variant is the common one).
        manager: Box<redis::aio::ConnectionManager>,
        /// Key prefix.
        namespace: String,
    },
}

impl std::fmt::Debug for FlowCounter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            FlowCounter::Memory(_) => "FlowCounter::Memory",
            FlowCounter::Redis { .. } => "FlowCounter::Redis",
        })
    }
}

/// The limits and the counter.
#[derive(Debug)]
pub struct FlowControl {
    /// The published limits.
    pub limits: FlowLimits,
    counter: FlowCounter,
}

/// What a call left of its allowance, for `RateLimit-*` headers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FlowStatus {
    /// The tighter limit's size.
    pub limit: u32,
    /// Calls left under the tighter limit.
    pub remaining: u64,
    /// Seconds until that window ends.
    pub reset_secs: u64,
}

impl FlowControl {
    /// The Redis connection and key namespace, when the counts are shared through Redis (the
    /// v2 replay nonces share them too).
    pub(crate) fn shared_redis(&self) -> Option<(redis::aio::ConnectionManager, &str)> {
        match &self.counter {
            FlowCounter::Redis { manager, namespace } => Some(((**manager).clone(), namespace)),
            FlowCounter::Memory(_) => None,
        }
    }

    /// In-memory counting, for one node.
    pub fn in_memory(limits: FlowLimits) -> Self {
        Self {
            limits,
            counter: FlowCounter::Memory(Mutex::new(HashMap::new())),
        }
    }

    /// Counting in the Redis at `url` under `namespace`, shared by every node that uses both.
    pub async fn redis(
        limits: FlowLimits,
        url: &str,
        namespace: &str,
    ) -> Result<Self, redis::RedisError> {
        let client = redis::Client::open(url)?;
        let manager = redis::aio::ConnectionManager::new(client).await?;
        Ok(Self {
            limits,
            counter: FlowCounter::Redis {
                manager: Box::new(manager),
                namespace: namespace.to_owned(),
            },
        })
    }

    /// Counts one call under `key` in the window of `limit` at `now`; returns the count.
    async fn hit(&self, key: &str, limit: RateLimit, now: i64) -> Result<u64, String> {
        let (window, reset_at) = limit.window(now);
        match &self.counter {
            FlowCounter::Memory(map) => {
                let mut map = map.lock().map_err(|_| "flow counter poisoned".to_owned())?;
                if map.len() > PRUNE_AT {
                    map.retain(|_, (w, _)| *w >= window);
                }
                let entry = map.entry(key.to_owned()).or_insert((window, 0));
                if entry.0 != window {
                    *entry = (window, 0);
                }
                entry.1 += 1;
                Ok(entry.1)
            }
            FlowCounter::Redis { manager, namespace } => {
                let mut conn = (**manager).clone();
                let redis_key = format!("{namespace}:flow:{key}:{window}");
                let ttl = (reset_at - now).max(1) + 1;
                let (count,): (u64,) = redis::pipe()
                    .atomic()
                    .incr(&redis_key, 1u64)
                    .expire(&redis_key, ttl)
                    .ignore()
                    .query_async(&mut conn)
                    .await
                    .map_err(|e| e.to_string())?;
                Ok(count)
            }
        }
    }
}

impl Platform {
    /// Counts a call by `ip` for `app_id` and refuses it past either limit (code 950).
    /// If the shared counter is unreachable the call is let through and the failure logged:
    /// flow control protects the Platform, it must not take it down.
    pub async fn admit_flow(&self, ip: Option<IpAddr>, app_id: &str) -> ServiceResult<FlowStatus> {
        let now = self.clock.now().timestamp();
        let limits = self.flow.limits;
        let mut checks = vec![(format!("app:{app_id}"), limits.per_app)];
        if let Some(ip) = ip {
            checks.push((format!("ip:{ip}"), limits.per_ip));
        }
        let mut status = FlowStatus {
            limit: limits.per_app.calls,
            remaining: u64::MAX,
            reset_secs: 0,
        };
        for (key, limit) in checks {
            let count = match self.flow.hit(&key, limit, now).await {
                Ok(count) => count,
                Err(e) => {
                    tracing::error!(error = %e, "flow control counter unavailable; letting the call through");
                    continue;
                }
            };
            match limit.decide(count, now) {
                FlowDecision::Refused { retry_after_secs } => {
                    return Err(ServiceError::RateLimited {
                        limit: limit.calls,
                        window_secs: limit.window_secs,
                        retry_after_secs,
                    });
                }
                FlowDecision::Allowed {
                    remaining,
                    reset_secs,
                } if remaining < status.remaining => {
                    status = FlowStatus {
                        limit: limit.calls,
                        remaining,
                        reset_secs,
                    };
                }
                FlowDecision::Allowed { .. } => {}
            }
        }
        Ok(status)
    }
}

/// The specification's one published number: qryInvDetail answers at most this many queries
/// (code 950 past it). einv counts them per AppID and invoice over a day, which is what stops
/// a client from trying the 10 000 random codes of one invoice.
pub const DETAIL_QUERY_CAP: RateLimit = RateLimit {
    calls: 99,
    window_secs: 86_400,
};

impl Platform {
    /// Counts one qryInvDetail query by `app_id` for invoice `number`; past
    /// [`DETAIL_QUERY_CAP`] in the day it is refused (950). An unreachable shared counter lets
    /// the query through, as for the other limits.
    pub async fn admit_detail_query(&self, app_id: &str, number: &str) -> ServiceResult<()> {
        let now = self.clock.now().timestamp();
        let key = format!("detail:{app_id}:{number}");
        let count = match self.flow.hit(&key, DETAIL_QUERY_CAP, now).await {
            Ok(count) => count,
            Err(e) => {
                tracing::error!(error = %e, "flow control counter unavailable; letting the call through");
                return Ok(());
            }
        };
        match DETAIL_QUERY_CAP.decide(count, now) {
            FlowDecision::Refused { retry_after_secs } => Err(ServiceError::RateLimited {
                limit: DETAIL_QUERY_CAP.calls,
                window_secs: DETAIL_QUERY_CAP.window_secs,
                retry_after_secs,
            }),
            FlowDecision::Allowed { .. } => Ok(()),
        }
    }
}
