//! The audit appends on a SQLite file (einv-store audit_sqlite.rs): each batch in one blocking
//! task on the store's own connection, chained after the head when another appender moved it
//! (R5.3, R6.4); and the WAL checkpointed by the background thread, never by a commit
//! (wal_checkpoint.rs).

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use einv_core::audit::{CheckpointKey, EntryContent, Verifier, HEAD};
use einv_store::testing::TestDb;
use einv_store::*;

fn sign(seq: i64, hash: &str, at: i64) -> String {
    CheckpointKey::new([2; 32]).sign(HEAD, seq, hash, at)
}

fn entry(at: i64, detail_len: usize) -> EntryContent {
    EntryContent {
        at,
        actor: "app:EINVBLOCK00001".into(),
        action: "data.carrier-invoices".into(),
        user_id: Some(at % 7),
        app_id: Some("EINVBLOCK00001".into()),
        invoices: vec!["AB00000001".into()].into(),
        ip: None,
        detail: "載".repeat(detail_len / 3),
    }
}

fn tip_of(out: &[(i64, String)]) -> ChainTip {
    let (seq, hash) = out.last().unwrap().clone();
    ChainTip { seq, hash }
}

fn file_of(db: &TestDb) -> PathBuf {
    let rest = db.url.strip_prefix("sqlite://").unwrap();
    PathBuf::from(rest.split('?').next().unwrap())
}

async fn verified_through(store: &Store) -> Option<i64> {
    let key = CheckpointKey::new([2; 32]);
    let mut v = Verifier::new(&key, &store.audit_checkpoints().await.unwrap());
    for e in store.audit_chain(-1, 10_000).await.unwrap() {
        v.push(e);
    }
    let report = v.finish(store.audit_head().await.unwrap());
    assert!(report.is_ok(), "{:?}", report.problems);
    report.proven_through
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn writer_batches_take_one_task_and_chain_after_a_direct_append() {
    let db = TestDb::sqlite().await.unwrap();
    let store = &db.store;
    assert_eq!(store.audit_batches_off_sqlx(), Some((0, 0)));
    let first = store
        .append_audit_after(None, &[entry(1, 30), entry(2, 30)], &[], 2, &sign)
        .await
        .unwrap();
    let second = store
        .append_audit_after(Some(&tip_of(&first)), &[entry(3, 30)], &[], 3, &sign)
        .await
        .unwrap();
    assert_eq!(
        store.audit_batches_off_sqlx(),
        Some((2, 0)),
        "both batches on the store's own connection, the second after its tip"
    );

    // A direct append between two writer batches: the writer's tip is stale.
    let direct = store.append_audit(&[entry(4, 30)], &sign).await.unwrap();
    let third = store
        .append_audit_after(
            Some(&tip_of(&second)),
            &[entry(5, 30), entry(6, 30)],
            &[],
            6,
            &sign,
        )
        .await
        .unwrap();
    assert_eq!(third.iter().map(|(s, _)| *s).collect::<Vec<_>>(), [5, 6]);
    assert_eq!(
        store.audit_batches_off_sqlx(),
        Some((4, 1)),
        "one stale tip"
    );
    let stored = store.audit_chain(4, 1).await.unwrap();
    assert_eq!(
        stored[0].prev_hash, direct[0].1,
        "chained after the direct append"
    );

    // After the fallback the writer's new tip is current again.
    let fourth = store
        .append_audit_after(Some(&tip_of(&third)), &[entry(7, 30)], &[], 7, &sign)
        .await
        .unwrap();
    assert_eq!(fourth[0].0, 7);
    assert_eq!(store.audit_batches_off_sqlx(), Some((5, 1)));
    let head = store.audit_head().await.unwrap().unwrap();
    assert_eq!(
        (head.seq, head.mac.as_str()),
        (7, sign(7, &fourth[0].1, 7).as_str())
    );
    assert_eq!(verified_through(store).await, Some(7));
    db.drop_db().await;

    let memory = Store::connect("sqlite::memory:").await.unwrap();
    assert_eq!(memory.audit_batches_off_sqlx(), None, "in memory: sqlx");
}

/// The audit entries in the database file itself, without its WAL (a copy of the file alone);
/// `None` when the copy cannot be read (a checkpoint was writing it).
fn entries_in_main_file(path: &Path) -> Option<i64> {
    let copy = path.with_extension("main-only.db");
    std::fs::copy(path, &copy).ok()?;
    let count = rusqlite::Connection::open(&copy).ok().and_then(|c| {
        let tables: i64 = c
            .query_row(
                "SELECT COUNT(*) FROM sqlite_master WHERE name = 'audit_log'",
                [],
                |r| r.get(0),
            )
            .ok()?;
        if tables == 0 {
            return Some(0);
        }
        c.query_row("SELECT COUNT(*) FROM audit_log", [], |r| r.get(0))
            .ok()
    });
    for suffix in ["", "-wal", "-shm"] {
        let mut name = copy.as_os_str().to_owned();
        name.push(suffix);
        let _ = std::fs::remove_file(PathBuf::from(name));
    }
    count
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_wal_is_checkpointed_in_the_background_not_by_commits() {
    let db = TestDb::sqlite().await.unwrap();
    let store = &db.store;
    let path = file_of(&db);
    store.hold_wal_checkpoints(true);
    // About 2,000 pages: twice what made SQLite checkpoint inside a commit.
    let mut tip = None;
    for batch in 0..25 {
        let entries: Vec<_> = (0..100).map(|i| entry(batch * 100 + i, 3000)).collect();
        let out = store
            .append_audit_after(tip.as_ref(), &entries, &[], batch, &sign)
            .await
            .unwrap();
        tip = Some(tip_of(&out));
    }
    // A commit on the sqlx pool's connections too.
    let last = tip.unwrap();
    let checkpoint = CheckpointKey::new([2; 32]).checkpoint("checkpoint", last.seq, last.hash, 1);
    store.add_audit_checkpoint(&checkpoint).await.unwrap();
    assert_eq!(
        entries_in_main_file(&path),
        Some(0),
        "no commit checkpointed the WAL"
    );

    store.hold_wal_checkpoints(false);
    let deadline = Instant::now() + Duration::from_secs(10);
    let mut seen = None;
    while Instant::now() < deadline {
        seen = entries_in_main_file(&path);
        if seen == Some(2500) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(seen, Some(2500), "the background checkpoint copied the WAL");
    assert_eq!(store.count_audit().await.unwrap(), 2500);
    db.drop_db().await;
}
