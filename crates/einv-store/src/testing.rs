//! Real databases for tests: a temporary SQLite file, or a fresh PostgreSQL database per test
//! (STYLE.md 10). Never a mock.

use std::path::PathBuf;

use sqlx::{AnyConnection, Connection, Executor};

use crate::{Store, StoreError, StoreResult};

/// The PostgreSQL server tests use: `EINV_TEST_PG_URL`, or the development machines' default.
pub fn pg_admin_url() -> String {
    std::env::var("EINV_TEST_PG_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".to_owned())
}

/// A migrated database that lives as long as this value.
#[derive(Debug)]
pub struct TestDb {
    /// The store.
    pub store: Store,
    /// The URL it was opened with.
    pub url: String,
    cleanup: Cleanup,
}

#[derive(Debug)]
enum Cleanup {
    Sqlite(PathBuf),
    Postgres { admin_url: String, name: String },
}

impl TestDb {
    /// A fresh SQLite database in a temporary file.
    pub async fn sqlite() -> StoreResult<Self> {
        let path = std::env::temp_dir().join(format!("einv-test-{}.db", unique()));
        let url = format!("sqlite://{}?mode=rwc", path.display());
        let store = Store::connect(&url).await?;
        store.migrate().await?;
        Ok(Self {
            store,
            url,
            cleanup: Cleanup::Sqlite(path),
        })
    }

    /// A fresh PostgreSQL database on the test server.
    pub async fn postgres() -> StoreResult<Self> {
        sqlx::any::install_default_drivers();
        let admin_url = pg_admin_url();
        let name = format!("einv_test_{}", unique());
        let mut admin = AnyConnection::connect(&admin_url).await?;
        admin
            .execute(format!("CREATE DATABASE {name}").as_str())
            .await?;
        admin.close().await?;
        let base = admin_url.rsplit_once('/').map(|(b, _)| b).ok_or_else(|| {
            StoreError::Config(format!(
                "EINV_TEST_PG_URL has no database part: {admin_url}"
            ))
        })?;
        let url = format!("{base}/{name}");
        let store = Store::connect(&url).await?;
        store.migrate().await?;
        Ok(Self {
            store,
            url,
            cleanup: Cleanup::Postgres { admin_url, name },
        })
    }

    /// Closes the store and removes the database.
    pub async fn drop_db(self) {
        self.store.close().await;
        match self.cleanup {
            Cleanup::Sqlite(path) => {
                for suffix in ["", "-wal", "-shm"] {
                    let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
                }
            }
            Cleanup::Postgres { admin_url, name } => {
                if let Ok(mut admin) = AnyConnection::connect(&admin_url).await {
                    let _ = admin
                        .execute(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)").as_str())
                        .await;
                }
            }
        }
    }
}

fn unique() -> String {
    use std::sync::atomic::{AtomicU32, Ordering};
    static N: AtomicU32 = AtomicU32::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or_default();
    format!(
        "{}_{}_{}",
        std::process::id(),
        nanos,
        N.fetch_add(1, Ordering::Relaxed)
    )
}

/// Runs each listed `async fn(&Store)` as two tests, one on a fresh SQLite file and one on a
/// fresh PostgreSQL database: the store's one suite covers both backends.
#[macro_export]
macro_rules! both_backends {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(#[tokio::test(flavor = "multi_thread", worker_threads = 2)] async fn $name() {
                let db = $crate::testing::TestDb::sqlite().await.expect("sqlite");
                super::$name(&db.store).await;
                db.drop_db().await;
            })*
        }
        mod postgres {
            $(#[tokio::test(flavor = "multi_thread", worker_threads = 2)] async fn $name() {
                let db = $crate::testing::TestDb::postgres().await.expect("postgres");
                super::$name(&db.store).await;
                db.drop_db().await;
            })*
        }
    };
}

/// Runs one raw SQL statement on `store`'s database: for tests that must show the database
/// itself refuses a statement the store never issues (R10.4: the append-only triggers).
pub async fn execute_raw(store: &Store, sql: &str) -> StoreResult<u64> {
    Ok(sqlx::query(sql)
        .execute(store.pool())
        .await?
        .rows_affected())
}
