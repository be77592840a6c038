//! Migrations that move rows: each test arranges rows in the schema before the migration,
//! migrates, and finds every row where the new schema keeps it. On both backends.

use chrono::{TimeZone, Utc};
use einv_core::notice::NotificationKind;
use einv_store::testing::{execute_raw, TestDb};
use einv_store::{Recipient, Store};

use crate::fixtures::raw;

/// A migration's data test on both backends: `$test` gets a database migrated to just before
/// migration `$version`, as `$on_sqlite` and as `$on_postgres`.
macro_rules! before_migration {
    ($version:literal, $test:ident, $on_sqlite:ident, $on_postgres:ident) => {
        #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
        async fn $on_sqlite() {
            $test(TestDb::sqlite_before($version).await.unwrap()).await;
        }

        #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
        async fn $on_postgres() {
            $test(TestDb::postgres_before($version).await.unwrap()).await;
        }
    };
}

/// Migration 0010: the User notices in `user_notifications` move to `notifications` (one
/// notification system), none lost, read receipts kept, newest first as before.
async fn user_notices_join_the_one_notifications_table(db: TestDb) {
    let store = &db.store;
    let sent = |s: i64| Utc.timestamp_opt(1_764_000_000 + s, 0).unwrap();
    for (id, barcode) in [(1, "/AAAAAAA"), (2, "/BBBBBBB")] {
        raw(
            store,
            &format!(
                "INSERT INTO users (id, mobile_barcode, verification_hash, registered_at) \
                 VALUES ({id}, '{barcode}', 'h', 0)"
            ),
        )
        .await;
    }
    let rows = [
        (1, "consent.voided", "first", 10, Some(20)),
        (1, "app-ended", "second", 30, None),
        (2, "consent.voided", "another User", 15, None),
    ];
    for (user, kind, text, at, read) in rows {
        let read = read.map_or("NULL".to_owned(), |r: i64| {
            (sent(r).timestamp()).to_string()
        });
        raw(
            store,
            &format!(
                "INSERT INTO user_notifications (user_id, kind, text, created_at, read_at) \
                 VALUES ({user}, '{kind}', '{text}', {}, {read})",
                sent(at).timestamp()
            ),
        )
        .await;
    }
    store.migrate().await.unwrap();

    let first = store
        .notifications_of(Recipient::User(einv_core::UserId::new(1)))
        .await
        .unwrap();
    let seen: Vec<_> = first
        .iter()
        .map(|n| (n.kind.as_str(), n.body.as_str(), n.created_at, n.read_at))
        .collect();
    assert_eq!(
        seen,
        [
            ("app-ended", "second", sent(30), None),
            ("consent.voided", "first", sent(10), Some(sent(20))),
        ],
        "every notice moved, newest first, read receipts kept"
    );
    let second = store
        .notifications_of(Recipient::User(einv_core::UserId::new(2)))
        .await
        .unwrap();
    assert_eq!(second.len(), 1, "no one gets another User's notices");
    assert!(store
        .notifications_of(Recipient::Developer(einv_core::DeveloperId::new(1)))
        .await
        .unwrap()
        .is_empty());
    assert!(
        execute_raw(store, "SELECT 1 FROM user_notifications")
            .await
            .is_err(),
        "the old table is gone"
    );
    db.drop_db().await;
}

before_migration!(
    10,
    user_notices_join_the_one_notifications_table,
    user_notices_move_on_sqlite,
    user_notices_move_on_postgres
);

/// The notices the Platform sends a User now are read back, and marked read, through the same
/// table and calls as a Developer's.
async fn user_notices_are_notifications(store: &Store) {
    let at = Utc.timestamp_opt(1_764_000_000, 0).unwrap();
    let n = store
        .notify(
            Recipient::User(einv_core::UserId::new(7)),
            None,
            NotificationKind::ConsentVoided,
            "t",
            "b",
            at,
        )
        .await
        .unwrap();
    store
        .mark_all_notifications_read(Recipient::User(einv_core::UserId::new(8)), at)
        .await
        .unwrap();
    assert_eq!(
        store
            .notifications_of(Recipient::User(einv_core::UserId::new(7)))
            .await
            .unwrap()[0]
            .read_at,
        None,
        "another User's read-all leaves these unread"
    );
    store
        .mark_all_notifications_read(Recipient::User(einv_core::UserId::new(7)), at)
        .await
        .unwrap();
    let notes = store
        .notifications_of(Recipient::User(einv_core::UserId::new(7)))
        .await
        .unwrap();
    assert_eq!((notes[0].id, notes[0].read_at), (n, Some(at)));
}

einv_store::both_backends!(user_notices_are_notifications);

/// Migration 0125: open twins filed before the unique index are kept and marked as copies of
/// the earliest; completed ones and other kinds are untouched; the index then holds.
async fn open_request_twins_are_marked_before_the_index(db: TestDb) {
    let store = &db.store;
    raw(
        store,
        "INSERT INTO users (id, mobile_barcode, verification_hash, registered_at) \
         VALUES (1, '/AAAAAAA', 'h', 0)",
    )
    .await;
    let rows = [
        (1, "delete", "NULL"),
        (2, "delete", "NULL"),
        (3, "delete", "NULL"),
        (4, "stop-use", "NULL"),
        (5, "delete", "100"),
    ];
    for (id, kind, completed) in rows {
        raw(store, &format!(
                "INSERT INTO deletion_requests (id, user_id, app_id, kind, created_at, due_date, completed_at) \
                 VALUES ({id}, 1, 'APP1', '{kind}', 0, 20261227, {completed})"
            )).await;
    }
    store.migrate().await.unwrap();
    let mine = store
        .deletion_requests_of_user(einv_core::UserId::new(1))
        .await
        .unwrap();
    assert_eq!(mine.len(), 5, "no request is lost");
    let open = store
        .open_deletion_request(
            einv_core::UserId::new(1),
            &crate::app("APP1"),
            einv_store::RequestKind::Delete,
        )
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        open.id,
        einv_core::DeletionRequestId::new(1),
        "the earliest open one is the request"
    );
    let marked = raw(
        store,
        "UPDATE deletion_requests SET kind = kind WHERE duplicate_of = 1",
    )
    .await;
    assert_eq!(
        marked, 2,
        "requests 2 and 3 are copies of 1; 4 and 5 are not"
    );
    assert!(
        execute_raw(
            store,
            "INSERT INTO deletion_requests (user_id, app_id, kind, created_at, due_date) \
             VALUES (1, 'APP1', 'delete', 0, 20261227)",
        )
        .await
        .is_err(),
        "the index refuses another open twin"
    );
    db.drop_db().await;
}

before_migration!(
    125,
    open_request_twins_are_marked_before_the_index,
    open_request_twins_are_marked_on_sqlite,
    open_request_twins_are_marked_on_postgres
);
