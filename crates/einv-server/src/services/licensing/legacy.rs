//! Licences approved before the 2023-03-31 reform, brought onto the Platform (R4.7d): they run
//! until the end of 2025-03-31 unless a re-review was filed by then, and then until it is
//! decided. Like every licence they rest on an ISMS certificate or the exemption (R6).

use chrono::{DateTime, NaiveDate, Utc};
use einv_core::licence::{check_access, LicenceEventKind, LicenceState};
use einv_store::{ApplicationForm, LicenceRecord, NewLicenceEvent};

use super::apply::{check_services, IsmsInput};
use super::Actor;
use crate::error::{ServiceError, ServiceResult};
use crate::services::KeySlot;
use crate::services::{IssuedCredentials, Platform};

/// A licence the Center approved under the old rules, as the operator records it.
#[derive(Debug, Clone)]
pub struct LegacyLicence {
    /// The Developer.
    pub developer_id: i64,
    /// The Product's name.
    pub product_name: String,
    /// Licensed services, by name.
    pub services: Vec<String>,
    /// The day the Center approved it (before 2023-03-31).
    pub approved_on: NaiveDate,
    /// When its re-review was filed, if it was (R4.7d: by 2025-03-31 to keep it running).
    pub re_review_filed_at: Option<DateTime<Utc>>,
    /// Its ISMS certificate (R6); empty for an exempt government body.
    pub isms: IsmsInput,
}

impl Platform {
    /// Registers a licence the Center approved under the old rules, with a new AppID and
    /// APIKey (returned once). Refused unless it was approved before 2023-03-31 (R4.7e), unless
    /// it still serves (R4.7d: after 2025-03-31 only with a re-review filed by then), and
    /// without a valid ISMS certificate or the exemption (R6). Keys are issued only for a
    /// licence that serves, so none is ever shown already revoked.
    pub async fn register_legacy_licence(
        &self,
        legacy: &LegacyLicence,
    ) -> ServiceResult<(LicenceRecord, IssuedCredentials)> {
        let now = self.clock.now();
        let approved_on = legacy.approved_on;
        let state = match legacy.re_review_filed_at {
            Some(filed_at) if filed_at > now => {
                return Err(ServiceError::Refused {
                    rule: "R4.7d",
                    reason: "re_review_filed_on: the re-review cannot be filed in the future"
                        .into(),
                })
            }
            Some(filed_at) => LicenceState::legacy_re_review_filed(approved_on, filed_at)?,
            None => LicenceState::legacy(approved_on)?,
        };
        check_access(&state, now).map_err(|r| ServiceError::Refused {
            rule: r.rule,
            reason: format!("{}; nothing to register", r.reason),
        })?;
        let developer_id = legacy.developer_id;
        let developer = self.developer(developer_id).await?;
        let checked = check_services(&legacy.services)?;
        let isms = self.check_isms(developer_id, &legacy.isms).await?;
        let form = ApplicationForm {
            developer_id,
            contact_name: developer.account.name.clone(),
            contact_email: developer.account.email.clone(),
            contact_phone: String::new(),
            product_name: super::accounts::text("product_name", &legacy.product_name, 200)?
                .to_owned(),
            product_version: String::new(),
            purpose: format!("legacy licence approved {approved_on}"),
            services: checked.iter().map(|s| s.as_str().to_owned()).collect(),
            isms,
            terms_version: self.current_terms().await?.version,
        };
        let application = self.store.create_application(&form, now).await?;
        // Its Developer keeps using the API, so is bound by the terms in force (R4.3).
        self.store
            .accept_terms(developer_id, &form.terms_version, now)
            .await?;
        let reason = match legacy.re_review_filed_at {
            Some(filed) => format!(
                "approved {approved_on} under the rules before 2023-03-31; re-review filed {}",
                einv_core::clock::taipei_date(filed)
            ),
            None => format!("approved {approved_on} under the rules before 2023-03-31"),
        };
        let event = NewLicenceEvent {
            event: LicenceEventKind::LegacyRegistered,
            actor: Actor::Operator.to_string(),
            at: now,
            reason,
            rule: "R4.7d".into(),
        };
        let licence = self
            .store
            .create_licence(application.id, developer_id, &state, &event)
            .await?;
        let credentials = self.new_credentials();
        self.store_app(
            &form.product_name,
            &checked,
            &credentials.app_id,
            &credentials.api_key,
        )
        .await?;
        self.store
            .add_credential(&credentials.app_id, now, |id| {
                self.sealer.seal_key(
                    &credentials.app_id,
                    KeySlot::Credential(id),
                    &credentials.api_key,
                )
            })
            .await?;
        self.store
            .set_licence_app(licence.id, &credentials.app_id)
            .await?;
        let licence = self.licence(licence.id).await?;
        Ok((licence, credentials))
    }
}
