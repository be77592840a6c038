//! Appending after a known chain tip (einv-store audit_tip.rs), on both backends: the batch
//! chains after the tip in one statement on PostgreSQL; when another appender moved the head
//! meanwhile, nothing is written that way and the batch is appended after the real head, so
//! the chain stays one line (R5.3, R6.4); answers of signed calls settle with it.

use chrono::{TimeZone, Utc};
use einv_core::audit::{CheckpointKey, EntryContent, Verifier, HEAD};
use einv_store::*;

einv_store::both_backends!(
    appends_after_its_tip_and_after_anyone_elses,
    answers_settle_with_the_batch_after_a_tip,
    writers_with_their_own_tips_stay_linear
);

fn sign(seq: i64, hash: &str, at: i64) -> String {
    CheckpointKey::new([1; 32]).sign(HEAD, seq, hash, at)
}

/// An entry whose text fields need escaping in JSON, and one without User, AppID or IP.
fn entry(at: i64, user: Option<i64>) -> EntryContent {
    EntryContent {
        at,
        actor: "app:EINVTIP000001".into(),
        action: "data.carrier-invoices".into(),
        user_id: user,
        app_id: user.map(|_| "EINVTIP000001".into()),
        invoices: vec!["AB00000001".into(), "AB12345***".into()].into(),
        ip: user.map(|_| "203.0.113.9".into()),
        detail: "{\"note\":\"載具 \\\"quoted\\\"\\n\",\"page\":1}".into(),
    }
}

fn tip_of(out: &[(i64, String)]) -> ChainTip {
    let (seq, hash) = out.last().unwrap().clone();
    ChainTip { seq, hash }
}

async fn verified_through(store: &Store) -> Option<i64> {
    let key = CheckpointKey::new([1; 32]);
    let mut v = Verifier::new(&key, &store.audit_checkpoints().await.unwrap());
    store
        .audit_chain(-1, 1000)
        .await
        .unwrap()
        .into_iter()
        .for_each(|e| v.push(e));
    let report = v.finish(store.audit_head().await.unwrap());
    assert!(report.is_ok(), "{:?}", report.problems);
    report.proven_through
}

async fn appends_after_its_tip_and_after_anyone_elses(store: &Store) {
    let first = store
        .append_audit_after(None, &[entry(1, Some(7)), entry(2, None)], &[], 2, &sign)
        .await
        .unwrap();
    let tip = tip_of(&first);
    let next = store
        .append_audit_after(
            Some(&tip),
            &[entry(3, Some(7)), entry(4, None)],
            &[],
            4,
            &sign,
        )
        .await
        .unwrap();
    assert_eq!(next.iter().map(|(s, _)| *s).collect::<Vec<_>>(), [3, 4]);
    let stored = store.audit_chain(0, 10).await.unwrap();
    assert_eq!(
        stored[2].content,
        entry(3, Some(7)),
        "content exactly as given"
    );
    assert_eq!(stored[3].content, entry(4, None));
    assert_eq!(stored[2].prev_hash, tip.hash, "chained after the tip");
    let head = store.audit_head().await.unwrap().unwrap();
    assert_eq!((head.seq, &head.hash, head.at), (4, &next[1].1, 4));
    assert_eq!(
        head.mac,
        sign(4, &next[1].1, 4),
        "the head signed with the batch"
    );

    // Another appender moves the head: the stale tip must not fork the chain.
    store
        .append_audit(&[entry(5, Some(8))], &sign)
        .await
        .unwrap();
    let after = store
        .append_audit_after(Some(&tip_of(&next)), &[entry(6, Some(7))], &[], 6, &sign)
        .await
        .unwrap();
    assert_eq!(
        after[0].0, 6,
        "appended after the real head, not the stale tip"
    );
    assert_eq!(store.count_audit().await.unwrap(), 6);
    assert_eq!(verified_through(store).await, Some(6));
}

async fn answers_settle_with_the_batch_after_a_tip(store: &Store) {
    let at = |s| Utc.timestamp_opt(s, 0).unwrap();
    let app = crate::app("EINVTIP000001");
    for key in ["kept", "given-up"] {
        assert!(store
            .claim_signed_call(key, &app, at(100), at(0))
            .await
            .unwrap());
    }
    let first = store
        .append_audit_after(None, &[entry(1, Some(7))], &[], 1, &sign)
        .await
        .unwrap();
    let answers = [
        SignedAnswer {
            call_key: "kept".into(),
            app_id: app.clone(),
            expires_at: 100,
            reply: Some("{\"code\":200,\"msg\":\"執行成功\"}".into()),
        },
        // A read claimed in a node's memory (or Redis) has no row before its answer.
        SignedAnswer {
            call_key: "claimed-elsewhere".into(),
            app_id: app.clone(),
            expires_at: 100,
            reply: Some("{\"code\":200}".into()),
        },
        SignedAnswer {
            call_key: "given-up".into(),
            app_id: app.clone(),
            expires_at: 100,
            reply: None,
        },
    ];
    store
        .append_audit_after(
            Some(&tip_of(&first)),
            &[entry(2, Some(7))],
            &answers,
            2,
            &sign,
        )
        .await
        .unwrap();
    let answered = |body: &str| SignedCall::Answered(body.into());
    let expected = [
        (
            "kept",
            answered("{\"code\":200,\"msg\":\"執行成功\"}"),
            "its answer is kept",
        ),
        (
            "claimed-elsewhere",
            answered("{\"code\":200}"),
            "an answer without a claim row is kept",
        ),
        ("given-up", SignedCall::New, "a claim given up is removed"),
    ];
    crate::fixtures::assert_signed_calls(store, at(2), &expected).await;
    assert_eq!(verified_through(store).await, Some(2));
}

/// Two writers (as two nodes' audit writers), each keeping the tip it stored last, append at
/// once: every batch lands once, in one verifiable line.
async fn writers_with_their_own_tips_stay_linear(store: &Store) {
    let tasks: Vec<_> = (0..2)
        .map(|w| {
            let store = store.clone();
            tokio::spawn(async move {
                let mut tip: Option<ChainTip> = None;
                for i in 0..15 {
                    let batch = [entry(i, Some(w)), entry(i, None)];
                    let out = store
                        .append_audit_after(tip.as_ref(), &batch, &[], i, &sign)
                        .await
                        .unwrap();
                    tip = Some(tip_of(&out));
                }
            })
        })
        .collect();
    for t in tasks {
        t.await.unwrap();
    }
    assert_eq!(store.count_audit().await.unwrap(), 60);
    let head = store.audit_head().await.unwrap().unwrap();
    assert_eq!(head.seq, 60);
    assert_eq!(verified_through(store).await, Some(60));
}
