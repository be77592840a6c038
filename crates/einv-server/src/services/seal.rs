//! Sealing secrets at rest: an APIKey is stored encrypted under the server key (AES-256-GCM), so
//! a database dump does not reveal it. It cannot be a one-way hash because verifying an HMAC
//! signature needs the key itself (R4.1).

use aes_gcm::aead::{Aead, KeyInit, OsRng};
use aes_gcm::{AeadCore, Aes256Gcm, Key, Nonce};
use base64::engine::general_purpose::STANDARD;
use base64::Engine;

use crate::error::ServiceError;

/// Seals and opens secrets with the server key.
#[derive(Clone)]
pub struct KeySealer {
    cipher: Aes256Gcm,
}

impl std::fmt::Debug for KeySealer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("KeySealer(**)")
    }
}

impl KeySealer {
    /// A sealer for a 32-byte server key.
    pub fn new(server_key: &[u8; 32]) -> Self {
        Self {
            cipher: Aes256Gcm::new(Key::<Aes256Gcm>::from_slice(server_key)),
        }
    }

    /// A sealer from the server key as 64 hex digits.
    pub fn from_hex(hex_key: &str) -> Result<Self, String> {
        let bytes = hex::decode(hex_key.trim()).map_err(|e| format!("server key: not hex: {e}"))?;
        let key: [u8; 32] = bytes
            .try_into()
            .map_err(|_| "server key: expected 32 bytes (64 hex digits)".to_owned())?;
        Ok(Self::new(&key))
    }

    /// Seals `secret`: Base64(nonce ‖ ciphertext).
    pub fn seal(&self, secret: &str) -> Result<String, ServiceError> {
        let nonce = Aes256Gcm::generate_nonce(&mut OsRng);
        let sealed = self
            .cipher
            .encrypt(&nonce, secret.as_bytes())
            .map_err(|_| ServiceError::Internal("sealing failed".into()))?;
        let mut out = nonce.to_vec();
        out.extend_from_slice(&sealed);
        Ok(STANDARD.encode(out))
    }

    /// Opens what [`Self::seal`] produced.
    pub fn open(&self, sealed: &str) -> Result<String, ServiceError> {
        let bad =
            || ServiceError::Internal("a sealed key does not open with this server key".into());
        let raw = STANDARD.decode(sealed).map_err(|_| bad())?;
        if raw.len() < 12 {
            return Err(bad());
        }
        let (nonce, body) = raw.split_at(12);
        let plain = self
            .cipher
            .decrypt(Nonce::from_slice(nonce), body)
            .map_err(|_| bad())?;
        String::from_utf8(plain).map_err(|_| bad())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seal_open_roundtrip_and_wrong_key_fails() {
        let s = KeySealer::new(&[7; 32]);
        let sealed = s.seal("my-api-key").unwrap();
        assert!(!sealed.contains("my-api-key"));
        assert_eq!(s.open(&sealed).unwrap(), "my-api-key");
        assert_ne!(
            s.seal("my-api-key").unwrap(),
            sealed,
            "fresh nonce each time"
        );
        assert!(KeySealer::new(&[8; 32]).open(&sealed).is_err());
        assert!(KeySealer::from_hex("zz").is_err());
    }
}
