//! One HTTP path for every call: timeouts, retries with backoff that honour `Retry-After`,
//! never a second send of a non-idempotent call that may have reached the Platform, and the
//! clock-skew measurement from each reply's `Date` header.

use std::future::Future;
use std::sync::atomic::{AtomicBool, AtomicI64, Ordering};
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use einv_core::Clock;
use reqwest::header::{HeaderMap, DATE, RETRY_AFTER};

use crate::config::ClientConfig;
use crate::retry::{parse_retry_after, Idempotency};
use crate::{Error, Result};

/// Whether a failed attempt may be sent again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Resend {
    /// The Platform did not act on it (never connected, or refused by flow control first).
    Safe,
    /// It may have acted: only an idempotent call is sent again.
    IfIdempotent,
    /// A definite answer: do not send again.
    Never,
}

/// A failed attempt: the error and whether it can be sent again.
#[derive(Debug)]
pub(crate) struct Failed {
    pub error: Error,
    pub resend: Resend,
}

impl From<Error> for Failed {
    fn from(error: Error) -> Self {
        let resend = match &error {
            Error::RateLimited { .. } => Resend::Safe,
            e if e.is_transient() => Resend::IfIdempotent,
            _ => Resend::Never,
        };
        Self { error, resend }
    }
}

/// A reply as received.
#[derive(Debug)]
pub(crate) struct Received {
    pub status: u16,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
}

impl Received {
    /// The `Retry-After` header, read.
    pub fn retry_after(&self) -> Option<Duration> {
        let value = self.headers.get(RETRY_AFTER)?.to_str().ok()?;
        parse_retry_after(value, SystemTime::now())
    }

    /// The error for a reply whose status the client did not expect, with the start of its
    /// body for diagnosis.
    pub fn unexpected(&self) -> Error {
        Error::Http {
            status: self.status,
            body: String::from_utf8_lossy(&self.body)
                .chars()
                .take(200)
                .collect(),
        }
    }
}

/// `new` (on the system clock) and `with_clock` for a client that holds a [`Transport`] in
/// `transport` and the further fields given with their first values.
macro_rules! client_constructors {
    ($client:ident $(, $field:ident: $value:expr)*) => {
        impl $client {
            /// A client on the system clock.
            pub fn new(config: $crate::config::ClientConfig) -> $crate::Result<Self> {
                Self::with_clock(config, std::sync::Arc::new(einv_core::SystemClock))
            }

            /// A client reading local time from `clock` (tests move it).
            pub fn with_clock(
                config: $crate::config::ClientConfig,
                clock: std::sync::Arc<dyn einv_core::Clock>,
            ) -> $crate::Result<Self> {
                Ok(Self {
                    transport: $crate::transport::Transport::new(config, clock)?,
                    $($field: $value,)*
                })
            }
        }
    };
}

pub(crate) use client_constructors;

/// The shared HTTP machinery of the clients.
#[derive(Debug)]
pub(crate) struct Transport {
    pub http: reqwest::Client,
    pub config: ClientConfig,
    pub clock: Arc<dyn Clock>,
    skew_secs: AtomicI64,
    skew_known: AtomicBool,
}

impl Transport {
    pub fn new(config: ClientConfig, clock: Arc<dyn Clock>) -> Result<Self> {
        let http = reqwest::Client::builder()
            .timeout(config.timeout)
            .connect_timeout(config.timeout.min(Duration::from_secs(5)))
            .user_agent(concat!("einv-client/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| Error::Transport(e.to_string()))?;
        Ok(Self {
            http,
            config,
            clock,
            skew_secs: AtomicI64::new(0),
            skew_known: AtomicBool::new(false),
        })
    }

    /// The URL of `path` on the Platform.
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.config.base_url)
    }

    /// Platform time minus local time, in seconds, once a reply has been seen.
    pub fn skew(&self) -> Option<i64> {
        self.skew_known
            .load(Ordering::Relaxed)
            .then(|| self.skew_secs.load(Ordering::Relaxed))
    }

    /// The Platform's current Unix time as best known: the local clock corrected by the skew.
    pub fn platform_now(&self) -> i64 {
        self.clock.now().timestamp() + self.skew().unwrap_or(0)
    }

    /// A v2 request, signed (RFC 9421) with the APIKey by the code the Platform verifies with
    /// (`einv_core::httpsig`): the one place the kit signs v2. `created` is the Platform's time
    /// as best known, the nonce fresh on each call (each retry is signed again, so none is
    /// refused as a replay), and the signed path the URL's own, so a base URL with a path
    /// prefix signs what the Platform sees.
    pub fn signed_v2(
        &self,
        method: &reqwest::Method,
        path: &str,
        query: Option<&str>,
        body: &[u8],
    ) -> reqwest::RequestBuilder {
        use einv_core::httpsig::{sign_request, Signer, SigningKey, Unsigned};
        let url = match query {
            Some(q) => self.url(&format!("{path}?{q}")),
            None => self.url(path),
        };
        let signed_path = reqwest::Url::parse(&url)
            .map(|u| u.path().to_owned())
            .unwrap_or_else(|_| path.to_owned());
        let nonce = crate::random_url_safe(18);
        let key = self.config.api_key.expose().as_bytes();
        let h = sign_request(
            &Unsigned {
                method: method.as_str(),
                path: &signed_path,
                query,
                body,
            },
            &Signer {
                key_id: &self.config.app_id,
                created: self.platform_now(),
                nonce: &nonce,
                key: SigningKey::Hmac(key),
            },
        );
        self.http
            .request(method.clone(), url)
            .header("content-digest", h.content_digest)
            .header("signature-input", h.signature_input)
            .header("signature", h.signature)
    }

    /// Refuses when the measured skew is beyond the configured limit.
    pub fn check_skew(&self) -> Result<()> {
        let limit = i64::try_from(self.config.max_clock_skew.as_secs()).unwrap_or(i64::MAX);
        match self.skew() {
            Some(skew) if skew.abs() > limit => Err(Error::ClockSkew {
                skew_secs: skew,
                limit_secs: limit,
            }),
            _ => Ok(()),
        }
    }

    fn observe_date(&self, headers: &HeaderMap) {
        let Some(date) = headers.get(DATE).and_then(|v| v.to_str().ok()) else {
            return;
        };
        let Ok(at) = httpdate::parse_http_date(date) else {
            return;
        };
        let platform = match at.duration_since(SystemTime::UNIX_EPOCH) {
            Ok(d) => i64::try_from(d.as_secs()).unwrap_or(i64::MAX),
            Err(_) => return,
        };
        self.skew_secs
            .store(platform - self.clock.now().timestamp(), Ordering::Relaxed);
        self.skew_known.store(true, Ordering::Relaxed);
    }

    /// Sends one request and reads the whole reply, recording the clock skew.
    pub async fn send(&self, request: reqwest::RequestBuilder) -> Result<Received, Failed> {
        let res = request
            .send()
            .await
            .map_err(|e| self.transport_failure(&e))?;
        self.observe_date(res.headers());
        let status = res.status().as_u16();
        let headers = res.headers().clone();
        let body = res
            .bytes()
            .await
            .map_err(|e| self.transport_failure(&e))?
            .to_vec();
        let received = Received {
            status,
            headers,
            body,
        };
        if status == 429 {
            return Err(Failed {
                error: Error::RateLimited {
                    retry_after: received.retry_after(),
                },
                resend: Resend::Safe,
            });
        }
        Ok(received)
    }

    fn transport_failure(&self, e: &reqwest::Error) -> Failed {
        if e.is_connect() {
            // Never connected: the Platform cannot have acted, so even a donation can go again.
            Failed {
                error: Error::Transport(e.to_string()),
                resend: Resend::Safe,
            }
        } else if e.is_timeout() {
            Failed {
                error: Error::Timeout(self.config.timeout),
                resend: Resend::IfIdempotent,
            }
        } else {
            Failed {
                error: Error::Transport(e.to_string()),
                resend: Resend::IfIdempotent,
            }
        }
    }

    /// Runs `attempt` until it succeeds, fails for good, or the policy's attempts are spent.
    /// Each attempt is built afresh (v1 timestamps, serials and signatures change per send).
    pub async fn with_retry<T, F, Fut>(
        &self,
        idempotency: &Idempotency,
        mut attempt: F,
    ) -> Result<T>
    where
        F: FnMut() -> Fut,
        Fut: Future<Output = Result<T, Failed>>,
    {
        let policy = &self.config.retry;
        let mut n = 1;
        loop {
            let failed = match attempt().await {
                Ok(v) => return Ok(v),
                Err(f) => f,
            };
            let again = match failed.resend {
                Resend::Safe => true,
                Resend::IfIdempotent => idempotency.may_resend(),
                Resend::Never => false,
            };
            if !again || n >= policy.max_attempts.max(1) {
                return Err(failed.error);
            }
            let retry_after = match &failed.error {
                Error::RateLimited { retry_after } => *retry_after,
                _ => None,
            };
            if retry_after.is_some_and(|w| w > policy.max_retry_after) {
                return Err(failed.error);
            }
            let wait = policy.delay(n, retry_after);
            tracing::debug!(attempt = n, wait_ms = wait.as_millis() as u64, error = %failed.error, "retrying");
            tokio::time::sleep(wait).await;
            n += 1;
        }
    }
}
