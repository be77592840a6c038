//! Retries: exponential backoff with jitter, `Retry-After` honoured, and never a second send of
//! a call that is not idempotent.

use std::time::{Duration, SystemTime};

use rand::Rng;

/// Whether a call may be sent twice.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Idempotency {
    /// Reading: sending it again changes nothing.
    Idempotent,
    /// Changing state (a donation). Retried only with a key the Platform deduplicates on.
    NonIdempotent {
        /// The idempotency key, when the API takes one (v1 has none).
        key: Option<String>,
    },
}

impl Idempotency {
    /// Whether an attempt that may have reached the Platform can be sent again.
    pub fn may_resend(&self) -> bool {
        match self {
            Self::Idempotent => true,
            Self::NonIdempotent { key } => key.is_some(),
        }
    }
}

/// How failed attempts are retried.
#[derive(Debug, Clone)]
pub struct RetryPolicy {
    /// Attempts in all, the first included (1 = never retry).
    pub max_attempts: u32,
    /// The first backoff; each next one doubles, up to `max_delay`.
    pub base_delay: Duration,
    /// The longest backoff.
    pub max_delay: Duration,
    /// The longest `Retry-After` the client waits; a longer one is returned as
    /// [`crate::Error::RateLimited`] so the app can decide.
    pub max_retry_after: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_attempts: 4,
            base_delay: Duration::from_millis(200),
            max_delay: Duration::from_secs(5),
            max_retry_after: Duration::from_secs(30),
        }
    }
}

impl RetryPolicy {
    /// A policy that never retries.
    pub fn never() -> Self {
        Self {
            max_attempts: 1,
            ..Self::default()
        }
    }

    /// The wait before attempt `attempt + 1` (attempt counts from 1): full jitter over an
    /// exponential ceiling, or the Platform's `Retry-After` when it gave one.
    pub fn delay(&self, attempt: u32, retry_after: Option<Duration>) -> Duration {
        if let Some(wait) = retry_after {
            return wait;
        }
        let ceiling = self
            .base_delay
            .saturating_mul(2u32.saturating_pow(attempt.saturating_sub(1)))
            .min(self.max_delay);
        let millis = u64::try_from(ceiling.as_millis()).unwrap_or(u64::MAX);
        Duration::from_millis(rand::thread_rng().gen_range(millis / 2..=millis.max(1)))
    }
}

/// Reads a `Retry-After` header: delta seconds or an HTTP date (RFC 9110 §10.2.3).
pub fn parse_retry_after(value: &str, now: SystemTime) -> Option<Duration> {
    let value = value.trim();
    if let Ok(secs) = value.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let at = httpdate::parse_http_date(value).ok()?;
    Some(at.duration_since(now).unwrap_or(Duration::ZERO))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_seconds_and_dates() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        assert_eq!(parse_retry_after("7", now), Some(Duration::from_secs(7)));
        let later = httpdate::fmt_http_date(now + Duration::from_secs(30));
        assert_eq!(
            parse_retry_after(&later, now),
            Some(Duration::from_secs(30))
        );
        let past = httpdate::fmt_http_date(now - Duration::from_secs(30));
        assert_eq!(parse_retry_after(&past, now), Some(Duration::ZERO));
        assert_eq!(parse_retry_after("soon", now), None);
    }

    #[test]
    fn backoff_grows_and_is_capped_and_retry_after_wins() {
        let p = RetryPolicy::default();
        for attempt in 1..10 {
            let d = p.delay(attempt, None);
            assert!(d <= p.max_delay, "{attempt}: {d:?}");
        }
        assert!(p.delay(1, None) <= p.base_delay);
        assert_eq!(
            p.delay(1, Some(Duration::from_secs(3))),
            Duration::from_secs(3)
        );
    }

    #[test]
    fn a_donation_is_not_resent_without_a_key() {
        assert!(Idempotency::Idempotent.may_resend());
        assert!(!Idempotency::NonIdempotent { key: None }.may_resend());
        assert!(Idempotency::NonIdempotent {
            key: Some("k".into())
        }
        .may_resend());
    }
}
