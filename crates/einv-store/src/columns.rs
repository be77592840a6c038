//! Reading a column as the domain type it holds: the store speaks the core's types at its
//! boundary, and a row that does not parse is a [`StoreError::Corrupt`] naming the table and
//! column, never a panic.

//!
//! Rows come from sqlx (`AnyRow`) or, on the SQLite hot path, from rusqlite (hot_read.rs); both
//! decode through [`Columns`], and typed columns through [`parsed`] and [`parsed_opt`].

use std::str::FromStr;

use sqlx::any::AnyRow;
use sqlx::Row;

use crate::{StoreError, StoreResult};

/// `column` of `table`, parsed as `T`.
pub(crate) fn parsed<T: FromStr>(
    row: &dyn Columns,
    table: &'static str,
    column: &'static str,
) -> StoreResult<T> {
    let text = row.text(column)?;
    text.parse()
        .map_err(|_| StoreError::corrupt_as::<T>(table, column))
}

/// An optional `column` of `table` (NULL or empty: none), parsed as `T`.
pub(crate) fn parsed_opt<T: FromStr>(
    row: &dyn Columns,
    table: &'static str,
    column: &'static str,
) -> StoreResult<Option<T>> {
    row.opt_text(column)?
        .filter(|text| !text.is_empty())
        .map(|text| {
            text.parse()
                .map_err(|_| StoreError::corrupt_as::<T>(table, column))
        })
        .transpose()
}

/// Reading a row's columns by name, whichever driver produced the row.
pub(crate) trait Columns {
    fn int(&self, column: &'static str) -> StoreResult<i64>;
    fn opt_int(&self, column: &'static str) -> StoreResult<Option<i64>>;
    fn text(&self, column: &'static str) -> StoreResult<String>;
    fn opt_text(&self, column: &'static str) -> StoreResult<Option<String>>;
}

impl Columns for AnyRow {
    fn int(&self, column: &'static str) -> StoreResult<i64> {
        Ok(self.try_get(column)?)
    }
    fn opt_int(&self, column: &'static str) -> StoreResult<Option<i64>> {
        Ok(self.try_get(column)?)
    }
    fn text(&self, column: &'static str) -> StoreResult<String> {
        Ok(self.try_get(column)?)
    }
    fn opt_text(&self, column: &'static str) -> StoreResult<Option<String>> {
        Ok(self.try_get(column)?)
    }
}

impl Columns for rusqlite::Row<'_> {
    fn int(&self, column: &'static str) -> StoreResult<i64> {
        Ok(self.get(column)?)
    }
    fn opt_int(&self, column: &'static str) -> StoreResult<Option<i64>> {
        Ok(self.get(column)?)
    }
    fn text(&self, column: &'static str) -> StoreResult<String> {
        self.opt_text(column)?.ok_or_else(|| StoreError::Corrupt {
            table: "(hot read)",
            column,
            problem: "NULL where a value is required".into(),
        })
    }
    fn opt_text(&self, column: &'static str) -> StoreResult<Option<String>> {
        use rusqlite::types::ValueRef;
        Ok(match self.get_ref(column)? {
            ValueRef::Null => None,
            ValueRef::Text(bytes) | ValueRef::Blob(bytes) => Some(
                std::str::from_utf8(bytes)
                    .map_err(rusqlite::Error::Utf8Error)?
                    .to_owned(),
            ),
            // SQLite's own conversion, as `sqlite3_column_text` would give.
            ValueRef::Integer(n) => Some(n.to_string()),
            ValueRef::Real(x) => Some(x.to_string()),
        })
    }
}
