//! v2 callers: which keys verify an app's signed requests, the replay nonces, the Ed25519
//! public keys a developer registers, and idempotent writes. The signature arithmetic is pure
//! and lives in `einv_core::httpsig`, shared with the client kit.

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use chrono::Duration;
use einv_core::httpsig::{
    check_ed25519_public_key, public_key_from_base64, Algorithm, MAX_SKEW_SECS,
};
use einv_core::AppId;
use einv_core::Service;
use einv_store::{IdempotentAnswer, SigningKeyRecord};

use super::{AuthorisedApp, Platform};
use crate::error::{ServiceError, ServiceResult};

/// Everything that may verify a live app's v2 signature now.
#[derive(Debug)]
pub struct VerifyingKeys {
    /// The app, admitted (live licence, licensed for the service when one was named), with
    /// its APIKeys for `hmac-sha256`.
    pub app: AuthorisedApp,
    /// Its live Ed25519 public keys (32 bytes each).
    pub ed25519: Vec<Vec<u8>>,
}

impl Platform {
    /// Whether `app_id` (the `keyid` a request names: a claim, not yet an AppID) is a live
    /// app, asked of the one authority (`authority.rs`) like every other surface, and which
    /// keys verify its v2 signature.
    pub async fn v2_verifying_keys(
        &self,
        app_id: &str,
        service: Option<Service>,
    ) -> ServiceResult<VerifyingKeys> {
        let app = self.authorise_app(app_id, service).await?;
        self.v2_verifying_keys_of(app, None).await
    }

    /// [`Self::v2_verifying_keys`] for an app the authority already admitted during this call
    /// (v2's flow control asks it first): only the service is checked again (R4.5), so a v2
    /// call asks the authority once.
    pub async fn v2_verifying_keys_of(
        &self,
        app: AuthorisedApp,
        service: Option<Service>,
    ) -> ServiceResult<VerifyingKeys> {
        let app_id = &app.app.app_id;
        if let Some(service) = service {
            if !app.app.services.contains(&service) {
                return Err(ServiceError::AppRefused {
                    reason: format!("{app_id} is not licensed for the service {service}"),
                    rule: Some("R4.5"),
                });
            }
        }
        let ed25519 = self
            .store
            .signing_keys(app_id)
            .await?
            .into_iter()
            .filter(|k| k.revoked_at.is_none() && k.algorithm == Algorithm::Ed25519)
            .map(|k| k.key_bytes)
            .collect();
        Ok(VerifyingKeys { app, ed25519 })
    }

    /// Records a signed request's nonce; false when the AppID used it within the window (a
    /// replay). Kept in Redis when flow control shares Redis (several nodes), else in the
    /// store; either way for twice the window, so a nonce is remembered as long as a request
    /// carrying it could be accepted.
    pub async fn claim_nonce(&self, app_id: &AppId, nonce: &str) -> ServiceResult<bool> {
        let ttl = 2 * MAX_SKEW_SECS;
        if let Some((mut conn, namespace)) = self.flow.shared_redis() {
            let key = format!("{namespace}:nonce:{app_id}:{nonce}");
            let set: Option<String> = redis::cmd("SET")
                .arg(&key)
                .arg(1)
                .arg("NX")
                .arg("EX")
                .arg(ttl)
                .query_async(&mut conn)
                .await
                .map_err(|e| {
                    ServiceError::Internal(crate::error::InternalError::caused_by("redis nonce", e))
                })?;
            return Ok(set.is_some());
        }
        let now = self.clock.now();
        Ok(self
            .store
            .claim_nonce(app_id, nonce, now, now + Duration::seconds(ttl))
            .await?)
    }

    /// Registers an Ed25519 public key (Base64 of 32 bytes) for signing `app_id`'s v2
    /// requests.
    pub async fn register_signing_key(
        &self,
        app_id: &AppId,
        public_key: &str,
        label: &str,
    ) -> ServiceResult<i64> {
        let raw = public_key_from_base64(public_key).ok_or_else(|| {
            einv_core::InvalidValue::new("publicKey", "expected Base64 of the 32-byte key")
        })?;
        if !check_ed25519_public_key(&raw) {
            return Err(einv_core::InvalidValue::new(
                "publicKey",
                "not an Ed25519 public key (32 bytes, a point of the curve)",
            )
            .into());
        }
        let label = label.trim();
        if label.chars().count() > 64 {
            return Err(einv_core::InvalidValue::new("label", "at most 64 characters").into());
        }
        Ok(self
            .store
            .add_signing_key(
                app_id,
                Algorithm::Ed25519,
                &STANDARD.encode(&raw),
                if label.is_empty() { "key" } else { label },
                self.clock.now(),
            )
            .await?)
    }

    /// The public keys registered for `app_id`.
    pub async fn signing_keys(&self, app_id: &AppId) -> ServiceResult<Vec<SigningKeyRecord>> {
        Ok(self.store.signing_keys(app_id).await?)
    }

    /// Revokes public key `id` of `app_id`.
    pub async fn revoke_signing_key(&self, app_id: &AppId, id: i64) -> ServiceResult<()> {
        if self
            .store
            .revoke_signing_key(app_id, id, self.clock.now())
            .await?
        {
            Ok(())
        } else {
            Err(ServiceError::not_found("signing key"))
        }
    }

    /// Claims an idempotency key of `app_id` for the request whose digest is `request_hash`.
    pub async fn claim_idempotency_key(
        &self,
        app_id: &AppId,
        key: &str,
        request_hash: &str,
    ) -> ServiceResult<IdempotentAnswer> {
        Ok(self
            .store
            .claim_idempotency_key(app_id, key, request_hash, self.clock.now())
            .await?)
    }

    /// Records the answer to an idempotent write, or releases the key when the write did not
    /// act (`status` ≥ 500 or none), so a retry may.
    pub async fn settle_idempotency_key(
        &self,
        app_id: &AppId,
        key: &str,
        answer: Option<(u16, &str)>,
    ) -> ServiceResult<()> {
        match answer {
            Some((status, body)) => Ok(self
                .store
                .answer_idempotency_key(app_id, key, status, body)
                .await?),
            None => Ok(self.store.release_idempotency_key(app_id, key).await?),
        }
    }
}
