//! AppIDs: issuing credentials and deciding whether an AppID may make a call.

use einv_core::Service;
use einv_store::{AppRecord, AppStatus};
use rand::distributions::Alphanumeric;
use rand::Rng;

use super::Platform;
use crate::error::{ServiceError, ServiceResult};

/// An AppID that may make the call it asked for, with its APIKey opened for verifying the
/// signature. The key never leaves this value except as bytes for the HMAC.
pub struct AuthorisedApp {
    /// The app.
    pub app: AppRecord,
    /// The keys that verify now, newest first: more than one during a rotation's grace
    /// period (R4.1).
    api_keys: Vec<String>,
}

impl std::fmt::Debug for AuthorisedApp {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AuthorisedApp")
            .field("app_id", &self.app.app_id)
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
}

/// Credentials issued once (R4.1): the only time the APIKey is shown.
#[derive(Debug, Clone)]
pub struct IssuedCredentials {
    /// The AppID.
    pub app_id: String,
    /// The APIKey in clear.
    pub api_key: String,
}

/// A fresh APIKey: 32 random letters and digits.
pub(crate) fn new_api_key() -> String {
    random_text(32)
}

fn random_text(len: usize) -> String {
    rand::thread_rng()
        .sample_iter(&Alphanumeric)
        .take(len)
        .map(char::from)
        .collect()
}

impl Platform {
    /// Issues a new AppID and APIKey licensed for `services`; the key is stored sealed.
    pub async fn issue_app(
        &self,
        name: &str,
        services: &[Service],
    ) -> ServiceResult<IssuedCredentials> {
        let credentials = self.new_credentials();
        self.store_app(name, services, &credentials.app_id, &credentials.api_key)
            .await?;
        Ok(credentials)
    }

    /// A fresh AppID and APIKey, not yet stored.
    pub(crate) fn new_credentials(&self) -> IssuedCredentials {
        IssuedCredentials {
            app_id: format!("EINV{}", random_text(12).to_uppercase()),
            api_key: new_api_key(),
        }
    }

    /// Stores an app with given credentials (the demo data set uses fixed ones).
    pub async fn store_app(
        &self,
        name: &str,
        services: &[Service],
        app_id: &str,
        api_key: &str,
    ) -> ServiceResult<()> {
        let record = AppRecord {
            app_id: app_id.to_owned(),
            name: name.to_owned(),
            sealed_key: self.sealer.seal(api_key)?,
            status: AppStatus::Active,
            services: services.iter().map(|s| s.as_str().to_owned()).collect(),
            created_at: self.clock.now(),
        };
        self.store.create_app(&record).await?;
        Ok(())
    }

    /// Decides whether `app_id` may use `service` now (code 998 when not).
    pub async fn authorise_app(
        &self,
        app_id: &str,
        service: Service,
    ) -> ServiceResult<AuthorisedApp> {
        self.admit_app(app_id, Some(service)).await
    }

    /// Decides whether `app_id` is a live app now, licensed for `service` when one is named
    /// (v2's calls about the app itself — its licence, limits, requests — name none).
    #[tracing::instrument(skip(self), fields(app.id = %app_id))]
    pub async fn admit_app(
        &self,
        app_id: &str,
        service: Option<Service>,
    ) -> ServiceResult<AuthorisedApp> {
        let refuse = |reason: String, rule| ServiceError::AppRefused { reason, rule };
        if app_id.is_empty() {
            return Err(refuse("appID is required".into(), None));
        }
        let Some(app) = self.store.find_app(app_id).await? else {
            return Err(refuse(format!("{app_id} was never issued"), Some("R4.1")));
        };
        // The licence speaks first: its refusal names the rule (R4.7c …) better than the
        // app's status, which only mirrors it.
        let licensed_keys = self.licensed_keys(app_id).await?;
        match app.status {
            AppStatus::Active => {}
            AppStatus::Suspended => {
                return Err(refuse(format!("{app_id} is suspended"), Some("R10.2")))
            }
            AppStatus::Revoked => return Err(refuse(format!("{app_id} was revoked"), Some("R11"))),
        }
        if let Some(service) = service.filter(|s| !app.services.iter().any(|a| a == s.as_str())) {
            return Err(refuse(
                format!("{app_id} is not licensed for the service {service}"),
                Some("R4.5"),
            ));
        }
        let api_keys = match licensed_keys {
            Some(keys) => keys,
            None => vec![self.sealer.open(&app.sealed_key)?],
        };
        Ok(AuthorisedApp { app, api_keys })
    }

    /// Refuses a barred device ID (code 997).
    pub async fn check_device(&self, uuid: Option<&str>) -> ServiceResult<()> {
        match uuid {
            Some(uuid) if !uuid.is_empty() && self.store.is_device_blocked(uuid).await? => {
                Err(ServiceError::DeviceBlocked)
            }
            _ => Ok(()),
        }
    }
}
