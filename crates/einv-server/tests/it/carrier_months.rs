//! Carrier months (services/carrier_months.rs, docs/hot-path.md): a carrier's month of
//! invoices kept per node and evicted by the invoice change feed. A change made on one node
//! (an import, a void, a donation) reaches another node's next call after the stated bound
//! (its `check_ms`), and the node that made it at once; a donated invoice is masked (R5.7) on
//! the very next call of the node that took the donation.

use std::sync::Arc;

use chrono::{Duration, NaiveDate};
use einv_core::claim::HolidayCalendar;
use einv_core::{Carrier, InvoiceNumber, Period, Service, VerificationCode};
use einv_server::services::{
    CacheConfig, Caller, CarrierHolder, InvoiceListPage, InvoiceListQuery, KeySealer,
};
use einv_server::Platform;
use einv_store::{InvoiceBatch, InvoiceStatus, StatusChange, Store};

use crate::common::*;

both_backends!(
    an_import_on_one_node_reaches_another_after_the_check_interval,
    a_void_on_one_node_reaches_another_after_the_check_interval,
    r5_7_a_donation_is_masked_on_the_next_call_of_the_node_that_took_it,
    r5_7_a_donation_on_one_node_is_masked_on_another_after_the_check_interval,
    a_kept_month_pages_as_the_store_does,
);

/// The bound: another node's change reaches this one at most this long after it.
pub(crate) const BOUND: i64 = 250;

/// Another node: its own store connection (so it does not see the first node's writes as its
/// own), its own caches checked every [`BOUND`] ms, the same database and clock.
pub(crate) async fn other_node(app: &TestApp) -> Platform {
    let store = Store::connect(app.db_url()).await.unwrap();
    Platform::new(
        store,
        Arc::new(app.clock.clone()),
        KeySealer::new(&[9; 32]),
        HolidayCalendar::builtin(),
    )
    .with_cache_config(CacheConfig {
        enabled: true,
        check_interval: Duration::milliseconds(BOUND),
    })
}

pub(crate) fn caller() -> Caller {
    Caller {
        app_id: app_id(),
        ip: None,
        device: None,
    }
}

pub(crate) fn day(d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, d).unwrap()
}

/// The fixture User's mobile barcode, proven with its code to `node` for `service`.
async fn holder(node: &Platform, service: Service) -> CarrierHolder {
    let carrier = Carrier::parse("3J0002", BARCODE).unwrap();
    let code = VerificationCode::parse(CODE).unwrap();
    node.authenticate_carrier(&caller(), service, &carrier, &code)
        .await
        .unwrap()
}

/// The first page a node lists for the fixture User from November `from` to `to` 2026.
async fn listed(node: &Platform, from: u32, to: u32) -> InvoiceListPage {
    let holder = holder(node, Service::CarrierInvoices).await;
    let query = InvoiceListQuery {
        from: day(from),
        to: day(to),
        only_winning: false,
        page: 1,
        after: None,
    };
    node.carrier_invoice_list(&caller(), &holder, query)
        .await
        .unwrap()
}

/// The numbers a node lists for the fixture User over November 2026, as it shows them.
async fn november(node: &Platform) -> Vec<String> {
    let page = listed(node, 1, 30).await;
    page.invoices
        .iter()
        .map(|v| v.shown_number.to_string())
        .collect()
}

pub(crate) async fn import(store: &Store, batch: InvoiceBatch<'_>) {
    store
        .insert_invoice_batch(batch, start_time())
        .await
        .unwrap();
}

async fn an_import_on_one_node_reaches_another_after_the_check_interval(app: &TestApp) {
    let other = other_node(app).await;
    let before = november(&other).await;
    assert_eq!(november(&other).await, before, "kept");
    let late = [invoice(
        "AB00000009",
        (2026, 11, 24),
        Some(("3J0002", BARCODE)),
        |_| {},
    )];
    import(
        app.store(),
        InvoiceBatch {
            invoices: &late,
            ..InvoiceBatch::default()
        },
    )
    .await;
    // Within the bound the other node answers from its month (the clock has not moved since
    // its last check); after the bound it must not.
    assert_eq!(november(&other).await, before, "kept until the next check");
    app.clock.advance(Duration::milliseconds(BOUND));
    let after = november(&other).await;
    assert_eq!(after.len(), before.len() + 1, "{after:?}");
    assert!(after.contains(&"AB00000009".to_owned()), "{after:?}");
    other.close().await;
}

async fn a_void_on_one_node_reaches_another_after_the_check_interval(app: &TestApp) {
    let other = other_node(app).await;
    november(&other).await;
    let void = [StatusChange {
        number: InvoiceNumber::parse("AB00000001").unwrap(),
        period: Period::parse("11512").unwrap(),
        seller_ban: None,
        status: InvoiceStatus::Voided,
    }];
    import(
        app.store(),
        InvoiceBatch {
            status_changes: &void,
            ..InvoiceBatch::default()
        },
    )
    .await;
    app.clock.advance(Duration::milliseconds(BOUND));
    // The list shows the voided invoice's status; the feed made the node read it again.
    let page = listed(&other, 20, 20).await;
    assert_eq!(page.invoices.len(), 1);
    assert_eq!(page.invoices[0].status(), InvoiceStatus::Voided);
    other.close().await;
}

pub(crate) async fn donate_on(node: &Platform, number: &str) {
    let holder = holder(node, Service::Donation).await;
    let number = InvoiceNumber::parse(number).unwrap();
    node.donate(&caller(), &holder, &number, day(20), "919")
        .await
        .unwrap();
}

async fn r5_7_a_donation_is_masked_on_the_next_call_of_the_node_that_took_it(app: &TestApp) {
    let node = other_node(app).await;
    let masked = |list: &[String]| list.iter().filter(|n| *n == "AB00000***").count();
    let before = november(&node).await;
    assert!(before.contains(&"AB00000001".to_owned()));
    // Same instant: no check interval has passed, yet the node's own write is read at once.
    donate_on(&node, "AB00000001").await;
    let after = november(&node).await;
    assert!(!after.contains(&"AB00000001".to_owned()), "{after:?}");
    assert_eq!(masked(&after), masked(&before) + 1, "{after:?}");
    node.close().await;
}

async fn r5_7_a_donation_on_one_node_is_masked_on_another_after_the_check_interval(app: &TestApp) {
    let other = other_node(app).await;
    assert!(november(&other).await.contains(&"AB00000001".to_owned()));
    donate_on(&app.platform, "AB00000001").await;
    app.clock.advance(Duration::milliseconds(BOUND));
    let after = november(&other).await;
    assert!(!after.contains(&"AB00000001".to_owned()), "{after:?}");
    other.close().await;
}

/// September holds 150 of the User's invoices: 996 and 100 rows, then 200 and the other 50,
/// the same rows in the same order whether the month is kept or read from the store.
async fn a_kept_month_pages_as_the_store_does(app: &TestApp) {
    let page = |n: u32| {
        let mut params = app.carrier_list("2026/09/01", "2026/09/30");
        params.push(("page", n.to_string()));
        params
    };
    let rows = |reply: &serde_json::Value| -> Vec<(String, u64)> {
        reply["details"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| {
                (
                    r["invNum"].as_str().unwrap().to_owned(),
                    r["rowNum"].as_u64().unwrap(),
                )
            })
            .collect()
    };
    let path = "/PB2CAPIVAN/invServ/InvServ";
    let first = app.post(path, &page(1)).await;
    assert_eq!(first["code"], 996, "{first}");
    let second = app.post(path, &page(2)).await;
    assert_eq!(second["code"], 200, "{second}");
    let (first, second) = (rows(&first), rows(&second));
    assert_eq!((first.len(), second.len()), (100, 50));
    assert_eq!(second[0].1, 101);
    // The store's own order, read without the cache.
    let store = app.store();
    let key = einv_store::CarrierKey {
        carrier_type: "3J0002".parse().unwrap(),
        id1: BARCODE.into(),
    };
    let sept = |d| NaiveDate::from_ymd_opt(2026, 9, d).unwrap();
    let stored: Vec<String> = store
        .carrier_invoices(&[key], sept(1), sept(30), 200, 0)
        .await
        .unwrap()
        .iter()
        .map(|r| r.header.number.to_string())
        .collect();
    let served: Vec<String> = first.iter().chain(&second).map(|r| r.0.clone()).collect();
    assert_eq!(served, stored);
}
