//! Running a bound statement on the pool and reading its rows through a record's decoder: the
//! one place the store's methods hand a query to the database, so each method says only its
//! SQL, its parameters and how a row reads.

use sqlx::any::{AnyArguments, AnyRow};
use sqlx::Any;

use crate::{Store, StoreError, StoreResult};

/// A statement with its parameters bound.
pub(crate) type Bound<'q> = sqlx::query::Query<'q, Any, AnyArguments<'q>>;

/// A statement selecting one column (or an `INSERT … RETURNING id`), its parameters bound.
pub(crate) type BoundScalar<'q, T> = sqlx::query::QueryScalar<'q, Any, T, AnyArguments<'q>>;

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
    pub(crate) async fn new_id(&self, insert: BoundScalar<'_, i64>) -> StoreResult<i64> {
        Ok(insert.fetch_one(self.pool()).await?)
    }

    /// The one column `query` selects, from the row it finds, if any.
    pub(crate) async fn scalar_opt<T>(&self, query: BoundScalar<'_, T>) -> StoreResult<Option<T>>
    where
        T: Send + Unpin,
        (T,): for<'r> sqlx::FromRow<'r, AnyRow>,
    {
        Ok(query.fetch_optional(self.pool()).await?)
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

/// The numbered placeholders `$first, $first+1, …` of `count` parameters, comma-separated: the
/// list an `IN (…)` or a row of `VALUES (…)` binds in order. No parameters is `NULL`: `IN ()`
/// is no SQL, and `IN (NULL)` matches nothing.
pub(crate) fn placeholders(first: usize, count: usize) -> String {
    if count == 0 {
        return "NULL".to_owned();
    }
    let marks: Vec<String> = (first..first + count).map(|n| format!("${n}")).collect();
    marks.join(", ")
}

/// A table read as one record type: where its rows are, the columns a record is read from, and
/// how a row reads. The store's look-ups by key say only their filter and their key.
pub(crate) struct Records<T> {
    /// The table.
    pub(crate) table: &'static str,
    /// The columns [`Records::read`] needs, as a `SELECT` lists them.
    pub(crate) columns: &'static str,
    /// How one row reads.
    pub(crate) read: fn(&AnyRow) -> StoreResult<T>,
}

/// What a look-up binds as `$1` (and, for a pair or a triple, `$2` and `$3`; a `Vec` binds
/// `$1…$n`): row IDs and words. An `Option` binds only when it is `Some`, so it must come
/// last in a tuple (a `None` before another part would shift that part's number).
pub(crate) trait Key: Send {
    /// `query` with this key bound after its parameters so far.
    fn bind_to<'q>(self, query: Bound<'q>) -> Bound<'q>
    where
        Self: 'q;
}

impl Key for () {
    fn bind_to<'q>(self, query: Bound<'q>) -> Bound<'q>
    where
        Self: 'q,
    {
        query
    }
}

impl Key for i64 {
    fn bind_to<'q>(self, query: Bound<'q>) -> Bound<'q>
    where
        Self: 'q,
    {
        query.bind(self)
    }
}

impl Key for &str {
    fn bind_to<'q>(self, query: Bound<'q>) -> Bound<'q>
    where
        Self: 'q,
    {
        query.bind(self)
    }
}

/// Binds the key when there is one, nothing otherwise (the filter names `$n` only then).
impl<K: Key> Key for Option<K> {
    fn bind_to<'q>(self, query: Bound<'q>) -> Bound<'q>
    where
        Self: 'q,
    {
        match self {
            Some(key) => key.bind_to(query),
            None => query,
        }
    }
}

/// Binds each key in order (a list an `IN (…)` names with [`placeholders`]).
impl<K: Key> Key for Vec<K> {
    fn bind_to<'q>(self, query: Bound<'q>) -> Bound<'q>
    where
        Self: 'q,
    {
        self.into_iter()
            .fold(query, |query, key| key.bind_to(query))
    }
}

impl<A: Key, B: Key> Key for (A, B) {
    fn bind_to<'q>(self, query: Bound<'q>) -> Bound<'q>
    where
        Self: 'q,
    {
        self.1.bind_to(self.0.bind_to(query))
    }
}

impl<A: Key, B: Key, C: Key> Key for (A, B, C) {
    fn bind_to<'q>(self, query: Bound<'q>) -> Bound<'q>
    where
        Self: 'q,
    {
        self.2.bind_to(self.1.bind_to(self.0.bind_to(query)))
    }
}

impl Store {
    /// The record of `records` whose row meets `filter` (`$1`… bound to `key`), if any.
    pub(crate) async fn record_where<T>(
        &self,
        records: &Records<T>,
        filter: &str,
        key: impl Key,
    ) -> StoreResult<Option<T>> {
        let sql = records.select(filter);
        self.fetch_opt(key.bind_to(sqlx::query(&sql)), records.read)
            .await
    }

    /// Every record of `records` whose row meets `filter` (`$1`… bound to `key`), in the order
    /// `filter` ends with.
    pub(crate) async fn records_where<T>(
        &self,
        records: &Records<T>,
        filter: &str,
        key: impl Key,
    ) -> StoreResult<Vec<T>> {
        let sql = records.select(filter);
        self.fetch_each(key.bind_to(sqlx::query(&sql)), records.read)
            .await
    }
}

impl<T> Records<T> {
    /// The records of `table`, each read by `read` from `columns`.
    pub(crate) const fn new(
        table: &'static str,
        columns: &'static str,
        read: fn(&AnyRow) -> StoreResult<T>,
    ) -> Self {
        Records {
            table,
            columns,
            read,
        }
    }

    /// `SELECT` of the record's columns from the table, `filter` after the table's name
    /// (`WHERE …`, `ORDER BY …`).
    fn select(&self, filter: &str) -> String {
        format!("SELECT {} FROM {} {filter}", self.columns, self.table)
    }
}
