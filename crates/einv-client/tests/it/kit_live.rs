//! The compliance kit in front of the live Platform.

use std::sync::Arc;

use einv_client::kit::{ConsentScope, Purpose};
use einv_client::{ComplianceKit, Error, SqliteKitStore};
use einv_core::Service;

use crate::harness::Live;

#[tokio::test]
async fn the_kit_fetches_caches_donates_and_purges() {
    let live = Live::start().await;
    let client = live.client();
    let store = SqliteKitStore::in_memory().await.unwrap();
    let kit = ComplianceKit::new(&live.demo.app_id, store, Arc::new(live.clock.clone()));
    let (first, today) = live.open_month();
    // R5.2: nothing is fetched before the User's consent is in the ledger.
    let e = kit
        .carrier_invoices(&client, "alice", &live.carrier(), first, today)
        .await
        .unwrap_err();
    assert!(matches!(e, Error::NoConsent { rule: "R5.2", .. }), "{e:?}");

    kit.record_consent("alice", ConsentScope::InScope, &Service::ALL)
        .await
        .unwrap();
    let invoices = kit
        .carrier_invoices(&client, "alice", &live.carrier(), first, today)
        .await
        .unwrap();
    let cached = kit.cached_invoices("alice").await.unwrap();
    assert_eq!(cached.len(), invoices.len());
    assert!(cached.iter().all(|c| c.purpose == Purpose::Service));

    if let Some(inv) = invoices.iter().find(|i| i.donatable && !i.donated) {
        let number = *inv.number.full().unwrap();
        kit.donate(&client, "alice", &live.carrier(), &number, inv.date, "919")
            .await
            .unwrap();
        let cached = kit.cached_invoices("alice").await.unwrap();
        assert!(
            cached.iter().all(|c| c.number.as_str() != number.as_str()),
            "R5.7: only the mask is kept"
        );
        assert!(cached.iter().any(|c| c.number.as_str() == number.masked()));
    }
    let trail = kit.usage_trail(Some("alice")).await.unwrap();
    assert!(trail.iter().any(|e| e.action == "carrier-invoices.list"));

    let report = kit.purge("licence withdrawn").await.unwrap();
    assert_eq!(report.counts.invoices as usize, invoices.len());
    assert!(kit.cached_invoices("alice").await.unwrap().is_empty());
    live.stop().await;
}

#[tokio::test]
async fn attribution_texts_come_from_the_platform() {
    let live = Live::start().await;
    let platform = einv_client::PlatformClient::new(live.config()).unwrap();
    // The demo app has no licence on file: the Platform says so and the client reports it.
    match platform.attribution().await {
        Ok(a) => assert!(a.disclaimer_zh.contains("不保證")),
        Err(Error::Http { status, .. }) => assert_eq!(status, 404),
        Err(other) => panic!("{other:?}"),
    }
    live.stop().await;
}
