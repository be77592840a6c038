//! The invoices of a batch that were already stored: read back in one `IN (…)` query per chunk
//! and compared with the batch's, ignoring what the Platform did to them since the import.

use std::collections::HashMap;

use super::super::periods::distinct_keys;
use super::super::{record_from_row, HEADER_COLUMNS};
use super::{key_of, values_list, Key, Tx, MAX_PARAMS};
use crate::{Backend, Invoice, InvoiceHeader, InvoiceRecord, StoreResult};

/// Whether `new` is the invoice stored as `stored`, ignoring what the Platform did to it after
/// the import: a void or cancel (its status) and a donation through the API.
pub(super) fn same_invoice(stored: &InvoiceRecord, new: &InvoiceHeader) -> bool {
    let s = &stored.header;
    let donation_ok =
        s.donated_to == new.donated_to || (stored.donated_at.is_some() && new.donated_to.is_none());
    if !donation_ok {
        return false;
    }
    let mut as_new = s.clone();
    as_new.donated_to.clone_from(&new.donated_to);
    as_new == *new
}

/// The stored records of `invoices[i]` for `i` in `which`, by key.
pub(super) async fn stored_records(
    tx: &mut Tx,
    backend: Backend,
    invoices: &[Invoice],
    which: &[usize],
) -> StoreResult<HashMap<Key, InvoiceRecord>> {
    let mut found = HashMap::with_capacity(which.len());
    for chunk in which.chunks(MAX_PARAMS) {
        let list = values_list(backend, chunk.len(), 1);
        // The chunk's periods, written as integers (they are keys made here), so PostgreSQL
        // reads only their partitions.
        let periods: Vec<String> = distinct_keys(chunk.iter().map(|&i| invoices[i].header.period))
            .iter()
            .map(i64::to_string)
            .collect();
        let sql = format!(
            "SELECT {HEADER_COLUMNS} FROM invoices i \
             WHERE i.inv_num IN {list} AND i.period IN ({})",
            periods.join(",")
        );
        let mut query = sqlx::query(&sql);
        for &i in chunk {
            query = query.bind(invoices[i].header.number.as_str());
        }
        for row in query.fetch_all(&mut *tx).await? {
            let record = record_from_row(&row)?;
            found.insert(key_of(&record.header), record);
        }
    }
    Ok(found)
}
