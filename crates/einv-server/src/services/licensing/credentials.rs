//! APIKeys after approval (R4.1): rotation with a grace period during which the old and the
//! new key both verify, and the list a Developer sees (never the keys themselves).

use chrono::{DateTime, Duration, Utc};
use einv_core::AppId;
use einv_core::{DeveloperId, LicenceId};
use einv_store::CredentialRecord;
use sha2::{Digest, Sha256};

use super::Actor;
use crate::error::{ServiceError, ServiceResult};
use crate::services::apps::new_api_key;
use crate::services::KeySlot;
use crate::services::{IssuedCredentials, Platform};

/// How long the old key keeps working after a rotation, unless told otherwise.
pub const DEFAULT_GRACE_DAYS: i64 = 7;
/// The longest grace period.
pub const MAX_GRACE_DAYS: i64 = 30;

impl Platform {
    /// Issues a new APIKey for the licence's AppID; the older keys stop verifying after
    /// `grace_days` (R4.1). Returns the new key: the only time it is shown.
    pub async fn rotate_key(
        &self,
        developer_id: DeveloperId,
        licence_id: LicenceId,
        grace_days: i64,
    ) -> ServiceResult<IssuedCredentials> {
        let (app_id, id, api_key) = self
            .issue_rotated_key(developer_id, licence_id, grace_days)
            .await?;
        // Returned here, so this is its one showing.
        self.store.reveal_credential(id, self.clock.now()).await?;
        Ok(IssuedCredentials { app_id, api_key })
    }

    /// Rotates like [`Self::rotate_key`] but shows nothing: the new key waits, unrevealed, for
    /// [`Self::reveal_issued_key`]. The pages rotate with this, then redirect to the page that
    /// reveals it, so that reloading the result shows the key once and never rotates again.
    pub async fn rotate_key_unrevealed(
        &self,
        developer_id: DeveloperId,
        licence_id: LicenceId,
        grace_days: i64,
    ) -> ServiceResult<()> {
        self.issue_rotated_key(developer_id, licence_id, grace_days)
            .await?;
        Ok(())
    }

    async fn issue_rotated_key(
        &self,
        developer_id: DeveloperId,
        licence_id: LicenceId,
        grace_days: i64,
    ) -> ServiceResult<(AppId, i64, String)> {
        if !(0..=MAX_GRACE_DAYS).contains(&grace_days) {
            return Err(einv_core::InvalidValue::new(
                "grace_days",
                format!("must be 0 to {MAX_GRACE_DAYS}"),
            )
            .into());
        }
        let licence = self.developer_licence(developer_id, licence_id).await?;
        let app_id = licence.app_id.clone().ok_or(ServiceError::Refused {
            rule: "R4.1",
            reason: "the licence has no AppID yet".into(),
        })?;
        if licence.state.is_ended() {
            return Err(ServiceError::Refused {
                rule: "R11",
                reason: "the licence has ended; its keys are revoked".into(),
            });
        }
        let now = self.clock.now();
        let api_key = new_api_key();
        let id = self
            .store
            .add_credential(&app_id, now, |id| {
                self.sealer
                    .seal_key(&app_id, KeySlot::Credential(id), &api_key)
            })
            .await?;
        self.store
            .expire_other_credentials(&app_id, id, now + Duration::days(grace_days))
            .await?;
        tracing::info!(app.id = %app_id, actor = %Actor::Developer(developer_id), grace_days, "APIKey rotated");
        Ok((app_id, id, api_key))
    }

    /// The key issued on approval, the first time the Developer asks for it; `None` ever
    /// after (R4.1: shown once).
    pub async fn reveal_issued_key(
        &self,
        developer_id: DeveloperId,
        licence_id: LicenceId,
    ) -> ServiceResult<Option<IssuedCredentials>> {
        let licence = self.developer_licence(developer_id, licence_id).await?;
        let Some(app_id) = licence.app_id else {
            return Ok(None);
        };
        let now = self.clock.now();
        for credential in self.store.credentials_of(&app_id).await? {
            if credential.revealed_at.is_none()
                && credential.is_valid(now)
                && self.store.reveal_credential(credential.id, now).await?
            {
                let api_key = self.sealer.open_key(
                    &app_id,
                    KeySlot::Credential(credential.id),
                    &credential.sealed_key,
                )?;
                return Ok(Some(IssuedCredentials { app_id, api_key }));
            }
        }
        Ok(None)
    }

    /// The keys of a licence's AppID, newest first, for the Developer's page (sealed: the
    /// page shows only dates and validity).
    pub async fn key_history(
        &self,
        developer_id: DeveloperId,
        licence_id: LicenceId,
    ) -> ServiceResult<Vec<CredentialRecord>> {
        let licence = self.developer_licence(developer_id, licence_id).await?;
        match licence.app_id {
            Some(app_id) => Ok(self.store.credentials_of(&app_id).await?),
            None => Ok(Vec::new()),
        }
    }
}

/// A key as the Developer's page lists it: never the key, but a fingerprint to tell it apart.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyView {
    /// Row ID.
    pub id: i64,
    /// `SHA256:` and the first 16 hex digits of the key's SHA-256.
    pub fingerprint: String,
    /// Created.
    pub created_at: DateTime<Utc>,
    /// When it stops verifying (a rotation's grace period), if set.
    pub valid_until: Option<DateTime<Utc>>,
    /// Revoked (the licence ended).
    pub revoked_at: Option<DateTime<Utc>>,
    /// Whether it verifies now.
    pub valid: bool,
    /// The current key: the newest one without an end.
    pub current: bool,
}

impl Platform {
    /// The keys of a licence's AppID, newest first, each with its fingerprint and which one
    /// is current (R4.1).
    pub async fn key_views(
        &self,
        developer_id: DeveloperId,
        licence_id: LicenceId,
    ) -> ServiceResult<Vec<KeyView>> {
        let now = self.clock.now();
        let mut keys = self.key_history(developer_id, licence_id).await?;
        keys.sort_by_key(|k| std::cmp::Reverse(k.id));
        let current = keys
            .iter()
            .find(|k| k.valid_until.is_none() && k.is_valid(now))
            .map(|k| k.id);
        keys.iter()
            .map(|k| {
                let key =
                    self.sealer
                        .open_key(&k.app_id, KeySlot::Credential(k.id), &k.sealed_key)?;
                let digest = hex::encode(Sha256::digest(key.as_bytes()));
                Ok(KeyView {
                    id: k.id,
                    fingerprint: format!("SHA256:{}", &digest[..16]),
                    created_at: k.created_at,
                    valid_until: k.valid_until,
                    revoked_at: k.revoked_at,
                    valid: k.is_valid(now),
                    current: Some(k.id) == current,
                })
            })
            .collect()
    }
}
