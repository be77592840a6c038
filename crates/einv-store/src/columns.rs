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
