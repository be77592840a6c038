//! The hot path's reads (carrier lists, an invoice and its items, the cache versions): on
//! SQLite through read-only connections of their own in blocking tasks (hot_read.rs), on
//! PostgreSQL through sqlx. Either way a read sees every write committed before it, and more
//! reads at once than there are read connections all answer.

use chrono::{NaiveDate, TimeZone, Utc};
use einv_store::*;

einv_store::both_backends!(
    a_read_sees_each_write_committed_before_it,
    more_reads_at_once_than_connections_all_answer,
);

const CARRIER: &str = "/HOT1234";

async fn month_of_invoices(store: &Store, count: u32) {
    crate::fixtures::seller(store).await;
    let batch: Vec<Invoice> = (1..=count)
        .map(|n| {
            testing::invoice(
                &format!("HR{n:08}"),
                (2026, 9, 1 + n % 28),
                Some(("3J0002", CARRIER)),
                |_| {},
            )
        })
        .collect();
    let now = Utc.with_ymd_and_hms(2026, 10, 1, 0, 0, 0).unwrap();
    store.insert_invoices(&batch, now).await.unwrap();
}

fn key() -> [CarrierKey; 1] {
    [CarrierKey {
        carrier_type: einv_core::CarrierType::parse("3J0002").unwrap(),
        id1: CARRIER.into(),
    }]
}

fn day(d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 9, d).unwrap()
}

async fn a_read_sees_each_write_committed_before_it(store: &Store) {
    let before = store.cache_versions().await.unwrap();
    month_of_invoices(store, 3).await;
    let listed = store
        .carrier_invoices(&key(), day(1), day(30), 100, 0)
        .await
        .unwrap();
    assert_eq!(listed.len(), 3);
    let first = &listed[0];
    let (_, items) = crate::fixtures::stored(store, &first.header).await;
    assert_eq!(items[0].description, "乾電池");
    // A write through the store's other connections, then at once a read through the hot ones.
    store
        .set_invoice_status(
            &first.header.number,
            first.header.period,
            InvoiceStatus::Voided,
            Utc.with_ymd_and_hms(2026, 10, 2, 0, 0, 0).unwrap(),
        )
        .await
        .unwrap();
    let (found, _) = crate::fixtures::stored(store, &first.header).await;
    assert_eq!(found.status, InvoiceStatus::Voided);
    store
        .create_user(
            &einv_core::MobileBarcode::parse("/HOTUSER").unwrap(),
            "hash",
            Utc::now(),
        )
        .await
        .unwrap();
    assert!(store.cache_versions().await.unwrap().users > before.users);
}

async fn more_reads_at_once_than_connections_all_answer(store: &Store) {
    month_of_invoices(store, 20).await;
    let carriers = key();
    let reads = (0..32).map(|_| store.carrier_invoices(&carriers, day(1), day(30), 100, 0));
    for listed in futures_util::future::join_all(reads).await {
        assert_eq!(listed.unwrap().len(), 20);
    }
}
