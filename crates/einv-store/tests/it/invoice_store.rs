//! Invoices on both backends: storing and reading back, re-imports, carrier queries,
//! donation.

use chrono::NaiveDate;
use einv_core::{LoveCode, Ntd, Period};
use einv_store::*;

use crate::fixtures::{draft, invoice, item, now, seller, stored};

einv_store::both_backends!(
    invoices_roundtrip_and_reimport_is_idempotent,
    carrier_query_filters_by_carrier_and_dates,
    donation_happens_once,
    an_invoice_keeps_its_own_seller_name_and_rows,
);

async fn invoices_roundtrip_and_reimport_is_idempotent(store: &Store) {
    seller(store).await;
    let a = invoice("AB12345678", (2026, 9, 3), Some("/ABC1234"));
    let out = store
        .insert_invoices(std::slice::from_ref(&a), now())
        .await
        .unwrap();
    assert_eq!(out, vec![InsertOutcome::Inserted]);
    let again = store
        .insert_invoices(std::slice::from_ref(&a), now())
        .await
        .unwrap();
    assert_eq!(again, vec![InsertOutcome::Unchanged]);
    let mut changed = a.clone();
    changed.header.total_amount = Ntd::new(999);
    assert_eq!(
        store.insert_invoices(&[changed], now()).await.unwrap(),
        vec![InsertOutcome::Conflict]
    );
    let (found, items) = stored(store, &a.header).await;
    assert_eq!(found.header, a.header);
    assert_eq!(found.header.seller.name, "示範商店");
    assert_eq!(items, a.items);
    assert_eq!(store.count_invoices().await.unwrap(), 1);
    let other_period = Period::parse("11502").unwrap();
    assert!(store
        .find_invoice(&a.header.number, other_period)
        .await
        .unwrap()
        .is_none());
}

async fn carrier_query_filters_by_carrier_and_dates(store: &Store) {
    seller(store).await;
    let batch = vec![
        invoice("AB00000001", (2026, 9, 1), Some("/ABC1234")),
        invoice("AB00000002", (2026, 9, 30), Some("/ABC1234")),
        invoice("AB00000003", (2026, 10, 1), Some("/ABC1234")),
        invoice("AB00000004", (2026, 9, 15), Some("/XYZ9999")),
        invoice("AB00000005", (2026, 9, 15), None),
    ];
    store.insert_invoices(&batch, now()).await.unwrap();
    let key = CarrierKey {
        carrier_type: "3J0002".parse().unwrap(),
        id1: "/ABC1234".into(),
    };
    let d = |m, d| NaiveDate::from_ymd_opt(2026, m, d).unwrap();
    let got = store
        .carrier_invoices(std::slice::from_ref(&key), d(9, 1), d(9, 30), 100, 0)
        .await
        .unwrap();
    let numbers: Vec<_> = got.iter().map(|r| r.header.number.to_string()).collect();
    assert_eq!(numbers, ["AB00000001", "AB00000002"]);
    let other = CarrierKey {
        carrier_type: "3J0002".parse().unwrap(),
        id1: "/XYZ9999".into(),
    };
    let both = store
        .carrier_invoices(&[key.clone(), other], d(9, 1), d(9, 30), 100, 0)
        .await
        .unwrap();
    assert_eq!(both.len(), 3);
    let page = store
        .carrier_invoices(&[key], d(9, 1), d(9, 30), 1, 1)
        .await
        .unwrap();
    assert_eq!(page[0].header.number.to_string(), "AB00000002");
}

async fn donation_happens_once(store: &Store) {
    seller(store).await;
    let a = invoice("AB12345678", (2026, 9, 3), Some("/ABC1234"));
    store
        .insert_invoices(std::slice::from_ref(&a), now())
        .await
        .unwrap();
    let (rec, _) = stored(store, &a.header).await;
    let code = |c| LoveCode::parse(c).unwrap();
    assert!(store
        .mark_donated(rec.id, rec.header.period, &code("919"), now())
        .await
        .unwrap());
    assert!(!store
        .mark_donated(rec.id, rec.header.period, &code("8585"), now())
        .await
        .unwrap());
    let (rec, _) = stored(store, &a.header).await;
    assert_eq!(rec.header.donated_to, Some(code("919")));
    assert_eq!(rec.donated_at, Some(now()));
    assert!(store
        .set_invoice_status(
            &a.header.number,
            a.header.period,
            InvoiceStatus::Voided,
            now()
        )
        .await
        .unwrap());
}

/// An invoice shows its seller as its own upload names it: a later rename of the seller does
/// not rewrite it, and importing the older file again is unchanged (not a conflict). Row
/// numbers, decimals and discount lines come back as uploaded.
async fn an_invoice_keeps_its_own_seller_name_and_rows(store: &Store) {
    seller(store).await;
    let mut old = draft("AB00000001", (2026, 9, 3), Some("/ABC1234"));
    old.items = vec![
        item(Some("0001"), "咖啡豆", "25.0000", "4.2", "105.0000000"),
        item(Some("A2"), "折扣", "1", "0", "-5"),
    ];
    let old = Invoice::new(old).unwrap();
    let mut renamed = draft("AB00000002", (2026, 9, 4), Some("/ABC1234"));
    renamed.seller_name = "新名商店".into();
    renamed.seller_address = "新北市".into();
    let renamed = Invoice::new(renamed).unwrap();
    let sellers = [Seller {
        ban: "04595257".parse().unwrap(),
        name: "新名商店".into(),
        address: "新北市".into(),
        qr_seed_key: None,
    }];
    let invoices = [old.clone(), renamed];
    let batch = InvoiceBatch {
        sellers: &sellers,
        invoices: &invoices,
        ..InvoiceBatch::default()
    };
    store.insert_invoice_batch(batch, now()).await.unwrap();
    let (found, items) = stored(store, &old.header).await;
    assert_eq!(
        found.header.seller.name, "示範商店",
        "not rewritten by the rename"
    );
    assert_eq!(found.header.seller.address, "台北市");
    assert_eq!(found.header, old.header);
    assert_eq!(items, old.items);
    assert_eq!(items[0].row.as_str(), "0001");
    assert_eq!(items[0].quantity.as_str(), "25.0000");
    assert_eq!(items[1].row.as_str(), "A2");
    assert_eq!(items[1].amount.as_str(), "-5");
    assert_eq!(
        store.insert_invoices(&[old], now()).await.unwrap(),
        vec![InsertOutcome::Unchanged]
    );
}
