//! Flow control (R4.6): limits per IP address and per AppID, each a rate and a burst, as pure
//! arithmetic: GCRA (the generic cell rate algorithm, one number of state per key) and the
//! fixed windows of daily caps; and which of an AppID's announced limits is in force at a
//! time. Where the state lives (memory or Redis) is the server's business.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::InvalidValue;

/// At most `calls` calls per `window_secs` seconds on average, with bursts of up to `burst`
/// calls at once: GCRA lets `burst` calls through back to back, then one every
/// `window_secs / calls` seconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct RateLimit {
    /// Calls allowed per window (the rate).
    pub calls: u32,
    /// Window length in seconds.
    pub window_secs: u64,
    /// Calls allowed back to back (at least 1); `calls` unless said otherwise.
    pub burst: u32,
}

/// The longest window a limit may have: a day (the daily caps).
pub const MAX_WINDOW_SECS: u64 = 86_400;

impl RateLimit {
    /// `calls` per `window_secs`, bursting up to `calls`.
    pub const fn new(calls: u32, window_secs: u64) -> Self {
        Self {
            calls,
            window_secs,
            burst: calls,
        }
    }

    /// The same rate with bursts of `burst`.
    #[must_use]
    pub const fn with_burst(self, burst: u32) -> Self {
        Self { burst, ..self }
    }

    /// Parses `CALLS/SECONDS` (e.g. `600/60`, a burst of 600) or `CALLS/SECONDS/BURST`
    /// (e.g. `600/60/50`).
    pub fn parse(text: &str) -> Result<Self, InvalidValue> {
        let err = || {
            InvalidValue::new(
                "rate limit",
                format!(
                    "expected CALLS/SECONDS or CALLS/SECONDS/BURST such as 600/60 or 600/60/50, got {text:?}"
                ),
            )
        };
        let mut parts = text.trim().split('/');
        let calls: u32 = parts.next().ok_or_else(err)?.parse().map_err(|_| err())?;
        let window_secs: u64 = parts.next().ok_or_else(err)?.parse().map_err(|_| err())?;
        let burst: u32 = match parts.next() {
            Some(b) => b.parse().map_err(|_| err())?,
            None => calls,
        };
        if parts.next().is_some() {
            return Err(err());
        }
        Self::checked(calls, window_secs, burst)
    }

    /// A limit from its parts, refused when one is zero or the window is longer than a day.
    pub fn checked(calls: u32, window_secs: u64, burst: u32) -> Result<Self, InvalidValue> {
        if calls == 0 || window_secs == 0 || burst == 0 {
            return Err(InvalidValue::new(
                "rate limit",
                "calls, seconds and burst must each be at least 1",
            ));
        }
        if window_secs > MAX_WINDOW_SECS {
            return Err(InvalidValue::new(
                "rate limit",
                format!("the window is at most {MAX_WINDOW_SECS} seconds (a day)"),
            ));
        }
        Ok(Self {
            calls,
            window_secs,
            burst,
        })
    }

    /// The GCRA parameters in microseconds: the emission interval (window / calls) and the
    /// burst tolerance ((burst − 1) × interval).
    pub fn gcra_micros(&self) -> (u64, u64) {
        let window = self.window_secs.saturating_mul(1_000_000);
        let interval = (window / u64::from(self.calls.max(1))).max(1);
        let tolerance = interval.saturating_mul(u64::from(self.burst.max(1) - 1));
        (interval, tolerance)
    }

    /// This limit's share on one of `nodes` nodes (each node counting alone while the shared
    /// counter is unreachable): rate and burst divided, at least one call each.
    #[must_use]
    pub fn share(&self, nodes: u32) -> Self {
        let nodes = nodes.max(1);
        Self {
            calls: (self.calls / nodes).max(1),
            window_secs: self.window_secs,
            burst: (self.burst / nodes).max(1),
        }
    }

    /// The window `now` falls in, and the Unix second it ends.
    pub fn window(&self, now_unix: i64) -> (i64, i64) {
        let len = i64::try_from(self.window_secs).unwrap_or(i64::MAX);
        let index = now_unix.div_euclid(len);
        (index, (index + 1).saturating_mul(len))
    }

    /// Decides a call that is the `count`-th of its window (counting itself).
    pub fn decide(&self, count: u64, now_unix: i64) -> FlowDecision {
        let (_, reset_at) = self.window(now_unix);
        let reset_secs = u64::try_from(reset_at - now_unix).unwrap_or(0);
        if count <= u64::from(self.calls) {
            FlowDecision::Allowed {
                remaining: u64::from(self.calls) - count,
                reset_secs,
            }
        } else {
            FlowDecision::Refused {
                retry_after_secs: reset_secs.max(1),
            }
        }
    }
}

impl fmt::Display for RateLimit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.calls, self.window_secs)?;
        if self.burst != self.calls {
            write!(f, "/{}", self.burst)?;
        }
        Ok(())
    }
}

/// One GCRA step, the reference the Redis script implements (`services/flow/redis.rs`):
/// given the key's theoretical arrival time `tat` (microseconds; `None` for a key never seen
/// or forgotten) and `now`, whether the call is allowed, the new `tat` to keep, and the calls
/// left (allowed) or the microseconds to wait (refused).
pub fn gcra_step(limit: &RateLimit, tat: Option<u64>, now: u64) -> GcraStep {
    let (interval, tolerance) = limit.gcra_micros();
    let tat = tat.unwrap_or(now).max(now);
    let allow_at = tat.saturating_sub(tolerance);
    if now < allow_at {
        return GcraStep {
            allowed: false,
            tat,
            remaining: 0,
            wait_micros: allow_at - now,
        };
    }
    let new_tat = tat + interval;
    // Calls that would still fit now: those whose arrival time stays within the tolerance.
    let remaining = (now + tolerance + interval).saturating_sub(new_tat) / interval;
    GcraStep {
        allowed: true,
        tat: new_tat,
        remaining,
        wait_micros: 0,
    }
}

/// The outcome of [`gcra_step`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GcraStep {
    /// The call may go through.
    pub allowed: bool,
    /// The key's new theoretical arrival time (unchanged on a refusal).
    pub tat: u64,
    /// Calls left right now, when allowed.
    pub remaining: u64,
    /// Microseconds until a call is allowed again, when refused.
    pub wait_micros: u64,
}

/// One announced change of an AppID's own limit (R4.6, R4.9): from `effective_at` on, the
/// AppID is held to `limit`, or to the default again when `limit` is `None`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LimitChange {
    /// The AppID.
    pub app_id: String,
    /// The service whose calls it limits (R4.6 per AppID per service); `None`: all the
    /// AppID's calls.
    pub service: Option<crate::Service>,
    /// The limit from then on; `None`: the default per-AppID limit again.
    pub limit: Option<RateLimit>,
    /// Unix second it applies from.
    pub effective_at: i64,
}

/// The limit in force for one AppID at `now`: its latest change already in effect, if that
/// sets a limit. `changes` is the AppID's history in the order it was made.
pub fn limit_in_force(changes: &[LimitChange], now: i64) -> Option<RateLimit> {
    changes
        .iter()
        .enumerate()
        .filter(|(_, c)| c.effective_at <= now)
        // The latest to take effect wins; among equal times the one made last.
        .max_by_key(|(i, c)| (c.effective_at, *i))
        .and_then(|(_, c)| c.limit)
}

impl FromStr for RateLimit {
    type Err = InvalidValue;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

/// The default limits of single services per AppID (R4.6 "per AppID per service where
/// useful"): a service not named has none beside the AppID's limit over all its calls.
pub type ServiceLimits = std::collections::BTreeMap<crate::Service, RateLimit>;

/// What the Platform announces and applies (R4.6).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct FlowLimits {
    /// Per caller IP address.
    pub per_ip: RateLimit,
    /// Per AppID.
    pub per_app: RateLimit,
}

impl Default for FlowLimits {
    fn default() -> Self {
        Self {
            per_ip: RateLimit::new(600, 60),
            per_app: RateLimit::new(6_000, 60),
        }
    }
}

/// The outcome for one call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FlowDecision {
    /// Let through; `remaining` calls are left in this window, which ends in `reset_secs`.
    Allowed {
        /// Calls left.
        remaining: u64,
        /// Seconds until the window ends.
        reset_secs: u64,
    },
    /// Over the limit: retry after `retry_after_secs`.
    Refused {
        /// Seconds until the next window.
        retry_after_secs: u64,
    },
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_decides() {
        let limit = RateLimit::parse("3/60").unwrap();
        assert_eq!(limit.to_string(), "3/60");
        assert_eq!(limit.window(125), (2, 180));
        assert_eq!(
            limit.decide(3, 125),
            FlowDecision::Allowed {
                remaining: 0,
                reset_secs: 55
            }
        );
        assert_eq!(
            limit.decide(4, 125),
            FlowDecision::Refused {
                retry_after_secs: 55
            }
        );
        let bursty = RateLimit::parse("600/60/50").unwrap();
        assert_eq!((bursty.calls, bursty.burst), (600, 50));
        assert_eq!(bursty.to_string(), "600/60/50");
        let bad = [
            "3", "0/60", "3/0", "a/b", "-1/60", "3/60/0", "3/60/1/1", "3/86401",
        ];
        crate::error::assert_parses(RateLimit::parse, &[], &bad, "rate limit");
    }

    #[test]
    fn gcra_lets_a_burst_through_then_one_call_per_interval() {
        let limit = RateLimit::new(3, 60);
        let t0 = 1_000_000_000;
        let mut tat = None;
        let mut left = Vec::new();
        for _ in 0..3 {
            let step = gcra_step(&limit, tat, t0);
            assert!(step.allowed);
            left.push(step.remaining);
            tat = Some(step.tat);
        }
        assert_eq!(left, [2, 1, 0]);
        let refused = gcra_step(&limit, tat, t0);
        assert!(!refused.allowed);
        assert_eq!(
            refused.wait_micros, 20_000_000,
            "one call regained every 20 s"
        );
        assert!(gcra_step(&limit, tat, t0 + 20_000_000).allowed);
        // A smaller burst at the same rate: one call at once, then one every 20 s.
        let strict = RateLimit::new(3, 60).with_burst(1);
        let first = gcra_step(&strict, None, t0);
        assert!(first.allowed && first.remaining == 0);
        assert!(!gcra_step(&strict, Some(first.tat), t0 + 19_999_999).allowed);
        assert!(gcra_step(&strict, Some(first.tat), t0 + 20_000_000).allowed);
    }

    #[test]
    fn a_limit_shared_by_nodes_keeps_at_least_one_call() {
        let limit = RateLimit::new(600, 60).with_burst(60);
        assert_eq!(limit.share(4), RateLimit::new(150, 60).with_burst(15));
        assert_eq!(RateLimit::new(1, 60).share(3), RateLimit::new(1, 60));
    }

    #[test]
    fn the_latest_change_in_effect_is_in_force() {
        let change = |limit: Option<RateLimit>, at| LimitChange {
            app_id: "A".into(),
            service: None,
            limit,
            effective_at: at,
        };
        let high = RateLimit::new(100, 60);
        let low = RateLimit::new(10, 60);
        let history = [
            change(Some(high), 100),
            change(Some(low), 200),
            change(None, 300),
        ];
        assert_eq!(limit_in_force(&history, 99), None);
        assert_eq!(limit_in_force(&history, 150), Some(high));
        assert_eq!(
            limit_in_force(&history, 200),
            Some(low),
            "announced ahead, in force at 200"
        );
        assert_eq!(
            limit_in_force(&history, 301),
            None,
            "lifted: the default again"
        );
        // Made later but effective earlier than a pending change: in force until that one.
        let late = [change(Some(low), 500), change(Some(high), 400)];
        assert_eq!(limit_in_force(&late, 450), Some(high));
        assert_eq!(limit_in_force(&late, 500), Some(low));
    }
}
