//! One suite, run against both backends: every test runs on a fresh SQLite file and on a fresh
//! PostgreSQL database.

use chrono::{NaiveDate, TimeZone, Utc};
use einv_core::invoice::ItemDraft;
use einv_core::{BusinessId, InvoiceDraft, InvoiceNumber, LoveCode, Ntd, Period, Service};
use einv_store::*;

einv_store::both_backends!(
    invoices_roundtrip_and_reimport_is_idempotent,
    carrier_query_filters_by_carrier_and_dates,
    donation_happens_once,
    charities_search_and_lookup,
    users_apps_and_links,
    carrier_ownership_is_proven_from_uploads_issuers_and_issued_barcodes,
    winning_numbers_replace,
    bulk_batch_inserts_many_and_reimport_is_unchanged,
    bulk_batch_settles_repeats_and_conflicts,
    bulk_batch_applies_status_changes,
    bulk_batch_is_all_or_nothing,
    an_invoice_keeps_its_own_seller_name_and_rows,
    winners_are_marked_in_one_pass_and_listed_from_the_marks,
    cache_versions_move_with_every_change_they_cover,
);

fn now() -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 27, 0, 0, 0).unwrap()
}

/// The shared builder's draft, on a 3J0002 mobile barcode when `carrier` is given.
fn draft(number: &str, date: (i32, u32, u32), carrier: Option<&str>) -> InvoiceDraft {
    testing::invoice_draft(number, date, carrier.map(|id| ("3J0002", id)))
}

fn item(
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

fn invoice(number: &str, date: (i32, u32, u32), carrier: Option<&str>) -> Invoice {
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
    let found = store
        .find_invoice(&a.header.number, a.header.period)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(found.header, a.header);
    assert_eq!(found.header.seller.name, "示範商店");
    assert_eq!(
        store
            .invoice_items(found.id, found.header.period)
            .await
            .unwrap(),
        a.items
    );
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
    let rec = store
        .find_invoice(&a.header.number, a.header.period)
        .await
        .unwrap()
        .unwrap();
    let code = |c| LoveCode::parse(c).unwrap();
    assert!(store
        .mark_donated(rec.id, rec.header.period, &code("919"), now())
        .await
        .unwrap());
    assert!(!store
        .mark_donated(rec.id, rec.header.period, &code("8585"), now())
        .await
        .unwrap());
    let rec = store
        .find_invoice(&a.header.number, a.header.period)
        .await
        .unwrap()
        .unwrap();
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

async fn charities_search_and_lookup(store: &Store) {
    for (code, name, ban) in [
        ("919", "創世社會福利基金會", "10458575"),
        ("8585", "家扶基金會", "04595257"),
        ("51811", "50%公益", "22099131"),
    ] {
        store
            .upsert_charity(&Charity {
                love_code: code.parse().unwrap(),
                ban: ban.parse().unwrap(),
                name: name.into(),
                abbrev: String::new(),
            })
            .await
            .unwrap();
    }
    assert_eq!(
        store.find_charity("919").await.unwrap().unwrap().name,
        "創世社會福利基金會"
    );
    assert_eq!(
        store
            .find_charity("04595257")
            .await
            .unwrap()
            .unwrap()
            .love_code
            .as_str(),
        "8585"
    );
    assert!(store.find_charity("1").await.unwrap().is_none());
    assert_eq!(store.search_charities("基金會", 10).await.unwrap().len(), 2);
    assert_eq!(
        store.search_charities("%", 10).await.unwrap().len(),
        1,
        "% is literal"
    );
}

/// Ownership is proven, never claimed: the queries the Platform's proofs rest on.
async fn carrier_ownership_is_proven_from_uploads_issuers_and_issued_barcodes(store: &Store) {
    seller(store).await;
    let mut card = invoice("AB00000001", (2026, 11, 20), Some("/AB12+-."));
    card.header.carrier = Some(InvoiceCarrier {
        carrier_type: einv_core::CarrierType::parse("1K0001").unwrap(),
        id1: "1234567890".into(),
        id2: "HIDDEN-1".into(),
    });
    store.insert_invoices(&[card], now()).await.unwrap();
    assert!(store
        .hidden_code_uploaded("1K0001", "1234567890", "HIDDEN-1")
        .await
        .unwrap());
    for (kind, id1, id2) in [
        ("1K0001", "1234567890", "MADE-UP"),
        ("1H0001", "1234567890", "HIDDEN-1"),
        ("1K0001", "1234567891", "HIDDEN-1"),
    ] {
        assert!(
            !store.hidden_code_uploaded(kind, id1, id2).await.unwrap(),
            "{kind} {id1} {id2}"
        );
    }
    assert!(!store.issuer_confirms("2G0001", "555", "S1").await.unwrap());
    store
        .record_issuer_confirmation("2G0001", "555", "S1", "icash", now())
        .await
        .unwrap();
    assert!(store.issuer_confirms("2G0001", "555", "S1").await.unwrap());
    assert!(!store.issuer_confirms("2G0001", "555", "S2").await.unwrap());
    store
        .create_user(&"/ISSUED1".parse().unwrap(), "h", now())
        .await
        .unwrap();
    let issued = store
        .issued_barcodes(&["/ISSUED1", "/NEVER01"])
        .await
        .unwrap();
    assert!(issued.contains("/ISSUED1"));
    assert!(!issued.contains("/NEVER01"));
}

async fn users_apps_and_links(store: &Store) {
    let u = store
        .create_user(&"/ABC1234".parse().unwrap(), "hash", now())
        .await
        .unwrap();
    assert!(matches!(
        store
            .create_user(&"/ABC1234".parse().unwrap(), "h2", now())
            .await,
        Err(StoreError::AlreadyExists(_))
    ));
    assert_eq!(
        store
            .find_user_by_barcode(&"/ABC1234".parse().unwrap())
            .await
            .unwrap()
            .unwrap()
            .id,
        u.id
    );
    let link = CarrierLink {
        carrier_type: "1K0001".parse().unwrap(),
        id1: "1234567890".into(),
        id2: "1234567890".into(),
        name: "悠遊卡".into(),
    };
    store
        .link_carrier(u.id, &link, CarrierProof::HiddenCode, now())
        .await
        .unwrap();
    assert!(matches!(
        store
            .link_carrier(u.id, &link, CarrierProof::Issuer, now())
            .await,
        Err(StoreError::AlreadyExists(_))
    ));
    assert_eq!(store.user_carriers(u.id).await.unwrap(), vec![link]);
    let app = AppRecord {
        app_id: crate::app("EINV0000001"),
        name: "demo".into(),
        sealed_key: "sealed".into(),
        status: AppStatus::Active,
        services: vec![Service::WinningNumbers, Service::CarrierInvoices],
        created_at: now(),
    };
    store.create_app(&app).await.unwrap();
    assert_eq!(
        store
            .find_app(&crate::app("EINV0000001"))
            .await
            .unwrap()
            .unwrap(),
        app
    );
    assert!(store
        .set_app_status(&crate::app("EINV0000001"), AppStatus::Suspended)
        .await
        .unwrap());
    assert!(!store
        .set_app_status(&crate::app("nope"), AppStatus::Suspended)
        .await
        .unwrap());
    store
        .block_device("bad-device", "abuse", now())
        .await
        .unwrap();
    assert!(store.is_device_blocked("bad-device").await.unwrap());
    assert!(!store.is_device_blocked("good").await.unwrap());
}

async fn winning_numbers_replace(store: &Store) {
    let p = Period::parse("11508").unwrap();
    assert!(store.winning_numbers(p).await.unwrap().is_none());
    store
        .put_winning_numbers(p, "{\"a\":1}", now())
        .await
        .unwrap();
    store
        .put_winning_numbers(p, "{\"a\":2}", now())
        .await
        .unwrap();
    assert_eq!(
        store.winning_numbers(p).await.unwrap().as_deref(),
        Some("{\"a\":2}")
    );
}

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
    let out = store
        .insert_invoice_batch(
            InvoiceBatch {
                sellers: &sellers,
                invoices: &invoices,
                ..InvoiceBatch::default()
            },
            now(),
        )
        .await
        .unwrap();
    assert!(out.invoices.iter().all(|o| *o == InsertOutcome::Inserted));
    assert_eq!(store.count_invoices().await.unwrap(), 4_000);
    assert_eq!(
        store
            .find_seller(&"10458575".parse().unwrap())
            .await
            .unwrap()
            .unwrap()
            .name,
        "第二商店"
    );
    for i in [0, 1_423, 1_424, 3_999] {
        let want = &invoices[i];
        let got = store
            .find_invoice(&want.header.number, want.header.period)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(got.header, want.header, "invoice {i}");
        assert_eq!(
            store
                .invoice_items(got.id, got.header.period)
                .await
                .unwrap(),
            want.items,
            "items of {i}"
        );
    }
    let again = store
        .insert_invoice_batch(
            InvoiceBatch {
                sellers: &sellers,
                invoices: &invoices,
                ..InvoiceBatch::default()
            },
            now(),
        )
        .await
        .unwrap();
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
    let stored = store
        .find_invoice(&b.header.number, b.header.period)
        .await
        .unwrap()
        .unwrap();
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
    let stored = store
        .find_invoice(&a.header.number, a.header.period)
        .await
        .unwrap()
        .unwrap();
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
    let found = store
        .find_invoice(&old.header.number, old.header.period)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        found.header.seller.name, "示範商店",
        "not rewritten by the rename"
    );
    assert_eq!(found.header.seller.address, "台北市");
    assert_eq!(found.header, old.header);
    let items = store
        .invoice_items(found.id, found.header.period)
        .await
        .unwrap();
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

/// A draw of period 11510 (Sep–Oct 2026): first prize 12345678, so ...678 wins a sixth prize.
fn draw_11510(first: u32) -> einv_core::prize::WinningNumbers {
    einv_core::prize::WinningNumbers::new(
        Period::parse("11510").unwrap(),
        88_515_559,
        &[47_551_146],
        &[first, 85_250_862, 61_472_404],
        &[],
    )
    .unwrap()
}

async fn winners_are_marked_in_one_pass_and_listed_from_the_marks(store: &Store) {
    seller(store).await;
    // 300 invoices of one carrier in September, AB00000000…AB00000299, none winning, and
    // AB00000678, which wins a sixth prize under first prize 12345678 (last three digits)…
    let mut batch: Vec<Invoice> = (0..300)
        .map(|i| {
            invoice(
                &format!("AB{i:08}"),
                (2026, 9, 1 + i % 28),
                Some("/ABC1234"),
            )
        })
        .collect();
    batch.push(invoice("AB00000678", (2026, 9, 10), Some("/ABC1234")));
    store.insert_invoices(&batch, now()).await.unwrap();
    // …plus one of another carrier that also matches, which the first carrier must not see.
    let other = invoice("CD00000678", (2026, 9, 5), Some("/XYZ9999"));
    store.insert_invoices(&[other], now()).await.unwrap();
    let carrier = [CarrierKey {
        carrier_type: "3J0002".parse().unwrap(),
        id1: "/ABC1234".into(),
    }];
    let from = NaiveDate::from_ymd_opt(2026, 9, 1).unwrap();
    let to = NaiveDate::from_ymd_opt(2026, 9, 30).unwrap();
    let p = Period::parse("11510").unwrap();
    assert_eq!(store.marked_through(p).await.unwrap(), None);

    let draw = draw_11510(12_345_678);
    let marked = store.mark_winners(&draw, now()).await.unwrap();
    assert_eq!(marked.checked, 302);
    assert_eq!(marked.winners, 2);
    assert_eq!(marked.changed, 2, "a first publication marks its winners");
    // The same draw published again finds its marks in place and writes none.
    let again = store.mark_winners(&draw, now()).await.unwrap();
    assert_eq!((again.winners, again.changed), (2, 0));
    assert_eq!(
        store.marked_through(p).await.unwrap(),
        Some(marked.marked_through)
    );
    let numbers = |rows: Vec<InvoiceRecord>| -> Vec<String> {
        rows.iter().map(|r| r.header.number.to_string()).collect()
    };
    let listed = store
        .carrier_winner_candidates(&carrier, from, to, marked.marked_through)
        .await
        .unwrap();
    assert_eq!(numbers(listed), ["AB00000678"]);

    // An invoice stored after the marking is a candidate until the period is marked again.
    let late = invoice("AB00000999", (2026, 9, 20), Some("/ABC1234"));
    store.insert_invoices(&[late], now()).await.unwrap();
    let listed = store
        .carrier_winner_candidates(&carrier, from, to, marked.marked_through)
        .await
        .unwrap();
    assert_eq!(numbers(listed), ["AB00000678", "AB00000999"]);

    // A re-published draw replaces the marks: now ...999 wins and ...678 does not.
    let marked = store
        .mark_winners(&draw_11510(12_345_999), now())
        .await
        .unwrap();
    assert_eq!(marked.winners, 1);
    assert_eq!(marked.changed, 3, "two marks cleared, one set");
    let listed = store
        .carrier_winner_candidates(&carrier, from, to, marked.marked_through)
        .await
        .unwrap();
    assert_eq!(numbers(listed), ["AB00000999"]);
    // Never marked: the whole range is a candidate (the caller checks each against the draw).
    let all = store
        .carrier_winner_candidates(&carrier, from, to, 0)
        .await
        .unwrap();
    assert_eq!(all.len(), 302);
}

async fn cache_versions_move_with_every_change_they_cover(store: &Store) {
    let v0 = store.cache_versions().await.unwrap();
    let user = store
        .create_user(&"/ABC1234".parse().unwrap(), "hash", now())
        .await
        .unwrap();
    let v1 = store.cache_versions().await.unwrap();
    assert!(v1.users > v0.users, "a new User moves the users version");
    assert_eq!((v1.draws, v1.admission), (v0.draws, v0.admission));
    store
        .link_carrier(
            user.id,
            &CarrierLink {
                carrier_type: "1K0001".parse().unwrap(),
                id1: "AB12345678".into(),
                id2: "hidden".into(),
                name: "card".into(),
            },
            CarrierProof::HiddenCode,
            now(),
        )
        .await
        .unwrap();
    let v2 = store.cache_versions().await.unwrap();
    assert!(
        v2.users > v1.users,
        "an aggregated carrier moves the users version"
    );
    store
        .put_winning_numbers(Period::parse("11510").unwrap(), "{}", now())
        .await
        .unwrap();
    let v3 = store.cache_versions().await.unwrap();
    assert!(
        v3.draws > v2.draws,
        "a published draw moves the draws version"
    );
    store.block_device("bad", "abuse", now()).await.unwrap();
    let v4 = store.cache_versions().await.unwrap();
    assert!(
        v4.admission > v3.admission,
        "a blocked device moves the admission version"
    );
    assert_eq!(v4.users, v3.users);
}
