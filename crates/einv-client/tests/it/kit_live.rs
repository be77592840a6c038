//! The compliance kit in front of the live Platform.

use std::sync::Arc;

use einv_client::kit::{ConsentScope, KitStore, Purpose, StoredCarrier};
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

#[tokio::test]
async fn r5_2_a_users_deletion_request_is_carried_out_and_reported_done() {
    let live = Live::start().await;
    let client = live.client();
    let platform = einv_client::PlatformClient::new(live.config()).unwrap();
    let kit = ComplianceKit::new(
        &live.demo.app_id,
        SqliteKitStore::in_memory().await.unwrap(),
        Arc::new(live.clock.clone()),
    );
    for user in ["alice", "bob"] {
        kit.record_consent(user, ConsentScope::InScope, &Service::ALL)
            .await
            .unwrap();
    }
    let carrier = StoredCarrier::new(
        "alice",
        "3J0002",
        &live.demo.card_no,
        &live.demo.card_encrypt,
    );
    kit.store_carrier(&carrier).await.unwrap();
    kit.store_carrier(&StoredCarrier::new("bob", "3J0002", "/XYZ0000", "Passw0rd"))
        .await
        .unwrap();
    let (first, today) = live.open_month();
    kit.carrier_invoices(&client, "alice", &live.carrier(), first, today)
        .await
        .unwrap();

    // Alice asks the Platform to have her data deleted.
    let user = live
        .db
        .store
        .find_user_by_barcode(&einv_core::MobileBarcode::parse(&live.demo.card_no).unwrap())
        .await
        .unwrap()
        .unwrap();
    live.platform
        .request_deletion(
            user.id,
            &live.demo.app_id.parse().unwrap(),
            einv_store::RequestKind::Delete,
        )
        .await
        .unwrap();
    let handled = kit.handle_deletion_requests(&platform).await.unwrap();
    assert_eq!(handled.len(), 1);
    assert_eq!(handled[0].users, vec!["alice".to_owned()]);
    assert_eq!(
        (
            handled[0].erased.carriers,
            handled[0].erased.verification_codes
        ),
        (1, 1)
    );
    assert!(
        handled[0].request.completed_at.is_some(),
        "reported done to the Platform"
    );
    assert!(kit.cached_invoices("alice").await.unwrap().is_empty());
    assert!(matches!(
        kit.require_consent("alice", Service::CarrierInvoices).await,
        Err(Error::NoConsent { rule: "R5.2", .. })
    ));
    // Bob is untouched; nothing is left open on the Platform.
    assert_eq!(kit.store().carriers("bob").await.unwrap().len(), 1);
    assert!(kit
        .require_consent("bob", Service::CarrierInvoices)
        .await
        .is_ok());
    assert!(platform.deletion_requests().await.unwrap().is_empty());
    live.stop().await;
}

/// R11: after the licence ends, the kit's purge report is confirmed to the Platform over v2,
/// signed with the APIKey the app held at the end; before the end the Platform refuses
/// (R11), and a second confirmation is a conflict (the first stands). The reviewer sees it.
#[tokio::test]
async fn the_purge_report_confirms_destruction_after_the_licence_ends() {
    let live = Live::start().await;
    let (developer, licence, config) = live.licensed_app().await;
    let v2 = einv_client::V2Client::new(config.clone()).unwrap();
    let kit = ComplianceKit::new(
        &config.app_id,
        SqliteKitStore::in_memory().await.unwrap(),
        Arc::new(live.clock.clone()),
    );
    let report = kit.purge("licence withdrawn").await.unwrap();
    let early = v2.confirm_destruction(&report).await.unwrap_err();
    assert!(
        matches!(&early, Error::Problem(p) if p.slug() == "forbidden" && p.rule.as_deref() == Some("R11")),
        "{early:?}"
    );
    live.platform
        .withdraw(developer, licence, "the product is discontinued")
        .await
        .unwrap();
    // The licence ended: the key opens nothing else any more…
    let refused = v2.licence().await.unwrap_err();
    assert!(
        matches!(&refused, Error::Problem(p) if p.status == 403),
        "{refused:?}"
    );
    // …but it still signs the destruction confirmation.
    let confirmed = v2.confirm_destruction(&report).await.unwrap();
    assert_eq!(
        (confirmed.app_id.as_str(), confirmed.licence_id),
        (config.app_id.as_str(), licence.get())
    );
    assert_eq!(confirmed.statement, report.statement());
    // A retry (the answer lost on the way) gets the first answer, recorded once.
    let again = v2.confirm_destruction(&report).await.unwrap();
    assert_eq!(again.statement, confirmed.statement);
    assert_eq!(again.confirmed_at, confirmed.confirmed_at);
    // A different statement is a conflict: the first stands.
    let other = live
        .platform
        .confirm_destruction_by_app(&config.app_id.parse().unwrap(), "a different statement")
        .await
        .unwrap_err();
    assert!(
        matches!(other, einv_server::error::ServiceError::Conflict(_)),
        "{other:?}"
    );
    // A forged key does not.
    let forged = einv_client::V2Client::new(einv_client::ClientConfig {
        api_key: einv_client::ApiKey::new("not-the-key"),
        ..config
    })
    .unwrap();
    let e = forged.confirm_destruction(&report).await.unwrap_err();
    assert!(
        matches!(&e, Error::Problem(p) if p.slug() == "bad-signature"),
        "{e:?}"
    );
    let dossier = live.platform.destruction(licence).await.unwrap().unwrap();
    assert_eq!(dossier.body, report.statement());
    live.stop().await;
}
