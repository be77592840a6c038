//! Running a bound statement on the pool and reading its rows through a record's decoder: the
//! one place the store's methods hand a query to the database, so each method says only its
//! SQL, its parameters and how a row reads.

use sqlx::any::{AnyArguments, AnyRow};
use sqlx::Any;

use crate::{Store, StoreError, StoreResult};

/// A statement with its parameters bound.
pub(crate) type Bound<'q> = sqlx::query::Query<'q, Any, AnyArguments<'q>>;

/// An `INSERT … RETURNING id` with its parameters bound.
pub(crate) type BoundId<'q> = sqlx::query::QueryScalar<'q, Any, i64, AnyArguments<'q>>;

impl Store {
    /// The row `query` finds, if any, read by `read`.
    pub(crate) async fn fetch_opt<T>(
        &self,
        query: Bound<'_>,
        read: impl Fn(&AnyRow) -> StoreResult<T>,
    ) -> StoreResult<Option<T>> {
        let row = query.fetch_optional(self.pool()).await?;
        row.as_ref().map(read).transpose()
    }

    /// Every row `query` finds, in its order, each read by `read`.
    pub(crate) async fn fetch_each<T>(
        &self,
        query: Bound<'_>,
        read: impl Fn(&AnyRow) -> StoreResult<T>,
    ) -> StoreResult<Vec<T>> {
        let rows = query.fetch_all(self.pool()).await?;
        rows.iter().map(read).collect()
    }

    /// The one row an `INSERT … RETURNING` gives back, read by `read`; a unique constraint it
    /// breaks is [`StoreError::AlreadyExists`] naming `what`.
    pub(crate) async fn insert_returning<T>(
        &self,
        query: Bound<'_>,
        what: &'static str,
        read: impl Fn(&AnyRow) -> StoreResult<T>,
    ) -> StoreResult<T> {
        let row = query
            .fetch_one(self.pool())
            .await
            .map_err(|e| StoreError::on_unique(e, what))?;
        read(&row)
    }

    /// The ID an `INSERT … RETURNING id` gave its new row.
    pub(crate) async fn new_id(&self, insert: BoundId<'_>) -> StoreResult<i64> {
        Ok(insert.fetch_one(self.pool()).await?)
    }

    /// Runs `query`.
    pub(crate) async fn run(&self, query: Bound<'_>) -> StoreResult<()> {
        self.rows_changed(query).await.map(drop)
    }

    /// Runs `query`; how many rows it changed.
    pub(crate) async fn rows_changed(&self, query: Bound<'_>) -> StoreResult<u64> {
        Ok(query.execute(self.pool()).await?.rows_affected())
    }

    /// Runs `query`; whether it changed exactly one row (the row existed and was as expected).
    pub(crate) async fn changed_one(&self, query: Bound<'_>) -> StoreResult<bool> {
        Ok(self.rows_changed(query).await? == 1)
    }

    /// Runs `query`; a unique constraint it breaks is [`StoreError::AlreadyExists`] naming
    /// `what`.
    pub(crate) async fn run_unique(&self, query: Bound<'_>, what: &'static str) -> StoreResult<()> {
        query
            .execute(self.pool())
            .await
            .map_err(|e| StoreError::on_unique(e, what))?;
        Ok(())
    }
}
