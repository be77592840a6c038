//! The consent flow (OAuth 2.0 + PKCE) through `PlatformClient`, the User played by
//! `einv_client::sandbox`.

use einv_client::{Error, PlatformClient};
use einv_core::Service;

use crate::harness::Live;

#[tokio::test]
async fn a_user_consents_through_pkce_and_the_tokens_refresh_and_introspect() {
    let live = Live::start().await;
    let platform = PlatformClient::new(live.config()).unwrap();
    let consent =
        einv_server::services::standard_consent(&[Service::CarrierInvoices, Service::Donation]);
    let (start, code, state) = live
        .user_consents(&platform, "http://127.0.0.1:8765/callback", &consent)
        .await;
    assert!(!code.is_empty(), "the consent page redirected with a code");

    // A forged state is refused before any exchange.
    assert!(matches!(
        platform.exchange(&start, &code, "forged").await,
        Err(Error::OAuth { .. })
    ));
    let tokens = platform.exchange(&start, &code, &state).await.unwrap();
    assert_eq!(
        tokens.services,
        vec![Service::CarrierInvoices, Service::Donation]
    );
    // A code is single use.
    assert!(matches!(
        platform.exchange(&start, &code, &state).await,
        Err(Error::OAuth { .. })
    ));

    let seen = platform.introspect(&tokens.access_token).await.unwrap();
    assert!(seen.active && seen.consent_lapses_at.is_some());
    let renewed = platform.refresh(&tokens).await.unwrap();
    assert!(
        platform
            .introspect(&renewed.access_token)
            .await
            .unwrap()
            .active
    );
    live.stop().await;
}
