//! Draws on both backends: winning numbers, winners marked in one pass, and the cache versions
//! that move with every change they cover.

use chrono::NaiveDate;
use einv_core::Period;
use einv_store::*;

use crate::fixtures::{invoice, now, seller};

einv_store::both_backends!(
    winning_numbers_replace,
    winners_are_marked_in_one_pass_and_listed_from_the_marks,
    cache_versions_move_with_every_change_they_cover,
);

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
