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

/// A rusqlite row read by column name, with the statement's column names found once.
///
/// rusqlite's own lookup by name asks SQLite for every column's name and compares them
/// case-insensitively on every call: with 26 columns read by name, that was most of a carrier
/// list's CPU (issue 11's profile: `sqlite3_column_name` and `RowIndex::idx` at 40% of a
/// call). The decoders read the columns in nearly the order they are selected, so the scan
/// starts after the column found last and nearly always hits at once.
pub(crate) struct NamedRow<'r, 's> {
    row: &'r rusqlite::Row<'s>,
    names: &'r [String],
    next: std::cell::Cell<usize>,
}

impl<'r, 's> NamedRow<'r, 's> {
    /// `row` of a statement whose columns are `names`, in order.
    pub(crate) fn new(row: &'r rusqlite::Row<'s>, names: &'r [String]) -> Self {
        Self {
            row,
            names,
            next: std::cell::Cell::new(0),
        }
    }

    fn index(&self, column: &'static str) -> StoreResult<usize> {
        let count = self.names.len();
        let start = self.next.get();
        (0..count)
            .map(|k| (start + k) % count)
            .find(|&i| self.names[i].eq_ignore_ascii_case(column))
            .inspect(|&i| self.next.set(i + 1))
            .ok_or_else(|| rusqlite::Error::InvalidColumnName(column.to_owned()).into())
    }
}

impl Columns for NamedRow<'_, '_> {
    fn int(&self, column: &'static str) -> StoreResult<i64> {
        Ok(self.row.get(self.index(column)?)?)
    }
    fn opt_int(&self, column: &'static str) -> StoreResult<Option<i64>> {
        Ok(self.row.get(self.index(column)?)?)
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
        Ok(match self.row.get_ref(self.index(column)?)? {
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

/// Texts read from `column` of `table`, each parsed as `T`.
pub(crate) fn parsed_all<T: FromStr>(
    texts: Vec<String>,
    table: &'static str,
    column: &'static str,
) -> StoreResult<Vec<T>> {
    texts
        .iter()
        .map(|t| {
            t.parse()
                .map_err(|_| StoreError::corrupt_as::<T>(table, column))
        })
        .collect()
}
