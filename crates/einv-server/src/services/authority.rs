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

use einv_core::AppId;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use einv_core::Service;
use einv_store::{AppRecord, AppStatus};

use super::hot::{Checked, HotView};
use super::licensing::admission::LicenceFacts;
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
    /// The cache versions this admission checked, for the rest of the call (services/hot.rs).
    checked: Checked,
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
        keys_match(&self.api_keys, presented)
    }

    /// The cache versions this admission was decided at: the rest of the call reads the other
    /// caches at the same versions, without checking them again (services/hot.rs).
    pub fn checked(&self) -> Checked {
        self.checked
    }
}

/// Whether `presented` is one of `keys`. Every key is compared, in constant time, so the time
/// does not tell which one matched.
fn keys_match(keys: &[String], presented: &str) -> bool {
    keys.iter()
        .fold(false, |hit, key| constant_time_eq(key, presented) | hit)
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

/// An APIKey that may still verify, opened, with the instant it stops (the end of a rotation's
/// grace period, R4.1).
struct OpenedKey {
    valid_until: Option<DateTime<Utc>>,
    key: String,
}

/// Everything admission reads about one AppID, as stored once its licence was settled: the
/// app, the keys that may still verify, the licence's facts. The admission cache
/// (services/hot.rs) keeps it at the `admission` version, which every write to the tables it
/// is read from bumps; each call still decides from it and the clock, so the time-based
/// rules (a key's grace period, a term's end, the terms deadline, an ISMS expiry) hold to the
/// second.
pub(crate) struct AdmissionSnapshot {
    app: AppRecord,
    keys: Vec<OpenedKey>,
    licence: Option<LicenceFacts>,
}

impl std::fmt::Debug for AdmissionSnapshot {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The keys are secrets: never in a log.
        f.debug_struct("AdmissionSnapshot")
            .field("app_id", &self.app.app_id)
            .field("keys", &self.keys.len())
            .finish_non_exhaustive()
    }
}

impl AdmissionSnapshot {
    /// The keys that verify at `now`, newest first.
    fn keys_at(&self, now: DateTime<Utc>) -> Vec<String> {
        self.keys
            .iter()
            .filter(|k| k.valid_until.is_none_or(|until| now < until))
            .map(|k| k.key.clone())
            .collect()
    }
}

/// An AppID's admission snapshot; `None` when the AppID was never issued.
pub(crate) type Admission = Arc<Option<AdmissionSnapshot>>;

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
        let hot = self.hot.at(&self.store, self.clock.now()).await?;
        let never_issued = || refuse(format!("{app_id} was never issued"), Some("R4.1"));
        self.admit(&hot, app_id, service, None, never_issued).await
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
        let hot = self.hot.at(&self.store, self.clock.now()).await?;
        self.admit(&hot, app_id, service, Some(api_key), wrong_key)
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

    /// Decides a call from the AppID's admission snapshot and the clock: the key presented
    /// (when the caller presents one), the licence, the app's status, its services and its
    /// keys — every refusal, in the order that names the most precise rule.
    async fn admit(
        &self,
        hot: &HotView<'_>,
        claimed: &str,
        service: Option<Service>,
        presented: Option<&str>,
        unknown: impl Fn() -> ServiceError,
    ) -> ServiceResult<AuthorisedApp> {
        // What the caller sent is a claim; text that is not an AppID was never issued (R4.1),
        // and gets the same answer as an unknown AppID.
        let Ok(app_id) = AppId::parse(claimed) else {
            return Err(unknown());
        };
        let app_id = &app_id;
        let mut admission = self.admission(hot, app_id, false).await?;
        let (now, today) = (self.clock.now(), self.today());
        let due = |a: &Admission| {
            a.as_ref()
                .as_ref()
                .and_then(|s| s.licence.as_ref())
                .is_some_and(|l| l.transition_due(now, today))
        };
        if due(&admission) {
            // Time moved the licence on since the snapshot was read: settle it (which writes
            // the transition and bumps the version on every node) and read it afresh.
            admission = self.admission(hot, app_id, true).await?;
        }
        let Some(snapshot) = admission.as_ref() else {
            return Err(unknown());
        };
        let api_keys = snapshot.keys_at(now);
        if presented.is_some_and(|key| !keys_match(&api_keys, key)) {
            return Err(unknown());
        }
        // The licence speaks first: its refusal names the rule (R4.7c …) better than the
        // app's status, which only mirrors it.
        if let Some(refusal) = snapshot
            .licence
            .as_ref()
            .and_then(|l| l.refusal(app_id, now))
        {
            return Err(refusal);
        }
        let app = &snapshot.app;
        match app.status {
            AppStatus::Active => {}
            AppStatus::Suspended => {
                return Err(refuse(format!("{app_id} is suspended"), Some("R10.2")))
            }
            AppStatus::Revoked => return Err(refuse(format!("{app_id} was revoked"), Some("R11"))),
        }
        if let Some(service) = service {
            if !app.services.contains(&service) {
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
        let sign_every_call = snapshot.licence.as_ref().is_some_and(|l| l.sign_every_call);
        // R4.6: a live app that may call unsigned is counted with its callers' IPs from now on.
        self.flow.early.note(app_id.as_str(), !sign_every_call);
        Ok(AuthorisedApp {
            app: app.clone(),
            sign_every_call,
            api_keys,
            checked: hot.checked(),
        })
    }

    /// The admission snapshot of `app_id`: from the cache at the checked version, or read
    /// (and kept) when the cache has none or `fresh` asks to settle the licence again.
    async fn admission(
        &self,
        hot: &HotView<'_>,
        app_id: &AppId,
        fresh: bool,
    ) -> ServiceResult<Admission> {
        if !fresh {
            if let Some(hit) = hot.cached_admission(app_id.as_str()) {
                return Ok(hit);
            }
        }
        let admission = Arc::new(self.read_admission(app_id).await?);
        hot.keep_admission(app_id.as_str(), admission.clone());
        Ok(admission)
    }

    /// Reads an AppID's admission snapshot, settling its licence first.
    ///
    /// Which keys verify: for an AppID issued through a licence, the `credentials` rows not
    /// revoked nor past their grace period; for an app outside the licence regime (operator,
    /// demo), its one sealed key unless the app was revoked.
    async fn read_admission(&self, app_id: &AppId) -> ServiceResult<Option<AdmissionSnapshot>> {
        let Some(app) = self.store.find_app(app_id).await? else {
            return Ok(None);
        };
        let now = self.clock.now();
        let credentials = self.store.credentials_of(app_id).await?;
        let mut keys = Vec::new();
        if credentials.is_empty() {
            if app.status != AppStatus::Revoked {
                keys.push(OpenedKey {
                    valid_until: None,
                    key: self
                        .sealer
                        .open_key(app_id, KeySlot::App, &app.sealed_key)?,
                });
            }
        } else {
            for credential in credentials.into_iter().filter(|c| c.is_valid(now)) {
                keys.push(OpenedKey {
                    valid_until: credential.valid_until,
                    key: self.sealer.open_key(
                        app_id,
                        KeySlot::Credential(credential.id),
                        &credential.sealed_key,
                    )?,
                });
            }
        }
        // Settling the licence may change the app's status: read it again then.
        let licence = self.licence_facts(app_id).await?;
        let app = match licence {
            Some(_) => self.store.find_app(app_id).await?.unwrap_or(app),
            None => app,
        };
        Ok(Some(AdmissionSnapshot { app, keys, licence }))
    }
}

fn wrong_key() -> ServiceError {
    refuse("wrong AppID or APIKey".into(), Some("R4.1"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn app(keys: &[&str]) -> AuthorisedApp {
        AuthorisedApp {
            app: AppRecord {
                app_id: AppId::parse("EINVX").unwrap(),
                name: "x".into(),
                sealed_key: String::new(),
                status: AppStatus::Active,
                services: Vec::new(),
                created_at: chrono::DateTime::default(),
            },
            sign_every_call: false,
            api_keys: keys.iter().map(|k| (*k).to_owned()).collect(),
            checked: Checked::default(),
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
