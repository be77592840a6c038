//! Verification codes sealed at rest (AES-256-GCM): a copy of the kit's database does not give
//! away Users' codes without the app's key.

use std::fmt;

use aes_gcm::aead::{Aead, KeyInit, OsRng};
use aes_gcm::{AeadCore, Aes256Gcm, Key, Nonce};
use base64::engine::general_purpose::STANDARD;
use base64::Engine;

use crate::{Error, Result};

const PREFIX: &str = "gcm1:";

/// The app's key for sealing verification codes in the kit's store.
#[derive(Clone)]
pub struct SealingKey(Aes256Gcm);

impl SealingKey {
    /// A key from 32 bytes the app keeps outside the database (a secret manager, the keychain).
    pub fn new(key: &[u8; 32]) -> Self {
        Self(Aes256Gcm::new(Key::<Aes256Gcm>::from_slice(key)))
    }

    pub(crate) fn seal(&self, code: &str) -> Result<String> {
        let nonce = Aes256Gcm::generate_nonce(&mut OsRng);
        let sealed = self
            .0
            .encrypt(&nonce, code.as_bytes())
            .map_err(|_| Error::Storage("sealing a verification code failed".into()))?;
        let mut bytes = nonce.to_vec();
        bytes.extend(sealed);
        Ok(format!("{PREFIX}{}", STANDARD.encode(bytes)))
    }

    pub(crate) fn open(&self, stored: &str) -> Result<String> {
        let Some(b64) = stored.strip_prefix(PREFIX) else {
            // Stored before sealing was turned on.
            return Ok(stored.to_owned());
        };
        let bytes = STANDARD
            .decode(b64)
            .map_err(|_| Error::Storage("a sealed verification code is not Base64".into()))?;
        if bytes.len() < 12 {
            return Err(Error::Storage(
                "a sealed verification code is truncated".into(),
            ));
        }
        let (nonce, sealed) = bytes.split_at(12);
        let plain = self
            .0
            .decrypt(Nonce::from_slice(nonce), sealed)
            .map_err(|_| {
                Error::Storage("a verification code does not open with this key".into())
            })?;
        String::from_utf8(plain)
            .map_err(|_| Error::Storage("a verification code is not UTF-8".into()))
    }
}

/// Whether a stored code is sealed.
pub(crate) fn is_sealed(stored: &str) -> bool {
    stored.starts_with(PREFIX)
}

impl fmt::Debug for SealingKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SealingKey([redacted])")
    }
}
