//! The v2 client against the live Platform: RFC 9421 signatures, consent tokens, problem+json
//! as typed errors, idempotent donation.

use einv_client::{ApiKey, ClientConfig, Error, PlatformClient, V2Client};
use einv_core::{InvoiceNumber, Service};

use crate::harness::Live;

fn slug(e: &Error) -> String {
    match e {
        Error::Problem(p) => p.slug().to_owned(),
        other => panic!("expected a problem, got {other:?}"),
    }
}

#[tokio::test]
async fn signed_v2_calls_tokens_problems_and_an_idempotent_donation() {
    let live = Live::start().await;
    let v2 = V2Client::new(live.config()).unwrap();
    let drawn = v2.winning_numbers(live.drawn_period()).await.unwrap();
    assert_eq!(drawn.period, live.drawn_period().code());
    assert_eq!(drawn.numbers["superPrizeNo"].len(), 8, "{drawn:?}");
    let charities = v2.charities("919").await.unwrap();
    assert!(
        charities.iter().any(|c| c.love_code == "919"),
        "{charities:?}"
    );
    let licence = v2.licence().await.unwrap();
    assert_eq!(licence.app_id, live.demo.app_id);
    assert!(licence.signing_methods.contains(&"hmac-sha256".to_owned()));

    // A wrong APIKey: the signature does not verify.
    let forged = V2Client::new(ClientConfig {
        api_key: ApiKey::new("nope"),
        ..live.config()
    })
    .unwrap();
    assert_eq!(
        slug(&forged.charities("919").await.unwrap_err()),
        "bad-signature"
    );
    // A User's data without a valid token.
    let bogus = secrecy::SecretString::from("not-a-token".to_owned());
    let (first, today) = live.open_month();
    let e = v2
        .my_invoices(&bogus, first, today, None)
        .await
        .unwrap_err();
    assert_eq!(slug(&e), "token-invalid");

    // The User consents; the token reads their invoices and donates one, once.
    let platform = PlatformClient::new(live.config()).unwrap();
    let consent = einv_server::services::standard_consent(&[
        Service::CarrierInvoices,
        Service::Donation,
        Service::CarrierAggregation,
    ]);
    let (start, code, state) = live
        .user_consents(&platform, "http://127.0.0.1/callback", &consent)
        .await;
    let tokens = platform.exchange(&start, &code, &state).await.unwrap();
    let page = v2
        .my_invoices(&tokens.access_token, first, today, None)
        .await
        .unwrap();
    let carriers = v2.my_carriers(&tokens.access_token).await.unwrap();
    assert_eq!(carriers.mobile_barcode, live.demo.card_no);
    assert!(!page.invoices.is_empty(), "{page:?}");
    let plain = page
        .invoices
        .iter()
        .find(|i| !i.number.is_masked())
        .unwrap();
    let number = InvoiceNumber::parse(plain.number.as_str()).unwrap();
    let detail = v2
        .my_invoice(&tokens.access_token, &number, plain.date)
        .await
        .unwrap();
    assert_eq!(detail.invoice, *plain);
    assert!(!detail.items.is_empty(), "{detail:?}");
    let donatable = page
        .invoices
        .iter()
        .find(|i| i.donatable && !i.number.is_masked());
    if let Some(inv) = donatable {
        let number = InvoiceNumber::parse(inv.number.as_str()).unwrap();
        let date = inv.date;
        let once = v2
            .donate(&tokens.access_token, &number, date, "919", "key-1")
            .await
            .unwrap();
        let again = v2
            .donate(&tokens.access_token, &number, date, "919", "key-1")
            .await
            .unwrap();
        assert_eq!(once, again, "the same key gets the first answer");
        assert!(once.invoice_number.is_masked(), "R5.7: {once:?}");
        assert_eq!(once.love_code, "919");
        let e = v2
            .donate(&tokens.access_token, &number, date, "919", "key-2")
            .await
            .unwrap_err();
        assert_eq!(slug(&e), "conflict");
    } else {
        panic!("no donatable invoice in {page:?}");
    }
    live.stop().await;
}
