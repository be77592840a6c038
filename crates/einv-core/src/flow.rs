//! Flow control (R4.6): limits per IP address and per AppID over fixed windows, as pure
//! arithmetic. Where the counts live (memory or Redis) is the server's business.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::InvalidValue;

/// At most `calls` calls per `window_secs` seconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct RateLimit {
    /// Calls allowed per window.
    pub calls: u32,
    /// Window length in seconds.
    pub window_secs: u64,
}

impl RateLimit {
    /// Parses `CALLS/SECONDS`, e.g. `600/60`.
    pub fn parse(text: &str) -> Result<Self, InvalidValue> {
        let err = || {
            InvalidValue::new(
                "rate limit",
                format!("expected CALLS/SECONDS such as 600/60, got {text:?}"),
            )
        };
        let (calls, secs) = text.split_once('/').ok_or_else(err)?;
        let calls: u32 = calls.parse().map_err(|_| err())?;
        let window_secs: u64 = secs.parse().map_err(|_| err())?;
        if calls == 0 || window_secs == 0 {
            return Err(InvalidValue::new(
                "rate limit",
                "calls and seconds must both be at least 1",
            ));
        }
        Ok(Self { calls, window_secs })
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
        write!(f, "{}/{}", self.calls, self.window_secs)
    }
}

impl FromStr for RateLimit {
    type Err = InvalidValue;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

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
            per_ip: RateLimit {
                calls: 600,
                window_secs: 60,
            },
            per_app: RateLimit {
                calls: 6_000,
                window_secs: 60,
            },
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
        for bad in ["3", "0/60", "3/0", "a/b", "-1/60"] {
            assert_eq!(
                RateLimit::parse(bad).unwrap_err().field,
                "rate limit",
                "{bad}"
            );
        }
    }
}
