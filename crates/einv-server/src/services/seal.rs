//! Sealing secrets at rest: an APIKey is stored encrypted under the server key (AES-256-GCM), so
//! a database dump does not reveal it. It cannot be a one-way hash because verifying an HMAC
//! signature needs the key itself (R4.1).
//!
//! Each sealed APIKey is bound to its row: the AppID and the key's slot (the app's own key, or
//! credential N) are AES-GCM associated data, so a ciphertext copied to another app's row, or
//! from a revoked credential onto a live one, no longer opens. Such keys are written as
//! `v2.` + Base64(nonce ‖ ciphertext); a key sealed before binding (no prefix) still opens,
//! unbound, until [`crate::Platform::reseal_keys`] rewrites it at startup.

use aes_gcm::aead::{Aead, KeyInit, OsRng, Payload};
use aes_gcm::{AeadCore, Aes256Gcm, Key, Nonce};
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use einv_core::AppId;

use crate::error::ServiceError;

/// The prefix of a sealed key bound to its row.
const BOUND: &str = "v2.";

/// Which of an app's keys a sealed key is: part of what the ciphertext is bound to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeySlot {
    /// The key on the app's own row (apps outside the licence regime: operator, demo).
    App,
    /// Credential `id` of the app (issued on approval or rotation, R4.1).
    Credential(i64),
}

impl KeySlot {
    fn associated_data(self, app_id: &AppId) -> Vec<u8> {
        let slot = match self {
            KeySlot::App => "app".to_owned(),
            KeySlot::Credential(id) => format!("credential:{id}"),
        };
        // NUL-separated: an AppID cannot contain NUL, so no two (app, slot) pairs collide.
        format!("einv-apikey\0{app_id}\0{slot}").into_bytes()
    }
}

/// Seals and opens secrets with the server key.
#[derive(Clone)]
pub struct KeySealer {
    cipher: Aes256Gcm,
    /// Kept to derive sub-keys from; never leaves this type.
    key: [u8; 32],
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
            key: *server_key,
        }
    }

    /// A sub-key for one purpose: HMAC-SHA256(server key, `label`). Each purpose gets its own
    /// key (e.g. `audit-checkpoint`), so a key leaked from one use does not open another.
    pub fn derive_key(&self, label: &str) -> [u8; 32] {
        use hmac::Mac;
        #[allow(clippy::expect_used)] // HMAC takes a key of any length: this cannot fail.
        let mut mac = <hmac::Hmac<sha2::Sha256> as Mac>::new_from_slice(&self.key)
            .expect("HMAC accepts any key length");
        mac.update(label.as_bytes());
        mac.finalize().into_bytes().into()
    }

    /// A sealer from the server key as 64 hex digits.
    pub fn from_hex(hex_key: &str) -> Result<Self, String> {
        let bytes = hex::decode(hex_key.trim()).map_err(|e| format!("server key: not hex: {e}"))?;
        let key: [u8; 32] = bytes
            .try_into()
            .map_err(|_| "server key: expected 32 bytes (64 hex digits)".to_owned())?;
        Ok(Self::new(&key))
    }

    /// Seals `api_key` as `app_id`'s key in `slot`: `v2.` + Base64(nonce ‖ ciphertext).
    pub fn seal_key(
        &self,
        app_id: &AppId,
        slot: KeySlot,
        api_key: &str,
    ) -> Result<String, ServiceError> {
        let nonce = Aes256Gcm::generate_nonce(&mut OsRng);
        let aad = slot.associated_data(app_id);
        let payload = Payload {
            msg: api_key.as_bytes(),
            aad: &aad,
        };
        let sealed = self
            .cipher
            .encrypt(&nonce, payload)
            .map_err(|_| ServiceError::Internal("sealing failed".into()))?;
        let mut out = nonce.to_vec();
        out.extend_from_slice(&sealed);
        Ok(format!("{BOUND}{}", STANDARD.encode(out)))
    }

    /// Opens `app_id`'s key in `slot`. A key bound to another row does not open; a key sealed
    /// before binding opens unbound (see [`Self::is_bound`]).
    pub fn open_key(
        &self,
        app_id: &AppId,
        slot: KeySlot,
        sealed: &str,
    ) -> Result<String, ServiceError> {
        let bad = || {
            ServiceError::Internal(
                format!("the sealed key of {app_id} ({slot:?}) does not open with this server key for this row")
                    .into(),
            )
        };
        let (encoded, aad) = match sealed.strip_prefix(BOUND) {
            Some(rest) => (rest, slot.associated_data(app_id)),
            None => (sealed, Vec::new()),
        };
        let raw = STANDARD.decode(encoded).map_err(|_| bad())?;
        if raw.len() < 12 {
            return Err(bad());
        }
        let (nonce, body) = raw.split_at(12);
        let payload = Payload {
            msg: body,
            aad: &aad,
        };
        let plain = self
            .cipher
            .decrypt(Nonce::from_slice(nonce), payload)
            .map_err(|_| bad())?;
        String::from_utf8(plain).map_err(|_| bad())
    }

    /// Whether `sealed` is bound to its row (sealed by [`Self::seal_key`]).
    pub fn is_bound(sealed: &str) -> bool {
        sealed.starts_with(BOUND)
    }
}

impl crate::Platform {
    /// Re-seals every APIKey sealed before keys were bound to their rows (run at startup;
    /// a no-op once all are bound). Returns how many were re-sealed.
    pub async fn reseal_keys(&self) -> Result<usize, ServiceError> {
        let legacy = self.store.sealed_keys_without(BOUND).await?;
        let mut resealed = Vec::with_capacity(legacy.len());
        for (app_id, credential, sealed) in legacy {
            let slot = credential.map_or(KeySlot::App, KeySlot::Credential);
            let key = self.sealer.open_key(&app_id, slot, &sealed)?;
            resealed.push((
                app_id.clone(),
                credential,
                self.sealer.seal_key(&app_id, slot, &key)?,
            ));
        }
        self.store.reseal_keys(&resealed).await?;
        Ok(resealed.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn app(text: &str) -> AppId {
        AppId::parse(text).unwrap()
    }

    #[test]
    fn seal_open_roundtrip_and_wrong_key_fails() {
        let s = KeySealer::new(&[7; 32]);
        let slot = KeySlot::Credential(3);
        let sealed = s.seal_key(&app("APP1"), slot, "my-api-key").unwrap();
        assert!(!sealed.contains("my-api-key"));
        assert!(KeySealer::is_bound(&sealed));
        assert_eq!(
            s.open_key(&app("APP1"), slot, &sealed).unwrap(),
            "my-api-key"
        );
        assert_ne!(
            s.seal_key(&app("APP1"), slot, "my-api-key").unwrap(),
            sealed,
            "fresh nonce each time"
        );
        assert!(KeySealer::new(&[8; 32])
            .open_key(&app("APP1"), slot, &sealed)
            .is_err());
        assert!(KeySealer::from_hex("zz").is_err());
        assert_eq!(
            s.derive_key("audit-checkpoint"),
            KeySealer::new(&[7; 32]).derive_key("audit-checkpoint")
        );
        assert_ne!(s.derive_key("audit-checkpoint"), s.derive_key("other"));
        assert_ne!(
            s.derive_key("audit-checkpoint"),
            KeySealer::new(&[8; 32]).derive_key("audit-checkpoint")
        );
    }

    /// Issue #9: a sealed key moved to another app's row, or from one credential onto another
    /// (a revoked key onto a live one), does not open there.
    #[test]
    fn a_sealed_key_opens_only_on_its_own_row() {
        let s = KeySealer::new(&[7; 32]);
        let sealed = s
            .seal_key(&app("APP1"), KeySlot::Credential(3), "k")
            .unwrap();
        assert!(
            s.open_key(&app("APP2"), KeySlot::Credential(3), &sealed)
                .is_err(),
            "other app"
        );
        assert!(
            s.open_key(&app("APP1"), KeySlot::Credential(4), &sealed)
                .is_err(),
            "other credential"
        );
        assert!(
            s.open_key(&app("APP1"), KeySlot::App, &sealed).is_err(),
            "the app's own slot"
        );
        let tampered = format!("v2.{}", &sealed[3..].replace('A', "B"));
        if tampered != sealed {
            assert!(s
                .open_key(&app("APP1"), KeySlot::Credential(3), &tampered)
                .is_err());
        }
    }

    /// A key sealed before binding (no prefix, no associated data) still opens, so no app
    /// loses its key before `reseal_keys` rewrites it.
    #[test]
    fn a_key_sealed_before_binding_still_opens() {
        let s = KeySealer::new(&[7; 32]);
        let nonce = Aes256Gcm::generate_nonce(&mut OsRng);
        let body = s.cipher.encrypt(&nonce, b"old-key".as_slice()).unwrap();
        let legacy = STANDARD.encode([nonce.to_vec(), body].concat());
        assert!(!KeySealer::is_bound(&legacy));
        assert_eq!(
            s.open_key(&app("ANY"), KeySlot::App, &legacy).unwrap(),
            "old-key"
        );
    }
}
