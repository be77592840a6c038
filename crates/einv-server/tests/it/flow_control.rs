//! R4.6: flow control per IP and per AppID, in memory and shared through Redis.

use crate::common::*;
use chrono::Duration;
use einv_core::flow::{FlowLimits, RateLimit};
use einv_server::services::FlowControl;
use serde_json::Value;

const INVAPP: &str = "/PB2CAPIVAN/invapp/InvApp";
const INVSERV: &str = "/PB2CAPIVAN/invServ/InvServ";

fn limits(ip: u32, app: u32) -> FlowLimits {
    FlowLimits {
        per_ip: RateLimit::new(ip, 60),
        per_app: RateLimit::new(app, 60),
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

/// A node counting with `flow`.
async fn node(flow: FlowControl) -> TestApp {
    TestApp::spawn_with(Backend::Sqlite, |p| p.with_flow_control(flow)).await
}

/// A node counting in memory, `ip` calls per IP and `app` per AppID a minute.
async fn in_memory(ip: u32, app: u32) -> TestApp {
    node(FlowControl::in_memory(limits(ip, app))).await
}

/// Flow control in the test Redis (`EINV_TEST_REDIS_URL`, or the local default), under a
/// namespace of its own unless one to share is given.
async fn redis(limits: FlowLimits, namespace: Option<&str>) -> FlowControl {
    let fresh = format!("einv-test-{}", uuid::Uuid::new_v4());
    let redis_url =
        std::env::var("EINV_TEST_REDIS_URL").unwrap_or_else(|_| "redis://127.0.0.1:6379".into());
    FlowControl::redis(limits, &redis_url, namespace.unwrap_or(&fresh))
        .await
        .unwrap()
}

/// Moves the clock to the start of a minute, so the calls that follow share one window.
fn align_to_window(app: &TestApp, now: i64) {
    app.clock
        .advance(Duration::seconds(60 - now.rem_euclid(60)));
}

/// The code of one winning-list call.
async fn ask_code(app: &TestApp) -> String {
    code(&app.post(INVAPP, &ask()).await).to_owned()
}

/// The winning-numbers service limited to 2 calls a minute.
fn winning_numbers_two_a_minute() -> einv_core::flow::ServiceLimits {
    let mut per_service = einv_core::flow::ServiceLimits::new();
    per_service.insert(einv_core::Service::WinningNumbers, RateLimit::new(2, 60));
    per_service
}

#[tokio::test]
async fn r4_6_the_call_past_the_limit_is_refused_until_the_window_ends() {
    let app = in_memory(3, 100).await;
    // Align to the start of a window so the three calls share it.
    align_to_window(&app, app.now_unix());
    for _ in 0..3 {
        assert_eq!(ask_code(&app).await, "200");
    }
    let (headers, refused) = app.post_full(INVAPP, &ask()).await;
    assert_eq!(code(&refused), "950", "{refused}");
    assert!(refused["msg"].as_str().unwrap().contains("3 calls in 60 s"));
    // GCRA: 3 per 60 s is a burst of 3, then one call every 20 s.
    assert_eq!(headers.get("retry-after").unwrap(), "20");
    app.clock.advance(Duration::seconds(20));
    assert_eq!(
        ask_code(&app).await,
        "200",
        "one call is regained after 20 s"
    );
    assert_eq!(ask_code(&app).await, "950");
    app.stop().await;
}

#[tokio::test]
async fn r4_6_the_per_app_limit_counts_every_ip() {
    let app = in_memory(100, 2).await;
    align_to_window(&app, app.now_unix());
    assert_eq!(ask_code(&app).await, "200");
    assert_eq!(ask_code(&app).await, "200");
    assert_eq!(ask_code(&app).await, "950");
    app.stop().await;
}

/// R4.6: a stranger naming a real AppID with signatures it cannot make spends its own IP's
/// allowance, never the app's; an AppID that was never issued is counted per IP only.
#[tokio::test]
async fn r4_6_strangers_cannot_spend_an_apps_allowance() {
    let app = in_memory(6, 2).await;
    for _ in 0..3 {
        let mut forged = ask();
        forged.push(("signature", "AAAA".to_owned()));
        assert_eq!(code(&app.post(INVAPP, &forged).await), "954");
    }
    let mut signed = ask();
    sign(&mut signed, API_KEY);
    assert_eq!(
        code(&app.post(INVAPP, &signed).await),
        "200",
        "the app's allowance is whole"
    );
    let mut made_up = ask();
    set(&mut made_up, "appID", "EINVMADEUP0001");
    assert_eq!(code(&app.post(INVAPP, &made_up).await), "998");
    // The sixth call from this IP is its last; the seventh is refused per IP, before the AppID
    // is even looked at.
    assert_eq!(code(&app.post(INVAPP, &made_up).await), "998");
    assert_eq!(code(&app.post(INVAPP, &made_up).await), "950");
    app.stop().await;
}

#[tokio::test]
async fn r4_6_nodes_sharing_redis_share_the_count() {
    let namespace = format!("einv-test-{}", uuid::Uuid::new_v4());
    let node_a = node(redis(limits(100, 3), Some(&namespace)).await).await;
    let node_b = node(redis(limits(100, 3), Some(&namespace)).await).await;
    let now = node_a.now_unix();
    for node in [&node_a, &node_b] {
        align_to_window(node, now);
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
    let app = in_memory(7, 70).await;
    let published: Value = app.get_json("/api/v2/limits").await;
    assert_eq!(published["per_ip"]["calls"], 7);
    assert_eq!(published["per_app"]["calls"], 70);
    assert_eq!(published["per_app"]["window_secs"], 60);
    app.stop().await;
}

/// R4.6 on every surface: the blank pages, OAuth, v2 and the web pages (sign-in included) share
/// the per-IP allowance with the v1 API, each answering in its own shape.
#[tokio::test]
async fn r4_6_every_surface_is_counted_per_ip() {
    let app = in_memory(2, 100).await;
    let get = |path: &str| app.http.get(format!("{}{path}", app.base)).send();
    assert_eq!(get("/me/login").await.unwrap().status(), 200);
    assert_eq!(ask_code(&app).await, "200");
    let login = app
        .http
        .post(format!("{}/me/login", app.base))
        .form(&[("barcode", BARCODE), ("code", CODE)])
        .send_ok()
        .await;
    assert_eq!(login.status(), 429, "sign-in is counted");
    assert!(login.headers().get("retry-after").is_some());
    for path in [
        "/developer/login",
        "/reviewer/login",
        "/api/v2/deletion-requests",
    ] {
        assert_eq!(get(path).await.unwrap().status(), 429, "{path}");
    }
    let token = app
        .http
        .post(format!("{}/oauth/token", app.base))
        .basic_auth(APP_ID, Some(API_KEY))
        .send_ok()
        .await;
    assert_eq!(token.status(), 429);
    assert!(token.headers().get("retry-after").is_some());
    let body: Value = token.json().await.unwrap();
    assert_eq!(body["error"], "temporarily_unavailable", "RFC 6749 shape");
    let blank: Value = get("/PB2CAPIVAN/APIService/generalCarrierRegBlank?uuid=d&appID=x")
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(blank["code"], 950, "{blank}");
    app.stop().await;
}

/// R4.6 behind a load balancer: `X-Forwarded-For` names the client only when the peer is a
/// configured trusted proxy; anyone else is counted by its own address, whatever it claims.
#[tokio::test]
async fn r4_6_forwarded_for_counts_only_from_trusted_proxies() {
    use axum::body::Body;
    use axum::extract::ConnectInfo;
    use einv_server::http::client_ip::TrustedProxies;
    use tower::ServiceExt;

    let app = in_memory(2, 100).await;
    let router = einv_server::router(
        einv_server::AppState::new(app.platform.clone(), false)
            .with_trusted_proxies(TrustedProxies::parse(&["10.0.0.0/8"]).unwrap()),
    );
    let call = |peer: &str, client: &str| {
        let mut req = axum::http::Request::get("/me/login")
            .header("x-forwarded-for", client)
            .body(Body::empty())
            .unwrap();
        let peer: std::net::SocketAddr = format!("{peer}:4000").parse().unwrap();
        req.extensions_mut().insert(ConnectInfo(peer));
        let router = router.clone();
        async move { router.oneshot(req).await.unwrap().status().as_u16() }
    };
    // Through the proxy: two clients, two allowances.
    assert_eq!(call("10.0.0.5", "198.51.100.1").await, 200);
    assert_eq!(call("10.0.0.5", "198.51.100.1").await, 200);
    assert_eq!(call("10.0.0.5", "198.51.100.1").await, 429);
    assert_eq!(call("10.0.0.5", "198.51.100.2").await, 200);
    // A stranger changing the header each time is still counted as itself.
    assert_eq!(call("203.0.113.5", "1.1.1.1").await, 200);
    assert_eq!(call("203.0.113.5", "2.2.2.2").await, 200);
    assert_eq!(call("203.0.113.5", "3.3.3.3").await, 429);
    app.stop().await;
}

/// R4.6 in Redis is GCRA like in memory (`einv_core::flow::gcra_step`): a burst, then one call
/// per interval, with the wait the script computes; moving the clock regains exactly one.
#[tokio::test]
async fn r4_6_redis_gcra_honours_rate_and_burst() {
    let limits = FlowLimits {
        per_ip: RateLimit::new(10, 60).with_burst(2),
        per_app: RateLimit::new(100, 60),
    };
    let flow = redis(limits, None).await;
    assert!(flow.health().shared, "the test Redis answers");
    let app = node(flow).await;
    assert_eq!(ask_code(&app).await, "200");
    assert_eq!(ask_code(&app).await, "200");
    let (headers, refused) = app.post_full(INVAPP, &ask()).await;
    assert_eq!(code(&refused), "950", "the burst of 2 is spent");
    assert_eq!(
        headers.get("retry-after").unwrap(),
        "6",
        "10 per 60 s: one every 6 s"
    );
    app.clock.advance(Duration::seconds(6));
    assert_eq!(ask_code(&app).await, "200");
    assert_eq!(ask_code(&app).await, "950");
    app.stop().await;
}

/// R4.6 with Redis: once a node found an AppID live, an unsigned call is counted per IP and
/// per AppID in one script call (one round trip); the per-IP refusal still comes first, and a
/// refusal per AppID leaves the IP's count risen, as if counted one by one.
#[tokio::test]
async fn r4_6_redis_counts_ip_and_app_in_one_round_trip() {
    let app = node(redis(limits(4, 2), None).await).await;
    let trips = || app.platform.flow.redis_round_trips().unwrap();
    let before = trips();
    assert_eq!(ask_code(&app).await, "200");
    assert_eq!(
        trips() - before,
        2,
        "first call: per IP, then per AppID once found live"
    );
    let before = trips();
    assert_eq!(ask_code(&app).await, "200");
    assert_eq!(trips() - before, 1, "then both limits in one round trip");
    let before = trips();
    assert_eq!(ask_code(&app).await, "950", "per AppID: 2");
    assert_eq!(trips() - before, 1);
    // The refused call still counted per IP (4): one call left from this IP.
    let mut made_up = ask();
    set(&mut made_up, "appID", "EINVMADEUP0001");
    assert_eq!(code(&app.post(INVAPP, &made_up).await), "998");
    assert_eq!(code(&app.post(INVAPP, &made_up).await), "950", "per IP: 4");
    app.stop().await;
}

/// R4.6 on the OAuth token endpoint: counted per IP and, once the client's credentials hold,
/// per client (AppID); past the client's allowance a 429 with `Retry-After` (RFC 6585) in
/// RFC 6749's error shape. Wrong credentials never spend the client's allowance.
#[tokio::test]
async fn r4_6_the_token_endpoint_is_counted_per_client() {
    let app = in_memory(100, 2).await;
    let token = |key: &'static str| {
        app.http
            .post(format!("{}/oauth/token", app.base))
            .basic_auth(APP_ID, Some(key))
            .form(&[("grant_type", "refresh_token"), ("refresh_token", "nope")])
            .send()
    };
    for _ in 0..3 {
        let stranger = token("not-the-key").await.unwrap();
        assert_eq!(
            stranger.status(),
            401,
            "invalid_client, not counted per client"
        );
    }
    for _ in 0..2 {
        let res = token(API_KEY).await.unwrap();
        assert_eq!(res.status(), 400, "the client's allowance of 2 is whole");
    }
    let refused = token(API_KEY).await.unwrap();
    assert_eq!(refused.status(), 429);
    assert_eq!(
        refused.headers().get("retry-after").unwrap(),
        "30",
        "2 per 60 s"
    );
    let body: Value = refused.json().await.unwrap();
    assert_eq!(body["error"], "temporarily_unavailable");
    assert!(body["error_description"].is_string(), "{body}");
    app.clock.advance(Duration::seconds(30));
    assert_eq!(
        token(API_KEY).await.unwrap().status(),
        400,
        "one call regained"
    );
    app.stop().await;
}

/// R4.6 per AppID per service: with a limit on the winning-numbers service, its calls are
/// refused past it while the same AppID's carrier queries are still served; a reviewer's own
/// limit for one service of one AppID holds that service alone, and is announced with it.
async fn per_service_limits_hold_one_service(app: TestApp) {
    align_to_window(&app, app.now_unix());
    for _ in 0..2 {
        assert_eq!(ask_code(&app).await, "200");
    }
    assert_eq!(ask_code(&app).await, "950", "winning-numbers: 2/60");
    let carrier = app
        .post(INVSERV, &crate::audit_trail::carrier_list(&app))
        .await;
    assert_eq!(
        carrier["code"], 200,
        "carrier-invoices still served: {carrier}"
    );
    app.stop().await;
}

#[tokio::test]
async fn r4_6_a_service_limit_refuses_one_service_and_serves_another_in_memory() {
    let flow = FlowControl::in_memory(limits(100, 100))
        .with_service_limits(winning_numbers_two_a_minute());
    per_service_limits_hold_one_service(node(flow).await).await;
}

#[tokio::test]
async fn r4_6_a_service_limit_refuses_one_service_and_serves_another_in_redis() {
    let flow = redis(limits(100, 100), None)
        .await
        .with_service_limits(winning_numbers_two_a_minute());
    assert!(flow.health().shared, "the test Redis answers");
    per_service_limits_hold_one_service(node(flow).await).await;
}
