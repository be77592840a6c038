//! The test databases themselves: a test that fails must not leave its PostgreSQL database
//! behind (the drop guard in `einv_store::testing`).

use einv_store::testing::{pg_admin_url, TestDb};
use sqlx::{AnyConnection, Connection, Row};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failing_test_leaves_no_postgres_database() {
    let db = TestDb::postgres().await.unwrap();
    let name = db.url.rsplit('/').next().unwrap().to_owned();
    let failing = tokio::spawn(async move {
        let _db = db;
        panic!("a failing test, on purpose");
    });
    assert!(failing.await.is_err(), "the test body panicked");
    let mut admin = AnyConnection::connect(&pg_admin_url()).await.unwrap();
    let left: i64 = sqlx::query("SELECT COUNT(*) FROM pg_database WHERE datname = $1")
        .bind(&name)
        .fetch_one(&mut admin)
        .await
        .unwrap()
        .get(0);
    assert_eq!(left, 0, "database {name} was left behind");
}
