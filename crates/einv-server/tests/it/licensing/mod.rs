//! The licensing regime end to end against the real server: every enforced rule is broken
//! once and the refusal seen, time moved by the FixedClock.

use crate::common::*;
use crate::surfaces;
use chrono::{DateTime, Duration, TimeZone, Utc};
use einv_core::clock::taipei;
use einv_core::licence::{SuspensionReason, TerminationGround};
use einv_core::Clock;
use einv_server::error::ServiceError;
use einv_server::services::licensing::{
    Actor, ApplicationInput, DeveloperSignUp, IsmsInput, LegacyLicence, RegistryEvent,
};
use einv_server::services::IssuedCredentials;
use einv_server::testing;
use einv_store::Recipient;
use serde_json::Value;

mod application;
mod authority;
mod ends;
mod suspension;
mod term;

pub(crate) use crate::v1_requests::INVAPP;

pub(crate) fn taipei_at(y: i32, m: u32, d: u32, h: u32) -> DateTime<Utc> {
    taipei()
        .with_ymd_and_hms(y, m, d, h, 0, 0)
        .unwrap()
        .with_timezone(&Utc)
}

fn input(services: &[&str]) -> ApplicationInput {
    testing::application("dev@example.com", services)
}

pub(crate) struct Licensed {
    pub(crate) developer: einv_core::DeveloperId,
    pub(crate) reviewer: einv_core::ReviewerId,
    pub(crate) licence: einv_core::LicenceId,
    pub(crate) creds: IssuedCredentials,
}

/// A Developer with an approved licence (also used by the background-job tests).
pub(crate) async fn licensed(app: &TestApp, email: &str) -> Licensed {
    licensed_for(
        app,
        email,
        &["winning-numbers", "carrier-invoices", "donation"],
    )
    .await
}

pub(crate) async fn licensed_for(app: &TestApp, email: &str, services: &[&str]) -> Licensed {
    let p = &app.platform;
    let d = p
        .sign_up_developer(&testing::developer(email))
        .await
        .unwrap();
    let licence = p
        .submit_application(d.id, &input(services), &[testing::isms_certificate()])
        .await
        .unwrap();
    let reviewer = match p
        .add_reviewer("reviewer@fia.example", "reviewer password", "R")
        .await
    {
        Ok(id) => id,
        Err(_) => {
            p.sign_in_reviewer("reviewer@fia.example", "reviewer password", None)
                .await
                .unwrap()
                .id
        }
    };
    let creds = p
        .approve(reviewer, licence.id, "ok")
        .await
        .unwrap()
        .unwrap();
    Licensed {
        developer: d.id,
        reviewer,
        licence: licence.id,
        creds,
    }
}

/// QryWinningList as `app_id`, signed with `key`: the call these tests make to see whether
/// the Platform serves an app.
async fn winning_list(app: &TestApp, app_id: &str, key: &str) -> Value {
    app.post(
        INVAPP,
        &crate::v1_requests::winning_list_as(app_id, Some(key)),
    )
    .await
}

/// The app holding `creds` is served.
async fn assert_serves(app: &TestApp, creds: &IssuedCredentials) {
    assert_ok(&winning_list(app, &creds.app_id, &creds.api_key).await);
}

/// A v1 reply that answers the call.
fn assert_ok(reply: &Value) {
    assert_eq!(reply["code"], "200", "{reply}");
}

/// The app holding `creds` is refused (998) with a message naming `rule`.
async fn assert_stopped(app: &TestApp, creds: &IssuedCredentials, rule: &str) {
    let reply = winning_list(app, &creds.app_id, &creds.api_key).await;
    assert_eq!(reply["code"], "998", "{reply}");
    assert!(
        reply["msg"].as_str().unwrap().contains(rule),
        "msg names {rule}: {reply}"
    );
}

/// A use case refused under `rule`.
fn assert_refused_under<T: std::fmt::Debug>(result: Result<T, ServiceError>, rule: &str) {
    match result {
        Err(ServiceError::Refused { rule: found, .. }) if found == rule => {}
        other => panic!("expected a refusal under {rule}, got {other:?}"),
    }
}

/// The current term of `licence`.
async fn term_of(app: &TestApp, licence: einv_core::LicenceId) -> einv_core::licence::LicenceTerm {
    app.platform
        .licence(licence)
        .await
        .unwrap()
        .state
        .coverage()
        .unwrap()
        .term()
        .unwrap()
}

/// Whether each credential of `app_id` is revoked.
async fn revocations(app: &TestApp, app_id: &einv_core::AppId) -> Vec<bool> {
    let creds = app.store().credentials_of(app_id).await.unwrap();
    creds.iter().map(|c| c.revoked_at.is_some()).collect()
}

/// An ISMS certificate numbered `number` valid until `expiry` (yyyy-mm-dd).
fn certificate(number: &str, expiry: &str) -> IsmsInput {
    IsmsInput {
        number: number.into(),
        issuer: "BSI".into(),
        scope: "app".into(),
        expiry: expiry.into(),
    }
}

fn legacy(
    developer_id: einv_core::DeveloperId,
    approved_on: chrono::NaiveDate,
    re_review_filed_at: Option<DateTime<Utc>>,
) -> LegacyLicence {
    LegacyLicence {
        developer_id,
        product_name: "舊 App".into(),
        services: vec!["winning-numbers".to_owned()],
        approved_on,
        re_review_filed_at,
        isms: input(&[]).isms,
    }
}

/// Signs up a Developer called `name` with `email` (the rest as the harness's Developer).
pub(crate) async fn sign_up_named(
    app: &TestApp,
    name: &str,
    email: &str,
) -> Result<einv_store::DeveloperRecord, ServiceError> {
    let form = DeveloperSignUp {
        name: name.into(),
        ..testing::developer(email)
    };
    app.platform.sign_up_developer(&form).await
}

async fn legacy_developer(app: &TestApp, email: &str) -> einv_core::DeveloperId {
    sign_up_named(app, "老字號", email).await.unwrap().id
}

/// Opens every surface to `l`'s app: its redirect URI registered (OAuth), and unsigned v1
/// calls allowed, so a refusal is for the app's state, not for a missing signature.
pub(crate) async fn open_every_surface(app: &TestApp, l: &Licensed) {
    app.store()
        .register_redirect_uri(&l.creds.app_id, REDIRECT_URI)
        .await
        .unwrap();
    app.platform
        .set_sign_every_call(Actor::Reviewer(l.reviewer), l.licence, false)
        .await
        .unwrap();
}

/// R10.3: `l`'s reviewer terminates the licence for improper access (scraping the portal).
pub(crate) async fn terminate_for_scraping(
    app: &TestApp,
    l: &Licensed,
) -> einv_store::LicenceRecord {
    let ground = TerminationGround::ImproperAccess;
    let reviewer = Actor::Reviewer(l.reviewer);
    let ended = app
        .platform
        .terminate(reviewer, l.licence, ground, "scraped the portal");
    ended.await.unwrap()
}

/// 復業 filed for `l`'s Developer: the R10.2 suspension lifts and the app is served again.
async fn resume_and_serve(app: &TestApp, l: &Licensed) {
    app.platform
        .registry_event(l.developer, RegistryEvent::Resume, "復業")
        .await
        .unwrap();
    assert_serves(app, &l.creds).await;
}

/// `l`'s Developer files `certificate` valid until 2031-12-31.
async fn file_valid_certificate(app: &TestApp, l: &Licensed, certificate: IsmsInput) {
    let valid = IsmsInput {
        expiry: "2031-12-31".into(),
        ..certificate
    };
    app.platform
        .update_certificate(l.developer, l.licence, &valid)
        .await
        .unwrap();
}

/// The fixture User consents to `app_id` for the winning numbers: the User R11 must reach.
async fn fixture_user_consents(app: &TestApp, app_id: &einv_core::AppId) -> einv_store::UserRecord {
    let user = app.user(BARCODE).await;
    let consent = einv_server::services::standard_consent(&[einv_core::Service::WinningNumbers]);
    app.platform
        .grant_consent(user.id, app_id, &consent, None)
        .await
        .unwrap();
    user
}
