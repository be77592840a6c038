//! The services' one error type. The HTTP layer maps it once: to a MOF code + `msg` on v1
//! (`http::v1::reply`), to problem+json on v2.

use einv_core::{InvalidValue, Period};
use einv_store::StoreError;

/// Why a use case refused or failed.
#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    /// A parameter is missing or malformed.
    #[error("{0}")]
    Invalid(InvalidValue),
    /// The period parameter is malformed.
    #[error("{0}")]
    BadPeriod(InvalidValue),
    /// No winning numbers (yet) for the period.
    #[error("no data for period {0}")]
    NoPeriodData(Period),
    /// The `type` of an invoice query is neither `QRCode` nor `Barcode`.
    #[error("type: must be QRCode or Barcode, got {0:?}")]
    BadQueryType(String),
    /// No such invoice (or it does not belong to the carrier, or its random code differs:
    /// the answer does not say which, so it leaks nothing).
    #[error("invNum: no such invoice")]
    InvoiceNotFound,
    /// The love code or charity business ID does not exist.
    #[error("npoBan: no charity has love code or business ID {0:?}")]
    CharityNotFound(String),
    /// The invoice was already donated.
    #[error("invNum: this invoice was already donated")]
    AlreadyDonated,
    /// The invoice was issued to a business or public body (B2B) and cannot be donated.
    #[error("invNum: issued to a business or public body; it cannot be donated")]
    IssuedToBusiness,
    /// The invoice cannot be donated for another reason (drawn, printed, voided).
    #[error("invNum: {0}")]
    NotDonatable(String),
    /// The carrier's verification code is wrong.
    #[error("cardEncrypt: the verification code does not match the carrier")]
    VerificationFailed,
    /// The QR check code does not match the invoice.
    #[error("encrypt: the check code does not match the invoice")]
    CheckCodeMismatch,
    /// The timestamps are outside the accepted window.
    #[error("{0}")]
    Timestamp(String),
    /// The signature is missing or wrong.
    #[error("signature: {0}")]
    BadSignature(String),
    /// The device ID is barred.
    #[error("UUID: this device ID is barred")]
    DeviceBlocked,
    /// The AppID may not make this call.
    #[error("appID: {reason}")]
    AppRefused {
        /// Why.
        reason: String,
        /// The rule behind the refusal, if one.
        rule: Option<&'static str>,
    },
    /// Flow control (R4.6).
    #[error("flow control: more than {limit} calls in {window_secs} s; retry after {retry_after_secs} s")]
    RateLimited {
        /// The limit.
        limit: u32,
        /// The window.
        window_secs: u64,
        /// When to retry.
        retry_after_secs: u64,
    },
    /// Too many failed sign-ins or code checks: the next try waits (guessing costs).
    #[error("too many failed attempts; retry after {retry_after_secs} s")]
    TooManyFailures {
        /// When to retry.
        retry_after_secs: u64,
    },
    /// The User has no live consent grant to the calling AppID covering the service (R5.2,
    /// R5.6, R10.2): the app must send the User to the consent page.
    #[error("consent ({rule}): {reason}; the User must consent again at {consent_url}")]
    ConsentRequired {
        /// Why there is no live grant (never given, lapsed, revoked, voided).
        reason: String,
        /// The rule behind the refusal.
        rule: &'static str,
        /// Where the app sends the User (relative to the Platform's base URL).
        consent_url: String,
    },
    /// An OAuth 2.0 request was refused (RFC 6749 §5.2 error codes).
    #[error("{error}: {description}")]
    OAuth {
        /// The RFC 6749 error code, e.g. `invalid_grant`.
        error: &'static str,
        /// What was wrong, naming the parameter.
        description: String,
    },
    /// The User's mobile barcode or verification code is wrong (web sign-in).
    #[error("barcode: the mobile barcode or verification code is wrong")]
    SignInFailed,
    /// A licensing action a rule forbids (R4–R11), naming the rule.
    #[error("{rule}: {reason}")]
    Refused {
        /// The rule.
        rule: &'static str,
        /// Why.
        reason: String,
    },
    /// The thing asked for does not exist (or is not the asker's: the answer does not say which).
    #[error("{0}: not found")]
    NotFound(&'static str),
    /// The e-mail or password is wrong.
    #[error("email/password: wrong e-mail or password")]
    BadCredentials,
    /// The thing already exists (a unique e-mail, a version already published …).
    #[error("{0} already exists")]
    AlreadyExists(String),
    /// The store failed.
    #[error("internal error")]
    Store(StoreError),
    /// Something else failed inside.
    #[error("internal error")]
    Internal(String),
}

impl From<StoreError> for ServiceError {
    /// A unique violation or a lost race is the caller's to see (STYLE.md 6); the rest is
    /// internal.
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::AlreadyExists(what) => Self::AlreadyExists(what.to_owned()),
            StoreError::Stale(what) => Self::AlreadyExists(format!("a newer change to {what}")),
            other => Self::Store(other),
        }
    }
}

impl From<einv_core::licence::Refusal> for ServiceError {
    fn from(r: einv_core::licence::Refusal) -> Self {
        Self::Refused {
            rule: r.rule,
            reason: r.reason,
        }
    }
}

impl From<InvalidValue> for ServiceError {
    fn from(e: InvalidValue) -> Self {
        Self::Invalid(e)
    }
}

/// Result of a use case.
pub type ServiceResult<T> = Result<T, ServiceError>;
