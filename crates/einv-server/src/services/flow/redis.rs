//! The shared counter of several nodes: GCRA in Redis, one atomic Lua script per call
//! (EVALSHA; one integer of state per key, exact across nodes), and the node's behaviour when
//! Redis cannot be reached.
//!
//! Redis unreachable — at start or mid-run — never stops the node and never lets calls through
//! uncounted: the node counts alone with its share of each limit (limit / expected nodes, see
//! [`RateLimit::share`]), logs the change once per transition, reports it in `/readyz`
//! (degraded, still ready) and in `/metrics` (`einv_flow_redis_up`), and a probe task
//! reconnects by itself. Every Redis round trip is bounded by a timeout, so a Redis that hangs
//! (not only one that refuses) is noticed too.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, RwLock, Weak};
use std::time::Duration;

use einv_core::flow::RateLimit;
use redis::aio::ConnectionManager;

/// How the node reaches Redis and behaves without it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RedisOptions {
    /// Key prefix, so several Platforms can share one Redis.
    pub namespace: String,
    /// The nodes sharing the limits: without Redis each counts `limit / expected_nodes`.
    pub expected_nodes: u32,
    /// How long connecting may take (at start and on each reconnect attempt).
    pub connect_timeout: Duration,
    /// How long one call's Redis round trip may take before the node counts alone.
    pub command_timeout: Duration,
    /// How often a node without Redis tries again.
    pub probe_interval: Duration,
}

impl Default for RedisOptions {
    fn default() -> Self {
        Self {
            namespace: "einv".into(),
            expected_nodes: 2,
            connect_timeout: Duration::from_secs(2),
            command_timeout: Duration::from_millis(250),
            probe_interval: Duration::from_secs(1),
        }
    }
}

/// GCRA as `einv_core::flow::gcra_step` computes it, for every limit of one call in one
/// script: one round trip, and reading and writing the keys' arrival times cannot interleave
/// between nodes. The keys are stepped in order, as if counted one by one: the first refusal
/// ends the script and leaves the keys before it counted (a call refused per AppID was still
/// a call from its IP). Times are microseconds (below 2^53, exact in Lua's doubles); a key
/// expires when its arrival time passes, which is exactly when a fresh key would behave the
/// same. Answers `{1, tightest key (1-based), calls left there}` or `{0, refusing key,
/// microseconds to wait}`.
const GCRA_LUA: &str = r"
local now = tonumber(ARGV[1])
local tightest, least = 1, -1
for i, key in ipairs(KEYS) do
  local interval = tonumber(ARGV[2 * i])
  local tolerance = tonumber(ARGV[2 * i + 1])
  local tat = tonumber(redis.call('GET', key) or ARGV[1])
  if tat < now then tat = now end
  local allow_at = tat - tolerance
  if now < allow_at then
    return {0, i, allow_at - now}
  end
  local new_tat = tat + interval
  redis.call('SET', key, string.format('%.0f', new_tat), 'PX', math.ceil((new_tat - now) / 1000) + 1)
  local left = math.floor((now + tolerance + interval - new_tat) / interval)
  if least < 0 or left < least then tightest, least = i, left end
end
return {1, tightest, least}
";

/// What the script answered for one call's limits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GcraAnswer {
    /// Every limit let the call through; `tightest` (an index into the limits) has the fewest
    /// calls left, `remaining`.
    Allowed {
        /// Index of the limit with the fewest calls left.
        tightest: usize,
        /// Calls left there.
        remaining: u64,
    },
    /// Limit `at` refused the call (the limits before it counted it): wait this long.
    Refused {
        /// Index of the refusing limit.
        at: usize,
        /// Microseconds until that limit lets a call through.
        wait_micros: u64,
    },
}

/// Redis as the shared counter, with its health.
pub struct SharedRedis {
    client: redis::Client,
    connection: RwLock<Option<ConnectionManager>>,
    up: AtomicBool,
    options: RedisOptions,
    script: redis::Script,
    /// Round trips attempted (what `bench/flow.sh` and the tests read: one per call).
    round_trips: AtomicU64,
}

impl std::fmt::Debug for SharedRedis {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SharedRedis")
            .field("up", &self.is_up())
            .field("options", &self.options)
            .finish_non_exhaustive()
    }
}

/// Why a Redis round trip gave no answer.
#[derive(Debug, thiserror::Error)]
pub enum RedisTrouble {
    /// No connection (never made, or lost).
    #[error("no connection to Redis")]
    NotConnected,
    /// No answer within the timeout.
    #[error("Redis did not answer within {0:?}")]
    Timeout(Duration),
    /// Redis answered with an error, or the connection broke.
    #[error(transparent)]
    Redis(#[from] redis::RedisError),
}

impl SharedRedis {
    /// Opens `url` (a malformed URL is a configuration error) and tries to connect within the
    /// connect timeout; unreachable, the node starts without it. A probe task keeps trying.
    pub async fn start(url: &str, options: RedisOptions) -> Result<Arc<Self>, redis::RedisError> {
        let client = redis::Client::open(url)?;
        let shared = Arc::new(Self {
            client,
            connection: RwLock::new(None),
            up: AtomicBool::new(false),
            options,
            script: redis::Script::new(GCRA_LUA),
            round_trips: AtomicU64::new(0),
        });
        if let Err(e) = shared.connect().await {
            tracing::warn!(error = %e, "flow control: Redis unreachable at start; counting alone with this node's share of each limit until it answers");
            metrics::gauge!(super::tally::REDIS_UP).set(0.0);
        }
        tokio::spawn(probe(Arc::downgrade(&shared)));
        Ok(shared)
    }

    /// Connects (bounded by the connect timeout) and marks Redis up.
    async fn connect(&self) -> Result<(), RedisTrouble> {
        let timeout = self.options.connect_timeout;
        let manager = tokio::time::timeout(timeout, ConnectionManager::new(self.client.clone()))
            .await
            .map_err(|_| RedisTrouble::Timeout(timeout))??;
        if let Ok(mut slot) = self.connection.write() {
            *slot = Some(manager);
        }
        self.mark(true, None);
        Ok(())
    }

    /// Whether Redis answered last time.
    pub fn is_up(&self) -> bool {
        self.up.load(Ordering::Relaxed)
    }

    /// Round trips to Redis this node attempted.
    pub fn round_trips(&self) -> u64 {
        self.round_trips.load(Ordering::Relaxed)
    }

    /// The options.
    pub fn options(&self) -> &RedisOptions {
        &self.options
    }

    /// The connection, while Redis is up (callers that can do without it, e.g. the v2 nonces,
    /// fall back to the store).
    pub fn connection(&self) -> Option<ConnectionManager> {
        if !self.is_up() {
            return None;
        }
        self.connection.read().ok().and_then(|c| c.clone())
    }

    /// Records a transition and logs it once; the metric follows.
    fn mark(&self, up: bool, why: Option<&RedisTrouble>) {
        let was = self.up.swap(up, Ordering::Relaxed);
        metrics::gauge!(super::tally::REDIS_UP).set(if up { 1.0 } else { 0.0 });
        if was == up {
            return;
        }
        if up {
            tracing::info!("flow control: Redis answers again; limits are shared across nodes");
        } else {
            tracing::warn!(
                error = why.map(ToString::to_string).unwrap_or_default(),
                nodes = self.options.expected_nodes,
                "flow control: Redis unreachable; counting alone with this node's share of each limit"
            );
        }
    }

    /// Runs one command within the timeout; a failure marks Redis down.
    async fn run<T: redis::FromRedisValue>(
        &self,
        call: impl FnOnce(
            ConnectionManager,
        ) -> std::pin::Pin<
            Box<dyn std::future::Future<Output = redis::RedisResult<T>> + Send>,
        >,
    ) -> Result<T, RedisTrouble> {
        let Some(conn) = self.connection() else {
            return Err(RedisTrouble::NotConnected);
        };
        let timeout = self.options.command_timeout;
        self.round_trips.fetch_add(1, Ordering::Relaxed);
        let outcome = match tokio::time::timeout(timeout, call(conn)).await {
            Ok(Ok(value)) => return Ok(value),
            Ok(Err(e)) => RedisTrouble::Redis(e),
            Err(_) => RedisTrouble::Timeout(timeout),
        };
        metrics::counter!(super::tally::REDIS_ERRORS).increment(1);
        self.mark(false, Some(&outcome));
        Err(outcome)
    }

    /// One GCRA step for each of `limits` (key, limit) at `now_micros`, in one round trip;
    /// `None` when Redis gave no answer.
    pub async fn gcra(
        &self,
        limits: &[(String, RateLimit)],
        now_micros: u64,
    ) -> Option<GcraAnswer> {
        let steps: Vec<(String, u64, u64)> = limits
            .iter()
            .map(|(key, limit)| {
                let (interval, tolerance) = limit.gcra_micros();
                let key = format!("{}:gcra:{key}", self.options.namespace);
                (key, interval, tolerance)
            })
            .collect();
        let script = self.script.clone();
        let answer: Result<(u8, usize, u64), _> = self
            .run(move |mut conn| {
                Box::pin(async move {
                    let mut invocation = script.prepare_invoke();
                    invocation.arg(now_micros);
                    for (key, interval, tolerance) in steps {
                        invocation.key(key).arg(interval).arg(tolerance);
                    }
                    invocation.invoke_async(&mut conn).await
                })
            })
            .await;
        let (allowed, index, value) = answer.ok()?;
        let index = index.saturating_sub(1);
        Some(if allowed == 1 {
            GcraAnswer::Allowed {
                tightest: index,
                remaining: value,
            }
        } else {
            GcraAnswer::Refused {
                at: index,
                wait_micros: value,
            }
        })
    }

    /// Counts one call for `key` in `limit`'s current fixed window (the daily caps); `None`
    /// when Redis gave no answer.
    pub async fn fixed_window(&self, key: &str, limit: RateLimit, now: i64) -> Option<u64> {
        let (window, reset_at) = limit.window(now);
        let key = format!("{}:flow:{key}:{window}", self.options.namespace);
        let ttl = (reset_at - now).max(1) + 1;
        let answer: Result<(u64,), _> = self
            .run(move |mut conn| {
                Box::pin(async move {
                    redis::pipe()
                        .atomic()
                        .incr(&key, 1u64)
                        .expire(&key, ttl)
                        .ignore()
                        .query_async(&mut conn)
                        .await
                })
            })
            .await;
        answer.ok().map(|(count,)| count)
    }

    /// One probe while Redis is down: a fresh connection (bounded by the connect timeout)
    /// rather than the old one's own reconnection, whose backoff can outlast an outage by
    /// many seconds.
    async fn probe_once(&self) {
        if let Err(e) = self.connect().await {
            tracing::debug!(error = %e, "flow control: Redis still unreachable");
        }
    }
}

/// While Redis is down, tries it again every probe interval; ends with the node.
async fn probe(shared: Weak<SharedRedis>) {
    loop {
        let Some(interval) = shared.upgrade().map(|s| s.options.probe_interval) else {
            return;
        };
        tokio::time::sleep(interval).await;
        let Some(shared) = shared.upgrade() else {
            return;
        };
        if !shared.is_up() {
            shared.probe_once().await;
        }
    }
}
