//! Operations endpoints: `/healthz`, `/readyz`, request IDs.

use serde_json::Value;

use crate::common::{Backend, SendExt, TestApp};

#[tokio::test]
async fn healthz_answers_without_touching_the_database() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    // Liveness must not depend on the database: close it and still get 200.
    app.store().close().await;
    let body = json_of(&app, "/healthz", 200).await;
    assert_eq!(body["status"], "ok");
    app.stop().await;
}

#[tokio::test]
async fn readyz_is_200_while_the_database_answers() {
    let app = TestApp::spawn(Backend::Postgres).await;
    let body = readyz(&app, 200, true).await;
    assert_eq!(body["audit"]["alive"], true);
    assert!(body["audit"]["queue_depth"].is_u64());
    app.stop().await;
}

#[tokio::test]
async fn readyz_is_503_when_the_database_is_gone() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    app.store().close().await;
    let body = readyz(&app, 503, false).await;
    assert!(body["database"]["error"].is_string());
    app.stop().await;
}

#[tokio::test]
async fn a_callers_request_id_is_echoed() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let reply = app
        .http
        .get(format!("{}/healthz", app.base))
        .header("X-Request-Id", "trace-abc-123")
        .send_ok()
        .await;
    assert_eq!(reply.headers()["x-request-id"], "trace-abc-123");
    app.stop().await;
}

#[tokio::test]
async fn a_request_without_an_id_gets_a_fresh_one() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let first = get(&app, "/healthz").await;
    let second = get(&app, "/healthz").await;
    let a = first.headers()["x-request-id"].to_str().unwrap().to_owned();
    let b = second.headers()["x-request-id"]
        .to_str()
        .unwrap()
        .to_owned();
    assert_eq!(a.len(), 36, "a UUID: {a}");
    assert_ne!(a, b);
    app.stop().await;
}

#[tokio::test]
async fn metrics_count_requests_by_route_and_status_and_show_the_audit_queue() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    app.http
        .get(format!("{}/healthz", app.base))
        .send_ok()
        .await;
    app.http.get(format!("{}/readyz", app.base)).send_ok().await;
    let reply = get(&app, "/metrics").await;
    assert_eq!(reply.status(), 200);
    let text = reply.text().await.unwrap();
    let healthz = text
        .lines()
        .find(|l| {
            l.starts_with("einv_http_requests_total{")
                && l.contains("route=\"/healthz\"")
                && l.contains("status=\"200\"")
        })
        .unwrap_or_else(|| panic!("no /healthz counter in:\n{text}"));
    let count: f64 = healthz.rsplit(' ').next().unwrap().parse().unwrap();
    assert!(count >= 1.0);
    assert!(
        text.contains("einv_http_request_duration_seconds_bucket{"),
        "{text}"
    );
    assert!(text.contains("einv_audit_queue_depth "), "{text}");
    assert!(text.contains("einv_audit_writer_alive 1"), "{text}");
    app.stop().await;
}

/// R6.4: a clean stop loses nothing recorded: after shutdown the call's entry is stored and
/// the chain head is signed.
#[tokio::test]
async fn shutdown_finishes_and_flushes_the_audit_queue() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(einv_server::startup::serve_until(
        listener,
        app.platform.clone(),
        async {
            let _ = stopped.await;
        },
    ));
    let params = app.carrier_list("2026/11/01", "2026/11/30");
    let reply = app
        .http
        .post(format!("{base}/PB2CAPIVAN/invServ/InvServ"))
        .form(&params)
        .send_ok()
        .await;
    assert_eq!(reply.status(), 200);
    stop.send(()).unwrap();
    tokio::time::timeout(std::time::Duration::from_secs(30), server)
        .await
        .expect("server stops")
        .unwrap()
        .unwrap();
    let chain = app.store().audit_chain(0, 10).await.unwrap();
    assert!(!chain.is_empty(), "the call's entry is stored");
    assert!(
        app.store().audit_head().await.unwrap().is_some(),
        "head signed"
    );
    // Stopped: no new connections.
    assert!(app
        .http
        .get(format!("{base}/healthz"))
        .send()
        .await
        .is_err());
    app.stop().await;
}

#[tokio::test]
async fn metrics_label_v1_calls_by_action_and_mof_code_and_count_cache_lookups() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let params = app.carrier_list("2026/11/01", "2026/11/27");
    assert_eq!(
        app.post("/PB2CAPIVAN/invServ/InvServ", &params).await["code"],
        200
    );
    // An unknown action is labelled `other`, so callers cannot grow the label set.
    let mut odd = app.carrier_params("noSuchAction-x", "0.5");
    odd.push(("startDate", "2026/11/01".into()));
    let refused = app.post("/PB2CAPIVAN/invServ/InvServ", &odd).await;
    assert_ne!(refused["code"], 200);
    let text = app.get_text("/metrics").await;
    let v1 = |action: &str, code: &str| {
        text.lines().any(|l| {
            l.starts_with("einv_http_requests_total{")
                && l.contains("route=\"/PB2CAPIVAN/invServ/InvServ\"")
                && l.contains(&format!("action=\"{action}\""))
                && l.contains(&format!("code=\"{code}\""))
        })
    };
    assert!(v1("carrierInvChk", "200"), "{text}");
    assert!(
        v1(
            "other",
            refused["code"]
                .as_str()
                .map_or_else(|| refused["code"].to_string(), str::to_owned)
                .as_str()
        ),
        "{text}"
    );
    assert!(!text.contains("noSuchAction"));
    assert!(
        text.lines()
            .any(|l| l.starts_with("einv_cache_lookups_total{") && l.contains("cache=\"users\"")),
        "{text}"
    );
    app.stop().await;
}

/// GETs `path` from `app`, whatever the status.
async fn get(app: &TestApp, path: &str) -> reqwest::Response {
    app.http.get(app.url(path)).send_ok().await
}

/// `/readyz`, which must answer `status` with `ready` and `database.ok` both `ok`.
async fn readyz(app: &TestApp, status: u16, ok: bool) -> Value {
    let body = json_of(app, "/readyz", status).await;
    assert_eq!(body["ready"], ok);
    assert_eq!(body["database"]["ok"], ok);
    body
}

/// The JSON body of `path`, which must answer `status`.
async fn json_of(app: &TestApp, path: &str, status: u16) -> Value {
    let reply = get(app, path).await;
    assert_eq!(reply.status(), status, "{path}");
    reply.json().await.unwrap()
}

/// Issue #9: `/metrics` is the operator's. It answers a caller on this host (a loopback peer
/// with no forwarding header), or anyone with the configured token; a remote peer, a proxy on
/// this host passing a remote caller on, and a wrong token are refused (403).
#[tokio::test]
async fn metrics_answer_this_host_or_the_token_only() {
    use axum::body::Body;
    use axum::extract::ConnectInfo;
    use tower::ServiceExt;

    let app = TestApp::spawn(Backend::Sqlite).await;
    let token = "metrics-token-0123456789";
    let router = einv_server::router(
        einv_server::AppState::new(app.platform.clone(), false).with_metrics_token(Some(token)),
    );
    let call = |peer: &str, headers: &[(&str, &str)]| {
        let mut req = axum::http::Request::get("/metrics");
        for (name, value) in headers {
            req = req.header(*name, *value);
        }
        let mut req = req.body(Body::empty()).unwrap();
        let peer: std::net::SocketAddr = format!("{peer}:4000").parse().unwrap();
        req.extensions_mut().insert(ConnectInfo(peer));
        let router = router.clone();
        async move { router.oneshot(req).await.unwrap().status().as_u16() }
    };
    let bearer = format!("Bearer {token}");
    assert_eq!(call("127.0.0.1", &[]).await, 200, "this host");
    assert_eq!(call("[::1]", &[]).await, 200, "this host over IPv6");
    assert_eq!(call("203.0.113.5", &[]).await, 403, "a remote peer");
    let forwarded = [("x-forwarded-for", "203.0.113.5")];
    assert_eq!(call("127.0.0.1", &forwarded).await, 403, "through a proxy");
    let standard = [("forwarded", "for=203.0.113.5")];
    assert_eq!(call("127.0.0.1", &standard).await, 403, "Forwarded header");
    let wrong = [("authorization", "Bearer metrics-token-0123456780")];
    assert_eq!(call("203.0.113.5", &wrong).await, 403, "a wrong token");
    let right = [("authorization", bearer.as_str())];
    assert_eq!(call("203.0.113.5", &right).await, 200, "the token");
    // Without a configured token, a presented one opens nothing.
    let untokened = einv_server::router(einv_server::AppState::new(app.platform.clone(), false));
    let mut req = axum::http::Request::get("/metrics")
        .header("authorization", "Bearer ")
        .body(Body::empty())
        .unwrap();
    let remote: std::net::SocketAddr = "203.0.113.5:4000".parse().unwrap();
    req.extensions_mut().insert(ConnectInfo(remote));
    assert_eq!(untokened.oneshot(req).await.unwrap().status(), 403);
    app.stop().await;
}
