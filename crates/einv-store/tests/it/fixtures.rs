//! What the store suites share: the fixture invoices and their seller, reading an invoice back
//! as it was stored, raw rows arranged as the store would never write them, and the check that
//! such a row reads as corrupt.

use chrono::{TimeZone, Utc};
use einv_core::invoice::ItemDraft;
use einv_core::InvoiceDraft;
use einv_store::*;

pub(crate) fn now() -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 27, 0, 0, 0).unwrap()
}

/// The shared builder's draft, on a 3J0002 mobile barcode when `carrier` is given.
pub(crate) fn draft(number: &str, date: (i32, u32, u32), carrier: Option<&str>) -> InvoiceDraft {
    testing::invoice_draft(number, date, carrier.map(|id| ("3J0002", id)))
}

pub(crate) fn item(
    row: Option<&str>,
    description: &str,
    quantity: &str,
    price: &str,
    amount: &str,
) -> ItemDraft {
    ItemDraft {
        row: row.map(Into::into),
        description: description.into(),
        quantity: quantity.into(),
        unit_price: price.into(),
        amount: amount.into(),
    }
}

pub(crate) fn invoice(number: &str, date: (i32, u32, u32), carrier: Option<&str>) -> Invoice {
    Invoice::new(draft(number, date, carrier)).unwrap()
}

/// Stores the seller of `einv_store::testing::invoice` (04595257, 示範商店), without a QR key.
pub(crate) async fn seller(store: &Store) {
    store
        .upsert_seller(&Seller {
            ban: "04595257".parse().unwrap(),
            name: "示範商店".into(),
            address: "台北市".into(),
            qr_seed_key: None,
        })
        .await
        .unwrap();
}

/// The stored record of the invoice `header` heads (found by its number and period) and its
/// stored items.
pub(crate) async fn stored(
    store: &Store,
    header: &InvoiceHeader,
) -> (InvoiceRecord, Vec<InvoiceItem>) {
    let record = store
        .find_invoice(&header.number, header.period)
        .await
        .unwrap()
        .unwrap();
    let items = store
        .invoice_items(record.id, record.header.period)
        .await
        .unwrap();
    (record, items)
}

/// Runs one raw SQL statement that must succeed (a row arranged as the store would never write
/// it); how many rows it changed.
pub(crate) async fn raw(store: &Store, sql: &str) -> u64 {
    testing::execute_raw(store, sql).await.unwrap()
}

/// Asserts that `got` is a [`StoreError::Corrupt`] naming `table`.`column`; its message.
pub(crate) fn assert_corrupt<T: std::fmt::Debug>(
    got: Result<T, StoreError>,
    table: &str,
    column: &str,
) -> String {
    let names_it = |e: &StoreError| match e {
        StoreError::Corrupt {
            table: t,
            column: c,
            ..
        } => (*t, *c) == (table, column),
        _ => false,
    };
    match got {
        Err(e) if names_it(&e) => e.to_string(),
        other => panic!("expected Corrupt in {table}.{column}, got {other:?}"),
    }
}

/// Asserts what [`Store::signed_call`] finds at `now` for each `(key, expected, why)`.
pub(crate) async fn assert_signed_calls(
    store: &Store,
    now: chrono::DateTime<Utc>,
    expected: &[(&str, SignedCall, &str)],
) {
    for (key, want, why) in expected {
        let got = store.signed_call(key, now).await.unwrap();
        assert_eq!(&got, want, "{key}: {why}");
    }
}

/// Writes `sql` (a row arranged as the store would never write it), then asserts that `read`
/// is a [`StoreError::Corrupt`] naming `table`.`column`; its message. `read` is a store call
/// not yet awaited: a future does nothing until it is, so it reads the row written here.
pub(crate) async fn assert_reads_corrupt<T: std::fmt::Debug>(
    store: &Store,
    sql: &str,
    read: impl std::future::Future<Output = Result<T, StoreError>>,
    (table, column): (&str, &str),
) -> String {
    raw(store, sql).await;
    assert_corrupt(read.await, table, column)
}
