//! # einv-client
//!
//! The SDK for e-invoice app developers: signed, typed calls to the Ministry of Finance's
//! e-invoice application API (or to an einv Platform, its sandbox), and a **compliance kit**
//! that keeps the duties the E-Invoice API Usage Specification puts on an app.
//!
//! ## Calling the v1 API
//!
//! [`V1Client`] speaks the Ministry's v1 API action for action: the same paths, parameters,
//! signature and replies, read into typed values. Point [`ClientConfig::base_url`] at
//! [`MOF_BASE_URL`] for the real service or at an einv Platform for the sandbox.
//!
//! ```no_run
//! use einv_client::{ApiKey, CarrierCredentials, ClientConfig, V1Client};
//! # async fn demo() -> einv_client::Result<()> {
//! let config = ClientConfig::new("http://127.0.0.1:8080", "EINVDEMO000001", ApiKey::new("…"))
//!     .with_device_id("my-app-install-42");
//! let client = V1Client::new(config)?;
//! let carrier = CarrierCredentials::mobile_barcode("/DEMO123", "Demo1234");
//! let day = chrono::NaiveDate::from_ymd_opt(2026, 11, 1).unwrap();
//! for invoice in client.carrier_invoices_all(&carrier, day, day, false).await? {
//!     // A donated invoice's number is masked: `AB12345***` (R5.7).
//!     println!("{} {} NT${}", invoice.number, invoice.seller_name, invoice.amount);
//! }
//! # Ok(()) }
//! ```
//!
//! What the client does for you:
//!
//! - **Signatures** exactly as the Ministry checks them — the one implementation in
//!   [`einv_core::wire`], shared with the Platform — with `serial`, `timeStamp` (10–180 s
//!   ahead) and the `hashSerial` of a signed reply checked.
//! - **Retries** with exponential backoff and jitter, honouring `Retry-After` on flow control
//!   (code 950 or HTTP 429), up to [`RetryPolicy::max_retry_after`]. A donation, the one call
//!   that changes state, is never sent twice once it may have reached the Platform (v1 has no
//!   idempotency key); see [`Idempotency`].
//! - **Timeouts** per attempt ([`ClientConfig::timeout`]).
//! - **Clock skew**: every reply's `Date` header is compared with the local clock; timestamps
//!   are corrected by the skew, and a skew beyond [`ClientConfig::max_clock_skew`] refuses
//!   carrier calls with [`Error::ClockSkew`] instead of a puzzling 951.
//! - **Secrets**: the APIKey is an [`ApiKey`] and a verification code lives inside
//!   [`CarrierCredentials`]; neither prints.
//!
//! ```
//! let key = einv_client::ApiKey::new("s3cret");
//! assert_eq!(format!("{key:?}"), "ApiKey([redacted])");
//! let carrier = einv_client::CarrierCredentials::mobile_barcode("/AB12+-.", "Code1234");
//! assert!(!format!("{carrier:?}").contains("Code1234"));
//! ```
//!
//! ## Calling the v2 API
//!
//! [`V2Client`] signs each request with RFC 9421 (the one implementation in
//! [`einv_core::httpsig`]), reaches a User's data with their consent token, and reads every
//! refusal into a typed [`Problem`] ([`Error::Problem`]); a donation carries an
//! `Idempotency-Key`, so retrying it is safe.
//!
//! ## The compliance kit
//!
//! [`ComplianceKit`] keeps, in SQLite by default ([`SqliteKitStore`]; implement
//! [`kit::KitStore`] for another store):
//!
//! | Duty | Rule | How |
//! |---|---|---|
//! | No User data without their live consent | R5.2 | [`ComplianceKit::carrier_invoices`] and [`ComplianceKit::donate`] refuse without it |
//! | Consent re-obtained every six months | R5.6 | each consent lapses six calendar months on; [`ComplianceKit::renewals_due`] |
//! | Donated invoice numbers hidden | R5.7 | [`ShownNumber`]: a donated number exists only masked |
//! | Storage and usage trail ≥ 6 months | R5.3, R6.4 | every fetch, cache and consent is trailed; retention below six months refused |
//! | Nothing kept past the claim deadline | R6.2 | cached invoices expire at their period's deadline ([`einv_core::claim`]) |
//! | No out-of-scope storage without consent | R6.3 | [`kit::Purpose::OutOfScope`] needs the matching consent |
//! | Destroy everything at licence end | R11 | [`ComplianceKit::purge`] → [`kit::DestructionReport`] |
//! | Show attribution and disclaimer | R5.8, R5.9 | [`PlatformClient::attribution`] |
//!
//! ```
//! use std::sync::Arc;
//! use einv_client::kit::ConsentScope;
//! use einv_client::{ComplianceKit, Error, SqliteKitStore};
//! use einv_core::{FixedClock, Service};
//! # #[tokio::main(flavor = "current_thread")] async fn main() -> einv_client::Result<()> {
//! let clock = FixedClock::new(chrono::Utc::now());
//! let kit = ComplianceKit::new("MYAPP", SqliteKitStore::in_memory().await?, Arc::new(clock.clone()));
//! kit.record_consent("user-1", ConsentScope::InScope, &Service::ALL).await?;
//! assert!(kit.require_consent("user-1", Service::CarrierInvoices).await.is_ok());
//! clock.advance(chrono::Duration::days(200)); // six calendar months later…
//! let refused = kit.require_consent("user-1", Service::CarrierInvoices).await;
//! assert!(matches!(refused, Err(Error::NoConsent { rule: "R5.6", .. })));
//! # Ok(()) }
//! ```
//!
//! ## Consent flow
//!
//! [`PlatformClient`] runs the Platform's OAuth 2.0 authorization-code flow with PKCE:
//! [`PlatformClient::authorize`] gives the URL to send the User to (carrying every PDPA item,
//! R5.4), [`PlatformClient::exchange`] turns the callback's code into tokens, and
//! [`PlatformClient::introspect`] says until when the consent lives. Record it with
//! [`ComplianceKit::record_consent`].
//!
//! ## Example app
//!
//! `examples/kit_demo.rs` runs the whole life of a User against `einv serve --demo`: consent,
//! invoices with prize results, a donation, renewal and purge.
#![warn(missing_docs)]

mod config;
mod display;
mod error;
pub mod kit;
pub mod platform;
pub mod retry;
pub mod sandbox;
mod transport;
pub mod v1;
pub mod v2;

pub use config::{ApiKey, ClientConfig, MOF_BASE_URL};
pub use display::ShownNumber;
pub use error::{Error, Problem, Result};
pub use kit::{ComplianceKit, SqliteKitStore};
pub use platform::PlatformClient;
pub use retry::{Idempotency, RetryPolicy};
pub use v1::{CarrierCredentials, ProofCopy, V1Client};
pub use v2::V2Client;

/// `bytes` random bytes, Base64url without padding: nonces, PKCE verifiers, `state`.
pub(crate) fn random_url_safe(bytes: usize) -> String {
    use base64::Engine;
    use rand::RngCore;
    let mut b = vec![0u8; bytes];
    rand::thread_rng().fill_bytes(&mut b);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(b)
}
