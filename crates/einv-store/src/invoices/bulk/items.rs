//! The items of the invoices a batch inserted, in multi-row statements.

use super::{rows_per_statement, values_list, Tx, ITEM_COLUMNS, ITEM_WIDTH};
use crate::records::period_key;
use crate::{Backend, Invoice, StoreError, StoreResult};

/// Inserts the items of each `invoices[i]` that got an id (`ids[i]`); `seq` numbers them from 1.
pub(super) async fn insert_items(
    tx: &mut Tx,
    backend: Backend,
    invoices: &[Invoice],
    ids: &[Option<i64>],
) -> StoreResult<()> {
    // `seq` is the position from 1 (it orders the lines); `row_num` the row number as uploaded.
    let rows: Vec<(i64, i64, i64, &crate::InvoiceItem)> = invoices
        .iter()
        .zip(ids)
        .filter_map(|(invoice, id)| id.map(|id| (id, invoice)))
        .flat_map(|(id, invoice)| {
            let period = period_key(invoice.header.period);
            invoice
                .items
                .iter()
                .zip(1_i64..)
                .map(move |(item, seq)| (id, period, seq, item))
        })
        .collect();
    let with_period = backend == Backend::Postgres;
    let (columns, width) = if with_period {
        (format!("{ITEM_COLUMNS}, period"), ITEM_WIDTH + 1)
    } else {
        (ITEM_COLUMNS.to_owned(), ITEM_WIDTH)
    };
    for chunk in rows.chunks(rows_per_statement(width)) {
        let sql = format!(
            "INSERT INTO invoice_items ({columns}) VALUES {}",
            values_list(backend, width, chunk.len())
        );
        let mut query = sqlx::query(&sql);
        for (id, period, seq, item) in chunk {
            query = query
                .bind(*id)
                .bind(*seq)
                .bind(item.description.as_str())
                .bind(item.quantity.as_str())
                .bind(item.unit_price.as_str())
                .bind(item.amount.as_str())
                .bind(item.row.as_str());
            if with_period {
                query = query.bind(*period);
            }
        }
        query
            .execute(&mut *tx)
            .await
            .map_err(|e| StoreError::on_unique(e, "invoice item"))?;
    }
    Ok(())
}
