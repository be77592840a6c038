//! Flow control (R4.6): per caller IP and per AppID, each a rate and a burst (GCRA). The
//! defaults come from the configuration; reviewers give single AppIDs their own limits
//! (`overrides.rs`, kept as data: `book.rs`). One node counts in memory (`memory.rs`); several
//! share the counts through Redis (`redis.rs`), and count alone with their share while Redis
//! is unreachable.
//!
//! The order is what keeps it from being turned against anyone: a call is counted per IP
//! first, before any other work; per AppID only once the authority has found the AppID is a
//! live app, so a stranger sending a real app's AppID spends its own IP's allowance, not the
//! app's, and made-up AppIDs never become keys.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::{Arc, OnceLock, RwLock};

use einv_core::flow::{FlowDecision, FlowLimits, RateLimit, ServiceLimits};
use einv_core::Service;

use crate::error::ServiceError;

mod admit;
pub mod book;
mod count;
pub mod early;
pub mod memory;
mod overrides;
pub mod redis;
pub mod tally;

pub use admit::DETAIL_QUERY_CAP;
pub use overrides::{AppLimitView, LimitAnnouncement};
pub use redis::RedisOptions;

use memory::{ip_key, FlowClock, KeyedGcra, RetryAfter};

/// Where the counts live.
#[derive(Debug)]
enum Counter {
    /// Nothing counted: the baseline flow control is measured against (`bench/flow.sh`),
    /// never a way to run the Platform.
    Off,
    /// One node: GCRA limiters in memory.
    Memory(MemoryLimiters),
    /// Several nodes: Redis, with this node's share in memory for when Redis is unreachable.
    Redis {
        shared: Arc<redis::SharedRedis>,
        alone: MemoryLimiters,
    },
}

/// In-memory limiters for one set of defaults, made on first use (after the Platform handed
/// its clock over: a limiter keeps the instant it was made as its origin).
#[derive(Debug)]
struct MemoryLimiters {
    defaults: FlowLimits,
    /// Divides every limit: 1 on a lone node, the expected nodes for the fallback.
    nodes: u32,
    limiters: OnceLock<Box<Limiters>>,
}

#[derive(Debug)]
struct Limiters {
    per_ip: KeyedGcra<IpAddr>,
    per_app: KeyedGcra<String>,
    /// AppIDs (and AppIDs' services, keyed `svc:SERVICE:APPID`) with a limit of their own, one
    /// limiter per distinct limit.
    own: RwLock<HashMap<RateLimit, Arc<KeyedGcra<String>>>>,
    /// qryInvDetail per AppID and invoice ([`DETAIL_QUERY_CAP`]): a fixed daily window, as
    /// the cap is a count per day, not a rate.
    per_detail: std::sync::Mutex<HashMap<String, (i64, u64)>>,
}

/// The limits, the counter, the refusals.
#[derive(Debug)]
pub struct FlowControl {
    /// The default limits (the configuration's), announced on the limits page.
    pub limits: FlowLimits,
    /// The default limits of single services per AppID (none unless configured).
    pub per_service: ServiceLimits,
    /// Each AppID's own limits, as reviewers announced them.
    pub book: book::LimitBook,
    counter: Counter,
    clock: FlowClock,
    tally: tally::Tally,
    /// AppIDs counted in the same step as the IP (`early.rs`).
    pub(crate) early: early::EarlyApps,
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
    /// One AppID's calls of one service.
    Service(&'a str, Service),
    /// qryInvDetail, per AppID and invoice.
    Detail(&'a str),
}

impl Scope<'_> {
    fn name(&self) -> &'static str {
        match self {
            Scope::Ip(_) => "ip",
            Scope::App(_) => "app",
            Scope::Service(..) => "service",
            Scope::Detail(_) => "detail",
        }
    }

    fn key(&self) -> String {
        match self {
            Scope::Ip(ip) => format!("ip:{}", ip_key(*ip)),
            Scope::App(app_id) => format!("app:{app_id}"),
            Scope::Service(app_id, service) => format!("svc:{service}:{app_id}"),
            Scope::Detail(key) => format!("detail:{key}"),
        }
    }
}

/// How this node counts, for `/readyz`.
#[derive(Debug, Clone, serde::Serialize)]
pub struct FlowHealth {
    /// `memory` (one node) or `redis` (shared).
    pub counter: &'static str,
    /// Redis answers (always true in memory).
    pub shared: bool,
    /// Counting alone with this node's share because Redis does not answer: still serving.
    pub degraded: bool,
    /// The share: each limit divided by this many nodes while degraded.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expected_nodes: Option<u32>,
}

impl FlowControl {
    /// In-memory counting, for one node.
    pub fn in_memory(limits: FlowLimits) -> Self {
        Self::with_counter(limits, Counter::Memory(MemoryLimiters::new(limits, 1)))
    }

    /// No flow control at all: only for measuring what flow control costs (`bench/flow.sh`).
    pub fn off(limits: FlowLimits) -> Self {
        Self::with_counter(limits, Counter::Off)
    }

    /// Counting in the Redis at `url` under `namespace` with the default options.
    pub async fn redis(
        limits: FlowLimits,
        url: &str,
        namespace: &str,
    ) -> Result<Self, ::redis::RedisError> {
        let options = RedisOptions {
            namespace: namespace.to_owned(),
            ..RedisOptions::default()
        };
        Self::redis_with(limits, url, options).await
    }

    /// Counting in the Redis at `url`, shared by every node that uses it. Only a malformed URL
    /// is an error: an unreachable Redis is waited for at most the connect timeout, then the
    /// node starts counting alone (see `redis.rs`).
    pub async fn redis_with(
        limits: FlowLimits,
        url: &str,
        options: RedisOptions,
    ) -> Result<Self, ::redis::RedisError> {
        let nodes = options.expected_nodes.max(1);
        let shared = redis::SharedRedis::start(url, options).await?;
        let alone = MemoryLimiters::new(limits, nodes);
        Ok(Self::with_counter(limits, Counter::Redis { shared, alone }))
    }

    fn with_counter(limits: FlowLimits, counter: Counter) -> Self {
        Self {
            limits,
            per_service: ServiceLimits::new(),
            book: book::LimitBook::new(chrono::Duration::seconds(1)),
            counter,
            clock: FlowClock::default(),
            tally: tally::Tally::default(),
            early: early::EarlyApps::default(),
        }
    }

    /// The same flow control with default limits per AppID per service (R4.6).
    #[must_use]
    pub fn with_service_limits(mut self, per_service: ServiceLimits) -> Self {
        self.per_service = per_service;
        self
    }

    /// The same flow control checking for limit changes at most every `interval` (zero: on
    /// every call); the stated bound for a change to reach this node.
    #[must_use]
    pub fn with_check_interval(mut self, interval: chrono::Duration) -> Self {
        self.book = book::LimitBook::new(interval);
        self
    }

    /// The Redis connection and key namespace while the counts are shared through a Redis
    /// that answers (the v2 replay nonces use it too; without it they use the store).
    pub(crate) fn shared_redis(&self) -> Option<(::redis::aio::ConnectionManager, &str)> {
        match &self.counter {
            Counter::Redis { shared, .. } => shared
                .connection()
                .map(|c| (c, shared.options().namespace.as_str())),
            Counter::Memory(_) | Counter::Off => None,
        }
    }

    /// Round trips this node made to Redis (`None` without Redis): a call costs one.
    pub fn redis_round_trips(&self) -> Option<u64> {
        match &self.counter {
            Counter::Redis { shared, .. } => Some(shared.round_trips()),
            Counter::Memory(_) | Counter::Off => None,
        }
    }

    /// How this node counts now.
    pub fn health(&self) -> FlowHealth {
        match &self.counter {
            Counter::Off => FlowHealth {
                counter: "off",
                shared: true,
                degraded: false,
                expected_nodes: None,
            },
            Counter::Memory(_) => FlowHealth {
                counter: "memory",
                shared: true,
                degraded: false,
                expected_nodes: None,
            },
            Counter::Redis { shared, .. } => FlowHealth {
                counter: "redis",
                shared: shared.is_up(),
                degraded: !shared.is_up(),
                expected_nodes: Some(shared.options().expected_nodes),
            },
        }
    }

    /// Sets the gauges read at scrape time (`/metrics`).
    pub fn publish_metrics(&self) {
        if let Counter::Redis { shared, .. } = &self.counter {
            metrics::gauge!(tally::REDIS_UP).set(if shared.is_up() { 1.0 } else { 0.0 });
        }
    }

    /// Reads time from the Platform's clock (tests move it).
    pub(crate) fn use_clock(&self, clock: Arc<dyn einv_core::Clock>) {
        self.clock.set(clock);
    }
}

impl MemoryLimiters {
    fn new(defaults: FlowLimits, nodes: u32) -> Self {
        Self {
            defaults,
            nodes: nodes.max(1),
            limiters: OnceLock::new(),
        }
    }

    fn count(&self, scope: Scope<'_>, limit: RateLimit, clock: &FlowClock) -> FlowDecision {
        let limit = limit.share(self.nodes);
        let limiters = self.limiters.get_or_init(|| {
            Box::new(Limiters {
                per_ip: KeyedGcra::new(self.defaults.per_ip.share(self.nodes), clock.clone()),
                per_app: KeyedGcra::new(self.defaults.per_app.share(self.nodes), clock.clone()),
                own: RwLock::default(),
                per_detail: std::sync::Mutex::default(),
            })
        });
        let outcome = match scope {
            Scope::Ip(ip) => limiters.per_ip.check(&ip_key(ip)),
            Scope::App(app_id) if limit == self.defaults.per_app.share(self.nodes) => {
                limiters.per_app.check(&app_id.to_owned())
            }
            Scope::App(app_id) => limiters.own_limiter(limit, clock).check(&app_id.to_owned()),
            Scope::Service(..) => limiters.own_limiter(limit, clock).check(&scope.key()),
            Scope::Detail(key) => {
                let now = clock.now_utc().timestamp();
                return limit.decide(fixed_window_hit(&limiters.per_detail, key, limit, now), now);
            }
        };
        match outcome {
            Ok(remaining) => FlowDecision::Allowed {
                remaining: u64::from(remaining),
                reset_secs: 0,
            },
            Err(RetryAfter(wait)) => FlowDecision::Refused {
                retry_after_secs: wait.as_secs_f64().ceil().max(1.0) as u64,
            },
        }
    }
}

impl Limiters {
    /// The limiter of AppIDs held to `limit` (made on first use; the distinct own limits are
    /// few, as reviewers set them one by one).
    fn own_limiter(&self, limit: RateLimit, clock: &FlowClock) -> Arc<KeyedGcra<String>> {
        if let Some(found) = self.own.read().ok().and_then(|m| m.get(&limit).cloned()) {
            return found;
        }
        let made = Arc::new(KeyedGcra::new(limit, clock.clone()));
        match self.own.write() {
            Ok(mut map) => map.entry(limit).or_insert(made).clone(),
            Err(_) => made,
        }
    }
}

/// Counts one call for `key` in `limit`'s current fixed window, in memory; bounded like the
/// GCRA limiters (past [`memory::MAX_KEYS`] the finished windows are dropped).
fn fixed_window_hit(
    counts: &std::sync::Mutex<HashMap<String, (i64, u64)>>,
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

/// The refusal of a call past `limit`.
fn refusal(limit: RateLimit, retry_after_secs: u64) -> ServiceError {
    ServiceError::RateLimited {
        limit: limit.calls,
        window_secs: limit.window_secs,
        retry_after_secs,
    }
}
