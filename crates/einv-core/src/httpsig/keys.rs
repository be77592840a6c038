//! The two signature algorithms' primitives (HMAC-SHA256 under the APIKey, Ed25519 under a
//! registered public key): signing for the client kit, verifying for the Platform.

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use ed25519_dalek::Signer as _;
use hmac::{Hmac, Mac};
use sha2::Sha256;

/// HMAC-SHA256 of `base` under `key`.
pub fn sign_hmac(key: &[u8], base: &str) -> Vec<u8> {
    // HMAC takes a key of any length; `new_from_slice` cannot fail for it.
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(key)
        .unwrap_or_else(|_| unreachable!("HMAC accepts any key length"));
    mac.update(base.as_bytes());
    mac.finalize().into_bytes().to_vec()
}

/// Whether `signature` is the HMAC-SHA256 of `base` under `key` (constant time).
pub fn verify_hmac(key: &[u8], base: &str, signature: &[u8]) -> bool {
    let Ok(mut mac) = <Hmac<Sha256> as Mac>::new_from_slice(key) else {
        return false;
    };
    mac.update(base.as_bytes());
    mac.verify_slice(signature).is_ok()
}

/// The Ed25519 signature of `base` with the 32-byte secret `seed`.
pub fn sign_ed25519(seed: &[u8; 32], base: &str) -> Vec<u8> {
    ed25519_dalek::SigningKey::from_bytes(seed)
        .sign(base.as_bytes())
        .to_bytes()
        .to_vec()
}

/// The public key (32 bytes) of the Ed25519 secret `seed`.
pub fn ed25519_public_key(seed: &[u8; 32]) -> [u8; 32] {
    ed25519_dalek::SigningKey::from_bytes(seed)
        .verifying_key()
        .to_bytes()
}

/// Checks that `key` is a valid Ed25519 public key (32 bytes, a curve point).
pub fn check_ed25519_public_key(key: &[u8]) -> bool {
    <[u8; 32]>::try_from(key)
        .ok()
        .and_then(|k| ed25519_dalek::VerifyingKey::from_bytes(&k).ok())
        .is_some()
}

/// Whether `signature` is an Ed25519 signature of `base` under `public_key` (strict: RFC 8032
/// with the small-order and malleability checks).
pub fn verify_ed25519(public_key: &[u8], base: &str, signature: &[u8]) -> bool {
    let Ok(key) = <[u8; 32]>::try_from(public_key) else {
        return false;
    };
    let Ok(key) = ed25519_dalek::VerifyingKey::from_bytes(&key) else {
        return false;
    };
    let Ok(sig) = ed25519_dalek::Signature::from_slice(signature) else {
        return false;
    };
    key.verify_strict(base.as_bytes(), &sig).is_ok()
}

/// A public key's bytes from its Base64 (as a developer registers it and the store keeps it);
/// `None` when the text is not Base64.
pub fn public_key_from_base64(text: &str) -> Option<Vec<u8>> {
    STANDARD.decode(text.trim()).ok()
}
