//! In-process flow control: GCRA (the generic cell rate algorithm) from the `governor` crate,
//! one keyed limiter per scope and limit. A limit of N calls per W seconds with a burst of B
//! lets B calls through at once and then one call every W/N seconds, so a caller that keeps to N per W is never refused and one
//! that floods is held to that rate.
//!
//! Memory is bounded: a key's state is one 64-bit number; the keys are sharded (`dashmap`), so
//! no lock covers the whole map; once the map holds more than [`MAX_KEYS`] the keys that have
//! regained their whole burst (idle for a full window, so forgetting them changes nothing)
//! are dropped, shard by shard. IPv6 callers are counted per /64, the block one subscriber
//! gets, so an attacker cannot mint keys by walking its own prefix.

use std::net::IpAddr;
use std::num::NonZeroU32;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use einv_core::flow::RateLimit;
use einv_core::Clock;
use governor::clock::Clock as GovernorClock;
use governor::middleware::StateInformationMiddleware;
use governor::state::keyed::DashMapStateStore;
use governor::{Quota, RateLimiter};

/// Past this many keys in one limiter the idle ones are dropped.
pub const MAX_KEYS: usize = 200_000;
/// How often (in calls) the size is looked at.
const SIZE_CHECK_EVERY: u64 = 1024;

/// The Platform's clock, as governor reads time (so tests move it with `FixedClock`). Until a
/// Platform hands its clock over, the system clock.
#[derive(Clone, Default)]
pub struct FlowClock(Arc<OnceLock<Arc<dyn Clock>>>);

impl std::fmt::Debug for FlowClock {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("FlowClock")
    }
}

impl FlowClock {
    /// Reads time from `clock` from now on (the first clock handed over wins).
    pub fn set(&self, clock: Arc<dyn Clock>) {
        let _ = self.0.set(clock);
    }

    pub(crate) fn now_utc(&self) -> chrono::DateTime<chrono::Utc> {
        match self.0.get() {
            Some(clock) => clock.now(),
            None => chrono::Utc::now(),
        }
    }
}

impl GovernorClock for FlowClock {
    type Instant = Duration;

    fn now(&self) -> Duration {
        let nanos = self.now_utc().timestamp_nanos_opt().unwrap_or(0);
        Duration::from_nanos(u64::try_from(nanos).unwrap_or(0))
    }
}

type Limiter<K> = RateLimiter<K, DashMapStateStore<K>, FlowClock, StateInformationMiddleware>;

/// One scope's limiter (per IP, or per AppID).
pub struct KeyedGcra<K: std::hash::Hash + Eq + Clone> {
    limiter: Limiter<K>,
    clock: FlowClock,
    calls: AtomicU64,
}

impl<K: std::hash::Hash + Eq + Clone> std::fmt::Debug for KeyedGcra<K> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("KeyedGcra")
            .field("keys", &self.limiter.len())
            .finish_non_exhaustive()
    }
}

/// A call refused: retry after this long.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryAfter(pub Duration);

impl<K: std::hash::Hash + Eq + Clone> KeyedGcra<K> {
    /// A limiter enforcing `limit` per key.
    pub fn new(limit: RateLimit, clock: FlowClock) -> Self {
        let calls = NonZeroU32::new(limit.calls).unwrap_or(NonZeroU32::MIN);
        let burst = NonZeroU32::new(limit.burst).unwrap_or(NonZeroU32::MIN);
        let window = Duration::from_secs(limit.window_secs.max(1));
        let quota = Quota::with_period(window / calls.get())
            .unwrap_or_else(|| Quota::per_second(calls))
            .allow_burst(burst);
        Self {
            limiter: RateLimiter::dashmap_with_clock(quota, clock.clone())
                .with_middleware::<StateInformationMiddleware>(),
            clock,
            calls: AtomicU64::new(0),
        }
    }

    /// Counts one call under `key`: the calls left in the burst, or when to retry.
    pub fn check(&self, key: &K) -> Result<u32, RetryAfter> {
        if self
            .calls
            .fetch_add(1, Ordering::Relaxed)
            .is_multiple_of(SIZE_CHECK_EVERY)
            && self.limiter.len() > MAX_KEYS
        {
            self.limiter.retain_recent();
            self.limiter.shrink_to_fit();
        }
        match self.limiter.check_key(key) {
            Ok(snapshot) => Ok(snapshot.remaining_burst_capacity()),
            Err(not_until) => Err(RetryAfter(
                not_until.wait_time_from(GovernorClock::now(&self.clock)),
            )),
        }
    }

    /// How many keys are held now.
    pub fn len(&self) -> usize {
        self.limiter.len()
    }

    /// Whether no key is held.
    pub fn is_empty(&self) -> bool {
        self.limiter.is_empty()
    }

    /// Drops the keys that have regained their whole burst.
    pub fn forget_idle(&self) {
        self.limiter.retain_recent();
        self.limiter.shrink_to_fit();
    }
}

/// The key an IP address is counted under: an IPv4 address, or the /64 of an IPv6 one (an
/// IPv4-mapped IPv6 address counts as its IPv4 address).
pub fn ip_key(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V4(_) => ip,
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => {
                let s = v6.segments();
                IpAddr::V6(std::net::Ipv6Addr::new(s[0], s[1], s[2], s[3], 0, 0, 0, 0))
            }
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use einv_core::FixedClock;

    fn limiter(calls: u32, secs: u64) -> (KeyedGcra<String>, FixedClock) {
        let fixed = FixedClock::new(chrono::DateTime::from_timestamp(1_800_000_000, 0).unwrap());
        let clock = FlowClock::default();
        clock.set(Arc::new(fixed.clone()));
        let limit = RateLimit::new(calls, secs);
        (KeyedGcra::new(limit, clock), fixed)
    }

    #[test]
    fn a_burst_then_one_call_per_interval() {
        let (gcra, clock) = limiter(3, 60);
        let key = "a".to_owned();
        assert_eq!(gcra.check(&key), Ok(2));
        assert_eq!(gcra.check(&key), Ok(1));
        assert_eq!(gcra.check(&key), Ok(0));
        assert_eq!(gcra.check(&key), Err(RetryAfter(Duration::from_secs(20))));
        assert!(gcra.check(&"b".to_owned()).is_ok(), "keys are separate");
        clock.advance(chrono::Duration::seconds(20));
        assert!(gcra.check(&key).is_ok(), "one call regained after W/N");
        assert!(gcra.check(&key).is_err());
    }

    #[test]
    fn memory_stays_bounded_under_a_flood_of_keys() {
        let (gcra, clock) = limiter(5, 60);
        for n in 0..(MAX_KEYS + 5_000) {
            let _ = gcra.check(&n.to_string());
        }
        assert!(gcra.len() > MAX_KEYS);
        // A window later every key has regained its burst: the next size check drops them.
        clock.advance(chrono::Duration::seconds(61));
        for n in 0..SIZE_CHECK_EVERY {
            let _ = gcra.check(&format!("late{n}"));
        }
        assert!(gcra.len() <= SIZE_CHECK_EVERY as usize, "{}", gcra.len());
    }

    #[test]
    fn ipv6_counts_per_64() {
        let a: IpAddr = "2001:db8:1:2:aaaa::1".parse().unwrap();
        let b: IpAddr = "2001:db8:1:2:bbbb::9".parse().unwrap();
        let c: IpAddr = "2001:db8:1:3::1".parse().unwrap();
        assert_eq!(ip_key(a), ip_key(b));
        assert_ne!(ip_key(a), ip_key(c));
        let mapped: IpAddr = "::ffff:192.0.2.1".parse().unwrap();
        assert_eq!(ip_key(mapped), "192.0.2.1".parse::<IpAddr>().unwrap());
    }
}
