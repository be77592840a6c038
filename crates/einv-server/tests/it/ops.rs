//! Operations endpoints: `/healthz`, `/readyz`, request IDs.

use serde_json::Value;

use crate::common::{Backend, TestApp};

#[tokio::test]
async fn healthz_answers_without_touching_the_database() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    // Liveness must not depend on the database: close it and still get 200.
    app.store().close().await;
    let reply = app
        .http
        .get(format!("{}/healthz", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(reply.status(), 200);
    let body: Value = reply.json().await.unwrap();
    assert_eq!(body["status"], "ok");
    app.stop().await;
}

#[tokio::test]
async fn readyz_is_200_while_the_database_answers() {
    let app = TestApp::spawn(Backend::Postgres).await;
    let reply = app
        .http
        .get(format!("{}/readyz", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(reply.status(), 200);
    let body: Value = reply.json().await.unwrap();
    assert_eq!(body["ready"], true);
    assert_eq!(body["database"]["ok"], true);
    assert_eq!(body["audit"]["alive"], true);
    assert!(body["audit"]["queue_depth"].is_u64());
    app.stop().await;
}

#[tokio::test]
async fn readyz_is_503_when_the_database_is_gone() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    app.store().close().await;
    let reply = app
        .http
        .get(format!("{}/readyz", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(reply.status(), 503);
    let body: Value = reply.json().await.unwrap();
    assert_eq!(body["ready"], false);
    assert_eq!(body["database"]["ok"], false);
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
        .send()
        .await
        .unwrap();
    assert_eq!(reply.headers()["x-request-id"], "trace-abc-123");
    app.stop().await;
}

#[tokio::test]
async fn a_request_without_an_id_gets_a_fresh_one() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let first = app
        .http
        .get(format!("{}/healthz", app.base))
        .send()
        .await
        .unwrap();
    let second = app
        .http
        .get(format!("{}/healthz", app.base))
        .send()
        .await
        .unwrap();
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
        .send()
        .await
        .unwrap();
    app.http
        .get(format!("{}/readyz", app.base))
        .send()
        .await
        .unwrap();
    let reply = app
        .http
        .get(format!("{}/metrics", app.base))
        .send()
        .await
        .unwrap();
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
