//! The services' one error type, in use-case words: what went wrong for the use case (not
//! found, refused by a rule, conflict, invalid value, throttled, consent ended …), never how a
//! protocol spells it. Each surface maps a `ServiceError` by its kind in one place: v1 to a MOF
//! code and `msg` (`http::v1::reply`), v2 to problem+json (`http::v2::problem`), the OAuth
//! endpoints to RFC 6749 errors (`http::oauth`), the pages to a status and a message
//! (`http::web::session`). Protocol failures (a v1 signature, a v1 period, a v2 signature …)
//! are made and mapped by the surface that speaks the protocol.
//!
//! Fields are named in domain words (`carrier`, `verificationCode`, `from`, `to`, `charity`,
//! `invoiceNumber`, `period`); a surface renames them to its wire names when it reports them.

use einv_core::{InvalidValue, Period};
use einv_store::StoreError;

/// What does not exist (or is not the asker's: the answer does not say which, so it leaks
/// nothing).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Missing {
    /// No published draw (winning numbers) for the period.
    Draw(Period),
    /// No such invoice, or not the carrier's, or its random code differs.
    Invoice,
    /// No charity with this love code or business ID.
    Charity(String),
    /// Any other record, by its domain name (`licence`, `grant`, `deletion request` …).
    Record(&'static str),
}

/// Why the request conflicts with the current state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Conflict {
    /// The invoice was already donated.
    AlreadyDonated,
    /// The thing already exists (a unique e-mail, a version already published …), or a newer
    /// change to it won a race.
    Exists(String),
}

/// Why an invoice cannot be donated (R5.7).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Undonatable {
    /// Issued to a business or public body (B2B).
    IssuedToBusiness,
    /// Drawn, printed, voided …: the reason in one sentence.
    Other(String),
}

/// Which proof of identity did not match.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Proof {
    /// The carrier's verification code (or an aggregated carrier's hidden ID).
    VerificationCode,
    /// The check code of an invoice's QR code.
    CheckCode,
    /// A User's web sign-in (mobile barcode and verification code).
    UserSignIn,
    /// A developer's or reviewer's e-mail and password.
    Password,
}

/// What the consent flow or a consent token refused (RFC 6749, RFC 6750, RFC 7636 name these
/// in their own codes; `http::oauth` and `http::v2::problem` do the naming).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Authorisation {
    /// The authorization request asks for another flow than the code flow.
    CodeFlowOnly,
    /// The consent asked for cannot be asked by this app: a service it is not licensed for, a
    /// missing or malformed PDPA item (R5.4). Says which.
    ConsentNotAskable(String),
    /// The authorization code is unknown, used, expired, or was issued to another app or
    /// redirect URI.
    CodeNotValid,
    /// The PKCE verifier does not match the code's challenge (RFC 7636 §4.6).
    VerifierMismatch,
    /// The refresh token is unknown, used (they rotate) or expired.
    RefreshTokenNotValid,
    /// The access token is unknown or expired.
    AccessTokenNotValid,
    /// The consent behind the access token does not cover the service called.
    OutOfScope,
}

/// Why a use case refused or failed.
#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    /// A value is missing or malformed: the field (domain name) and the problem.
    #[error("{0}")]
    Invalid(InvalidValue),
    /// The thing asked for does not exist (or is not the asker's).
    #[error("{}", missing_text(.0))]
    NotFound(Missing),
    /// The request conflicts with the current state.
    #[error("{}", conflict_text(.0))]
    Conflict(Conflict),
    /// A licensing action a rule forbids (R4–R11), naming the rule.
    #[error("{rule}: {reason}")]
    Refused {
        /// The rule.
        rule: &'static str,
        /// Why.
        reason: String,
    },
    /// The invoice cannot be donated (R5.7).
    #[error("{}", undonatable_text(.0))]
    NotDonatable(Undonatable),
    /// A proof of identity (verification code, check code, password) did not match.
    #[error("{}", proof_text(*.0))]
    Unproven(Proof),
    /// The device ID is barred.
    #[error("device: this device ID is barred")]
    DeviceBlocked,
    /// The AppID is not admitted to the call: unknown, suspended, revoked, expired, not
    /// licensed for the service.
    #[error("appID: {reason}")]
    AppRefused {
        /// Why.
        reason: String,
        /// The rule behind the refusal, if one.
        rule: Option<&'static str>,
    },
    /// Flow control (R4.6): throttled.
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
    /// The consent flow or a consent token refused the app (OAuth 2.0, PKCE): which step, in
    /// use-case words. A consent that ended (lapsed, revoked, voided) is
    /// [`ServiceError::ConsentRequired`] instead, so every surface can tell the app to send the
    /// User back to the consent page.
    #[error("{}", authorisation_text(.0))]
    Unauthorised(Authorisation),
    /// The store failed.
    #[error("internal error")]
    Store(StoreError),
    /// Something else failed inside; the cause stays attached as the error's source.
    #[error("internal error")]
    Internal(#[source] InternalError),
}

/// What failed inside: a description for the log, and the error that caused it, kept as the
/// source so the whole chain reaches the log instead of a flattened string.
#[derive(Debug, thiserror::Error)]
#[error("{context}")]
pub struct InternalError {
    context: String,
    #[source]
    source: Option<Box<dyn std::error::Error + Send + Sync>>,
}

impl InternalError {
    /// `context`, caused by `source`.
    pub fn caused_by(
        context: impl Into<String>,
        source: impl std::error::Error + Send + Sync + 'static,
    ) -> Self {
        Self {
            context: context.into(),
            source: Some(Box::new(source)),
        }
    }
}

impl From<&str> for InternalError {
    fn from(context: &str) -> Self {
        Self {
            context: context.to_owned(),
            source: None,
        }
    }
}

impl From<String> for InternalError {
    fn from(context: String) -> Self {
        Self {
            context,
            source: None,
        }
    }
}

fn missing_text(m: &Missing) -> String {
    match m {
        Missing::Draw(p) => format!("period: no winning numbers for period {p}"),
        Missing::Invoice => "invoiceNumber: no such invoice".into(),
        Missing::Charity(c) => format!("charity: no charity has love code or business ID {c:?}"),
        Missing::Record(what) => format!("{what}: not found"),
    }
}

fn authorisation_text(a: &Authorisation) -> String {
    match a {
        Authorisation::CodeFlowOnly => "response_type: must be code".into(),
        Authorisation::ConsentNotAskable(why) => format!("scope: {why}"),
        Authorisation::CodeNotValid => {
            "code: unknown, used, expired, or issued to another client or redirect_uri".into()
        }
        Authorisation::VerifierMismatch => {
            "code_verifier: does not match the code_challenge (RFC 7636)".into()
        }
        Authorisation::RefreshTokenNotValid => "refresh_token: unknown, used or expired".into(),
        Authorisation::AccessTokenNotValid => {
            "authorization: the access token is unknown or expired".into()
        }
        Authorisation::OutOfScope => {
            "authorization: the consent does not cover this service".into()
        }
    }
}

fn conflict_text(c: &Conflict) -> String {
    match c {
        Conflict::AlreadyDonated => "invoiceNumber: this invoice was already donated".into(),
        Conflict::Exists(what) => format!("{what} already exists"),
    }
}

fn undonatable_text(u: &Undonatable) -> String {
    match u {
        Undonatable::IssuedToBusiness => {
            "invoiceNumber: issued to a business or public body; it cannot be donated".into()
        }
        Undonatable::Other(why) => format!("invoiceNumber: {why}"),
    }
}

fn proof_text(p: Proof) -> &'static str {
    match p {
        Proof::VerificationCode => {
            "verificationCode: the verification code does not match the carrier"
        }
        Proof::CheckCode => "checkCode: the check code does not match the invoice",
        Proof::UserSignIn => "barcode: the mobile barcode or verification code is wrong",
        Proof::Password => "email/password: wrong e-mail or password",
    }
}

impl ServiceError {
    /// A record that does not exist (or is not the asker's), by its domain name.
    pub fn not_found(what: &'static str) -> Self {
        Self::NotFound(Missing::Record(what))
    }

    /// The thing already exists.
    pub fn already_exists(what: impl Into<String>) -> Self {
        Self::Conflict(Conflict::Exists(what.into()))
    }
}

impl From<StoreError> for ServiceError {
    /// A unique violation or a lost race is the caller's to see (a conflict, not a 500); the
    /// rest is internal.
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::AlreadyExists(what) => Self::already_exists(what),
            StoreError::Stale(what) => Self::already_exists(format!("a newer change to {what}")),
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
