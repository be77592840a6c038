//! The store's one error type.

/// What can go wrong in the store.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The configuration (URL, path) is wrong.
    #[error("database configuration: {0}")]
    Config(String),
    /// A uniqueness rule was broken: the thing already exists.
    #[error("{0} already exists")]
    AlreadyExists(&'static str),
    /// The row changed since it was read (another transition won the race); retry.
    #[error("{0} changed meanwhile; reload and try again")]
    Stale(&'static str),
    /// Stored data does not parse as the domain type it should be.
    #[error("corrupt stored value in {table}.{column}: {problem}")]
    Corrupt {
        /// Table.
        table: &'static str,
        /// Column.
        column: &'static str,
        /// What is wrong.
        problem: String,
    },
    /// The database failed.
    #[error("database: {0}")]
    Database(#[from] sqlx::Error),
    /// The database failed on the SQLite connections of the hot path's reads and audit
    /// appends (hot_read.rs, audit_sqlite.rs).
    #[error("database: {0}")]
    Read(#[from] rusqlite::Error),
    /// A migration failed.
    #[error("migration: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
}

impl StoreError {
    /// A stored value of `table`.`column` that is wrong in a way `problem` says (never with a
    /// personal value in it).
    pub(crate) fn corrupt(
        table: &'static str,
        column: &'static str,
        problem: impl ToString,
    ) -> Self {
        Self::Corrupt {
            table,
            column,
            problem: problem.to_string(),
        }
    }

    /// A stored value of `table`.`column` that does not parse as the domain type `T`. The
    /// value itself stays out of the message: it may be personal data (a mobile barcode).
    pub(crate) fn corrupt_as<T>(table: &'static str, column: &'static str) -> Self {
        let type_name = std::any::type_name::<T>();
        let short = type_name.rsplit("::").next().unwrap_or(type_name);
        Self::Corrupt {
            table,
            column,
            problem: format!("does not parse as {short}"),
        }
    }

    /// Turns a unique-constraint violation into [`StoreError::AlreadyExists`], so callers see the domain word, not the SQL error.
    pub(crate) fn on_unique(err: sqlx::Error, what: &'static str) -> Self {
        match &err {
            sqlx::Error::Database(db) if db.is_unique_violation() => Self::AlreadyExists(what),
            _ => Self::Database(err),
        }
    }
}
