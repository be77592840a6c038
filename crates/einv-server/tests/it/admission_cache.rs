//! The admission cache (services/authority.rs, docs/hot-path.md): an AppID's app, keys and
//! licence facts are kept in memory at the `admission` version, and each change reaches every
//! node at its next version check; the time-based rules still hold to the second.

use std::sync::Arc;

use chrono::Duration;
use einv_core::claim::HolidayCalendar;
use einv_core::{Clock, Service};
use einv_server::error::ServiceError;
use einv_server::services::{CacheConfig, KeySealer};
use einv_server::Platform;
use einv_store::AppStatus;
use serde_json::Value;

use crate::common::*;
use crate::licensing::{licensed, taipei_at, INVAPP};

both_backends!(
    r4_7c_a_cached_admission_stops_at_the_term_end_without_a_sweep,
    r10_2_a_suspension_on_one_node_refuses_the_next_call_on_another,
    r4_1_a_device_barred_after_caching_is_refused_on_the_next_call,
    sign_every_call_switched_on_reaches_the_next_unsigned_call,
);

/// A second node: its own caches, over the same database and clock as `app`.
fn second_node(app: &TestApp, config: CacheConfig) -> Platform {
    Platform::new(
        app.store().clone(),
        Arc::new(app.clock.clone()),
        KeySealer::new(&[9; 32]),
        HolidayCalendar::builtin(),
    )
    .with_cache_config(config)
}

fn refusal_rule(result: Result<impl std::fmt::Debug, ServiceError>) -> Option<&'static str> {
    match result {
        Err(ServiceError::AppRefused { rule, .. }) => rule,
        other => panic!("expected a refusal, got {other:?}"),
    }
}

/// QryWinningList, unsigned or signed with `key`.
async fn winning_list(app: &TestApp, app_id: &str, key: Option<&str>) -> Value {
    app.post(INVAPP, &crate::v1_requests::winning_list_as(app_id, key))
        .await
}

async fn r4_7c_a_cached_admission_stops_at_the_term_end_without_a_sweep(app: &TestApp) {
    let l = licensed(app, "cache-term@example.com").await;
    let (id, key) = (l.creds.app_id.as_str(), l.creds.api_key.as_str());
    // Admitted (and cached) in the term's last second; no write happens after that.
    app.clock
        .set(taipei_at(2029, 11, 27, 0) - Duration::seconds(1));
    assert_eq!(winning_list(app, id, Some(key)).await["code"], "200");
    assert_eq!(winning_list(app, id, Some(key)).await["code"], "200");
    // R4.7c: the first instant after the term, the cached snapshot is not trusted: the call
    // settles the licence itself (no sweep ran) and is refused.
    app.clock.set(taipei_at(2029, 11, 27, 0));
    let refused = winning_list(app, id, Some(key)).await;
    assert_eq!(refused["code"], "998", "{refused}");
    assert!(
        refused["msg"].as_str().unwrap().contains("R4.7c"),
        "{refused}"
    );
    let events = app.store().licence_events(l.licence).await.unwrap();
    let last = events.last().unwrap();
    assert_eq!(
        (last.actor.as_str(), last.rule.as_str()),
        ("clock", "R4.7c")
    );
}

async fn r10_2_a_suspension_on_one_node_refuses_the_next_call_on_another(app: &TestApp) {
    let node_b = second_node(app, CacheConfig::default());
    let service = Some(Service::CarrierInvoices);
    node_b.authorise_app(APP_ID, service).await.unwrap();
    node_b.authorise_app(APP_ID, service).await.unwrap();
    // Suspended through node A (the served one): node B's very next admission sees it.
    app.store()
        .set_app_status(&app_id(), AppStatus::Suspended)
        .await
        .unwrap();
    assert_eq!(
        refusal_rule(node_b.authorise_app(APP_ID, service).await),
        Some("R10.2")
    );
    app.store()
        .set_app_status(&app_id(), AppStatus::Active)
        .await
        .unwrap();
    node_b.authorise_app(APP_ID, service).await.unwrap();
    // An AppID never issued is refused, and the refusal is cached no longer than the AppID
    // stays unissued.
    let unknown = "EINVNEW0000001";
    assert_eq!(
        refusal_rule(node_b.authorise_app(unknown, service).await),
        Some("R4.1")
    );
    store_app(&app.platform, "new app", unknown, "new-key").await;
    node_b.authorise_app(unknown, service).await.unwrap();
}

/// With a version-check interval, a revoked app is still admitted by a node that checked the
/// versions less than that interval ago, and refused from then on: the bound docs/hot-path.md
/// states, measured on the injected clock.
#[tokio::test]
async fn r11_a_revocation_reaches_cached_admissions_within_the_check_interval() {
    for backend in [Backend::Sqlite, Backend::Postgres] {
        let app = TestApp::spawn(backend).await;
        let interval = Duration::seconds(2);
        let node_b = second_node(
            &app,
            CacheConfig {
                enabled: true,
                check_interval: interval,
            },
        );
        node_b.authorise_app(APP_ID, None).await.unwrap();
        app.store()
            .set_app_status(&app_id(), AppStatus::Revoked)
            .await
            .unwrap();
        app.clock.advance(interval - Duration::milliseconds(1));
        assert!(
            node_b.authorise_app(APP_ID, None).await.is_ok(),
            "inside the stated bound the cached admission may still serve"
        );
        app.clock.advance(Duration::milliseconds(1));
        assert_eq!(
            refusal_rule(node_b.authorise_app(APP_ID, None).await),
            Some("R11")
        );
        // The served node checks on every call (the default): refused at once.
        assert_eq!(
            refusal_rule(app.platform.authorise_app(APP_ID, None).await),
            Some("R11")
        );
        app.stop().await;
    }
}

async fn r4_1_a_device_barred_after_caching_is_refused_on_the_next_call(app: &TestApp) {
    let mut params = app.carrier_list("2026/11/01", "2026/11/30");
    assert_eq!(app.post(INVSERV, &params).await["code"], 200);
    assert_eq!(app.post(INVSERV, &params).await["code"], 200);
    app.store()
        .block_device("test-device", "stolen", app.clock.now())
        .await
        .unwrap();
    let refused = app.post(INVSERV, &params).await;
    assert_eq!(refused["code"], 997, "{refused}");
    // Another device of the same app is still served from the cache.
    set(&mut params, "uuid", "other-device");
    assert_eq!(app.post(INVSERV, &params).await["code"], 200);
}

const INVSERV: &str = "/PB2CAPIVAN/invServ/InvServ";

async fn sign_every_call_switched_on_reaches_the_next_unsigned_call(app: &TestApp) {
    let l = licensed(app, "cache-sign@example.com").await;
    let (id, key) = (l.creds.app_id.as_str(), l.creds.api_key.as_str());
    let now = app.clock.now();
    app.store()
        .set_sign_every_call(l.licence, false, "operator", now)
        .await
        .unwrap();
    assert_eq!(winning_list(app, id, None).await["code"], "200");
    assert_eq!(winning_list(app, id, None).await["code"], "200");
    // Migration 0075: the setting is part of the admission snapshot and bumps its version.
    app.store()
        .set_sign_every_call(l.licence, true, "operator", now)
        .await
        .unwrap();
    let refused = winning_list(app, id, None).await;
    assert_eq!(refused["code"], "954", "{refused}");
    assert_eq!(winning_list(app, id, Some(key)).await["code"], "200");
}
