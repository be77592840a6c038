//! Reading a column as the domain type it holds: the store speaks the core's types at its
//! boundary, and a row that does not parse is a [`StoreError::Corrupt`] naming the table and
//! column, never a panic.

use std::str::FromStr;

use sqlx::any::AnyRow;
use sqlx::Row;

use crate::{StoreError, StoreResult};

/// `column` of `table`, parsed as `T`.
pub(crate) fn parsed<T: FromStr>(
    row: &AnyRow,
    table: &'static str,
    column: &'static str,
) -> StoreResult<T> {
    let text: String = row.try_get(column)?;
    text.parse()
        .map_err(|_| StoreError::corrupt_as::<T>(table, column))
}

/// `column` of `table`, NULL or parsed as `T`.
pub(crate) fn parsed_optional<T: FromStr>(
    row: &AnyRow,
    table: &'static str,
    column: &'static str,
) -> StoreResult<Option<T>> {
    let text: Option<String> = row.try_get(column)?;
    text.map(|t| {
        t.parse()
            .map_err(|_| StoreError::corrupt_as::<T>(table, column))
    })
    .transpose()
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
