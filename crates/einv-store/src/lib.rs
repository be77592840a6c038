//! Storage for einv. Only this crate speaks SQL.
//!
//! One [`Store`] serves both backends through sqlx's `Any` driver: SQLite (the embedded
//! default, one file in WAL mode) and PostgreSQL (production). The SQL is written once in the
//! dialect both share (`$n` parameters, integers for times, dates and flags), so the two
//! backends cannot drift apart; each backend has its own numbered migrations under
//! `migrations/`, and one test suite (`tests/it/`) runs against both.

use std::str::FromStr;
use std::time::Duration;

use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::{AnyPool, Executor};

mod apps;
mod audit;
mod audit_chain;
mod audit_rows;
mod audit_sqlite;
mod audit_tip;
mod carrier_proof;
mod columns;
mod consent;
mod error;
mod flow;
mod hot_read;
mod invoices;
mod jobs;
mod licensing;
mod parties;
mod query;
pub mod records;
mod sessions;
mod signed_calls;
mod signing;
#[cfg(feature = "test-support")]
pub mod testing;
mod users;
mod versions;
mod wal_checkpoint;
mod winners;
mod winning;

pub use audit::{AuditFilter, HeadSigner, UserEntriesPage};
pub use audit_tip::ChainTip;
pub use carrier_proof::CarrierProof;
pub use consent::records::*;
pub use error::StoreError;
pub use flow::FlowLimitChangeRecord;
pub use invoices::bulk::{BatchOutcome, InvoiceBatch, StatusChange, StatusOutcome, MAX_PARAMS};
pub use invoices::feed::{CacheState, ChangedInvoices, FeedReading};
pub use invoices::{CarrierKey, InsertOutcome};
pub use jobs::{JobOutcome, JobRunRecord, LapsedGrant, RunOutcome};
pub use licensing::records::*;
pub use licensing::review::{LicenceListing, LicenceSearch, ReviewerName, RevisionRecord};
pub use records::*;
pub use sessions::{SessionKind, SessionRecord};
pub use signed_calls::{OpenSignedCall, SignedAnswer, SignedCall, EXPIRED_PER_BATCH};
pub use signing::{IdempotentAnswer, SigningKeyRecord};
pub use versions::CacheVersions;
pub use winners::MarkOutcome;

/// Which database a [`Store`] talks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// The embedded default: one SQLite file.
    Sqlite,
    /// PostgreSQL, for production.
    Postgres,
}

/// The system of record.
#[derive(Debug, Clone)]
pub struct Store {
    pool: AnyPool,
    backend: Backend,
    /// The hot path's read-only SQLite connections (none on PostgreSQL or in memory).
    hot: Option<std::sync::Arc<hot_read::HotReader>>,
    /// The audit appends' own SQLite connection (none on PostgreSQL or in memory).
    audit: Option<std::sync::Arc<audit_sqlite::AuditAppender>>,
    /// The SQLite file's background WAL checkpoints (none on PostgreSQL or in memory).
    checkpoints: Option<std::sync::Arc<wal_checkpoint::WalCheckpointer>>,
    /// Invoice writes this process committed (invoices/feed.rs), shared by the clones.
    invoice_writes: std::sync::Arc<std::sync::atomic::AtomicU64>,
}

/// Result of store operations.
pub type StoreResult<T> = Result<T, StoreError>;

impl Store {
    /// Connects to `url` (`sqlite://path?mode=rwc` or `postgres://…`). Does not migrate.
    pub async fn connect(url: &str) -> StoreResult<Self> {
        sqlx::any::install_default_drivers();
        let backend = if url.starts_with("sqlite:") {
            Backend::Sqlite
        } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            Backend::Postgres
        } else {
            return Err(StoreError::Config(format!(
                "database URL must start with sqlite: or postgres:, got {:?}",
                url.split(':').next().unwrap_or_default()
            )));
        };
        let options = AnyConnectOptions::from_str(url)?;
        let file = match backend {
            Backend::Sqlite => hot_read::sqlite_file(url),
            Backend::Postgres => None,
        };
        let checkpoints_apart = file.is_some();
        let pool = match backend {
            Backend::Sqlite => {
                // Four: each connection is a worker thread, and the hot reads have their own
                // (hot_read.rs); more threads than cores only queue on SQLite's locks.
                AnyPoolOptions::new()
                    .max_connections(4)
                    .after_connect(move |conn, _| {
                        Box::pin(async move {
                            conn.execute(WRITER_PRAGMAS).await?;
                            conn.execute(hot_read::SERVING_PRAGMAS).await?;
                            if checkpoints_apart {
                                conn.execute(wal_checkpoint::NO_AUTO_CHECKPOINT).await?;
                            }
                            Ok(())
                        })
                    })
                    .connect_with(options)
                    .await?
            }
            Backend::Postgres => {
                AnyPoolOptions::new()
                    .max_connections(16)
                    .acquire_timeout(Duration::from_secs(10))
                    .connect_with(options)
                    .await?
            }
        };
        let hot = match backend {
            Backend::Sqlite => hot_read::HotReader::for_url(url),
            Backend::Postgres => None,
        };
        Ok(Self {
            pool,
            backend,
            hot,
            audit: file.clone().map(audit_sqlite::AuditAppender::new),
            checkpoints: file.map(wal_checkpoint::WalCheckpointer::start),
            invoice_writes: std::sync::Arc::default(),
        })
    }

    /// The SQLite file `path`, created if missing — readable by its owner only (0600 on
    /// Unix): it holds people's purchase histories. SQLite gives its `-wal` and `-shm` files
    /// the database file's permissions.
    pub async fn open_sqlite(path: &std::path::Path) -> StoreResult<Self> {
        create_private(path).map_err(|e| StoreError::Config(format!("{}: {e}", path.display())))?;
        Self::connect(&format!("sqlite://{}?mode=rwc", path.display())).await
    }

    /// Runs the backend's migrations up to the latest.
    pub async fn migrate(&self) -> StoreResult<()> {
        self.migrator().run(&self.pool).await?;
        Ok(())
    }

    fn migrator(&self) -> sqlx::migrate::Migrator {
        match self.backend {
            Backend::Sqlite => sqlx::migrate!("./migrations/sqlite"),
            Backend::Postgres => sqlx::migrate!("./migrations/postgres"),
        }
    }

    /// Runs the migrations numbered below `version` only (tests of a migration's data
    /// changes arrange rows in the schema before it, then [`Store::migrate`]).
    #[cfg(feature = "test-support")]
    pub async fn migrate_before(&self, version: i64) -> StoreResult<()> {
        let mut migrator = self.migrator();
        let kept: Vec<_> = migrator
            .migrations
            .iter()
            .filter(|m| m.version < version)
            .cloned()
            .collect();
        migrator.migrations = kept.into();
        migrator.run(&self.pool).await?;
        Ok(())
    }

    /// The backend.
    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// Checks that the database answers (a readiness probe): one trivial query.
    pub async fn ping(&self) -> StoreResult<()> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }

    /// Closes every connection, and stops the background WAL checkpoints.
    pub async fn close(&self) {
        self.pool.close().await;
        if let Some(audit) = &self.audit {
            audit.close().await;
        }
        if let Some(hot) = &self.hot {
            hot.close_idle();
        }
        if let Some(checkpoints) = &self.checkpoints {
            checkpoints.close().await;
        }
    }

    /// Holds (`true`) or lets go the background WAL checkpoints of a SQLite file, for tests
    /// that show nothing else checkpoints; returns once no checkpoint is running.
    #[cfg(feature = "test-support")]
    pub fn hold_wal_checkpoints(&self, held: bool) {
        if let Some(checkpoints) = &self.checkpoints {
            checkpoints.hold(held);
        }
    }

    /// `(batches, of which after a stale tip)` the audit appends on a SQLite file's own
    /// connection stored (none on PostgreSQL or in memory), for tests.
    #[cfg(feature = "test-support")]
    pub fn audit_batches_off_sqlx(&self) -> Option<(u64, u64)> {
        self.audit.as_ref().map(|a| a.counts())
    }

    pub(crate) fn pool(&self) -> &AnyPool {
        &self.pool
    }

    /// The audit appends' own connection, on a SQLite file.
    pub(crate) fn audit_appender(&self) -> Option<&audit_sqlite::AuditAppender> {
        self.audit.as_deref()
    }
}

/// Pragmas of every SQLite connection that writes: WAL lets readers run beside the one
/// writer; NORMAL sync is safe with WAL; the busy timeout makes writers queue instead of
/// failing.
pub(crate) const WRITER_PRAGMAS: &str = "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; \
    PRAGMA busy_timeout = 10000; PRAGMA foreign_keys = ON;";

/// Creates `path` empty with owner-only permissions if it does not exist; an existing file is
/// left as it is. Created with the mode at once, so it is never briefly readable by others.
fn create_private(path: &std::path::Path) -> std::io::Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    match options.open(path) {
        Ok(_) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
        Err(e) => Err(e),
    }
}
