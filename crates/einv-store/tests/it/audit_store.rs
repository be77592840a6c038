//! The audit trail's storage on both backends: appends chain linearly even when concurrent,
//! the queries filter by User, AppID and time, a purge leaves a verifiable rest (R5.3, R6.4).

use chrono::{TimeZone, Utc};
use einv_core::audit::{genesis_hash, CheckpointKey, EntryContent, Verifier, HEAD};
use einv_store::*;

einv_store::both_backends!(
    starts_at_genesis_and_chains,
    concurrent_appends_stay_linear,
    queries_filter,
    purge_keeps_the_rest_verifiable,
    a_users_entries_page_by_time_and_sequence,
    other_sessions_end_and_this_one_stays,
    a_large_batch_is_stored_in_order_and_verifies,
    a_kept_answer_rides_the_audit_batch,
    ended_calls_leave_a_bounded_number_per_batch
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
        invoices: vec!["AB00000001".into(), "AB12345***".into()].into(),
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

/// A batch of 100 entries goes in as multi-row statements (64 + 32 + 4 rows): every entry is
/// stored at its place in the chain, and the whole verifies.
async fn a_large_batch_is_stored_in_order_and_verifies(store: &Store) {
    let batch: Vec<EntryContent> = (1..=100).map(|i| entry(i, i, "A")).collect();
    let out = store.append_audit(&batch, &sign).await.unwrap();
    assert_eq!(out.len(), 100);
    let back = store.audit_chain(0, 200).await.unwrap();
    assert_eq!(back.len(), 100);
    for (i, stored) in back.iter().enumerate() {
        assert_eq!(stored.seq, i as i64 + 1);
        assert_eq!(stored.content, batch[i], "entry {i} where it was appended");
        assert_eq!(stored.hash, out[i].1);
    }
    let report = verify(store, &CheckpointKey::new([1; 32])).await;
    assert!(report.is_ok(), "{:?}", report.problems);
    assert_eq!(report.proven_through, Some(100));
}

/// A signed call's answer is kept in the audit batch's transaction; a claim given up is
/// removed; a claim whose window passed is taken over by a new one, never refused.
async fn a_kept_answer_rides_the_audit_batch(store: &Store) {
    let at = |s| Utc.timestamp_opt(s, 0).unwrap();
    assert!(store
        .claim_signed_call("k1", &crate::app("A"), at(100), at(0))
        .await
        .unwrap());
    assert!(store
        .claim_signed_call("k2", &crate::app("A"), at(100), at(0))
        .await
        .unwrap());
    assert!(!store
        .claim_signed_call("k1", &crate::app("A"), at(100), at(1))
        .await
        .unwrap());
    let answers = [
        SignedAnswer {
            call_key: "k1".into(),
            app_id: crate::app("A"),
            expires_at: 100,
            reply: Some("{\"code\":200}".into()),
        },
        SignedAnswer {
            call_key: "k2".into(),
            app_id: crate::app("A"),
            expires_at: 100,
            reply: None,
        },
        // Claimed in a node's memory: no row until its answer is kept.
        SignedAnswer {
            call_key: "k3".into(),
            app_id: crate::app("A"),
            expires_at: 50,
            reply: Some("{\"code\":201}".into()),
        },
        SignedAnswer {
            call_key: "k4".into(),
            app_id: crate::app("A"),
            expires_at: 60,
            reply: Some(String::new()),
        },
    ];
    store
        .append_audit_and_answers(&[entry(1, 1, "A")], &answers, 1, &sign)
        .await
        .unwrap();
    let answered = |body: &str| SignedCall::Answered(body.into());
    let expected = [
        ("k1", answered("{\"code\":200}"), "answered in the batch"),
        ("k2", SignedCall::New, "a claim given up is removed"),
        (
            "k3",
            answered("{\"code\":201}"),
            "an answer without a claim row is kept",
        ),
        (
            "k4",
            SignedCall::AnsweredNotKept,
            "an empty answer: answered, not kept",
        ),
    ];
    crate::fixtures::assert_signed_calls(store, at(1), &expected).await;
    let open = store.open_signed_calls(at(1), 10).await.unwrap();
    let keys: Vec<(&str, bool, i64)> = open
        .iter()
        .map(|c| (c.call_key.as_str(), c.answered, c.expires_at))
        .collect();
    assert_eq!(
        keys,
        [("k1", true, 100), ("k4", true, 60), ("k3", true, 50)],
        "latest window first"
    );
    assert_eq!(store.open_signed_calls(at(51), 10).await.unwrap().len(), 2);
    assert_eq!(store.audit_chain(0, 10).await.unwrap().len(), 1);
    // Past its window, k1 is claimed afresh (in place) rather than refused as a replay.
    assert!(store
        .claim_signed_call("k1", &crate::app("A"), at(500), at(101))
        .await
        .unwrap());
    assert_eq!(
        store.signed_call("k1", at(101)).await.unwrap(),
        SignedCall::InFlight
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
    let user1 = store
        .accesses_of_user(einv_core::UserId::new(1), 10)
        .await
        .unwrap();
    assert_eq!(
        user1.iter().map(|e| e.seq).collect::<Vec<_>>(),
        [3, 1],
        "newest first, only User 1"
    );
    let app_a = store
        .audit_entries(&AuditFilter::App(crate::app("A")), 10)
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

/// The User's history page (R6.4): only that User's entries, inside `[from, to)`, newest first,
/// older than the cursor, at most `limit`.
async fn a_users_entries_page_by_time_and_sequence(store: &Store) {
    let page = |from, to, before_seq, limit| {
        einv_store::UserEntriesPage::newest(einv_core::UserId::new(1), (from, to), limit)
            .before(before_seq)
    };
    let entries: Vec<EntryContent> = (1..=6)
        .map(|at| entry(at * 100, if at == 3 { 2 } else { 1 }, "A"))
        .collect();
    store.append_audit(&entries, &sign).await.unwrap();
    let ats = |page: &[einv_core::audit::StoredEntry]| -> Vec<i64> {
        page.iter().map(|e| e.content.at).collect()
    };
    let all = store
        .user_entries_page(&page(0, i64::MAX, i64::MAX, 10))
        .await
        .unwrap();
    assert_eq!(
        ats(&all),
        [600, 500, 400, 200, 100],
        "User 2's entry is not User 1's"
    );
    let first = store
        .user_entries_page(&page(0, i64::MAX, i64::MAX, 2))
        .await
        .unwrap();
    assert_eq!(ats(&first), [600, 500]);
    let next = store
        .user_entries_page(&page(0, i64::MAX, first[1].seq, 2))
        .await
        .unwrap();
    assert_eq!(ats(&next), [400, 200], "the page after the cursor");
    let window = store
        .user_entries_page(&page(200, 500, i64::MAX, 10))
        .await
        .unwrap();
    assert_eq!(ats(&window), [400, 200], "from inclusive, to exclusive");
}

/// After a credential change the other sessions of the subject end; this one, and other
/// subjects' and roles', stay.
async fn other_sessions_end_and_this_one_stays(store: &Store) {
    let now = Utc.with_ymd_and_hms(2026, 11, 27, 2, 0, 0).unwrap();
    let session = |hash: &str, role: &str, subject: &str| SessionRecord {
        token_hash: hash.into(),
        role: role.parse().unwrap(),
        subject: subject.into(),
        csrf_token: "c".into(),
        expires_at: now + chrono::Duration::hours(8),
    };
    for (hash, role, subject) in [
        ("h1", "user", "7"),
        ("h2", "user", "7"),
        ("h3", "user", "8"),
        ("h4", "developer", "7"),
    ] {
        store
            .create_session(&session(hash, role, subject), now)
            .await
            .unwrap();
    }
    assert_eq!(
        store
            .delete_other_sessions(SessionKind::User, "7", "h1")
            .await
            .unwrap(),
        1
    );
    for (hash, alive) in [("h1", true), ("h2", false), ("h3", true), ("h4", true)] {
        assert_eq!(
            store.find_session(hash, now).await.unwrap().is_some(),
            alive,
            "{hash}"
        );
    }
}

/// Calls whose windows end in the same second are removed a bounded number per batch, so one
/// batch never carries a whole burst's deletion; later batches remove the rest.
async fn ended_calls_leave_a_bounded_number_per_batch(store: &Store) {
    let at = |s| Utc.timestamp_opt(s, 0).unwrap();
    let answer = |key: String, expires_at| SignedAnswer {
        call_key: key,
        app_id: crate::app("A"),
        expires_at,
        reply: Some("{}".into()),
    };
    let burst = EXPIRED_PER_BATCH + 44;
    let answers: Vec<SignedAnswer> = (0..burst).map(|i| answer(format!("b{i}"), 10)).collect();
    store
        .append_audit_and_answers(&[entry(1, 1, "A")], &answers, 1, &sign)
        .await
        .unwrap();
    let rows = || async { store.open_signed_calls(at(0), 10_000).await.unwrap().len() };
    assert_eq!(rows().await, burst);
    store
        .append_audit_and_answers(&[entry(20, 1, "A")], &[answer("n1".into(), 100)], 20, &sign)
        .await
        .unwrap();
    assert_eq!(
        rows().await,
        burst - EXPIRED_PER_BATCH + 1,
        "one batch, a bounded part"
    );
    store
        .append_audit_and_answers(&[entry(21, 1, "A")], &[answer("n2".into(), 100)], 21, &sign)
        .await
        .unwrap();
    assert_eq!(rows().await, 2, "the next batch, the rest");
}
