//! R11 over the API: after its licence ends, an app confirms that its programs and every User
//! datum were destroyed (the client kit's `purge()` writes the statement). The app's keys were
//! revoked when the licence ended, so they no longer open any data; they still prove who
//! confirms, for this one act only: the keys that verified when the licence ended (the ones R11
//! revoked, not those rotated away or revoked before) and the Ed25519 keys registered then.

use chrono::{DateTime, Utc};
use einv_core::httpsig::Algorithm;
use einv_core::AppId;
use einv_store::{LicenceNote, LicenceRecord};

use super::seal::KeySlot;
use super::{AuditEntry, Platform};
use crate::error::{ServiceError, ServiceResult};

/// An app whose licence ended (R11), with the keys it held at the end: they sign only its
/// destruction confirmation.
pub struct EndedApp {
    /// The AppID.
    pub app_id: AppId,
    /// Its licence, ended.
    pub licence: LicenceRecord,
    /// The APIKeys that verified when the licence ended.
    hmac_keys: Vec<String>,
    /// The Ed25519 public keys registered then (32 bytes each).
    pub ed25519: Vec<Vec<u8>>,
}

impl std::fmt::Debug for EndedApp {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EndedApp")
            .field("app_id", &self.app_id)
            .field("licence", &self.licence.id)
            .finish_non_exhaustive()
    }
}

impl EndedApp {
    /// The APIKeys, as HMAC key bytes.
    pub fn hmac_keys(&self) -> impl Iterator<Item = &[u8]> {
        self.hmac_keys.iter().map(String::as_bytes)
    }
}

fn not_ended() -> ServiceError {
    ServiceError::Refused {
        rule: "R11",
        reason: "destruction is confirmed after the licence ends (expiry, withdrawal, termination, merger); this licence has not ended".into(),
    }
}

impl Platform {
    /// `app_id`'s ended licence and the keys that may sign its destruction confirmation. An
    /// unknown AppID, or one issued outside the licence regime, is refused like an unknown
    /// key (R4.1); a licence that has not ended is refused under R11.
    pub async fn ended_app(&self, claimed: &str) -> ServiceResult<EndedApp> {
        let unknown = || ServiceError::AppRefused {
            reason: format!("{claimed} was never issued through a licence"),
            rule: Some("R4.1"),
        };
        // Text that is not an AppID was never issued: the same answer as an unknown one.
        let app_id = &AppId::parse(claimed).map_err(|_| unknown())?;
        let licence = self
            .store
            .find_licence_by_app(app_id)
            .await?
            .ok_or_else(unknown)?;
        if !licence.state.ends_an_approved_licence() {
            return Err(not_ended());
        }
        let credentials = self.store.credentials_of(app_id).await?;
        // R11 revoked every live key at one instant: the latest revocation.
        let ended_at: Option<DateTime<Utc>> = credentials.iter().filter_map(|c| c.revoked_at).max();
        let mut hmac_keys = Vec::new();
        for c in &credentials {
            let revoked_by_r11 = c.revoked_at.is_some() && c.revoked_at == ended_at;
            let live_then = ended_at.is_some_and(|at| c.valid_until.is_none_or(|u| u > at));
            if revoked_by_r11 && live_then {
                hmac_keys.push(self.sealer.open_key(
                    app_id,
                    KeySlot::Credential(c.id),
                    &c.sealed_key,
                )?);
            }
        }
        let ed25519 = self
            .store
            .signing_keys(app_id)
            .await?
            .into_iter()
            .filter(|k| k.algorithm == Algorithm::Ed25519)
            .filter(|k| {
                k.revoked_at
                    .is_none_or(|r| ended_at.is_some_and(|e| r >= e))
            })
            .map(|k| k.key_bytes)
            .collect();
        Ok(EndedApp {
            app_id: app_id.clone(),
            licence,
            hmac_keys,
            ed25519,
        })
    }

    /// Records the app's confirmation that its programs and User data were destroyed (R11),
    /// once; the reviewer sees it in the licence's dossier.
    pub async fn confirm_destruction_by_app(
        &self,
        app_id: &AppId,
        statement: &str,
    ) -> ServiceResult<LicenceNote> {
        let licence = self
            .store
            .find_licence_by_app(app_id)
            .await?
            .ok_or(ServiceError::not_found("licence"))?;
        // A retry of the confirmation already recorded (its answer lost on the way) gets the
        // first answer and records nothing again; a different statement goes on to the
        // conflict below: the first confirmation stands (issue #9).
        if let Some(first) = self.store.destruction_of(licence.id).await? {
            if first.body == statement.trim() {
                return Ok(first);
            }
        }
        // The Developer's own confirmation checks the licence's end and the statement.
        self.confirm_destruction(licence.developer_id, licence.id, statement)
            .await?;
        let entry = AuditEntry::event(format!("app:{app_id}"), "licence.destruction-confirmed")
            .with_app(app_id)
            .with_detail(serde_json::json!({ "rule": "R11", "licence": licence.id }));
        self.audit(entry).await?;
        self.store
            .destruction_of(licence.id)
            .await?
            .ok_or_else(|| ServiceError::Internal("destruction confirmation not stored".into()))
    }
}
