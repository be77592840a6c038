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
    assert!(v2
        .winning_numbers(live.drawn_period())
        .await
        .unwrap()
        .is_object());
    assert!(v2.charities("919").await.unwrap().is_object());

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
    let start = platform.authorize("http://127.0.0.1/callback", &consent);
    let (code, state) = einv_client::sandbox::approve_as_user(
        &live.base,
        &start.url,
        &live.demo.card_no,
        &live.demo.card_encrypt,
    )
    .await
    .unwrap();
    let tokens = platform.exchange(&start, &code, &state).await.unwrap();
    let page = v2
        .my_invoices(&tokens.access_token, first, today, None)
        .await
        .unwrap();
    assert!(v2
        .my_carriers(&tokens.access_token)
        .await
        .unwrap()
        .is_object());
    let invoices = page["invoices"].as_array().cloned().unwrap_or_default();
    let donatable = invoices.iter().find(|i| {
        i["donatable"] == true && !i["number"].as_str().unwrap_or("***").ends_with("***")
    });
    if let Some(inv) = donatable {
        let number = InvoiceNumber::parse(inv["number"].as_str().unwrap()).unwrap();
        let date = inv["date"].as_str().unwrap().parse().unwrap();
        let once = v2
            .donate(&tokens.access_token, &number, date, "919", "key-1")
            .await
            .unwrap();
        let again = v2
            .donate(&tokens.access_token, &number, date, "919", "key-1")
            .await
            .unwrap();
        assert_eq!(once, again, "the same key gets the first answer");
        let e = v2
            .donate(&tokens.access_token, &number, date, "919", "key-2")
            .await
            .unwrap_err();
        assert_eq!(slug(&e), "conflict");
    } else {
        panic!("no donatable invoice in {page}");
    }
    live.stop().await;
}
