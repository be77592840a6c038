//! v2 conventions beyond the resources: problem types on the Platform's own domain (the
//! configured public URL, else the address the request reached) that lead to their
//! documentation, and the app's audit entries paged by sequence number however long the list.

use crate::common::*;
use einv_server::services::AuditEntry;
use reqwest::Method;
use serde_json::Value;

both_backends!(audit_pages_by_sequence_number_beyond_ten_thousand);

#[tokio::test]
async fn problem_types_live_on_the_platforms_domain() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let unsigned: Value = app.get_json("/api/v2/licence").await;
    let type_uri = format!("{}/problems/signature-missing", app.base);
    assert_eq!(unsigned["type"], type_uri.as_str(), "{unsigned}");
    // The type URI leads a person to its entry on /docs.
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let res = http.get(&type_uri).send_ok().await;
    assert!(res.status().is_redirection(), "{}", res.status());
    assert_eq!(res.headers()["location"], "/docs#signature-missing");
    let docs = app.get_text("/docs").await;
    assert!(docs.contains("id=\"signature-missing\""));
    assert!(docs.contains(&type_uri), "the page shows the full type URI");
    let unknown = http
        .get(format!("{}/problems/no-such-type", app.base))
        .send_ok()
        .await;
    assert_eq!(unknown.status(), 404);
    // With a public URL configured, the types are on it, whatever Host the request named.
    use tower::ServiceExt;
    let router = einv_server::router(
        einv_server::AppState::new(app.platform.clone(), true)
            .with_public_url(Some("https://einv.mof.example.tw/")),
    );
    let req = axum::http::Request::get("/api/v2/nothing-here")
        .header("host", "attacker.example")
        .body(axum::body::Body::empty())
        .unwrap();
    let res = router.oneshot(req).await.unwrap();
    assert_eq!(res.status(), 404);
    let body = axum::body::to_bytes(res.into_body(), 1 << 16)
        .await
        .unwrap();
    let body: Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(
        body["type"], "https://einv.mof.example.tw/problems/not-found",
        "{body}"
    );
    app.stop().await;
}

/// More entries than the 10,000 a list read at most: the oldest are still reached with
/// `before` (keyset on the sequence number, no offset, no cap).
async fn audit_pages_by_sequence_number_beyond_ten_thousand(app: &TestApp) {
    let p = &app.platform;
    for i in 0..10_050 {
        let entry = AuditEntry::event(format!("app:{APP_ID}"), "test.filler")
            .with_app(APP_ID)
            .with_detail(serde_json::json!({ "i": i }));
        p.audit(entry).await.unwrap();
    }
    p.flush_audit().await.unwrap();
    let all = app
        .store()
        .audit_entries_before(&einv_store::AuditFilter::App(APP_ID.into()), None, 20_000)
        .await
        .unwrap();
    assert!(all.len() >= 10_050, "{}", all.len());
    let oldest_filler = all
        .iter()
        .rev()
        .find(|e| e.content.action == "test.filler")
        .unwrap();
    let before = oldest_filler.seq + 50;
    let path = format!("/api/v2/audit?before={before}");
    let res = v2_request(app, Method::GET, &path, b"").send_ok().await;
    assert_eq!(res.status(), 200);
    let page: Value = res.json().await.unwrap();
    let seqs: Vec<i64> = page["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["seq"].as_i64().unwrap())
        .collect();
    assert!(!seqs.is_empty(), "{page}");
    assert!(seqs.iter().all(|s| *s < before), "{seqs:?}");
    assert!(seqs.windows(2).all(|w| w[0] > w[1]), "newest first");
    assert!(seqs.contains(&oldest_filler.seq), "{seqs:?}");
    // A short page has no `next`; a full one points below its last entry.
    assert_eq!(page["next"], Value::Null);
    let first: Value = v2_request(app, Method::GET, "/api/v2/audit", b"")
        .send_json()
        .await;
    let last = first["entries"].as_array().unwrap().last().unwrap()["seq"].clone();
    assert_eq!(first["next"], last);
}

/// A v2 call asks the authority about its AppID once: flow control admits the app and hands
/// it to the signature check (counted through the `authorise_app` tracing span).
#[tokio::test]
async fn a_v2_call_asks_the_authority_once() {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Arc;
    use tracing_subscriber::layer::{Context, SubscriberExt};

    struct CountAsks(Arc<AtomicUsize>);
    impl<S: tracing::Subscriber> tracing_subscriber::Layer<S> for CountAsks {
        fn on_new_span(
            &self,
            attrs: &tracing::span::Attributes<'_>,
            _: &tracing::span::Id,
            _: Context<'_, S>,
        ) {
            if attrs.metadata().name() == "authorise_app" {
                self.0.fetch_add(1, Ordering::SeqCst);
            }
        }
    }
    let asks = Arc::new(AtomicUsize::new(0));
    let subscriber = tracing_subscriber::registry().with(CountAsks(asks.clone()));
    // The test runtime is single-threaded: the server's tasks run on this thread.
    let _guard = tracing::subscriber::set_default(subscriber);
    let app = TestApp::spawn(Backend::Sqlite).await;
    asks.store(0, Ordering::SeqCst);
    let res = v2_request(&app, Method::GET, "/api/v2/licence", b"")
        .send_ok()
        .await;
    assert_eq!(res.status(), 200);
    assert_eq!(asks.load(Ordering::SeqCst), 1);
    // A service the app is not licensed for is still refused (R4.5), on the same one ask.
    asks.store(0, Ordering::SeqCst);
    let res = v2_request(&app, Method::GET, "/api/v2/me/carriers", b"")
        .send_ok()
        .await;
    let status = res.status().as_u16();
    let body: Value = res.json().await.unwrap();
    assert!(matches!(status, 401 | 403), "{body}");
    assert_eq!(asks.load(Ordering::SeqCst), 1, "{body}");
    app.stop().await;
}
