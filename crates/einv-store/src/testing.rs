//! Test support, compiled only with the `test-support` feature (the crates' dev-dependencies
//! turn it on; the shipped library never has it). Real databases for tests, never a mock: a
//! temporary SQLite file, or a fresh PostgreSQL database per test. Also the one `invoice()`
//! builder every test suite uses.

use std::path::PathBuf;

use chrono::NaiveDate;
use einv_core::invoice::ItemDraft;
use einv_core::{Invoice, InvoiceDraft};
use sqlx::{AnyConnection, Connection, Executor};

use crate::{Store, StoreError, StoreResult};

/// The bulk path's new-invoice columns and their binding, for the import benchmark's baseline
/// (one INSERT per invoice through sqlx's native SQLite driver): both paths write one header
/// the same way.
pub use crate::invoices::bulk::{bind_header as bind_invoice_header, INVOICE_COLUMNS};

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
    /// What to remove when the test ends; `None` once removed. A test that panics never reaches
    /// [`TestDb::drop_db`], so [`Drop`] removes it then: no database is left behind.
    cleanup: Option<Cleanup>,
}

#[derive(Debug)]
enum Cleanup {
    Sqlite(PathBuf),
    Postgres { admin_url: String, name: String },
}

impl TestDb {
    /// A fresh SQLite database in a temporary file.
    pub async fn sqlite() -> StoreResult<Self> {
        Self::sqlite_before(i64::MAX).await
    }

    /// A fresh PostgreSQL database on the test server.
    pub async fn postgres() -> StoreResult<Self> {
        Self::postgres_before(i64::MAX).await
    }

    /// A fresh SQLite database migrated up to (not including) migration `version`, for tests
    /// of what a migration does to rows already there.
    pub async fn sqlite_before(version: i64) -> StoreResult<Self> {
        let path = std::env::temp_dir().join(format!("einv-test-{}.db", unique()));
        let url = format!("sqlite://{}?mode=rwc", path.display());
        let store = Store::connect(&url).await?;
        store.migrate_before(version).await?;
        Ok(Self {
            store,
            url,
            cleanup: Some(Cleanup::Sqlite(path)),
        })
    }

    /// [`TestDb::sqlite_before`] on the PostgreSQL test server.
    pub async fn postgres_before(version: i64) -> StoreResult<Self> {
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
        store.migrate_before(version).await?;
        Ok(Self {
            store,
            url,
            cleanup: Some(Cleanup::Postgres { admin_url, name }),
        })
    }

    /// Closes the store and removes the database.
    pub async fn drop_db(mut self) {
        self.store.close().await;
        if let Some(cleanup) = self.cleanup.take() {
            cleanup.run().await;
        }
    }
}

impl Drop for TestDb {
    /// The guard for a test that panicked before [`TestDb::drop_db`]: removes the database from
    /// a thread of its own, since a panicking test's runtime cannot be awaited on here.
    fn drop(&mut self) {
        let Some(cleanup) = self.cleanup.take() else {
            return;
        };
        let cleaner = std::thread::spawn(move || {
            if let Ok(rt) = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
            {
                rt.block_on(cleanup.run());
            }
        });
        let _ = cleaner.join();
    }
}

impl Cleanup {
    async fn run(self) {
        match self {
            Cleanup::Sqlite(path) => {
                for suffix in ["", "-wal", "-shm"] {
                    let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
                }
            }
            Cleanup::Postgres { admin_url, name } => {
                // FORCE ends the connections a panicking test's pool still holds.
                if let Ok(mut admin) = AnyConnection::connect(&admin_url).await {
                    let _ = admin
                        .execute(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)").as_str())
                        .await;
                }
            }
        }
    }
}

/// The draft of a valid, issued invoice of 105 NTD (one line) from seller 04595257 (示範商店,
/// 台北市), with random code 1234: `number` and `date` (y, m, d) as given, on `carrier` (type,
/// id) or printed when `None`.
pub fn invoice_draft(
    number: &str,
    date: (i32, u32, u32),
    carrier: Option<(&str, &str)>,
) -> InvoiceDraft {
    InvoiceDraft {
        number: number.into(),
        date: NaiveDate::from_ymd_opt(date.0, date.1, date.2),
        time: "12:30:00".into(),
        seller_id: "04595257".into(),
        seller_name: "示範商店".into(),
        seller_address: "台北市".into(),
        random_number: Some("1234".into()),
        sales_amount: "100".into(),
        tax_type: "1".into(),
        tax_amount: Some("5".into()),
        total_amount: "105".into(),
        carrier_type: carrier.map(|(t, _)| t.into()),
        carrier_id1: carrier.map(|(_, id)| id.into()),
        printed: carrier.is_none(),
        items: vec![ItemDraft {
            row: None,
            description: "乾電池".into(),
            quantity: "1".into(),
            unit_price: "105".into(),
            amount: "105".into(),
        }],
        ..InvoiceDraft::default()
    }
}

/// [`invoice_draft`] with `tweak` applied, made by the core's one constructor
/// ([`Invoice::new`]). Panics when the tweaked draft is refused, which is a broken test, not an
/// input.
pub fn invoice(
    number: &str,
    date: (i32, u32, u32),
    carrier: Option<(&str, &str)>,
    tweak: impl FnOnce(&mut InvoiceDraft),
) -> Invoice {
    let mut draft = invoice_draft(number, date, carrier);
    tweak(&mut draft);
    Invoice::new(draft).expect("a valid test invoice")
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
        $crate::both_backends!(@on sqlite, sqlite, $($name),*);
        $crate::both_backends!(@on postgres, postgres, $($name),*);
    };
    // One module of tests, each on a database `TestDb::$open` makes.
    (@on $module:ident, $open:ident, $($name:ident),*) => {
        mod $module {
            $(#[tokio::test(flavor = "multi_thread", worker_threads = 2)] async fn $name() {
                let db = $crate::testing::TestDb::$open().await.expect(stringify!($open));
                super::$name(&db.store).await;
                db.drop_db().await;
            })*
        }
    };
}

/// Runs each listed `async fn(&Store)` as a test on a fresh PostgreSQL database only: for what
/// SQLite does not have (invoices partitioned by period).
#[macro_export]
macro_rules! postgres_only {
    ($($name:ident),* $(,)?) => {
        $crate::both_backends!(@on postgres_only, postgres, $($name),*);
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
