//! Invoices kept by number (services/kept_invoices.rs, docs/hot-path.md): the lookups by
//! number (qryInvHeader, qryInvDetail, carrierInvDetail) answer from a node's kept record and
//! items, evicted by the invoice change feed, which names the changed invoice (migration 0113).
//! A void or a donation made on one node reaches another node's next lookup after the stated
//! bound (its `check_ms`), invoices without a carrier included (a QR lookup reads them), and
//! the node that made it at once.

use chrono::{Duration, NaiveDate};
use einv_core::{Carrier, InvoiceNumber, Period, Service, VerificationCode};
use einv_server::services::InvoiceLookup;
use einv_server::Platform;
use einv_store::{InvoiceBatch, InvoiceStatus, StatusChange, Store};

use crate::carrier_months::{caller, day, donate_on, import, other_node, BOUND};
use crate::common::*;

both_backends!(
    a_void_of_an_invoice_without_a_carrier_reaches_another_node_after_the_check_interval,
    r5_7_a_donation_is_masked_in_another_nodes_lookup_after_the_check_interval,
    r5_7_a_donation_is_masked_in_the_detail_on_the_node_that_took_it_at_once,
    a_carrier_detail_answers_the_same_items_when_kept,
);

/// A paper invoice (no carrier) dated 2026/11/24, stored through an import.
const PAPER: &str = "AB00000008";

async fn store_paper(app: &TestApp) {
    let paper = [invoice(PAPER, (2026, 11, 24), None, |_| {})];
    import(
        app.store(),
        InvoiceBatch {
            invoices: &paper,
            ..InvoiceBatch::default()
        },
    )
    .await;
}

async fn void(store: &Store, number: &str) {
    let void = [StatusChange {
        number: InvoiceNumber::parse(number).unwrap(),
        period: Period::parse("11512").unwrap(),
        seller_ban: None,
        status: InvoiceStatus::Voided,
    }];
    import(
        store,
        InvoiceBatch {
            status_changes: &void,
            ..InvoiceBatch::default()
        },
    )
    .await;
}

/// qryInvHeader on `node`: the status and the number as shown.
async fn header(node: &Platform, number: &str, date: NaiveDate) -> (InvoiceStatus, String) {
    let lookup = InvoiceLookup {
        number: InvoiceNumber::parse(number).unwrap(),
        date,
    };
    let view = node.lookup_header(&caller(), &lookup).await.unwrap();
    (view.status(), view.shown_number.to_string())
}

async fn a_void_of_an_invoice_without_a_carrier_reaches_another_node_after_the_check_interval(
    app: &TestApp,
) {
    store_paper(app).await;
    let other = other_node(app).await;
    let (issued, _) = header(&other, PAPER, day(24)).await;
    assert_eq!(issued, InvoiceStatus::Issued);
    void(app.store(), PAPER).await;
    // Within the bound the other node answers from what it keeps; after the bound it must not.
    assert_eq!(
        header(&other, PAPER, day(24)).await.0,
        InvoiceStatus::Issued
    );
    app.clock.advance(Duration::milliseconds(BOUND));
    assert_eq!(
        header(&other, PAPER, day(24)).await.0,
        InvoiceStatus::Voided
    );
    other.close().await;
}

async fn r5_7_a_donation_is_masked_in_another_nodes_lookup_after_the_check_interval(app: &TestApp) {
    let other = other_node(app).await;
    assert_eq!(header(&other, "AB00000001", day(20)).await.1, "AB00000001");
    donate_on(&app.platform, "AB00000001").await;
    assert_eq!(
        header(&other, "AB00000001", day(20)).await.1,
        "AB00000001",
        "kept until the next check"
    );
    app.clock.advance(Duration::milliseconds(BOUND));
    assert_eq!(header(&other, "AB00000001", day(20)).await.1, "AB00000***");
    other.close().await;
}

async fn detail(node: &Platform, number: &str) -> (String, usize) {
    let carrier = Carrier::parse("3J0002", BARCODE).unwrap();
    let code = VerificationCode::parse(CODE).unwrap();
    let holder = node
        .authenticate_carrier(&caller(), Service::CarrierInvoices, &carrier, &code)
        .await
        .unwrap();
    let number = InvoiceNumber::parse(number).unwrap();
    let (view, items) = node
        .carrier_invoice_detail(&caller(), &holder, &number, day(20))
        .await
        .unwrap();
    (view.shown_number.to_string(), items.len())
}

async fn r5_7_a_donation_is_masked_in_the_detail_on_the_node_that_took_it_at_once(app: &TestApp) {
    let node = other_node(app).await;
    assert_eq!(detail(&node, "AB00000001").await.0, "AB00000001");
    assert_eq!(header(&node, "AB00000001", day(20)).await.1, "AB00000001");
    donate_on(&node, "AB00000001").await;
    assert_eq!(detail(&node, "AB00000001").await.0, "AB00000***");
    assert_eq!(header(&node, "AB00000001", day(20)).await.1, "AB00000***");
    node.close().await;
}

async fn a_carrier_detail_answers_the_same_items_when_kept(app: &TestApp) {
    let node = other_node(app).await;
    let (_, read) = detail(&node, "AB00000001").await;
    assert!(read > 0, "the fixture's invoice has items");
    let (_, kept) = detail(&node, "AB00000001").await;
    assert_eq!(kept, read);
    node.close().await;
}
