//! The licence side of admitting a v1 call: the licence is in force (R4.7c, R4.7d, R6, R10,
//! R5.11), its Developer accepted the terms in time (R4.3), and the AppID's keys still verify
//! (R4.1: rotation grace, revocation).

use chrono::Datelike;
use einv_core::licence::{check_access, LicenceEvent, SuspensionReason};
use einv_store::{LicenceRecord, TermsVersion};

use super::Actor;
use crate::error::{ServiceError, ServiceResult};
use crate::services::Platform;

fn refused(rule: &'static str, reason: String) -> ServiceError {
    ServiceError::AppRefused {
        reason,
        rule: Some(rule),
    }
}

impl Platform {
    /// Whether the licence of `app_id` lets it call now; returns the APIKeys that verify,
    /// newest first. `None` when the AppID has no licence (apps created directly by the
    /// operator or the demo data set, which the licence rules do not govern).
    pub(crate) async fn licensed_keys(&self, app_id: &str) -> ServiceResult<Option<Vec<String>>> {
        let Some(licence) = self.store.find_licence_by_app(app_id).await? else {
            return Ok(None);
        };
        let licence = self.settle_licence(licence).await?;
        let licence = self.check_certificate(licence).await?;
        check_access(&licence.state, self.clock.now())
            .map_err(|r| refused(r.rule, format!("{app_id}: {} ({})", r.reason, r.rule)))?;
        if let Some(overdue) = self.overdue_terms_of(licence.developer_id).await? {
            return Err(refused(
                "R4.3",
                format!(
                    "{app_id}: the terms version {} were not accepted by their deadline (end of {}); accept them to use the API (R4.3)",
                    overdue.version,
                    einv_core::clock::taipei_date(overdue.deadline - chrono::Duration::seconds(1))
                ),
            ));
        }
        let now = self.clock.now();
        let mut keys = Vec::new();
        for credential in self
            .store
            .credentials_of(app_id)
            .await?
            .into_iter()
            .filter(|c| c.is_valid(now))
        {
            keys.push(self.sealer.open(&credential.sealed_key)?);
        }
        if keys.is_empty() {
            return Err(refused("R4.1", format!("{app_id}: no APIKey of this AppID is valid (revoked, or past its rotation's grace period)")));
        }
        Ok(Some(keys))
    }

    /// R6: an active licence whose ISMS certificate has expired is suspended until a valid
    /// one is on file (a government body at level C or above is exempt).
    pub(super) async fn check_certificate(
        &self,
        licence: LicenceRecord,
    ) -> ServiceResult<LicenceRecord> {
        // R6 holds beside any other cause: a covered licence not yet held for it.
        if licence.state.coverage().is_none()
            || licence
                .state
                .suspensions()
                .contains(SuspensionReason::LapsedIsmsCertificate)
        {
            return Ok(licence);
        }
        let Some(application) = self.store.find_application(licence.application_id).await? else {
            return Ok(licence);
        };
        let isms = &application.form.isms;
        let lapsed = match isms.expiry {
            _ if isms.exempt => None,
            Some(expiry) if expiry < self.today() => Some(format!(
                "the ISMS certificate expired on {}-{:02}-{:02}",
                expiry.year(),
                expiry.month(),
                expiry.day()
            )),
            Some(_) => None,
            // A licence with no certificate on file (a legacy licence recorded before they
            // carried one) holds no valid certificate either.
            None => Some("no ISMS certificate is on file".to_owned()),
        };
        match lapsed {
            Some(reason) => {
                let event = LicenceEvent::Suspend {
                    reason: SuspensionReason::LapsedIsmsCertificate,
                };
                self.transition_with_app(licence, event, Actor::Clock, &reason, None)
                    .await
            }
            _ => Ok(licence),
        }
    }

    /// The newest terms version past its deadline that the Developer has not accepted (nor a
    /// later one), if any (R4.3).
    pub async fn overdue_terms_of(&self, developer_id: i64) -> ServiceResult<Option<TermsVersion>> {
        let now = self.clock.now();
        let overdue = self.store.overdue_terms(developer_id, now).await?;
        let Some(newest) = overdue.into_iter().max_by_key(|t| t.published_at) else {
            return Ok(None);
        };
        let accepted = self.store.terms_accepted_by(developer_id).await?;
        let all = self.store.list_terms().await?;
        let accepted_later = all
            .iter()
            .filter(|t| t.published_at >= newest.published_at)
            .any(|t| accepted.iter().any(|(v, _)| *v == t.version));
        Ok(if accepted_later { None } else { Some(newest) })
    }
}
