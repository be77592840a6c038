//! Signed v1 reads claimed without a write (services/replay/, docs/hot-path.md): a repeated
//! identical signed request inside its window is answered once, on the node that took it,
//! after a restart, and on another node (through the store, or Redis when flow control shares
//! one); the claim ends with the window on the injected clock. On SQLite and PostgreSQL.

use std::sync::Arc;

use chrono::Duration;
use einv_core::claim::HolidayCalendar;
use einv_core::AppId;
use einv_server::services::replay::{ClaimOutcome, ClaimedIn, STORED_ANSWER_MAX};
use einv_server::services::{FlowControl, KeySealer};
use einv_server::Platform;
use einv_store::{SignedCall, Store};
use serde_json::Value;

use crate::audit_trail::carrier_list;
use crate::common::*;

both_backends!(
    a_replay_after_a_restart_or_on_another_node_is_answered_once,
    a_read_claim_ends_with_its_window,
    a_large_answer_is_kept_in_memory_only,
    a_large_signed_list_is_refused_where_its_answer_is_not_held,
);

const INVSERV: &str = "/PB2CAPIVAN/invServ/InvServ";

/// Another node (or the same one restarted): a Platform of its own on the same database and
/// clock, serving on its own port.
async fn node(app: &TestApp, adjust: impl FnOnce(Platform) -> Platform) -> String {
    let store = Store::connect(app.db_url()).await.unwrap();
    let platform = adjust(Platform::new(
        store,
        Arc::new(app.clock.clone()),
        KeySealer::new(&[9; 32]),
        HolidayCalendar::builtin(),
    ));
    einv_server::testing::serve_on_free_port(Arc::new(platform))
        .await
        .unwrap()
}

async fn post_to(app: &TestApp, base: &str, params: &[(&str, String)]) -> Value {
    let res = app
        .http
        .post(format!("{base}{INVSERV}"))
        .form(params)
        .send()
        .await
        .unwrap();
    res.json().await.unwrap()
}

fn signed_list(app: &TestApp) -> Vec<(&'static str, String)> {
    let mut call = carrier_list(app);
    sign(&mut call, API_KEY);
    call
}

/// A node restarted inside the window (a new Platform: nothing in memory; on SQLite it
/// reloads the open window's calls from the store before its first claim) and another node
/// sharing the database both answer the replay with the first answer and read nothing again.
async fn a_replay_after_a_restart_or_on_another_node_is_answered_once(app: &TestApp) {
    let call = signed_list(app);
    let answer = app.post(INVSERV, &call).await;
    assert_eq!(answer["code"], 200, "{answer}");
    let restarted = node(app, |p| p).await;
    assert_eq!(post_to(app, &restarted, &call).await, answer);
    let other = node(app, |p| p).await;
    assert_eq!(post_to(app, &other, &call).await, answer);
    assert_eq!(app.store().count_audit().await.unwrap(), 1, "one read");
}

/// The claim of a read holds until the end of its window and no longer, on the injected
/// clock; on SQLite (one node, no Redis) it is made in memory, writing nothing.
async fn a_read_claim_ends_with_its_window(app: &TestApp) {
    let app_id = AppId::parse(APP_ID).unwrap();
    let key = [5; 32];
    let end = app.now_unix() + 60;
    let platform = &app.platform;
    let first = platform.claim_signed_call(key, &app_id, end, false).await;
    let ClaimOutcome::Won(claim) = first.unwrap() else {
        panic!("the first claim wins");
    };
    if app.store().backend() == einv_store::Backend::Sqlite {
        assert_eq!(claim.held_in, ClaimedIn::Memory);
        assert_eq!(
            app.store()
                .signed_call(&hex::encode(key), einv_core::Clock::now(&app.clock))
                .await
                .unwrap(),
            SignedCall::New,
            "nothing written before the read acts"
        );
    }
    let again = platform.claim_signed_call(key, &app_id, end, false).await;
    assert!(matches!(again.unwrap(), ClaimOutcome::InFlight));
    app.clock.advance(Duration::seconds(60));
    let last_second = platform.claim_signed_call(key, &app_id, end, false).await;
    assert!(matches!(last_second.unwrap(), ClaimOutcome::InFlight));
    app.clock.advance(Duration::seconds(1));
    let after = platform
        .claim_signed_call(key, &app_id, end + 300, false)
        .await;
    assert!(
        matches!(after.unwrap(), ClaimOutcome::Won(_)),
        "a new window"
    );
}

/// An answer of a read larger than [`STORED_ANSWER_MAX`] (a busy month's carrier list) is
/// kept in the answering node's memory only: a replay there gets it, the store keeps no copy
/// (a signed list once wrote ~40 KB per call for its whole window), and a replay on another
/// node or after a restart is refused, never acted again. An answer at the bound, and a
/// write's answer of any size, are still kept in the store.
async fn a_large_answer_is_kept_in_memory_only(app: &TestApp) {
    let app_id = AppId::parse(APP_ID).unwrap();
    let end = app.now_unix() + 60;
    let now = einv_core::Clock::now(&app.clock);
    let answer_of = |len: usize| format!("{{\"code\":200,\"pad\":\"{}\"}}", "x".repeat(len - 21));
    for (key, len, writes, kept_in_store) in [
        ([7; 32], STORED_ANSWER_MAX + 1, false, false),
        ([8; 32], STORED_ANSWER_MAX, false, true),
        ([9; 32], STORED_ANSWER_MAX + 1, true, true),
    ] {
        let answer = answer_of(len);
        assert_eq!(answer.len(), len);
        let platform = &app.platform;
        let won = platform.claim_signed_call(key, &app_id, end, writes).await;
        let ClaimOutcome::Won(claim) = won.unwrap() else {
            panic!("the first claim wins");
        };
        platform
            .keep_signed_answer(&claim, Some(answer.clone()), Vec::new())
            .await
            .unwrap();
        let replay = platform.claim_signed_call(key, &app_id, end, writes).await;
        assert!(
            matches!(replay.unwrap(), ClaimOutcome::Answered(a) if a == answer),
            "this node answers (a read from memory, a write from the store)"
        );
        let stored = app.store().signed_call(&hex::encode(key), now).await;
        // A node started now (on SQLite one node per file: a restart), with nothing in memory.
        let other = Platform::new(
            Store::connect(app.db_url()).await.unwrap(),
            Arc::new(app.clock.clone()),
            KeySealer::new(&[9; 32]),
            HolidayCalendar::builtin(),
        );
        let elsewhere = other.claim_signed_call(key, &app_id, end, writes).await;
        let elsewhere = elsewhere.unwrap();
        if kept_in_store {
            assert_eq!(stored.unwrap(), SignedCall::Answered(answer.clone()));
            assert!(matches!(elsewhere, ClaimOutcome::Answered(a) if a == answer));
        } else {
            assert_eq!(stored.unwrap(), SignedCall::AnsweredNotKept);
            assert!(
                matches!(elsewhere, ClaimOutcome::AnsweredNotKept),
                "{elsewhere:?}"
            );
        }
    }
}

/// Over HTTP: a signed list of more than 8 KiB (a full page of the fixture's 150 invoices of
/// 2026/09) is answered again by the node holding it, and refused (954) by a node started
/// after it, which reads nothing.
async fn a_large_signed_list_is_refused_where_its_answer_is_not_held(app: &TestApp) {
    let mut call = app.carrier_list("2026/09/01", "2026/09/30");
    sign(&mut call, API_KEY);
    let answer = app.post(INVSERV, &call).await;
    assert!(answer["code"] == 200 || answer["code"] == 996, "{answer}");
    assert!(answer.to_string().len() > STORED_ANSWER_MAX);
    assert_eq!(
        app.post(INVSERV, &call).await,
        answer,
        "the node holding it"
    );
    let restarted = node(app, |p| p).await;
    let refused = post_to(app, &restarted, &call).await;
    assert_eq!(refused["code"], 954, "{refused}");
    let msg = refused["msg"].as_str().unwrap_or_default();
    assert!(msg.contains("answered already"), "{refused}");
    assert_eq!(app.store().count_audit().await.unwrap(), 1, "one read");
}

/// Two nodes sharing Redis claim reads there: of two identical requests sent to both at once
/// one acts; a replay on either node is answered from the first answer.
#[tokio::test]
async fn nodes_sharing_redis_answer_a_replay_once() {
    let namespace = format!("einv-test-{}", uuid::Uuid::new_v4());
    let redis_url =
        std::env::var("EINV_TEST_REDIS_URL").unwrap_or_else(|_| "redis://127.0.0.1:6379".into());
    let limits = einv_core::flow::FlowLimits::default();
    let flow = || async {
        FlowControl::redis(limits, &redis_url, &namespace)
            .await
            .unwrap()
    };
    let a = flow().await;
    let app = TestApp::spawn_with(Backend::Postgres, |p| p.with_flow_control(a)).await;
    let b = flow().await;
    let other = node(&app, |p| p.with_flow_control(b)).await;
    let call = signed_list(&app);
    let (x, y) = tokio::join!(app.post(INVSERV, &call), post_to(&app, &other, &call));
    let served: Vec<&Value> = [&x, &y].into_iter().filter(|r| r["code"] == 200).collect();
    assert!(!served.is_empty(), "{x} {y}");
    for reply in [&x, &y] {
        assert!(reply["code"] == 954 || reply == served[0], "{reply}");
    }
    assert_eq!(post_to(&app, &other, &call).await, *served[0]);
    assert_eq!(app.post(INVSERV, &call).await, *served[0]);
    assert_eq!(app.store().count_audit().await.unwrap(), 1, "one read");
    app.stop().await;
}
