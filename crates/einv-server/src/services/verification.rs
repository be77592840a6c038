//! Carrier verification codes (驗證碼): argon2 hashes, with a short-lived cache of successful
//! checks so a busy app does not pay an argon2 hash on every call.
//!
//! The cache key is an HMAC (under a per-process random key) of barcode and code, so the cache
//! never holds a code in clear, and an entry dies when the code changes (the key changes with it).
//!
//! Argon2 costs 19 MiB and tens of milliseconds per hash: it runs on the blocking pool, never
//! on the async runtime, and at most [`VerificationCodes::permits`] at once (a semaphore), so
//! a burst of guesses queues instead of stalling every request. An unknown account is checked
//! against a dummy hash, so the time taken does not tell which accounts exist. Developer and
//! reviewer passwords go through the same path.

use std::collections::HashMap;
use std::sync::{Arc, OnceLock, RwLock};
use std::time::{Duration, Instant};

use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use hmac::digest::KeyInit;
use hmac::{Hmac, Mac};
use rand::RngCore;
use sha2::Sha256;

use crate::error::ServiceError;

/// How long a successful check is remembered.
const CACHE_TTL: Duration = Duration::from_secs(300);
/// At most this many remembered checks; past it the cache is cleared (cheap, and rare).
const CACHE_CAP: usize = 100_000;

/// Hashes and checks verification codes (and passwords).
#[derive(Debug)]
pub struct VerificationCodes {
    /// HMAC under a random key, keyed once (every carrier call computes one).
    cache_mac: Hmac<Sha256>,
    checked: RwLock<HashMap<[u8; 32], Instant>>,
    permits: Arc<tokio::sync::Semaphore>,
    dummy: Arc<OnceLock<String>>,
}

impl Default for VerificationCodes {
    fn default() -> Self {
        // A key of HMAC's block size: keyed without a fallible call.
        let mut cache_key = [0u8; 64];
        rand::thread_rng().fill_bytes(&mut cache_key);
        let cache_mac = <Hmac<Sha256> as KeyInit>::new(&cache_key.into());
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        Self {
            cache_mac,
            checked: RwLock::new(HashMap::new()),
            permits: Arc::new(tokio::sync::Semaphore::new(cores)),
            dummy: Arc::default(),
        }
    }
}

/// Whether `secret` matches the argon2 `hash` (false for a hash that does not parse).
fn argon2_matches(secret: &str, hash: &str) -> bool {
    PasswordHash::new(hash).is_ok_and(|parsed| {
        Argon2::default()
            .verify_password(secret.as_bytes(), &parsed)
            .is_ok()
    })
}

fn argon2_hash(secret: &str) -> Result<String, ServiceError> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(secret.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| ServiceError::Internal(format!("hashing a secret: {e}").into()))
}

impl VerificationCodes {
    /// How many argon2 computations run at once (the cores).
    pub fn permits(&self) -> usize {
        self.permits.available_permits()
    }

    /// The argon2 hash to store for `code` (synchronous: for fixtures and the demo data set).
    pub fn hash(&self, code: &str) -> Result<String, ServiceError> {
        argon2_hash(code)
    }

    /// The argon2 hash of `secret`, computed on the blocking pool under the bound.
    pub async fn hash_off_runtime(&self, secret: &str) -> Result<String, ServiceError> {
        let secret = secret.to_owned();
        self.blocking(move || argon2_hash(&secret)).await?
    }

    /// Whether `secret` matches `hash`, computed on the blocking pool under the bound. With no
    /// hash (an unknown account) a dummy hash is checked instead and the answer is false, so
    /// the time taken is the same.
    pub async fn matches(&self, secret: &str, hash: Option<&str>) -> bool {
        let secret = secret.to_owned();
        let known = hash.map(str::to_owned);
        let dummy = self.dummy.clone();
        self.blocking(move || match known {
            Some(hash) => argon2_matches(&secret, &hash),
            None => {
                let dummy = dummy.get_or_init(|| argon2_hash("einv-dummy").unwrap_or_default());
                let _ = argon2_matches(&secret, dummy);
                false
            }
        })
        .await
        .unwrap_or(false)
    }

    /// Whether `code` matches `barcode`'s stored `hash` (the dummy when the barcode is
    /// unknown): the cache first, then argon2 off the runtime.
    pub async fn check_off_runtime(&self, barcode: &str, code: &str, hash: Option<&str>) -> bool {
        let Some(hash) = hash else {
            return self.matches(code, None).await;
        };
        let key = self.cache_key_for(barcode, code, hash);
        let now = Instant::now();
        if let Ok(checked) = self.checked.read() {
            if checked.get(&key).is_some_and(|until| *until > now) {
                return true;
            }
        }
        let ok = self.matches(code, Some(hash)).await;
        if ok {
            self.remember(key, now);
        }
        ok
    }

    async fn blocking<T: Send + 'static>(
        &self,
        work: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T, ServiceError> {
        let _permit = self
            .permits
            .acquire()
            .await
            .map_err(|_| ServiceError::Internal("hashing bound closed".into()))?;
        tokio::task::spawn_blocking(work)
            .await
            .map_err(|e| ServiceError::Internal(format!("hashing task: {e}").into()))
    }

    fn remember(&self, key: [u8; 32], now: Instant) {
        if let Ok(mut checked) = self.checked.write() {
            if checked.len() >= CACHE_CAP {
                checked.clear();
            }
            checked.insert(key, now + CACHE_TTL);
        }
    }

    /// Whether `code` matches the stored `hash` of `barcode`'s code.
    pub fn check(&self, barcode: &str, code: &str, hash: &str) -> bool {
        let key = self.cache_key_for(barcode, code, hash);
        let now = Instant::now();
        if let Ok(checked) = self.checked.read() {
            if checked.get(&key).is_some_and(|until| *until > now) {
                return true;
            }
        }
        let ok = argon2_matches(code, hash);
        if ok {
            self.remember(key, now);
        }
        ok
    }

    fn cache_key_for(&self, barcode: &str, code: &str, hash: &str) -> [u8; 32] {
        let mut mac = self.cache_mac.clone();
        // The stored hash is part of the key: changing the code invalidates cached checks.
        for part in [barcode, code, hash] {
            mac.update(part.as_bytes());
            mac.update(&[0]);
        }
        mac.finalize().into_bytes().into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checks_codes_and_caches_only_successes() {
        let v = VerificationCodes::default();
        let hash = v.hash("1234").unwrap();
        assert!(!hash.contains("1234"));
        assert!(v.check("/ABC1234", "1234", &hash));
        assert!(v.check("/ABC1234", "1234", &hash), "cached");
        assert!(!v.check("/ABC1234", "9999", &hash));
        let new_hash = v.hash("5678").unwrap();
        assert!(
            !v.check("/ABC1234", "1234", &new_hash),
            "cache dies with the old hash"
        );
    }
}

#[cfg(test)]
mod off_runtime_tests {
    use super::*;

    /// An unknown account is checked against a dummy hash (so it costs what a known one
    /// costs) and never matches; argon2 runs under a bound of one per core.
    #[tokio::test]
    async fn unknown_accounts_hash_a_dummy() {
        let v = VerificationCodes::default();
        assert!(v.permits() >= 1);
        assert!(v.dummy.get().is_none());
        assert!(!v.matches("anything", None).await);
        assert!(v.dummy.get().is_some(), "the dummy was hashed against");
        let hash = v.hash_off_runtime("Code1234").await.unwrap();
        assert!(v.matches("Code1234", Some(&hash)).await);
        assert!(
            v.check_off_runtime("/AB12345", "Code1234", Some(&hash))
                .await
        );
        assert!(!v.check_off_runtime("/AB12345", "Code1234", None).await);
        assert_eq!(
            v.permits(),
            std::thread::available_parallelism().map_or(2, |n| n.get())
        );
    }

    /// Issue #9, hole 5: at most `permits()` hashes run at once (one per core); the next waits
    /// for a permit instead of taking another 19 MiB. Each piece of work holds until all that
    /// started are counted, so the most ever running together is what the bound allows.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn hashing_runs_at_most_one_per_core_at_once() {
        use std::sync::atomic::{AtomicUsize, Ordering::SeqCst};
        use std::sync::{Condvar, Mutex};

        let v = Arc::new(VerificationCodes::default());
        let n = std::thread::available_parallelism().map_or(2, |n| n.get());
        let (running, most) = (Arc::new(AtomicUsize::new(0)), Arc::new(AtomicUsize::new(0)));
        let gate = Arc::new((Mutex::new(false), Condvar::new()));
        let (started_tx, mut started) = tokio::sync::mpsc::unbounded_channel();
        let tasks: Vec<_> = (0..n + 2)
            .map(|_| {
                let (v, running, most) = (v.clone(), running.clone(), most.clone());
                let (gate, started_tx) = (gate.clone(), started_tx.clone());
                tokio::spawn(async move {
                    v.blocking(move || {
                        most.fetch_max(running.fetch_add(1, SeqCst) + 1, SeqCst);
                        let _ = started_tx.send(());
                        let (open, opened) = &*gate;
                        let mut open = open.lock().unwrap();
                        while !*open {
                            open = opened.wait(open).unwrap();
                        }
                        running.fetch_sub(1, SeqCst);
                    })
                    .await
                })
            })
            .collect();
        for _ in 0..n {
            started.recv().await.unwrap();
        }
        // Read while the work holds, then let it go before asserting: a failed assertion
        // must not leave blocking threads waiting on the gate.
        let free_while_held = v.permits.available_permits();
        *gate.0.lock().unwrap() = true;
        gate.1.notify_all();
        for task in tasks {
            task.await.unwrap().unwrap();
        }
        assert_eq!(free_while_held, 0, "every permit was held");
        assert_eq!(
            most.load(SeqCst),
            n,
            "never more than one hash per core at once"
        );
    }
}
