//! Flow control (R4.6): per caller IP and per AppID. In memory on one node (GCRA, bounded:
//! `memory.rs`), or fixed windows counted in Redis when several nodes must share the counts.
//!
//! The order is what keeps it from being turned against anyone: a call is counted per IP
//! first, before any other work; per AppID only once the authority has found the AppID is a
//! live app, so a stranger sending a real app's AppID spends its own IP's allowance, not the
//! app's, and made-up AppIDs never become keys.

use std::net::IpAddr;
use std::sync::OnceLock;

use einv_core::flow::{FlowDecision, FlowLimits, RateLimit};

use super::Platform;
use crate::error::{ServiceError, ServiceResult};

pub mod memory;

use memory::{ip_key, FlowClock, KeyedGcra, RetryAfter};

/// Where the counts live.
pub enum FlowCounter {
    /// One node: GCRA limiters in memory, made on first use (after the Platform handed its
    /// clock over: a limiter keeps the instant it was made as its origin).
    Memory(OnceLock<Box<MemoryLimiters>>),
    /// Several nodes: Redis, one key per (scope, window) expiring with the window, under a
    /// namespace so several Platforms can share one Redis.
    Redis {
        /// The connection (boxed: it is large).
        manager: Box<redis::aio::ConnectionManager>,
        /// Key prefix.
        namespace: String,
    },
}

/// The in-memory limiters.
#[derive(Debug)]
pub struct MemoryLimiters {
    /// Per IP (IPv6 per /64).
    per_ip: KeyedGcra<IpAddr>,
    /// Per live AppID.
    per_app: KeyedGcra<String>,
    /// qryInvDetail per AppID and invoice ([`DETAIL_QUERY_CAP`]): a fixed daily window, as
    /// the cap is a count per day, not a rate.
    per_detail: std::sync::Mutex<std::collections::HashMap<String, (i64, u64)>>,
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
    clock: FlowClock,
}

/// What a call left of its allowance, for `RateLimit-*` headers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FlowStatus {
    /// The limit's size.
    pub limit: u32,
    /// Calls left now.
    pub remaining: u64,
    /// Seconds until the allowance is whole again (0 when the counter does not say).
    pub reset_secs: u64,
}

/// Which allowance a call is counted against.
#[derive(Debug, Clone, Copy)]
enum Scope<'a> {
    Ip(IpAddr),
    App(&'a str),
    /// qryInvDetail, per AppID and invoice.
    Detail(&'a str),
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
            counter: FlowCounter::Memory(OnceLock::new()),
            clock: FlowClock::default(),
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
            clock: FlowClock::default(),
        })
    }

    /// Reads time from the Platform's clock (tests move it).
    pub(crate) fn use_clock(&self, clock: std::sync::Arc<dyn einv_core::Clock>) {
        self.clock.set(clock);
    }

    /// Counts one call in `scope` at `now`.
    async fn count(&self, scope: Scope<'_>, now: i64) -> Result<FlowDecision, String> {
        let limit = match scope {
            Scope::Ip(_) => self.limits.per_ip,
            Scope::App(_) => self.limits.per_app,
            Scope::Detail(_) => DETAIL_QUERY_CAP,
        };
        match &self.counter {
            FlowCounter::Memory(limiters) => {
                let limiters = limiters.get_or_init(|| {
                    Box::new(MemoryLimiters {
                        per_ip: KeyedGcra::new(self.limits.per_ip, self.clock.clone()),
                        per_app: KeyedGcra::new(self.limits.per_app, self.clock.clone()),
                        per_detail: std::sync::Mutex::default(),
                    })
                });
                let outcome = match scope {
                    Scope::Ip(ip) => limiters.per_ip.check(&ip_key(ip)),
                    Scope::App(app_id) => limiters.per_app.check(&app_id.to_owned()),
                    Scope::Detail(key) => {
                        return Ok(limit
                            .decide(fixed_window_hit(&limiters.per_detail, key, limit, now), now))
                    }
                };
                Ok(match outcome {
                    Ok(remaining) => FlowDecision::Allowed {
                        remaining: u64::from(remaining),
                        reset_secs: 0,
                    },
                    Err(RetryAfter(wait)) => FlowDecision::Refused {
                        retry_after_secs: wait.as_secs_f64().ceil().max(1.0) as u64,
                    },
                })
            }
            FlowCounter::Redis { manager, namespace } => {
                let key = match scope {
                    Scope::Ip(ip) => format!("ip:{}", ip_key(ip)),
                    Scope::App(app_id) => format!("app:{app_id}"),
                    Scope::Detail(key) => format!("detail:{key}"),
                };
                let count = redis_hit(manager, namespace, &key, limit, now).await?;
                Ok(limit.decide(count, now))
            }
        }
    }
}

/// Counts one call for `key` in `limit`'s current fixed window, in memory; bounded like the
/// GCRA limiters (past [`memory::MAX_KEYS`] the finished windows are dropped).
fn fixed_window_hit(
    counts: &std::sync::Mutex<std::collections::HashMap<String, (i64, u64)>>,
    key: &str,
    limit: RateLimit,
    now: i64,
) -> u64 {
    let (window, _) = limit.window(now);
    let Ok(mut counts) = counts.lock() else {
        return 0;
    };
    if counts.len() >= memory::MAX_KEYS {
        counts.retain(|_, (w, _)| *w == window);
    }
    let entry = counts.entry(key.to_owned()).or_insert((window, 0));
    if entry.0 != window {
        *entry = (window, 0);
    }
    entry.1 += 1;
    entry.1
}

async fn redis_hit(
    manager: &redis::aio::ConnectionManager,
    namespace: &str,
    key: &str,
    limit: RateLimit,
    now: i64,
) -> Result<u64, String> {
    let (window, reset_at) = limit.window(now);
    let mut conn = manager.clone();
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

    /// R4.6: counts a call of `app_id` against its allowance. Only for an AppID the authority
    /// found live: a made-up or stolen-name AppID must never spend a real app's allowance.
    pub async fn admit_app_calls(&self, app_id: &str) -> ServiceResult<FlowStatus> {
        self.admit_in(Scope::App(app_id)).await
    }

    /// R4.6 on v2: counts a call from `ip` (per IP first), then, when the AppID it names is
    /// live by the one authority, against that app's allowance: a made-up AppID or one whose
    /// licence is not live spends no real app's allowance. The tighter status is returned.
    pub async fn admit_flow(&self, ip: Option<IpAddr>, app_id: &str) -> ServiceResult<FlowStatus> {
        let by_ip = self.admit_ip(ip).await?;
        if app_id.is_empty() || self.authorise_app(app_id, None).await.is_err() {
            return Ok(by_ip);
        }
        let by_app = self.admit_app_calls(app_id).await?;
        Ok(if by_app.remaining < by_ip.remaining {
            by_app
        } else {
            by_ip
        })
    }

    /// If the shared counter is unreachable the call is let through and the failure logged:
    /// flow control protects the Platform, it must not take it down.
    async fn admit_in(&self, scope: Scope<'_>) -> ServiceResult<FlowStatus> {
        let now = self.clock.now().timestamp();
        let limit = match scope {
            Scope::Ip(_) => self.flow.limits.per_ip,
            Scope::App(_) => self.flow.limits.per_app,
            Scope::Detail(_) => DETAIL_QUERY_CAP,
        };
        match self.flow.count(scope, now).await {
            Ok(FlowDecision::Allowed {
                remaining,
                reset_secs,
            }) => Ok(FlowStatus {
                limit: limit.calls,
                remaining,
                reset_secs,
            }),
            Ok(FlowDecision::Refused { retry_after_secs }) => Err(ServiceError::RateLimited {
                limit: limit.calls,
                window_secs: limit.window_secs,
                retry_after_secs,
            }),
            Err(e) => {
                tracing::error!(error = %e, "flow control counter unavailable; letting the call through");
                Ok(FlowStatus {
                    limit: limit.calls,
                    remaining: u64::MAX,
                    reset_secs: 0,
                })
            }
        }
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
    /// [`DETAIL_QUERY_CAP`] it is refused (950). An unreachable shared counter lets the query
    /// through, as for the other limits.
    pub async fn admit_detail_query(&self, app_id: &str, number: &str) -> ServiceResult<()> {
        let key = format!("{app_id}:{number}");
        self.admit_in(Scope::Detail(&key)).await.map(|_| ())
    }
}
