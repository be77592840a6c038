//! v2 failures as `application/problem+json` (RFC 9457): a stable `type` per failure, `title`,
//! `status`, `detail`, and the `field` at fault. The one place a [`ServiceError`] becomes an
//! HTTP answer on v2, by its kind; the authentication failures v2 itself detects (signature,
//! clock skew, replay, token) are made here too.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use einv_core::httpsig::SignatureError;
use serde::Serialize;

use crate::error::{Authorisation, Conflict, Missing, Proof, ServiceError, Undonatable};

/// Where the problem types live on the Platform: each `type` is the Platform's public URL,
/// this path and a slug (`https://einv.example.org/problems/replay`); the path answers with
/// the type's entry on `/docs`. A handler writes the path alone; [`super::problem_types::absolute`] puts the
/// Platform's URL in front on the way out.
pub const TYPE_PATH: &str = "/problems/";

/// Declares [`Kind`] from one table: each kind's doc, the slug of its `type`, its title and
/// its status, so a kind cannot be added without them nor be left out of [`Kind::ALL`].
macro_rules! problem_kinds {
    ($($(#[doc = $doc:literal])* $kind:ident => ($slug:literal, $title:literal, $status:ident),)*) => {
        /// Every kind of v2 failure, each with a stable `type`.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum Kind {
            $($(#[doc = $doc])* $kind,)*
        }

        impl Kind {
            /// Every kind, for the documentation.
            pub const ALL: [Kind; [$(stringify!($kind)),*].len()] = [$(Kind::$kind),*];

            /// The slug of its `type`, and its title and status.
            pub fn describe(self) -> (&'static str, &'static str, StatusCode) {
                match self {
                    $(Kind::$kind => ($slug, $title, StatusCode::$status),)*
                }
            }
        }
    };
}

problem_kinds! {
    /// No `Signature`/`Signature-Input`/`Content-Digest` header.
    SignatureMissing => ("signature-missing", "Request not signed", UNAUTHORIZED),
    /// A signature header is not in the accepted profile.
    SignatureMalformed => ("signature-malformed", "Malformed signature headers", BAD_REQUEST),
    /// The signature does not verify.
    BadSignature => ("bad-signature", "Signature does not verify", UNAUTHORIZED),
    /// `created` is more than five minutes away.
    ClockSkew => ("clock-skew", "Request too old or too new", UNAUTHORIZED),
    /// The nonce was seen within the window.
    Replay => ("replay", "Nonce already used", UNAUTHORIZED),
    /// The body does not match `Content-Digest`.
    DigestMismatch => ("digest-mismatch", "Body does not match its digest", BAD_REQUEST),
    /// The `keyid` is no AppID the Platform issued.
    UnknownKey => ("unknown-key", "Unknown keyid", UNAUTHORIZED),
    /// The AppID's licence is suspended (R10.2).
    LicenceSuspended => ("licence-suspended", "Licence suspended", FORBIDDEN),
    /// The licence is not in force (expired, terminated, revoked, terms not accepted …).
    LicenceInactive => ("licence-inactive", "Licence not in force", FORBIDDEN),
    /// The licence does not cover the service (R4.5).
    ServiceNotLicensed => ("service-not-licensed", "Service not licensed", FORBIDDEN),
    /// No `Authorization: Bearer` consent token.
    TokenMissing => ("token-missing", "Consent token required", UNAUTHORIZED),
    /// The consent token is unknown or expired.
    TokenInvalid => ("token-invalid", "Consent token invalid", UNAUTHORIZED),
    /// The consent does not cover the service.
    InsufficientScope => ("insufficient-scope", "Consent does not cover this", FORBIDDEN),
    /// The User's consent lapsed after six months (R5.6).
    ConsentLapsed => ("consent-lapsed", "Consent lapsed", FORBIDDEN),
    /// No live consent (never given, revoked, voided after a suspension).
    ConsentRequired => ("consent-required", "No live consent", FORBIDDEN),
    /// A value is missing or malformed.
    InvalidField => ("invalid-field", "Invalid value", BAD_REQUEST),
    /// Not found (or not the caller's).
    NotFound => ("not-found", "Not found", NOT_FOUND),
    /// Conflicts with the current state.
    Conflict => ("conflict", "Conflict", CONFLICT),
    /// A rule forbids it.
    Forbidden => ("forbidden", "Refused by a rule", FORBIDDEN),
    /// A proof (a QR check code) did not match.
    ProofMismatch => ("proof-mismatch", "Proof does not match", UNPROCESSABLE_ENTITY),
    /// The device is barred.
    DeviceBlocked => ("device-blocked", "Device barred", FORBIDDEN),
    /// Flow control (R4.6).
    RateLimited => ("rate-limited", "Too many requests", TOO_MANY_REQUESTS),
    /// An Idempotency-Key was reused for another request.
    IdempotencyKeyReused => ("idempotency-key-reused", "Idempotency-Key reused", UNPROCESSABLE_ENTITY),
    /// A request with this Idempotency-Key is still being served.
    IdempotencyInProgress => ("idempotency-in-progress", "Request still in progress", CONFLICT),
    /// A write without an Idempotency-Key.
    IdempotencyKeyMissing => ("idempotency-key-missing", "Idempotency-Key required", BAD_REQUEST),
    /// Failed inside.
    Internal => ("internal", "Internal error", INTERNAL_SERVER_ERROR),
}

impl Kind {
    /// The `type` as a path on the Platform (`/problems/replay`).
    pub fn type_path(self) -> String {
        format!("{TYPE_PATH}{}", self.describe().0)
    }
}

/// A v2 failure.
#[derive(Debug, Clone)]
pub struct Problem {
    /// Which.
    pub kind: Kind,
    /// What happened, for a person.
    pub detail: String,
    /// The field (parameter, header or body member) at fault.
    pub field: Option<String>,
    /// The rule behind a refusal (`R5.6` …).
    pub rule: Option<&'static str>,
    /// Seconds to wait (429).
    pub retry_after: Option<u64>,
}

/// The JSON body (RFC 9457 §3.1, plus `field` and `rule` extension members).
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ProblemBody {
    /// The problem type.
    #[serde(rename = "type")]
    pub type_uri: String,
    /// Short, stable summary of the type.
    pub title: &'static str,
    /// HTTP status.
    pub status: u16,
    /// This occurrence.
    pub detail: String,
    /// The field at fault.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    /// The rule behind a refusal.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<String>)]
    pub rule: Option<&'static str>,
}

impl Problem {
    /// A problem of `kind`.
    pub fn new(kind: Kind, detail: impl Into<String>) -> Self {
        Self {
            kind,
            detail: detail.into(),
            field: None,
            rule: None,
            retry_after: None,
        }
    }

    /// The same, naming the field at fault.
    #[must_use]
    pub fn field(mut self, field: impl Into<String>) -> Self {
        self.field = Some(field.into());
        self
    }

    /// A malformed or missing value.
    pub fn invalid(field: &str, problem: impl Into<String>) -> Self {
        Self::new(Kind::InvalidField, format!("{field}: {}", problem.into())).field(field)
    }
}

impl From<SignatureError> for Problem {
    fn from(e: SignatureError) -> Self {
        let detail = e.to_string();
        match e {
            SignatureError::Missing(h) => Self::new(Kind::SignatureMissing, detail).field(h),
            SignatureError::Malformed { header, .. } => {
                Self::new(Kind::SignatureMalformed, detail).field(header)
            }
            SignatureError::DigestMismatch => {
                Self::new(Kind::DigestMismatch, detail).field("content-digest")
            }
            SignatureError::ClockSkew { .. } => Self::new(Kind::ClockSkew, detail).field("created"),
            SignatureError::BadSignature => {
                Self::new(Kind::BadSignature, detail).field("signature")
            }
        }
    }
}

impl From<ServiceError> for Problem {
    /// By kind: the one mapping of use-case errors on v2.
    fn from(e: ServiceError) -> Self {
        let detail = e.to_string();
        let p = |kind| Self::new(kind, detail.clone());
        match &e {
            ServiceError::Invalid(v) => p(Kind::InvalidField).field(v.field.clone()),
            ServiceError::NotFound(m) => p(Kind::NotFound).field(match m {
                Missing::Draw(_) => "period",
                Missing::Invoice => "invoiceNumber",
                Missing::Charity(_) => "loveCode",
                Missing::Record(what) => what,
            }),
            ServiceError::Conflict(Conflict::AlreadyDonated) => {
                p(Kind::Conflict).field("invoiceNumber")
            }
            ServiceError::Conflict(Conflict::Exists(_)) => p(Kind::Conflict),
            ServiceError::Refused { rule, .. } => Self {
                rule: Some(rule),
                ..p(Kind::Forbidden)
            },
            ServiceError::NotDonatable(u) => Self {
                rule: Some("R5.7"),
                ..p(Kind::Forbidden).field(match u {
                    Undonatable::IssuedToBusiness | Undonatable::Other(_) => "invoiceNumber",
                })
            },
            ServiceError::Unproven(proof) => p(Kind::ProofMismatch).field(match proof {
                Proof::CheckCode => "checkCode",
                Proof::VerificationCode | Proof::UserSignIn => "verificationCode",
                Proof::Password => "password",
            }),
            ServiceError::DeviceBlocked => p(Kind::DeviceBlocked),
            ServiceError::AppRefused { rule, .. } => {
                let kind = match rule {
                    Some("R4.1") => Kind::UnknownKey,
                    Some("R10.2") => Kind::LicenceSuspended,
                    Some("R4.5") => Kind::ServiceNotLicensed,
                    _ => Kind::LicenceInactive,
                };
                Self {
                    rule: *rule,
                    ..p(kind).field("keyid")
                }
            }
            ServiceError::RateLimited {
                retry_after_secs, ..
            } => Self {
                retry_after: Some(*retry_after_secs),
                rule: Some("R4.6"),
                ..p(Kind::RateLimited)
            },
            // Guessing costs: too many failed proofs wait like a flow-control refusal.
            ServiceError::TooManyFailures { retry_after_secs } => Self {
                retry_after: Some(*retry_after_secs),
                ..p(Kind::RateLimited)
            },
            ServiceError::ConsentRequired { rule, .. } => Self {
                rule: Some(rule),
                ..p(if *rule == "R5.6" {
                    Kind::ConsentLapsed
                } else {
                    Kind::ConsentRequired
                })
            },
            ServiceError::Unauthorised(why) => p(match why {
                Authorisation::OutOfScope => Kind::InsufficientScope,
                // The rest belong to the consent flow's endpoints; on v2 a token is presented
                // and it is not valid.
                Authorisation::AccessTokenNotValid
                | Authorisation::RefreshTokenNotValid
                | Authorisation::CodeNotValid
                | Authorisation::VerifierMismatch
                | Authorisation::CodeFlowOnly
                | Authorisation::ConsentNotAskable(_) => Kind::TokenInvalid,
            })
            .field("authorization"),
            ServiceError::Store(err) => {
                tracing::error!(error = %err, "v2 call failed in the store");
                Self::new(Kind::Internal, "internal error")
            }
            ServiceError::Internal(err) => {
                tracing::error!(
                    error = err as &(dyn std::error::Error + 'static),
                    "v2 call failed inside"
                );
                Self::new(Kind::Internal, "internal error")
            }
        }
    }
}

impl From<einv_core::InvalidValue> for Problem {
    fn from(e: einv_core::InvalidValue) -> Self {
        ServiceError::Invalid(e).into()
    }
}

impl Problem {
    /// The body and status, for storing an idempotent answer as well as sending it.
    pub fn body(&self) -> (StatusCode, ProblemBody) {
        let (_, title, status) = self.kind.describe();
        (
            status,
            ProblemBody {
                type_uri: self.kind.type_path(),
                title,
                status: status.as_u16(),
                detail: self.detail.clone(),
                field: self.field.clone(),
                rule: self.rule,
            },
        )
    }
}

impl IntoResponse for Problem {
    fn into_response(self) -> Response {
        let (status, body) = self.body();
        let mut res = (status, axum::Json(body)).into_response();
        let headers = res.headers_mut();
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/problem+json"),
        );
        if let Some(secs) = self.retry_after {
            if let Ok(v) = HeaderValue::from_str(&secs.to_string()) {
                headers.insert(header::RETRY_AFTER, v);
            }
        }
        if status == StatusCode::UNAUTHORIZED {
            let challenge = if matches!(self.kind, Kind::TokenMissing | Kind::TokenInvalid) {
                "Bearer realm=\"einv\""
            } else {
                "Signature realm=\"einv\""
            };
            headers.insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static(challenge),
            );
        }
        res
    }
}

#[cfg(test)]
mod tests;
