//! The one error type of the client and the kit.

use std::time::Duration;

use einv_core::{InvalidValue, Service};

/// What can go wrong calling the Platform or keeping the kit's duties.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A value given to the client is malformed; the field is named.
    #[error("invalid input: {0}")]
    Invalid(#[from] InvalidValue),
    /// The request never got an answer (connection refused, reset, TLS failure).
    #[error("transport: {0}")]
    Transport(String),
    /// No answer within the configured timeout.
    #[error("timed out after {0:?}")]
    Timeout(Duration),
    /// The Platform answered with an unexpected HTTP status.
    #[error("HTTP {status}: {body}")]
    Http {
        /// The status code.
        status: u16,
        /// The start of the body, for diagnosis.
        body: String,
    },
    /// A v1 reply with a MOF code other than 200 (see `docs/v1-compatibility.md` of einv).
    #[error("MOF code {code}: {msg}")]
    Mof {
        /// The MOF code, e.g. 919 (wrong verification code) or 998 (AppID or consent refused).
        code: u16,
        /// The reply's `msg`, which names the field or the rule.
        msg: String,
    },
    /// Flow control (R4.6): code 950 or HTTP 429, and the wait exceeded the retry policy.
    #[error("rate limited (R4.6); retry after {retry_after:?}")]
    RateLimited {
        /// How long the Platform asked to wait, when it said.
        retry_after: Option<Duration>,
    },
    /// The local clock differs from the Platform's by more than the v1 timestamp window allows.
    #[error("clock skew of {skew_secs} s against the Platform exceeds {limit_secs} s: fix the system clock")]
    ClockSkew {
        /// Platform time minus local time, in seconds.
        skew_secs: i64,
        /// The largest skew tolerated.
        limit_secs: i64,
    },
    /// A reply that does not have the documented shape.
    #[error("unexpected reply: {0}")]
    Decode(String),
    /// R5.2 / R5.6: the kit refuses to fetch or keep a User's data without a live consent.
    #[error("{rule}: no live consent of User {user} for {what}: {why}")]
    NoConsent {
        /// The rule refused under (R5.2, R5.6 or R6.3).
        rule: &'static str,
        /// The app's id for the User.
        user: String,
        /// The service or purpose asked for.
        what: String,
        /// Never given, revoked, or lapsed at an instant.
        why: String,
    },
    /// R6.2: the invoice's prize-claim deadline has passed; it may no longer be kept.
    #[error("R6.2: invoice of period {period} may not be kept past its claim deadline {deadline}")]
    PastClaimDeadline {
        /// The invoice's period (`yyyMM`).
        period: String,
        /// The deadline (Taipei date).
        deadline: chrono::NaiveDate,
    },
    /// A retention shorter than the law allows was configured (R5.3, R6.4).
    #[error("R5.3: usage trails are kept at least six months; {0}")]
    Retention(String),
    /// The kit's storage failed.
    #[error("kit storage: {0}")]
    Storage(String),
    /// A v2 refusal: an RFC 9457 problem document, typed.
    #[error("{}", .0)]
    Problem(Box<Problem>),
    /// The OAuth server refused (RFC 6749 §5.2 error).
    #[error("OAuth {error}: {description}")]
    OAuth {
        /// The RFC 6749 error code.
        error: String,
        /// Its description.
        description: String,
    },
}

impl Error {
    /// A consent refusal for `service`.
    pub(crate) fn no_consent(
        rule: &'static str,
        user: &str,
        service: Service,
        why: String,
    ) -> Self {
        Self::NoConsent {
            rule,
            user: user.to_owned(),
            what: service.as_str().to_owned(),
            why,
        }
    }

    /// Whether the failure is worth retrying for an idempotent call.
    pub fn is_transient(&self) -> bool {
        matches!(
            self,
            Self::Transport(_) | Self::Timeout(_) | Self::RateLimited { .. }
        ) || matches!(self, Self::Http { status, .. } if matches!(status, 502..=504))
            || matches!(self, Self::Mof { code: 999, .. })
            || matches!(self, Self::Problem(p) if p.status >= 500)
    }
}

impl From<sqlx::Error> for Error {
    fn from(e: sqlx::Error) -> Self {
        Self::Storage(e.to_string())
    }
}

/// An RFC 9457 `application/problem+json` answer of the v2 API.
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize)]
pub struct Problem {
    /// `<the Platform's URL>/problems/<slug>`.
    #[serde(rename = "type", default)]
    pub type_uri: String,
    /// A short title.
    #[serde(default)]
    pub title: String,
    /// The HTTP status.
    #[serde(default)]
    pub status: u16,
    /// What is wrong.
    #[serde(default)]
    pub detail: String,
    /// The parameter, header or body member at fault.
    #[serde(default)]
    pub field: Option<String>,
    /// The rule behind a refusal, e.g. `R5.6`.
    #[serde(default)]
    pub rule: Option<String>,
}

impl Problem {
    /// The slug of `type`, e.g. `consent-lapsed`, `replay`, `token-invalid`.
    pub fn slug(&self) -> &str {
        self.type_uri.rsplit('/').next().unwrap_or_default()
    }
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}: {}", self.status, self.slug(), self.detail)?;
        if let Some(field) = &self.field {
            write!(f, " (field {field})")?;
        }
        if let Some(rule) = &self.rule {
            write!(f, " [{rule}]")?;
        }
        Ok(())
    }
}

/// The result of every call of this crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;
