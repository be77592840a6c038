//! Users, apps, charities and carrier ownership on both backends.

use einv_core::Service;
use einv_store::*;

use crate::fixtures::{invoice, now, seller};

einv_store::both_backends!(
    charities_search_and_lookup,
    carrier_ownership_is_proven_from_uploads_issuers_and_issued_barcodes,
    users_apps_and_links,
);

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
    assert_eq!(
        store
            .carrier_proof("1K0001", "1234567890", "HIDDEN-1")
            .await
            .unwrap(),
        Some(CarrierProof::HiddenCode)
    );
    for (kind, id1, id2) in [
        ("1K0001", "1234567890", "MADE-UP"),
        ("1H0001", "1234567890", "HIDDEN-1"),
        ("1K0001", "1234567891", "HIDDEN-1"),
    ] {
        assert_eq!(
            store.carrier_proof(kind, id1, id2).await.unwrap(),
            None,
            "{kind} {id1} {id2}"
        );
    }
    let proof = |id2| store.carrier_proof("2G0001", "555", id2);
    assert_eq!(proof("S1").await.unwrap(), None);
    store
        .record_issuer_confirmation("2G0001", "555", "S1", "icash", now())
        .await
        .unwrap();
    assert_eq!(proof("S1").await.unwrap(), Some(CarrierProof::Issuer));
    assert_eq!(proof("S2").await.unwrap(), None);
    // Both proofs on record: the seller's upload is named.
    store
        .record_issuer_confirmation("1K0001", "1234567890", "HIDDEN-1", "easycard", now())
        .await
        .unwrap();
    let both = store.carrier_proof("1K0001", "1234567890", "HIDDEN-1");
    assert_eq!(both.await.unwrap(), Some(CarrierProof::HiddenCode));
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
    let barcode = "/ABC1234".parse().unwrap();
    let u = store.create_user(&barcode, "hash", now()).await.unwrap();
    assert!(matches!(
        store.create_user(&barcode, "h2", now()).await,
        Err(StoreError::AlreadyExists(_))
    ));
    let found = store.find_user_by_barcode(&barcode).await.unwrap();
    assert_eq!(found.map(|f| f.id), Some(u.id));
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
