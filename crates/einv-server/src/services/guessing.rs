//! Guessing costs: failed sign-ins and verification-code checks are counted three ways, and
//! past each count's free failures every further try must wait a delay that doubles with every
//! failure (up to [`MAX_DELAY_SECS`]):
//!
//! - per account **and source network** (the /24 of an IPv4 address, the /64 of an IPv6 one):
//!   [`FREE_SOURCE_FAILURES`]. A guesser is slowed where it guesses from, and the owner, from
//!   another network, still gets in with the right code: a stranger's wrong tries cannot keep
//!   a User waiting.
//! - per account, from every source: [`FREE_ACCOUNT_FAILURES`], far above what one User
//!   mistypes, so only a guess spread over many networks meets it; it bounds such a guess to
//!   one try per delay.
//! - per IP: [`FREE_IP_FAILURES`] (several Users may share one address), so one address
//!   trying many accounts is slowed too.
//!
//! A try inside a delay is refused before any hashing, so it costs the Platform nothing and
//! tells the guesser nothing. The counts live in memory on each node (a sharded map, bounded
//! like flow control's) and read the Platform's clock, so tests move time instead of
//! sleeping. A success clears its account-and-source count; the account-wide and the IP's
//! counts only fade, a day after their last failure (a success from the owner must not reset
//! a distributed guesser's bound).

use std::net::IpAddr;
use std::sync::atomic::{AtomicU64, Ordering};

use dashmap::DashMap;

use super::flow::memory::ip_key;
use super::Platform;
use crate::error::{Proof, ServiceError, ServiceResult};

/// Failures an account may have from one source network before that network's tries wait.
pub const FREE_SOURCE_FAILURES: u32 = 5;
/// Failures an account may have from every source together before every try waits: far above
/// what one User mistypes in a day.
pub const FREE_ACCOUNT_FAILURES: u32 = 100;
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
    fn account_key(&self) -> String {
        match self {
            Secret::UserCode(b) => format!("user:{b}"),
            Secret::DeveloperPassword(e) => format!("developer:{}", e.trim().to_lowercase()),
            Secret::ReviewerPassword(e) => format!("reviewer:{}", e.trim().to_lowercase()),
        }
    }
}

/// The network a try comes from, as the per-account-and-source count keys it: the /24 of an
/// IPv4 address (an IPv4-mapped IPv6 address counts as its IPv4 address), the /64 of an IPv6
/// one, the block one subscriber gets; `unknown` when the server does not know the peer.
fn source_network(ip: Option<IpAddr>) -> String {
    match ip.map(ip_key) {
        Some(IpAddr::V4(v4)) => {
            let [a, b, c, _] = v4.octets();
            format!("{a}.{b}.{c}.0/24")
        }
        Some(IpAddr::V6(v6)) => format!("{v6}/64"),
        None => "unknown".to_owned(),
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
    /// Runs `check` (a sign-in or a code check) unless `secret` from `ip`'s network, `secret`
    /// from anywhere, or `ip` must wait; counts its failure (`ServiceError::Unproven`) under
    /// all three, or clears the account's count for `ip`'s network on success.
    pub(crate) async fn guarded<T>(
        &self,
        secret: Secret<'_>,
        ip: Option<IpAddr>,
        check: impl std::future::Future<Output = ServiceResult<T>>,
    ) -> ServiceResult<T> {
        let now = self.clock.now().timestamp();
        let throttle = &self.guesses;
        throttle.prune(now);
        let account = secret.account_key();
        let from_source = format!("{account}@{}", source_network(ip));
        let ip = ip.map(|ip| format!("ip:{}", ip_key(ip)));
        let wait = [
            throttle.refuse_until(&from_source, FREE_SOURCE_FAILURES, now),
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
                throttle.fail(from_source, now);
                throttle.fail(account, now);
                if let Some(ip) = ip {
                    throttle.fail(ip, now);
                }
            }
            Ok(_) => {
                throttle.failures.remove(&from_source);
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

    #[test]
    fn sources_are_counted_per_24_and_per_64() {
        let net = |ip: &str| source_network(Some(ip.parse().unwrap()));
        assert_eq!(net("203.0.113.7"), "203.0.113.0/24");
        assert_eq!(net("203.0.113.7"), net("203.0.113.250"));
        assert_ne!(net("203.0.113.7"), net("203.0.114.7"));
        assert_eq!(net("::ffff:203.0.113.7"), "203.0.113.0/24");
        assert_eq!(net("2001:db8:1:2:aaaa::1"), "2001:db8:1:2::/64");
        assert_eq!(net("2001:db8:1:2:aaaa::1"), net("2001:db8:1:2:bbbb::9"));
        assert_ne!(net("2001:db8:1:2::1"), net("2001:db8:1:3::1"));
        assert_eq!(source_network(None), "unknown");
    }
}
