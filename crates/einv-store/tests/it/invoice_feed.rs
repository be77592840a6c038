//! The invoice change feed (migration 0100, invoices/feed.rs): every store write to invoices
//! appends the (carrier, period) keys it touched in its own transaction, under one number per
//! write, in commit order; changes older than the retention are deleted and a reader behind
//! them can tell.

use chrono::{DateTime, Duration, TimeZone, Utc};
use einv_core::{InvoiceNumber, LoveCode, Period};
use einv_store::testing::invoice;
use einv_store::*;

use crate::fixtures::seller;

einv_store::both_backends!(
    an_import_appends_each_new_carrier_period_once,
    a_donation_a_status_change_and_a_dropped_period_append_their_keys,
    a_write_that_changes_nothing_appends_nothing,
    old_changes_are_pruned_and_a_reader_behind_them_can_tell,
);

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 27, 0, 0, 0).unwrap()
}

fn period(code: &str) -> Period {
    Period::parse(code).unwrap()
}

fn on(carrier: &str, number: &str, date: (i32, u32, u32)) -> Invoice {
    invoice(number, date, Some(("3J0002", carrier)), |_| {})
}

fn changed(carrier: Option<&str>, code: &str) -> ChangedInvoices {
    ChangedInvoices {
        carrier: carrier.map(|id| CarrierKey {
            carrier_type: einv_core::CarrierType::parse("3J0002").unwrap(),
            id1: id.into(),
        }),
        period: period(code),
    }
}

async fn head(store: &Store) -> i64 {
    store.cache_state(None).await.unwrap().feed.head
}

async fn changes_after(store: &Store, after: i64) -> Vec<ChangedInvoices> {
    let state = store.cache_state(Some(after)).await.unwrap();
    assert!(!state.feed.overflow);
    state.feed.changes
}

async fn an_import_appends_each_new_carrier_period_once(store: &Store) {
    seller(store).await;
    let start = head(store).await;
    let writes = store.local_invoice_writes();
    let batch = [
        on("/AAA1111", "AB00000001", (2026, 9, 1)),
        on("/AAA1111", "AB00000002", (2026, 10, 1)),
        on("/AAA1111", "AB00000003", (2026, 11, 1)),
        on("/BBB2222", "AB00000004", (2026, 11, 2)),
        invoice("AB00000005", (2026, 11, 3), None, |_| {}),
    ];
    store.insert_invoices(&batch, now()).await.unwrap();
    assert_eq!(head(store).await, start + 1, "one number per write");
    assert_eq!(store.local_invoice_writes(), writes + 1);
    let mut got = changes_after(store, start).await;
    got.sort_by_key(|c| format!("{c:?}"));
    let mut want = vec![
        changed(Some("/AAA1111"), "11510"),
        changed(Some("/AAA1111"), "11512"),
        changed(Some("/BBB2222"), "11512"),
    ];
    want.sort_by_key(|c| format!("{c:?}"));
    assert_eq!(
        got, want,
        "each carrier and period once; none for no carrier"
    );
    assert!(changes_after(store, start + 1).await.is_empty());
}

async fn a_donation_a_status_change_and_a_dropped_period_append_their_keys(store: &Store) {
    seller(store).await;
    let batch = [
        on("/AAA1111", "AB00000001", (2026, 11, 1)),
        on("/BBB2222", "AB00000002", (2026, 9, 1)),
    ];
    store.insert_invoices(&batch, now()).await.unwrap();
    let start = head(store).await;
    let (stored, _) = crate::fixtures::stored(store, &batch[0].header).await;
    let love = LoveCode::parse("919").unwrap();
    assert!(store
        .mark_donated(stored.id, period("11512"), &love, now())
        .await
        .unwrap());
    let number = InvoiceNumber::parse("AB00000002").unwrap();
    let voided = InvoiceStatus::Voided;
    assert!(store
        .set_invoice_status(&number, period("11510"), voided, now())
        .await
        .unwrap());
    store
        .drop_invoice_periods_before(period("11512"), now())
        .await
        .unwrap();
    assert_eq!(head(store).await, start + 3);
    assert_eq!(
        changes_after(store, start).await,
        [
            changed(Some("/AAA1111"), "11512"),
            changed(Some("/BBB2222"), "11510"),
            changed(None, "11510"),
        ],
        "in commit order"
    );
}

async fn a_write_that_changes_nothing_appends_nothing(store: &Store) {
    seller(store).await;
    let batch = [on("/AAA1111", "AB00000001", (2026, 11, 1))];
    store.insert_invoices(&batch, now()).await.unwrap();
    let start = head(store).await;
    // The same invoice again (unchanged), a second donation, a status nobody holds.
    store.insert_invoices(&batch, now()).await.unwrap();
    let id = crate::fixtures::stored(store, &batch[0].header).await.0.id;
    let love = LoveCode::parse("919").unwrap();
    assert!(store
        .mark_donated(id, period("11512"), &love, now())
        .await
        .unwrap());
    let after_donation = head(store).await;
    assert!(!store
        .mark_donated(id, period("11512"), &love, now())
        .await
        .unwrap());
    let nobody = InvoiceNumber::parse("ZZ99999999").unwrap();
    assert!(!store
        .set_invoice_status(&nobody, period("11512"), InvoiceStatus::Voided, now())
        .await
        .unwrap());
    assert_eq!(after_donation, start + 1, "only the donation wrote");
    assert_eq!(head(store).await, after_donation);
}

async fn old_changes_are_pruned_and_a_reader_behind_them_can_tell(store: &Store) {
    seller(store).await;
    let start = head(store).await;
    let old = [on("/AAA1111", "AB00000001", (2026, 11, 1))];
    store.insert_invoices(&old, now()).await.unwrap();
    let later = now() + Duration::minutes(30);
    let new = [on("/BBB2222", "AB00000002", (2026, 11, 1))];
    store.insert_invoices(&new, later).await.unwrap();
    // An hour after the first write, it is past the retention; the second is not.
    store
        .prune_invoice_feed(now() + Duration::minutes(61))
        .await
        .unwrap();
    let state = store.cache_state(Some(start)).await.unwrap();
    assert_eq!(state.feed.pruned_through, start + 1);
    assert!(
        start < state.feed.pruned_through,
        "a reader at {start} missed pruned changes"
    );
    assert_eq!(state.feed.changes, [changed(Some("/BBB2222"), "11512")]);
}
