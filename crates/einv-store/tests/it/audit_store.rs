//! The audit trail's storage on both backends: appends chain linearly even when concurrent,
//! the queries filter by User, AppID and time, a purge leaves a verifiable rest (R5.3, R6.4).

use chrono::{TimeZone, Utc};
use einv_core::audit::{genesis_hash, CheckpointKey, EntryContent, Verifier, HEAD};
use einv_store::*;

einv_store::both_backends!(
    starts_at_genesis_and_chains,
    concurrent_appends_stay_linear,
    queries_filter,
    purge_keeps_the_rest_verifiable
);

/// Signs the head as the server's writer does, with the test key.
fn sign(seq: i64, hash: &str, at: i64) -> String {
    CheckpointKey::new([1; 32]).sign(HEAD, seq, hash, at)
}

fn entry(at: i64, user: i64, app: &str) -> EntryContent {
    EntryContent {
        at,
        actor: format!("app:{app}"),
        action: "data.carrier-invoices".into(),
        user_id: Some(user),
        app_id: Some(app.into()),
        invoices: vec!["AB00000001".into(), "AB12345***".into()],
        ip: Some("203.0.113.9".into()),
        detail: "{\"page\":1}".into(),
    }
}

async fn verify(store: &Store, key: &CheckpointKey) -> einv_core::audit::Report {
    let mut v = Verifier::new(key, &store.audit_checkpoints().await.unwrap());
    let mut after = -1;
    loop {
        let page = store.audit_chain(after, 3).await.unwrap();
        let Some(last) = page.last() else { break };
        after = last.seq;
        page.into_iter().for_each(|e| v.push(e));
    }
    v.finish(store.audit_head().await.unwrap())
}

async fn starts_at_genesis_and_chains(store: &Store) {
    let genesis = store.audit_head().await.unwrap().unwrap();
    assert_eq!(
        (genesis.seq, genesis.hash),
        (0, genesis_hash()),
        "migration's genesis matches core's"
    );
    let out = store
        .append_audit(&[entry(1, 1, "A"), entry(2, 1, "A")], &sign)
        .await
        .unwrap();
    assert_eq!(out.iter().map(|(s, _)| *s).collect::<Vec<_>>(), [1, 2]);
    let back = store.audit_chain(0, 10).await.unwrap();
    assert_eq!(
        back[0].content,
        entry(1, 1, "A"),
        "stored content round-trips exactly"
    );
    assert_eq!(back[1].prev_hash, back[0].hash);
    let head = store.audit_head().await.unwrap().unwrap();
    assert_eq!((head.seq, &head.hash, head.at), (2, &out[1].1, 2));
    assert_eq!(head.mac, sign(2, &out[1].1, 2), "signed with the batch");
    let report = verify(store, &CheckpointKey::new([1; 32])).await;
    assert!(report.is_ok(), "{:?}", report.problems);
    assert_eq!(report.proven_through, Some(2));
    // Another key does not vouch for the head: nothing is proven then.
    let report = verify(store, &CheckpointKey::new([2; 32])).await;
    assert_eq!(
        report.problems,
        vec![einv_core::audit::Problem::UnsignedHead { seq: Some(2) }]
    );
}

async fn concurrent_appends_stay_linear(store: &Store) {
    let tasks: Vec<_> = (0..4)
        .map(|t| {
            let store = store.clone();
            tokio::spawn(async move {
                for i in 0..10 {
                    store
                        .append_audit(&[entry(i, t, "A"), entry(i, t, "B")], &sign)
                        .await
                        .unwrap();
                }
            })
        })
        .collect();
    for t in tasks {
        t.await.unwrap();
    }
    assert_eq!(store.count_audit().await.unwrap(), 80);
    let report = verify(store, &CheckpointKey::new([1; 32])).await;
    assert!(report.is_ok(), "{:?}", report.problems);
    assert_eq!(report.last_seq, 80);
}

async fn queries_filter(store: &Store) {
    store
        .append_audit(
            &[entry(100, 1, "A"), entry(200, 2, "A"), entry(300, 1, "B")],
            &sign,
        )
        .await
        .unwrap();
    let user1 = store.accesses_of_user(1, 10).await.unwrap();
    assert_eq!(
        user1.iter().map(|e| e.seq).collect::<Vec<_>>(),
        [3, 1],
        "newest first, only User 1"
    );
    let app_a = store
        .audit_entries(&AuditFilter::App("A".into()), 10)
        .await
        .unwrap();
    assert_eq!(app_a.iter().map(|e| e.seq).collect::<Vec<_>>(), [2, 1]);
    assert_eq!(
        store
            .audit_entries(&AuditFilter::All, 2)
            .await
            .unwrap()
            .len(),
        2
    );
    let t = |s| Utc.timestamp_opt(s, 0).unwrap();
    let between = store.audit_between(t(150), t(300), 10).await.unwrap();
    assert_eq!(between.iter().map(|e| e.seq).collect::<Vec<_>>(), [2]);
}

async fn purge_keeps_the_rest_verifiable(store: &Store) {
    let key = CheckpointKey::new([1; 32]);
    store
        .append_audit(
            &(1..=6).map(|i| entry(i * 100, 1, "A")).collect::<Vec<_>>(),
            &sign,
        )
        .await
        .unwrap();
    let t = |s| Utc.timestamp_opt(s, 0).unwrap();
    let point = store.audit_purge_point(t(350)).await.unwrap().unwrap();
    assert_eq!(point.seq, 3);
    let anchor = key.checkpoint("anchor", point.seq, point.hash, 350);
    assert_eq!(store.purge_audit_through(&anchor).await.unwrap(), 3);
    assert_eq!(store.audit_checkpoints().await.unwrap(), vec![anchor]);
    assert_eq!(store.count_audit().await.unwrap(), 3);
    let report = verify(store, &key).await;
    assert!(report.is_ok(), "{:?}", report.problems);
    assert_eq!(report.anchor.seq, 3);
    assert!(
        store.audit_purge_point(t(50)).await.unwrap().is_none(),
        "nothing before the first kept entry"
    );
}
