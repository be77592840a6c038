//! Guessing costs: failed sign-ins and verification-code checks are counted per account and
//! per IP, and past a few free failures each further try must wait a delay that doubles with
//! every failure (up to [`MAX_DELAY_SECS`]). A try inside the delay is refused before any
//! hashing, so it costs the Platform nothing and tells the guesser nothing.
//!
//! The counts live in memory on each node (a sharded map, bounded like flow control's) and read
//! the Platform's clock, so tests move time instead of sleeping. A success clears the
//! account's count; the IP's count only fades, a day after its last failure.

use std::net::IpAddr;
use std::sync::atomic::{AtomicU64, Ordering};

use dashmap::DashMap;

use super::flow::memory::ip_key;
use super::Platform;
use crate::error::{Proof, ServiceError, ServiceResult};

/// Failures an account may have before delays begin.
pub const FREE_ACCOUNT_FAILURES: u32 = 5;
/// Failures an IP may have before delays begin (several Users may share one address).
pub const FREE_IP_FAILURES: u32 = 20;
/// The longest delay between tries.
pub const MAX_DELAY_SECS: i64 = 15 * 60;
/// A count is forgotten this long after its last failure.
const FORGET_AFTER_SECS: i64 = 24 * 3600;
/// Past this many counts, the forgotten ones are dropped (shard by shard).
const MAX_KEYS: usize = 200_000;

/// What is being guessed at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Secret<'a> {
    /// A User's verification code, by mobile barcode (web sign-in, v1 919, blank pages).
    UserCode(&'a str),
    /// A Developer's password, by e-mail.
    DeveloperPassword(&'a str),
    /// A reviewer's password, by e-mail.
    ReviewerPassword(&'a str),
}

impl Secret<'_> {
    fn key(&self) -> String {
        match self {
            Secret::UserCode(b) => format!("user:{b}"),
            Secret::DeveloperPassword(e) => format!("developer:{}", e.trim().to_lowercase()),
            Secret::ReviewerPassword(e) => format!("reviewer:{}", e.trim().to_lowercase()),
        }
    }
}

#[derive(Debug, Clone, Copy)]
struct Failures {
    count: u32,
    last: i64,
}

impl Failures {
    /// The Unix second before which no try is heard.
    fn wait_until(&self, free: u32) -> i64 {
        if self.count < free {
            return i64::MIN;
        }
        let doublings = (self.count - free).min(20);
        self.last + (1i64 << doublings).min(MAX_DELAY_SECS)
    }
}

/// The failure counts.
#[derive(Debug, Default)]
pub struct GuessThrottle {
    failures: DashMap<String, Failures>,
    tries: AtomicU64,
}

impl GuessThrottle {
    fn refuse_until(&self, key: &str, free: u32, now: i64) -> Option<i64> {
        let f = *self.failures.get(key)?;
        if now - f.last > FORGET_AFTER_SECS {
            return None;
        }
        Some(f.wait_until(free)).filter(|until| *until > now)
    }

    fn fail(&self, key: String, now: i64) {
        let mut entry = self.failures.entry(key).or_insert(Failures {
            count: 0,
            last: now,
        });
        if now - entry.last > FORGET_AFTER_SECS {
            entry.count = 0;
        }
        entry.count = entry.count.saturating_add(1);
        entry.last = now;
    }

    fn prune(&self, now: i64) {
        if self
            .tries
            .fetch_add(1, Ordering::Relaxed)
            .is_multiple_of(1024)
            && self.failures.len() > MAX_KEYS
        {
            self.failures
                .retain(|_, f| now - f.last <= FORGET_AFTER_SECS);
        }
    }
}

impl Platform {
    /// Runs `check` (a sign-in or a code check) unless `secret` or `ip` must wait; counts its
    /// failure (`ServiceError::Unproven`) or clears the
    /// account's count on success.
    pub(crate) async fn guarded<T>(
        &self,
        secret: Secret<'_>,
        ip: Option<IpAddr>,
        check: impl std::future::Future<Output = ServiceResult<T>>,
    ) -> ServiceResult<T> {
        let now = self.clock.now().timestamp();
        let throttle = &self.guesses;
        throttle.prune(now);
        let account = secret.key();
        let ip = ip.map(|ip| format!("ip:{}", ip_key(ip)));
        let wait = [
            throttle.refuse_until(&account, FREE_ACCOUNT_FAILURES, now),
            ip.as_deref()
                .and_then(|ip| throttle.refuse_until(ip, FREE_IP_FAILURES, now)),
        ]
        .into_iter()
        .flatten()
        .max();
        if let Some(until) = wait {
            tracing::info!(
                retry_after = until - now,
                "a guess refused while its delay runs"
            );
            return Err(ServiceError::TooManyFailures {
                retry_after_secs: u64::try_from(until - now).unwrap_or(1).max(1),
            });
        }
        let outcome = check.await;
        match &outcome {
            Err(ServiceError::Unproven(
                Proof::Password | Proof::UserSignIn | Proof::VerificationCode,
            )) => {
                throttle.fail(account, now);
                if let Some(ip) = ip {
                    throttle.fail(ip, now);
                }
            }
            Ok(_) => {
                throttle.failures.remove(&account);
            }
            Err(_) => {}
        }
        outcome
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delays_double_after_the_free_failures() {
        let f = |count| Failures { count, last: 1000 };
        assert_eq!(f(4).wait_until(5), i64::MIN);
        assert_eq!(f(5).wait_until(5), 1001);
        assert_eq!(f(6).wait_until(5), 1002);
        assert_eq!(f(9).wait_until(5), 1016);
        assert_eq!(f(40).wait_until(5), 1000 + MAX_DELAY_SECS);
    }
}
