//! The public register of licensed apps (issue #14): who holds a licence to the e-invoice API,
//! for which services, until when, and whether it is in force, so a citizen can check an app
//! before trusting it with their data (as open-banking directories do).

use einv_core::licence::LicenceStateKind;
use einv_core::Service;
use serde::Serialize;

use crate::error::{ServiceError, ServiceResult};
use crate::services::Platform;

/// The licence states the register shows: every licence that was ever granted (an AppID
/// exists); applications still under review or refused are not public.
const LISTED_STATES: [LicenceStateKind; 5] = [
    LicenceStateKind::Active,
    LicenceStateKind::Reviewing,
    LicenceStateKind::Suspended,
    LicenceStateKind::Expired,
    LicenceStateKind::Terminated,
];

/// One app in the register.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct RegisterEntry {
    /// The AppID.
    pub app_id: String,
    /// The app (Product) name.
    pub product: String,
    /// The Developer's name.
    pub developer: String,
    /// The licensed services.
    pub services: Vec<Service>,
    /// The licence state (`active`, `suspended` …).
    pub state: &'static str,
    /// Whether the app may call the API today.
    pub in_force: bool,
    /// The term's last day (`YYYY-MM-DD`), when it has one.
    pub term_last_day: Option<String>,
}

impl Platform {
    /// Every licensed app, by product name.
    pub async fn public_register(&self) -> ServiceResult<Vec<RegisterEntry>> {
        let licences = self.store.licences_in_states(&LISTED_STATES).await?;
        let mut entries = Vec::with_capacity(licences.len());
        for licence in licences {
            let Some(app_id) = licence.app_id.as_deref() else {
                continue;
            };
            let a = match self.attribution(app_id).await {
                Ok(a) => a,
                // A licence whose application or developer row is gone is left out, not fatal.
                Err(ServiceError::NotFound(_)) => continue,
                Err(e) => return Err(e),
            };
            entries.push(RegisterEntry {
                app_id: a.app_id,
                product: a.product,
                developer: a.developer,
                services: a.services.iter().filter_map(|s| s.parse().ok()).collect(),
                in_force: matches!(a.state, "active" | "reviewing"),
                state: a.state,
                term_last_day: a.term_last_day,
            });
        }
        entries.sort_by(|a, b| a.product.cmp(&b.product).then(a.app_id.cmp(&b.app_id)));
        Ok(entries)
    }
}

impl Platform {
    /// The names of the apps `app_ids` (an AppID with no app row keeps its AppID), so pages
    /// show people names instead of AppIDs. App names are public (the register shows them).
    pub async fn app_names(
        &self,
        app_ids: &[&str],
    ) -> ServiceResult<std::collections::HashMap<String, String>> {
        let mut names = std::collections::HashMap::new();
        for &app_id in app_ids {
            if names.contains_key(app_id) {
                continue;
            }
            let name = self
                .store
                .find_app(app_id)
                .await?
                .map_or_else(|| app_id.to_owned(), |a| a.name);
            names.insert(app_id.to_owned(), name);
        }
        Ok(names)
    }
}
