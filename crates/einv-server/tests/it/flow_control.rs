//! R4.6: flow control per IP and per AppID, in memory and shared through Redis.

use crate::common::*;
use chrono::Duration;
use einv_core::flow::{FlowLimits, RateLimit};
use einv_server::services::FlowControl;
use serde_json::Value;

const INVAPP: &str = "/PB2CAPIVAN/invapp/InvApp";

fn limits(ip: u32, app: u32) -> FlowLimits {
    FlowLimits {
        per_ip: RateLimit {
            calls: ip,
            window_secs: 60,
        },
        per_app: RateLimit {
            calls: app,
            window_secs: 60,
        },
    }
}

fn ask() -> Vec<(&'static str, String)> {
    [
        ("version", "0.2"),
        ("action", "QryWinningList"),
        ("invTerm", "11510"),
        ("appID", APP_ID),
    ]
    .iter()
    .map(|(k, v)| (*k, (*v).to_owned()))
    .collect()
}

fn code(reply: &Value) -> &str {
    reply["code"].as_str().unwrap()
}

#[tokio::test]
async fn r4_6_the_call_past_the_limit_is_refused_until_the_window_ends() {
    let app = TestApp::spawn_with(Backend::Sqlite, |p| {
        p.with_flow_control(FlowControl::in_memory(limits(3, 100)))
    })
    .await;
    // Align to the start of a window so the three calls share it.
    let now = app.now_unix();
    app.clock
        .advance(Duration::seconds(60 - now.rem_euclid(60)));
    for _ in 0..3 {
        assert_eq!(code(&app.post(INVAPP, &ask()).await), "200");
    }
    let (headers, refused) = app.post_full(INVAPP, &ask()).await;
    assert_eq!(code(&refused), "950", "{refused}");
    assert!(refused["msg"].as_str().unwrap().contains("3 calls in 60 s"));
    assert_eq!(headers.get("retry-after").unwrap(), "60");
    app.clock.advance(Duration::seconds(60));
    assert_eq!(
        code(&app.post(INVAPP, &ask()).await),
        "200",
        "a new window lets calls through"
    );
    app.stop().await;
}

#[tokio::test]
async fn r4_6_the_per_app_limit_counts_every_ip() {
    let app = TestApp::spawn_with(Backend::Sqlite, |p| {
        p.with_flow_control(FlowControl::in_memory(limits(100, 2)))
    })
    .await;
    let now = app.now_unix();
    app.clock
        .advance(Duration::seconds(60 - now.rem_euclid(60)));
    assert_eq!(code(&app.post(INVAPP, &ask()).await), "200");
    assert_eq!(code(&app.post(INVAPP, &ask()).await), "200");
    assert_eq!(code(&app.post(INVAPP, &ask()).await), "950");
    app.stop().await;
}

#[tokio::test]
async fn r4_6_nodes_sharing_redis_share_the_count() {
    let namespace = format!("einv-test-{}", uuid::Uuid::new_v4());
    let redis_url =
        std::env::var("EINV_TEST_REDIS_URL").unwrap_or_else(|_| "redis://127.0.0.1:6379".into());
    let a = FlowControl::redis(limits(100, 3), &redis_url, &namespace)
        .await
        .unwrap();
    let b = FlowControl::redis(limits(100, 3), &redis_url, &namespace)
        .await
        .unwrap();
    let node_a = TestApp::spawn_with(Backend::Sqlite, |p| p.with_flow_control(a)).await;
    let node_b = TestApp::spawn_with(Backend::Sqlite, |p| p.with_flow_control(b)).await;
    let now = node_a.now_unix();
    for node in [&node_a, &node_b] {
        node.clock
            .advance(Duration::seconds(60 - now.rem_euclid(60)));
    }
    assert_eq!(code(&node_a.post(INVAPP, &ask()).await), "200");
    assert_eq!(code(&node_b.post(INVAPP, &ask()).await), "200");
    assert_eq!(code(&node_a.post(INVAPP, &ask()).await), "200");
    assert_eq!(
        code(&node_b.post(INVAPP, &ask()).await),
        "950",
        "the fourth call across both nodes is refused"
    );
    node_a.stop().await;
    node_b.stop().await;
}

#[tokio::test]
async fn r4_6_limits_are_published() {
    let app = TestApp::spawn_with(Backend::Sqlite, |p| {
        p.with_flow_control(FlowControl::in_memory(limits(7, 70)))
    })
    .await;
    let published: Value = app.get_json("/api/v2/limits").await;
    assert_eq!(published["per_ip"]["calls"], 7);
    assert_eq!(published["per_app"]["calls"], 70);
    assert_eq!(published["per_app"]["window_secs"], 60);
    app.stop().await;
}
