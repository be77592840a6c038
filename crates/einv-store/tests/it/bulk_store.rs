//! The bulk path on both backends: batches larger than one statement, repeats and conflicts,
//! status changes, all or nothing.

use einv_core::{BusinessId, InvoiceNumber, Ntd};
use einv_store::*;

use crate::fixtures::{invoice, item, now, seller, stored};

einv_store::both_backends!(
    bulk_batch_inserts_many_and_reimport_is_unchanged,
    bulk_batch_settles_repeats_and_conflicts,
    bulk_batch_applies_status_changes,
    bulk_batch_is_all_or_nothing,
);

/// `n` invoices AB00000000…, one to four items each, spread over two periods.
fn many(n: usize) -> Vec<Invoice> {
    (0..n)
        .map(|i| {
            let month = 9 + (i % 2) as u32 * 2;
            let mut inv = invoice(
                &format!("AB{i:08}"),
                (2026, month, 1 + (i % 28) as u32),
                Some("/ABC1234"),
            );
            let mut d = inv.to_draft();
            d.items = (1..=1 + i % 4)
                .map(|seq| item(None, &format!("item {seq}"), "1", "10", "10"))
                .collect();
            inv = Invoice::new(d).unwrap();
            inv
        })
        .collect()
}

fn other_seller() -> Seller {
    Seller {
        ban: "10458575".parse().unwrap(),
        name: "第二商店".into(),
        address: "高雄市".into(),
        qr_seed_key: None,
    }
}

async fn bulk_batch_inserts_many_and_reimport_is_unchanged(store: &Store) {
    seller(store).await;
    // More than one statement's worth of headers (1 310) and of items (4 680).
    let batch = many(4_000);
    let sellers = [other_seller()];
    let mut invoices = batch.clone();
    invoices[0].header.seller.id = BusinessId::parse("10458575").unwrap();
    let batch = InvoiceBatch {
        sellers: &sellers,
        invoices: &invoices,
        ..InvoiceBatch::default()
    };
    let out = store.insert_invoice_batch(batch, now()).await.unwrap();
    assert!(out.invoices.iter().all(|o| *o == InsertOutcome::Inserted));
    assert_eq!(store.count_invoices().await.unwrap(), 4_000);
    let second = store.find_seller(&sellers[0].ban).await.unwrap();
    assert_eq!(second.map(|s| s.name).as_deref(), Some("第二商店"));
    for i in [0, 1_423, 1_424, 3_999] {
        let want = &invoices[i];
        let (got, items) = stored(store, &want.header).await;
        assert_eq!(got.header, want.header, "invoice {i}");
        assert_eq!(items, want.items, "items of {i}");
    }
    let again = store.insert_invoice_batch(batch, now()).await.unwrap();
    assert!(again
        .invoices
        .iter()
        .all(|o| *o == InsertOutcome::Unchanged));
    assert_eq!(store.count_invoices().await.unwrap(), 4_000);
}

async fn bulk_batch_settles_repeats_and_conflicts(store: &Store) {
    seller(store).await;
    let a = invoice("AB00000001", (2026, 9, 3), None);
    let b = invoice("AB00000002", (2026, 9, 3), None);
    store
        .insert_invoices(std::slice::from_ref(&a), now())
        .await
        .unwrap();
    let mut a_changed = a.clone();
    a_changed.header.total_amount = Ntd::new(1);
    let mut b_changed = b.clone();
    b_changed.header.random_code = Some("9999".parse().unwrap());
    // Same number, other period: a different invoice.
    let a_next_period = invoice("AB00000001", (2026, 11, 3), None);
    let batch = [
        a.clone(),
        a_changed,
        b.clone(),
        b.clone(),
        b_changed,
        a_next_period,
    ];
    let out = store.insert_invoices(&batch, now()).await.unwrap();
    use InsertOutcome::*;
    assert_eq!(
        out,
        [Unchanged, Conflict, Inserted, Unchanged, Conflict, Inserted]
    );
    assert_eq!(store.count_invoices().await.unwrap(), 3);
    let (stored, _) = stored(store, &b.header).await;
    assert_eq!(
        stored.header, b.header,
        "the first of a repeated number wins"
    );
}

async fn bulk_batch_applies_status_changes(store: &Store) {
    seller(store).await;
    let a = invoice("AB00000001", (2026, 9, 3), Some("/ABC1234"));
    let change = |number: &str, seller: Option<&str>, status| StatusChange {
        number: InvoiceNumber::parse(number).unwrap(),
        period: a.header.period,
        seller_ban: seller.map(|b| BusinessId::parse(b).unwrap()),
        status,
    };
    let changes = [
        change("AB00000001", Some("04595257"), InvoiceStatus::Voided),
        change("AB00000001", None, InvoiceStatus::Voided),
        change("AB00000009", None, InvoiceStatus::Cancelled),
        change("AB00000001", Some("10458575"), InvoiceStatus::Cancelled),
    ];
    let invoices = [a.clone()];
    let batch = InvoiceBatch {
        invoices: &invoices,
        status_changes: &changes,
        ..InvoiceBatch::default()
    };
    let out = store.insert_invoice_batch(batch, now()).await.unwrap();
    use StatusOutcome::*;
    assert_eq!(out.invoices, [InsertOutcome::Inserted]);
    assert_eq!(out.status_changes, [Changed, Unchanged, NotFound, NotFound]);
    let (stored, _) = stored(store, &a.header).await;
    assert_eq!(stored.status, InvoiceStatus::Voided);
    // Re-importing the issue message of a voided invoice changes nothing and is no conflict.
    let again = store.insert_invoice_batch(batch, now()).await.unwrap();
    assert_eq!(again.invoices, [InsertOutcome::Unchanged]);
    assert_eq!(
        again.status_changes,
        [Unchanged, Unchanged, NotFound, NotFound]
    );
}

async fn bulk_batch_is_all_or_nothing(store: &Store) {
    seller(store).await;
    let mut invoices = many(3_000);
    // The last invoice names a seller that is not stored: its foreign key refuses it after the
    // first statements' headers (1 310 a statement) are in.
    let last = invoices.len() - 1;
    invoices[last].header.seller.id = BusinessId::parse("10458574").unwrap();
    let sellers = [other_seller()];
    let batch = InvoiceBatch {
        sellers: &sellers,
        invoices: &invoices,
        ..InvoiceBatch::default()
    };
    assert!(store.insert_invoice_batch(batch, now()).await.is_err());
    assert_eq!(
        store.count_invoices().await.unwrap(),
        0,
        "no header of the batch is left"
    );
    assert!(
        store
            .find_seller(&"10458575".parse().unwrap())
            .await
            .unwrap()
            .is_none(),
        "nor its sellers"
    );
    // An invoice of an unknown seller fails the foreign key: the same.
    let mut orphan = many(10);
    orphan[9].header.seller.id = BusinessId::parse("10458574").unwrap();
    assert!(store.insert_invoices(&orphan, now()).await.is_err());
    assert_eq!(store.count_invoices().await.unwrap(), 0);
    // The store is still usable, and the good part goes in once the bad record is dropped.
    invoices.pop();
    let out = store.insert_invoices(&invoices, now()).await.unwrap();
    assert_eq!(out.len(), 2_999);
    assert_eq!(store.count_invoices().await.unwrap(), 2_999);
}
