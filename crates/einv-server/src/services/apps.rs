//! AppIDs: issuing credentials, and barred devices. Whether an AppID may make a call is the
//! authority's (`authority.rs`).

use einv_core::AppId;
use einv_core::Service;
use einv_store::{AppRecord, AppStatus};
use rand::distributions::Alphanumeric;
use rand::Rng;

use super::{AuthorisedApp, KeySlot, Platform};
use crate::error::{ServiceError, ServiceResult};

/// Credentials issued once (R4.1): the only time the APIKey is shown.
#[derive(Debug, Clone)]
pub struct IssuedCredentials {
    /// The AppID.
    pub app_id: AppId,
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
        let credentials = self.new_credentials()?;
        self.store_app(name, services, &credentials.app_id, &credentials.api_key)
            .await?;
        Ok(credentials)
    }

    /// A fresh AppID and APIKey, not yet stored.
    pub(crate) fn new_credentials(&self) -> ServiceResult<IssuedCredentials> {
        Ok(IssuedCredentials {
            app_id: AppId::parse(&format!("EINV{}", random_text(12).to_uppercase()))?,
            api_key: new_api_key(),
        })
    }

    /// Stores an app with given credentials (the demo data set uses fixed ones).
    pub async fn store_app(
        &self,
        name: &str,
        services: &[Service],
        app_id: &AppId,
        api_key: &str,
    ) -> ServiceResult<()> {
        let record = AppRecord {
            app_id: app_id.clone(),
            name: name.to_owned(),
            sealed_key: self.sealer.seal_key(app_id, KeySlot::App, api_key)?,
            status: AppStatus::Active,
            services: services.to_vec(),
            created_at: self.clock.now(),
        };
        self.store.create_app(&record).await?;
        Ok(())
    }

    /// Refuses a barred device ID (code 997), read through the admission cache at the
    /// versions `app`'s admission checked (services/hot.rs).
    pub async fn check_device(&self, app: &AuthorisedApp, uuid: Option<&str>) -> ServiceResult<()> {
        let Some(uuid) = uuid.filter(|u| !u.is_empty()) else {
            return Ok(());
        };
        let hot = self.hot.checked_at(&self.store, app.checked());
        if hot.device_blocked(uuid).await? {
            return Err(ServiceError::DeviceBlocked);
        }
        Ok(())
    }
}
