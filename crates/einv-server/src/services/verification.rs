//! Carrier verification codes (驗證碼): argon2 hashes, with a short-lived cache of successful
//! checks so a busy app does not pay an argon2 hash on every call.
//!
//! The cache key is an HMAC (under a per-process random key) of barcode and code, so the cache
//! never holds a code in clear, and an entry dies when the code changes (the key changes with it).

use std::collections::HashMap;
use std::sync::RwLock;
use std::time::{Duration, Instant};

use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use hmac::{Hmac, Mac};
use rand::RngCore;
use sha2::Sha256;

use crate::error::ServiceError;

/// How long a successful check is remembered.
const CACHE_TTL: Duration = Duration::from_secs(300);
/// At most this many remembered checks; past it the cache is cleared (cheap, and rare).
const CACHE_CAP: usize = 100_000;

/// Hashes and checks verification codes.
#[derive(Debug)]
pub struct VerificationCodes {
    cache_key: [u8; 32],
    checked: RwLock<HashMap<[u8; 32], Instant>>,
}

impl Default for VerificationCodes {
    fn default() -> Self {
        let mut cache_key = [0u8; 32];
        rand::thread_rng().fill_bytes(&mut cache_key);
        Self {
            cache_key,
            checked: RwLock::new(HashMap::new()),
        }
    }
}

impl VerificationCodes {
    /// The argon2 hash to store for `code`.
    pub fn hash(&self, code: &str) -> Result<String, ServiceError> {
        let salt = SaltString::generate(&mut OsRng);
        Argon2::default()
            .hash_password(code.as_bytes(), &salt)
            .map(|h| h.to_string())
            .map_err(|e| ServiceError::Internal(format!("hashing a verification code: {e}").into()))
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
        let ok = PasswordHash::new(hash)
            .map(|parsed| {
                Argon2::default()
                    .verify_password(code.as_bytes(), &parsed)
                    .is_ok()
            })
            .unwrap_or(false);
        if ok {
            if let Ok(mut checked) = self.checked.write() {
                if checked.len() >= CACHE_CAP {
                    checked.clear();
                }
                checked.insert(key, now + CACHE_TTL);
            }
        }
        ok
    }

    fn cache_key_for(&self, barcode: &str, code: &str, hash: &str) -> [u8; 32] {
        let Ok(mut mac) = <Hmac<Sha256> as Mac>::new_from_slice(&self.cache_key) else {
            return [0; 32];
        };
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
