//! Licences approved before the 2023-03-31 reform, brought onto the Platform (R4.7d): they run
//! until the end of 2025-03-31 unless a re-review is filed by then.

use chrono::NaiveDate;
use einv_core::licence::LicenceState;
use einv_store::{ApplicationForm, IsmsRecord, LicenceRecord, NewLicenceEvent};

use super::apply::check_services;
use super::Actor;
use crate::error::ServiceResult;
use crate::services::{IssuedCredentials, Platform};

impl Platform {
    /// Registers a licence the Center approved on `approved_on` under the old rules, with a new
    /// AppID and APIKey (returned once). Refused unless `approved_on` is before 2023-03-31
    /// (R4.7e: later approvals follow the new rules).
    pub async fn register_legacy_licence(
        &self,
        developer_id: i64,
        product_name: &str,
        services: &[String],
        approved_on: NaiveDate,
    ) -> ServiceResult<(LicenceRecord, IssuedCredentials)> {
        let state = LicenceState::legacy(approved_on)?;
        let developer = self.developer(developer_id).await?;
        let checked = check_services(services)?;
        let now = self.clock.now();
        let form = ApplicationForm {
            developer_id,
            contact_name: developer.account.name.clone(),
            contact_email: developer.account.email.clone(),
            contact_phone: String::new(),
            product_name: super::accounts::text("product_name", product_name, 200)?.to_owned(),
            product_version: String::new(),
            purpose: format!("legacy licence approved {approved_on}"),
            services: checked.iter().map(|s| s.as_str().to_owned()).collect(),
            // The certificate is filed with the re-review (R6).
            isms: IsmsRecord::default(),
            terms_version: self.current_terms().await?.version,
        };
        let application = self.store.create_application(&form, now).await?;
        // Its Developer keeps using the API, so is bound by the terms in force (R4.3).
        self.store
            .accept_terms(developer_id, &form.terms_version, now)
            .await?;
        let event = NewLicenceEvent {
            event: "legacy-registered".into(),
            actor: Actor::Operator.to_string(),
            at: now,
            reason: format!("approved {approved_on} under the rules before 2023-03-31"),
            rule: "R4.7d".into(),
        };
        let licence = self
            .store
            .create_licence(application.id, developer_id, &state, &event)
            .await?;
        let credentials = self.new_credentials();
        let sealed = self.sealer.seal(&credentials.api_key)?;
        self.store_app(
            &form.product_name,
            &checked,
            &credentials.app_id,
            &credentials.api_key,
        )
        .await?;
        self.store
            .add_credential(&credentials.app_id, &sealed, now)
            .await?;
        self.store
            .set_licence_app(licence.id, &credentials.app_id)
            .await?;
        let licence = self.licence(licence.id).await?;
        Ok((licence, credentials))
    }
}
