//! What a client is configured with: where the Platform is, who the app is, and how patient to be.

use std::fmt;
use std::time::Duration;

use secrecy::{ExposeSecret, SecretString};

use crate::retry::RetryPolicy;

/// The base URL of the Ministry's application API (since spec v1.5).
pub const MOF_BASE_URL: &str = "https://api.einvoice.nat.gov.tw";

/// An app's APIKey (R4.1): the HMAC secret, never sent, never printed.
///
/// Its `Debug` and `Display` show `[redacted]`; only the signing code reads the key.
///
/// ```
/// let key = einv_client::ApiKey::new("s3cret");
/// assert_eq!(format!("{key:?} {key}"), "ApiKey([redacted]) [redacted]");
/// ```
#[derive(Clone)]
pub struct ApiKey(SecretString);

impl ApiKey {
    /// Wraps the key the Platform issued.
    pub fn new(key: impl Into<String>) -> Self {
        Self(SecretString::from(key.into()))
    }

    /// The key's bytes, for the signature and HTTP Basic only.
    pub(crate) fn expose(&self) -> &str {
        self.0.expose_secret()
    }
}

impl fmt::Debug for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ApiKey([redacted])")
    }
}

impl fmt::Display for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

/// How a [`crate::V1Client`] reaches the Platform.
#[derive(Debug, Clone)]
pub struct ClientConfig {
    /// The Platform's base URL without a trailing slash: [`MOF_BASE_URL`] or an einv Platform.
    pub base_url: String,
    /// The AppID.
    pub app_id: String,
    /// The APIKey.
    pub api_key: ApiKey,
    /// The device ID sent as `UUID`/`uuid` (logged by the Platform; one per installation).
    pub device_id: String,
    /// How long one attempt may take, connect to last byte.
    pub timeout: Duration,
    /// When and how often to retry.
    pub retry: RetryPolicy,
    /// The largest clock skew against the Platform tolerated before calls are refused
    /// (the v1 `timeStamp` must be 10–180 s ahead of the Platform's clock).
    pub max_clock_skew: Duration,
}

impl ClientConfig {
    /// A configuration with the defaults: 10 s timeout, [`RetryPolicy::default`], 60 s skew.
    pub fn new(base_url: impl Into<String>, app_id: impl Into<String>, api_key: ApiKey) -> Self {
        Self {
            base_url: base_url.into().trim_end_matches('/').to_owned(),
            app_id: app_id.into(),
            api_key,
            device_id: "einv-client".to_owned(),
            timeout: Duration::from_secs(10),
            retry: RetryPolicy::default(),
            max_clock_skew: Duration::from_secs(60),
        }
    }

    /// The same configuration with another device ID.
    pub fn with_device_id(mut self, device_id: impl Into<String>) -> Self {
        self.device_id = device_id.into();
        self
    }

    /// The same configuration with another retry policy.
    pub fn with_retry(mut self, retry: RetryPolicy) -> Self {
        self.retry = retry;
        self
    }
}
