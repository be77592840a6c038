//! The licence side of admitting a v1 call: the licence is in force (R4.7c, R4.7d, R6, R10,
//! R5.11) and its Developer accepted the terms in time (R4.3). Which keys verify is the
//! authority's (`services/authority.rs`), which calls this.

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use einv_core::licence::{self, check_access, LicenceEvent, SuspensionReason};
use einv_core::{AppId, DeveloperId};
use einv_store::{IsmsRecord, LicenceRecord, TermsVersion};

use super::Actor;
use crate::error::{ServiceError, ServiceResult};
use crate::services::Platform;

fn refused(rule: &'static str, reason: String) -> ServiceError {
    ServiceError::AppRefused {
        reason,
        rule: Some(rule),
    }
}

/// What admission needs to know about an AppID's licence, read once its time-based
/// transitions were settled. Every refusal is then a pure function of these facts and the
/// clock ([`LicenceFacts::refusal`]), so the admission cache (`services/authority.rs`) can keep
/// them and decide each call afresh, the time-based rules included.
#[derive(Debug, Clone)]
pub(crate) struct LicenceFacts {
    /// The licence, settled.
    pub licence: LicenceRecord,
    /// The ISMS certificate on the licence's application; `None` when no application is on file.
    pub isms: Option<IsmsRecord>,
    /// Every terms version published (R4.3).
    pub terms: Vec<TermsVersion>,
    /// The versions the licence's Developer accepted.
    pub accepted: Vec<String>,
    /// Whether every v1 call of this AppID must be signed (a licence setting).
    pub sign_every_call: bool,
}

impl LicenceFacts {
    /// Whether time has moved the licence on since these facts were read: a term ended (R4.7)
    /// or the ISMS certificate lapsed (R6). Then the licence must be settled again, which
    /// writes its transition, before a call can be decided.
    pub fn transition_due(&self, now: DateTime<Utc>, today: NaiveDate) -> bool {
        licence::settle(&self.licence.state, now).is_some()
            || certificate_lapse(&self.licence, self.isms.as_ref(), today).is_some()
    }

    /// Why the licence refuses a call of `app_id` at `now`, if it does: not in force (R4.7c,
    /// R4.7d, R6, R10, R11) or terms not accepted in time (R4.3).
    pub fn refusal(&self, app_id: &AppId, now: DateTime<Utc>) -> Option<ServiceError> {
        if let Err(r) = check_access(&self.licence.state, now) {
            return Some(refused(
                r.rule,
                format!("{app_id}: {} ({})", r.reason, r.rule),
            ));
        }
        let overdue = overdue_terms(&self.terms, &self.accepted, now)?;
        Some(refused(
            "R4.3",
            format!(
                "{app_id}: the terms version {} were not accepted by their deadline (end of {}); accept them to use the API (R4.3)",
                overdue.version,
                einv_core::clock::taipei_date(overdue.deadline - chrono::Duration::seconds(1))
            ),
        ))
    }
}

/// R4.3: the newest terms version past its deadline at `now` that the Developer accepted
/// neither itself nor any later version of.
fn overdue_terms<'a>(
    terms: &'a [TermsVersion],
    accepted: &[String],
    now: DateTime<Utc>,
) -> Option<&'a TermsVersion> {
    let is_accepted = |t: &TermsVersion| accepted.contains(&t.version);
    let newest = terms
        .iter()
        .filter(|t| t.deadline <= now && !is_accepted(t))
        .max_by_key(|t| t.published_at)?;
    let accepted_later = terms
        .iter()
        .filter(|t| t.published_at >= newest.published_at)
        .any(is_accepted);
    (!accepted_later).then_some(newest)
}

/// R6: why a covered licence's ISMS certificate no longer holds on `today`, when it must be
/// suspended for it (a government body at level C or above is exempt).
fn certificate_lapse(
    licence: &LicenceRecord,
    isms: Option<&IsmsRecord>,
    today: NaiveDate,
) -> Option<String> {
    if !certificate_matters(licence) {
        return None;
    }
    let isms = isms?;
    match isms.expiry {
        _ if isms.exempt => None,
        Some(expiry) if expiry < today => Some(format!(
            "the ISMS certificate expired on {}-{:02}-{:02}",
            expiry.year(),
            expiry.month(),
            expiry.day()
        )),
        Some(_) => None,
        // A licence with no certificate on file (a legacy licence recorded before they
        // carried one) holds no valid certificate either.
        None => Some("no ISMS certificate is on file".to_owned()),
    }
}

/// R6 holds beside any other cause: only a covered licence not yet held for it.
fn certificate_matters(licence: &LicenceRecord) -> bool {
    licence.state.coverage().is_some()
        && !licence
            .state
            .suspensions()
            .contains(SuspensionReason::LapsedIsmsCertificate)
}

impl Platform {
    /// The facts of the licence of `app_id`, after settling what time has done to it (which
    /// writes the transitions: a term's end, a lapsed certificate). `None` when the AppID has
    /// no licence (apps created directly by the operator or the demo data set, which the
    /// licence rules do not govern). Which keys verify is the authority's to decide
    /// (`services/authority.rs`).
    pub(crate) async fn licence_facts(
        &self,
        app_id: &AppId,
    ) -> ServiceResult<Option<LicenceFacts>> {
        let Some(licence) = self.store.find_licence_by_app(app_id).await? else {
            return Ok(None);
        };
        let licence = self.settle_licence(licence).await?;
        let licence = self.check_certificate(licence).await?;
        let isms = self
            .store
            .find_application(licence.application_id)
            .await?
            .map(|a| a.form.isms);
        let terms = self.store.list_terms().await?;
        let accepted = self
            .store
            .terms_accepted_by(licence.developer_id)
            .await?
            .into_iter()
            .map(|(version, _)| version)
            .collect();
        let sign_every_call = self.store.sign_every_call(licence.id).await?;
        Ok(Some(LicenceFacts {
            licence,
            isms,
            terms,
            accepted,
            sign_every_call,
        }))
    }

    /// R6: an active licence whose ISMS certificate has expired is suspended until a valid
    /// one is on file (a government body at level C or above is exempt).
    pub(super) async fn check_certificate(
        &self,
        licence: LicenceRecord,
    ) -> ServiceResult<LicenceRecord> {
        if !certificate_matters(&licence) {
            return Ok(licence);
        }
        let Some(application) = self.store.find_application(licence.application_id).await? else {
            return Ok(licence);
        };
        let lapsed = certificate_lapse(&licence, Some(&application.form.isms), self.today());
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
    pub async fn overdue_terms_of(
        &self,
        developer_id: DeveloperId,
    ) -> ServiceResult<Option<TermsVersion>> {
        let terms = self.store.list_terms().await?;
        let accepted: Vec<String> = self
            .store
            .terms_accepted_by(developer_id)
            .await?
            .into_iter()
            .map(|(version, _)| version)
            .collect();
        Ok(overdue_terms(&terms, &accepted, self.clock.now()).cloned())
    }
}
