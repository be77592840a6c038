//! Invoices by period (migration 0115, docs/operations.md "Invoices by period"): on PostgreSQL
//! each period is a partition of `invoices` and of `invoice_items`; queries name the period so
//! the planner reads one partition; retention drops whole periods. SQLite keeps one table and
//! the same store calls give the same answers.

use chrono::{NaiveDate, TimeZone, Utc};
use einv_core::{InvoiceNumber, Period};
use einv_store::testing::{execute_raw, invoice, TestDb};
use einv_store::{CarrierKey, InsertOutcome, Invoice, Store};

use crate::fixtures::raw;

fn now() -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 27, 0, 0, 0).unwrap()
}

fn period(code: &str) -> Period {
    Period::parse(code).unwrap()
}

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn on_card(number: &str, date: (i32, u32, u32)) -> Invoice {
    invoice(number, date, Some(("3J0002", "/ABC1234")), |_| {})
}

fn card() -> Vec<CarrierKey> {
    vec![CarrierKey {
        carrier_type: einv_core::CarrierType::parse("3J0002").unwrap(),
        id1: "/ABC1234".into(),
    }]
}

/// Invoices of three periods on one card: 11508, 11510 and 11512.
async fn three_periods(store: &Store) -> Vec<Invoice> {
    crate::fixtures::seller(store).await;
    let batch = vec![
        on_card("AB00000001", (2026, 7, 3)),
        on_card("AB00000002", (2026, 9, 3)),
        on_card("AB00000003", (2026, 10, 30)),
        on_card("AB00000004", (2026, 11, 5)),
    ];
    let out = store.insert_invoices(&batch, now()).await.unwrap();
    assert!(out.iter().all(|o| *o == InsertOutcome::Inserted));
    batch
}

async fn number(store: &Store, text: &str, code: &str) -> Option<einv_store::InvoiceRecord> {
    store
        .find_invoice(&InvoiceNumber::parse(text).unwrap(), period(code))
        .await
        .unwrap()
}

/// Migration 0115 moves every invoice and item into its period's partition: a database at
/// 0114 with rows (one donated, one voided, one marked a winner) reads back the same after it,
/// and new invoices get ids after the moved ones.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn migration_moves_invoices_into_period_partitions() {
    let db = TestDb::postgres_before(115).await.unwrap();
    let store = &db.store;
    raw(
        store,
        "INSERT INTO sellers (ban, name, address) VALUES ('04595257', '示範商店', '台北市')",
    )
    .await;
    let rows = [
        (
            7,
            11510,
            "AB00000007",
            20260903,
            "issued",
            "0",
            "NULL",
            "NULL",
        ),
        (8, 11510, "AB00000008", 20260904, "voided", "0", "NULL", "1"),
        (
            9,
            11512,
            "AB00000009",
            20261105,
            "issued",
            "1",
            "'919'",
            "NULL",
        ),
    ];
    for (id, p, num, date, status, donated, npoban, prize) in rows {
        raw(
            store,
            &format!(
                "INSERT INTO invoices (id, period, inv_num, inv_date, inv_time, seller_ban, \
                 random_code, sales_amount, tax_amount, total_amount, carrier_type, carrier_id1, \
                 carrier_id2, donate_mark, npoban, donated_at, status, created_at, seller_name, \
                 seller_address, prize_mark) VALUES ({id}, {p}, '{num}', {date}, '12:30:00', \
                 '04595257', '1234', 100, 5, 105, '3J0002', '/ABC1234', '/ABC1234', {donated}, \
                 {npoban}, NULL, '{status}', 0, '示範商店', '台北市', {prize})"
            ),
        )
        .await;
        for seq in 1..=2 {
            raw(
                store,
                &format!(
                    "INSERT INTO invoice_items (invoice_id, seq, description, quantity, \
                     unit_price, amount, row_num) VALUES ({id}, {seq}, 'item {seq} of {num}', \
                     '1', '50', '50', '00{seq}')"
                ),
            )
            .await;
        }
    }
    store.migrate().await.unwrap();

    let voided = number(store, "AB00000008", "11510").await.unwrap();
    assert_eq!((voided.id, voided.status.as_str()), (8, "voided"));
    let donated = number(store, "AB00000009", "11512").await.unwrap();
    assert_eq!(
        donated.header.donated_to.as_ref().map(|c| c.as_str()),
        Some("919")
    );
    let items = store.invoice_items(9, period("11512")).await.unwrap();
    let lines: Vec<_> = items.iter().map(|i| i.description.as_str()).collect();
    assert_eq!(lines, ["item 1 of AB00000009", "item 2 of AB00000009"]);
    let listed = store
        .carrier_invoices(&card(), day(2026, 9, 1), day(2026, 11, 30), 10, 0)
        .await
        .unwrap();
    assert_eq!(listed.iter().map(|r| r.id).collect::<Vec<_>>(), [7, 8, 9]);
    let winners = store
        .carrier_winner_candidates(&card(), day(2026, 9, 1), day(2026, 10, 31), i64::MAX)
        .await
        .unwrap();
    assert_eq!(
        winners.iter().map(|r| r.id).collect::<Vec<_>>(),
        [8],
        "marks kept"
    );
    assert_eq!(
        store.invoice_partitions().await.unwrap(),
        ["invoices_default", "invoices_p11510", "invoices_p11512"]
    );
    assert!(
        execute_raw(store, "SELECT 1 FROM invoices_unpartitioned")
            .await
            .is_err(),
        "the old table is gone"
    );

    let later = on_card("AB00000010", (2026, 11, 6));
    store.insert_invoices(&[later], now()).await.unwrap();
    let stored = number(store, "AB00000010", "11512").await.unwrap();
    assert!(
        stored.id > 9,
        "ids continue after the moved rows: {}",
        stored.id
    );
    assert_eq!(store.count_invoices().await.unwrap(), 4);
    db.drop_db().await;
}

/// A carrier's month is one period: its query reads that period's partition and no other,
/// not even the DEFAULT one.
async fn carrier_month_query_reads_one_partition(store: &Store) {
    three_periods(store).await;
    let plan = store
        .explain_carrier_invoices(&card(), day(2026, 9, 1), day(2026, 9, 30))
        .await
        .unwrap()
        .join("\n");
    let read: Vec<&str> = [
        "invoices_p11508",
        "invoices_p11510",
        "invoices_p11512",
        "invoices_default",
    ]
    .into_iter()
    .filter(|p| plan.contains(p))
    .collect();
    assert_eq!(read, ["invoices_p11510"], "plan:\n{plan}");
    let got = store
        .carrier_invoices(&card(), day(2026, 9, 1), day(2026, 9, 30), 10, 0)
        .await
        .unwrap();
    assert_eq!(got.len(), 1);

    // Two months in two periods read exactly those two.
    let plan = store
        .explain_carrier_invoices(&card(), day(2026, 10, 1), day(2026, 11, 30))
        .await
        .unwrap()
        .join("\n");
    assert!(plan.contains("invoices_p11510") && plan.contains("invoices_p11512"));
    assert!(!plan.contains("invoices_p11508") && !plan.contains("invoices_default"));
}

/// A row of a period with no partition (written past the store) is kept in the DEFAULT
/// partition, and moves into the period's partition when the store first stores that period.
async fn default_partition_rows_move_when_their_period_appears(store: &Store) {
    three_periods(store).await;
    raw(
        store,
        "INSERT INTO invoices (period, inv_num, inv_date, inv_time, seller_ban, random_code, \
         sales_amount, total_amount, created_at, carrier_type, carrier_id1) VALUES \
         (11602, 'AB00000020', 20270105, '12:30:00', '04595257', '1234', 105, 105, 0, \
         '3J0002', '/ABC1234')",
    )
    .await;
    assert!(!store
        .invoice_partitions()
        .await
        .unwrap()
        .contains(&"invoices_p11602".to_owned()));
    store
        .insert_invoices(&[on_card("AB00000021", (2027, 1, 6))], now())
        .await
        .unwrap();
    assert!(store
        .invoice_partitions()
        .await
        .unwrap()
        .contains(&"invoices_p11602".to_owned()));
    let in_default = raw(store, "DELETE FROM invoices_default").await;
    assert_eq!(in_default, 0, "the DEFAULT partition gave its row to 11602");
    assert!(number(store, "AB00000020", "11602").await.is_some());
    assert!(number(store, "AB00000021", "11602").await.is_some());
}

/// Retention removes whole periods: every invoice and item of the periods before the cut,
/// nothing of the others. On PostgreSQL the partitions themselves are gone.
async fn retention_drops_whole_periods(store: &Store) {
    let stored = three_periods(store).await;
    let old = number(store, "AB00000001", "11508").await.unwrap();
    let dropped = store
        .drop_invoice_periods_before(period("11510"), now())
        .await
        .unwrap();
    assert_eq!(dropped, [period("11508")]);
    assert!(number(store, "AB00000001", "11508").await.is_none());
    let kept = number(store, "AB00000002", "11510").await.unwrap();
    assert_eq!(
        store
            .invoice_items(kept.id, kept.header.period)
            .await
            .unwrap(),
        stored[1].items
    );
    assert_eq!(store.count_invoices().await.unwrap(), 3);
    let partitions = store.invoice_partitions().await.unwrap();
    assert!(!partitions.contains(&"invoices_p11508".to_owned()));
    assert!(
        store
            .invoice_items(old.id, old.header.period)
            .await
            .unwrap()
            .is_empty(),
        "the items went with their period"
    );
    let again = store
        .drop_invoice_periods_before(period("11510"), now())
        .await
        .unwrap();
    assert!(again.is_empty(), "nothing left to drop");
}

einv_store::both_backends!(retention_drops_whole_periods);
einv_store::postgres_only!(
    carrier_month_query_reads_one_partition,
    default_partition_rows_move_when_their_period_appears
);
