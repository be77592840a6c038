//! Counting one call against every limit it falls under (per IP, per AppID, per AppID and
//! service) in one step: with Redis, one script call, so a call costs one round trip however
//! many limits it meets; alone, the same steps in memory.

use einv_core::flow::{FlowDecision, RateLimit};

use super::memory::FlowClock;
use super::redis::{GcraAnswer, SharedRedis};
use super::{Counter, FlowControl, MemoryLimiters, Scope};

/// How one call fared against its limits (indices are into the steps counted).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Counted {
    /// Let through by every limit; `tightest` has the fewest calls left.
    Allowed {
        tightest: usize,
        remaining: u64,
        reset_secs: u64,
    },
    /// Refused by limit `at`; the limits before it counted the call.
    Refused { at: usize, retry_after_secs: u64 },
}

impl FlowControl {
    /// Counts one call in each of `steps`, in order, stopping at the first refusal: shared
    /// when Redis answers, else alone with this node's share (the `bool`: counted alone).
    /// A daily cap ([`Scope::Detail`]) is counted in a step of its own.
    pub(super) async fn count_all(&self, steps: &[(Scope<'_>, RateLimit)]) -> (Counted, bool) {
        if steps.is_empty() {
            // Nothing to count (and no script call with no keys).
            let allowed = Counted::Allowed {
                tightest: 0,
                remaining: u64::MAX,
                reset_secs: 0,
            };
            return (allowed, false);
        }
        match &self.counter {
            Counter::Off => {
                let remaining = steps.first().map_or(u64::MAX, |(_, l)| u64::from(l.burst));
                let allowed = Counted::Allowed {
                    tightest: 0,
                    remaining,
                    reset_secs: 0,
                };
                (allowed, false)
            }
            Counter::Memory(memory) => (memory.count_all(steps, &self.clock), false),
            Counter::Redis { shared, alone } => {
                if shared.is_up() {
                    if let Some(counted) = shared_count(shared, steps, &self.clock).await {
                        return (counted, false);
                    }
                }
                (alone.count_all(steps, &self.clock), true)
            }
        }
    }
}

impl MemoryLimiters {
    fn count_all(&self, steps: &[(Scope<'_>, RateLimit)], clock: &FlowClock) -> Counted {
        let mut counted = Counted::Allowed {
            tightest: 0,
            remaining: u64::MAX,
            reset_secs: 0,
        };
        for (i, (scope, limit)) in steps.iter().enumerate() {
            match self.count(*scope, *limit, clock) {
                FlowDecision::Refused { retry_after_secs } => {
                    return Counted::Refused {
                        at: i,
                        retry_after_secs,
                    }
                }
                FlowDecision::Allowed {
                    remaining,
                    reset_secs,
                } => {
                    if matches!(counted, Counted::Allowed { remaining: least, .. } if remaining < least)
                    {
                        counted = Counted::Allowed {
                            tightest: i,
                            remaining,
                            reset_secs,
                        };
                    }
                }
            }
        }
        counted
    }
}

/// One round trip for all of `steps`; `None` when Redis gave no answer.
async fn shared_count(
    shared: &SharedRedis,
    steps: &[(Scope<'_>, RateLimit)],
    clock: &FlowClock,
) -> Option<Counted> {
    let now = clock.now_utc();
    if let [(scope @ Scope::Detail(_), limit)] = steps {
        let count = shared
            .fixed_window(&scope.key(), *limit, now.timestamp())
            .await?;
        return Some(match limit.decide(count, now.timestamp()) {
            FlowDecision::Allowed {
                remaining,
                reset_secs,
            } => Counted::Allowed {
                tightest: 0,
                remaining,
                reset_secs,
            },
            FlowDecision::Refused { retry_after_secs } => Counted::Refused {
                at: 0,
                retry_after_secs,
            },
        });
    }
    let keyed: Vec<(String, RateLimit)> = steps.iter().map(|(s, l)| (s.key(), *l)).collect();
    let micros = u64::try_from(now.timestamp_micros()).unwrap_or(0);
    Some(match shared.gcra(&keyed, micros).await? {
        GcraAnswer::Allowed {
            tightest,
            remaining,
        } => Counted::Allowed {
            tightest,
            remaining,
            reset_secs: 0,
        },
        GcraAnswer::Refused { at, wait_micros } => Counted::Refused {
            at,
            retry_after_secs: wait_micros.div_ceil(1_000_000).max(1),
        },
    })
}
