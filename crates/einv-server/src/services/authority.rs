//! The one authority on apps: whether a caller is a live app with a valid credential.
//!
//! Every surface asks here and nowhere else — v1 (signed and unsigned actions), the blank
//! pages, `/oauth/authorize`, `/oauth/token`, `/oauth/introspect` and `/api/v2/*` — so rotation
//! grace, revocation, suspension, expiry, termination and the licensed services are decided
//! once (R4.1, R4.5, R4.7c, R10, R11).
//!
//! The API is three calls:
//!
//! - [`Platform::authorise_app`]: the AppID names a live app (licensed for `service`, when one
//!   is named). Returns an [`AuthorisedApp`] holding the keys that verify now, for a surface
//!   that checks a signature made with them (the MOF `signature`, RFC 9421 on v2).
//! - [`Platform::authenticate_app`]: the same, for a caller that presents the APIKey itself
//!   (HTTP Basic `AppID:APIKey` on OAuth and v2).
//! - [`AuthorisedApp::verifies`]: whether a signature check passes under one of those keys.
//!
//! Which keys verify: for an AppID issued through a licence, the `credentials` rows valid now
//! (a rotated-away key stops at the end of its grace period, a revoked one at once); for an app
//! the operator or the demo data set created outside the licence regime, its one sealed key.
//! `apps.sealed_key` of a licensed app is the key issued on approval and is never consulted
//! for it: it does not follow rotation or revocation.

use einv_core::Service;
use einv_store::{AppRecord, AppStatus};

use super::{KeySlot, Platform};
use crate::error::{ServiceError, ServiceResult};

/// A live app, with the APIKeys that verify for it now. The keys never leave this value
/// except as bytes for a signature check.
pub struct AuthorisedApp {
    /// The app.
    pub app: AppRecord,
    /// Whether every v1 call of this app must carry the MOF signature, the unsigned actions
    /// included ("sign every call", a licence setting).
    pub sign_every_call: bool,
    /// The keys that verify now, newest first: more than one during a rotation's grace
    /// period (R4.1).
    api_keys: Vec<String>,
}

impl std::fmt::Debug for AuthorisedApp {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AuthorisedApp")
            .field("app_id", &self.app.app_id)
            .field("sign_every_call", &self.sign_every_call)
            .finish_non_exhaustive()
    }
}

impl AuthorisedApp {
    /// The newest APIKey, as HMAC key bytes (what `hashSerial` is made with).
    pub fn api_key(&self) -> &[u8] {
        self.api_keys
            .first()
            .map(String::as_bytes)
            .unwrap_or_default()
    }

    /// Every APIKey that verifies now, newest first.
    pub fn api_keys(&self) -> impl Iterator<Item = &[u8]> {
        self.api_keys.iter().map(String::as_bytes)
    }

    /// Whether `check` passes under one of the keys that verify now (during a rotation's grace
    /// period the old and the new key both do, R4.1).
    pub fn verifies(&self, mut check: impl FnMut(&[u8]) -> bool) -> bool {
        self.api_keys().any(&mut check)
    }

    /// Whether `presented` is one of the keys that verify now, compared in constant time.
    pub fn key_matches(&self, presented: &str) -> bool {
        // Every key is compared, so the time does not tell which one matched.
        self.api_keys
            .iter()
            .fold(false, |hit, key| constant_time_eq(key, presented) | hit)
    }
}

fn constant_time_eq(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

fn refuse(reason: String, rule: Option<&'static str>) -> ServiceError {
    ServiceError::AppRefused { reason, rule }
}

impl Platform {
    /// Decides whether `app_id` is a live app now, licensed for `service` when one is named
    /// (code 998 on v1, `invalid_client` on OAuth, 401 on v2 when not).
    #[tracing::instrument(skip(self), fields(app.id = %app_id))]
    pub async fn authorise_app(
        &self,
        app_id: &str,
        service: Option<Service>,
    ) -> ServiceResult<AuthorisedApp> {
        if app_id.is_empty() {
            return Err(refuse("appID is required".into(), None));
        }
        let Some(app) = self.store.find_app(app_id).await? else {
            return Err(refuse(format!("{app_id} was never issued"), Some("R4.1")));
        };
        let api_keys = self.keys_that_verify(&app).await?;
        self.admit_live(app, api_keys, service).await
    }

    /// Decides whether `app_id` with `api_key` is a live app with a valid credential now. A
    /// wrong AppID or a wrong, rotated-away or revoked key get the same answer, so the answer
    /// does not tell which AppIDs exist; only the key's holder learns why a live key is
    /// refused (suspension, expiry, termination …).
    #[tracing::instrument(skip(self, api_key), fields(app.id = %app_id))]
    pub async fn authenticate_app(
        &self,
        app_id: &str,
        api_key: &str,
        service: Option<Service>,
    ) -> ServiceResult<AuthorisedApp> {
        let wrong = || refuse("wrong AppID or APIKey".into(), Some("R4.1"));
        let app = self.store.find_app(app_id).await?.ok_or_else(wrong)?;
        let api_keys = self.keys_that_verify(&app).await?;
        let candidate = AuthorisedApp {
            app,
            sign_every_call: false,
            api_keys,
        };
        if !candidate.key_matches(api_key) {
            return Err(wrong());
        }
        self.admit_live(candidate.app, candidate.api_keys, service)
            .await
    }

    /// Authenticates an app by AppID and APIKey (HTTP Basic), any service: the app's record.
    pub async fn authenticate_app_secret(
        &self,
        app_id: &str,
        api_key: &str,
    ) -> ServiceResult<AppRecord> {
        Ok(self.authenticate_app(app_id, api_key, None).await?.app)
    }

    /// The keys that may verify for `app` now, before the licence is consulted.
    async fn keys_that_verify(&self, app: &AppRecord) -> ServiceResult<Vec<String>> {
        let now = self.clock.now();
        let credentials = self.store.credentials_of(&app.app_id).await?;
        if credentials.is_empty() {
            // Outside the licence regime (operator or demo): its one key, unless revoked.
            return Ok(if app.status == AppStatus::Revoked {
                Vec::new()
            } else {
                vec![self
                    .sealer
                    .open_key(&app.app_id, KeySlot::App, &app.sealed_key)?]
            });
        }
        let mut keys = Vec::new();
        for credential in credentials.into_iter().filter(|c| c.is_valid(now)) {
            keys.push(self.sealer.open_key(
                &app.app_id,
                KeySlot::Credential(credential.id),
                &credential.sealed_key,
            )?);
        }
        Ok(keys)
    }

    /// The licence, the app's status, its services and its keys: every refusal, in the order
    /// that names the most precise rule.
    async fn admit_live(
        &self,
        app: AppRecord,
        api_keys: Vec<String>,
        service: Option<Service>,
    ) -> ServiceResult<AuthorisedApp> {
        let app_id = app.app_id.as_str();
        // The licence speaks first: its refusal names the rule (R4.7c …) better than the
        // app's status, which only mirrors it. Settling it may change the app's status.
        let licence = self.licence_admits(app_id).await?;
        let app = match licence {
            Some(_) => self.store.find_app(app_id).await?.unwrap_or(app),
            None => app,
        };
        let app_id = app.app_id.as_str();
        match app.status {
            AppStatus::Active => {}
            AppStatus::Suspended => {
                return Err(refuse(format!("{app_id} is suspended"), Some("R10.2")))
            }
            AppStatus::Revoked => return Err(refuse(format!("{app_id} was revoked"), Some("R11"))),
        }
        if let Some(service) = service {
            if !app.services.iter().any(|s| s == service.as_str()) {
                return Err(refuse(
                    format!("{app_id} is not licensed for the service {service}"),
                    Some("R4.5"),
                ));
            }
        }
        if api_keys.is_empty() {
            return Err(refuse(
                format!("{app_id}: no APIKey of this AppID is valid (revoked, or past its rotation's grace period)"),
                Some("R4.1"),
            ));
        }
        let sign_every_call = match &licence {
            Some(l) => self.store.sign_every_call(l.id).await?,
            None => false,
        };
        Ok(AuthorisedApp {
            app,
            sign_every_call,
            api_keys,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn app(keys: &[&str]) -> AuthorisedApp {
        AuthorisedApp {
            app: AppRecord {
                app_id: "EINVX".into(),
                name: "x".into(),
                sealed_key: String::new(),
                status: AppStatus::Active,
                services: Vec::new(),
                created_at: chrono::DateTime::default(),
            },
            sign_every_call: false,
            api_keys: keys.iter().map(|k| (*k).to_owned()).collect(),
        }
    }

    #[test]
    fn a_key_matches_only_when_it_verifies_now() {
        let a = app(&["new-key", "old-key"]);
        assert!(a.key_matches("new-key"));
        assert!(a.key_matches("old-key"));
        assert!(!a.key_matches("new-ke"));
        assert!(!a.key_matches(""));
        assert!(!app(&[]).key_matches(""));
        assert!(a.verifies(|k| k == b"old-key"));
        assert!(!a.verifies(|k| k == b"other"));
        assert_eq!(a.api_key(), b"new-key");
    }
}
