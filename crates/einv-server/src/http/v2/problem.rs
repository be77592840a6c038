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

/// Every kind of v2 failure, each with a stable `type`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    /// No `Signature`/`Signature-Input`/`Content-Digest` header.
    SignatureMissing,
    /// A signature header is not in the accepted profile.
    SignatureMalformed,
    /// The signature does not verify.
    BadSignature,
    /// `created` is more than five minutes away.
    ClockSkew,
    /// The nonce was seen within the window.
    Replay,
    /// The body does not match `Content-Digest`.
    DigestMismatch,
    /// The `keyid` is no AppID the Platform issued.
    UnknownKey,
    /// The AppID's licence is suspended (R10.2).
    LicenceSuspended,
    /// The licence is not in force (expired, terminated, revoked, terms not accepted …).
    LicenceInactive,
    /// The licence does not cover the service (R4.5).
    ServiceNotLicensed,
    /// No `Authorization: Bearer` consent token.
    TokenMissing,
    /// The consent token is unknown or expired.
    TokenInvalid,
    /// The consent does not cover the service.
    InsufficientScope,
    /// The User's consent lapsed after six months (R5.6).
    ConsentLapsed,
    /// No live consent (never given, revoked, voided after a suspension).
    ConsentRequired,
    /// A value is missing or malformed.
    InvalidField,
    /// Not found (or not the caller's).
    NotFound,
    /// Conflicts with the current state.
    Conflict,
    /// A rule forbids it.
    Forbidden,
    /// A proof (a QR check code) did not match.
    ProofMismatch,
    /// The device is barred.
    DeviceBlocked,
    /// Flow control (R4.6).
    RateLimited,
    /// An Idempotency-Key was reused for another request.
    IdempotencyKeyReused,
    /// A request with this Idempotency-Key is still being served.
    IdempotencyInProgress,
    /// A write without an Idempotency-Key.
    IdempotencyKeyMissing,
    /// Failed inside.
    Internal,
}

impl Kind {
    /// Every kind, for the documentation.
    pub const ALL: [Kind; 26] = [
        Kind::SignatureMissing,
        Kind::SignatureMalformed,
        Kind::BadSignature,
        Kind::ClockSkew,
        Kind::Replay,
        Kind::DigestMismatch,
        Kind::UnknownKey,
        Kind::LicenceSuspended,
        Kind::LicenceInactive,
        Kind::ServiceNotLicensed,
        Kind::TokenMissing,
        Kind::TokenInvalid,
        Kind::InsufficientScope,
        Kind::ConsentLapsed,
        Kind::ConsentRequired,
        Kind::InvalidField,
        Kind::NotFound,
        Kind::Conflict,
        Kind::Forbidden,
        Kind::ProofMismatch,
        Kind::DeviceBlocked,
        Kind::RateLimited,
        Kind::IdempotencyKeyReused,
        Kind::IdempotencyInProgress,
        Kind::IdempotencyKeyMissing,
        Kind::Internal,
    ];

    /// The slug of its `type`, and its title and status.
    pub fn describe(self) -> (&'static str, &'static str, StatusCode) {
        use StatusCode as S;
        match self {
            Kind::SignatureMissing => ("signature-missing", "Request not signed", S::UNAUTHORIZED),
            Kind::SignatureMalformed => (
                "signature-malformed",
                "Malformed signature headers",
                S::BAD_REQUEST,
            ),
            Kind::BadSignature => (
                "bad-signature",
                "Signature does not verify",
                S::UNAUTHORIZED,
            ),
            Kind::ClockSkew => ("clock-skew", "Request too old or too new", S::UNAUTHORIZED),
            Kind::Replay => ("replay", "Nonce already used", S::UNAUTHORIZED),
            Kind::DigestMismatch => (
                "digest-mismatch",
                "Body does not match its digest",
                S::BAD_REQUEST,
            ),
            Kind::UnknownKey => ("unknown-key", "Unknown keyid", S::UNAUTHORIZED),
            Kind::LicenceSuspended => ("licence-suspended", "Licence suspended", S::FORBIDDEN),
            Kind::LicenceInactive => ("licence-inactive", "Licence not in force", S::FORBIDDEN),
            Kind::ServiceNotLicensed => {
                ("service-not-licensed", "Service not licensed", S::FORBIDDEN)
            }
            Kind::TokenMissing => ("token-missing", "Consent token required", S::UNAUTHORIZED),
            Kind::TokenInvalid => ("token-invalid", "Consent token invalid", S::UNAUTHORIZED),
            Kind::InsufficientScope => (
                "insufficient-scope",
                "Consent does not cover this",
                S::FORBIDDEN,
            ),
            Kind::ConsentLapsed => ("consent-lapsed", "Consent lapsed", S::FORBIDDEN),
            Kind::ConsentRequired => ("consent-required", "No live consent", S::FORBIDDEN),
            Kind::InvalidField => ("invalid-field", "Invalid value", S::BAD_REQUEST),
            Kind::NotFound => ("not-found", "Not found", S::NOT_FOUND),
            Kind::Conflict => ("conflict", "Conflict", S::CONFLICT),
            Kind::Forbidden => ("forbidden", "Refused by a rule", S::FORBIDDEN),
            Kind::ProofMismatch => (
                "proof-mismatch",
                "Proof does not match",
                S::UNPROCESSABLE_ENTITY,
            ),
            Kind::DeviceBlocked => ("device-blocked", "Device barred", S::FORBIDDEN),
            Kind::RateLimited => ("rate-limited", "Too many requests", S::TOO_MANY_REQUESTS),
            Kind::IdempotencyKeyReused => (
                "idempotency-key-reused",
                "Idempotency-Key reused",
                S::UNPROCESSABLE_ENTITY,
            ),
            Kind::IdempotencyInProgress => (
                "idempotency-in-progress",
                "Request still in progress",
                S::CONFLICT,
            ),
            Kind::IdempotencyKeyMissing => (
                "idempotency-key-missing",
                "Idempotency-Key required",
                S::BAD_REQUEST,
            ),
            Kind::Internal => ("internal", "Internal error", S::INTERNAL_SERVER_ERROR),
        }
    }

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
mod tests {
    use super::*;

    fn kind(e: ServiceError) -> (Kind, Option<String>, Option<&'static str>) {
        let p = Problem::from(e);
        (p.kind, p.field, p.rule)
    }

    #[test]
    fn each_use_case_kind_has_its_own_problem_type() {
        let consent = |rule| ServiceError::ConsentRequired {
            reason: "r".into(),
            rule,
            consent_url: "/x".into(),
        };
        assert_eq!(kind(consent("R5.6")).0, Kind::ConsentLapsed, "R5.6");
        assert_eq!(kind(consent("R5.2")).0, Kind::ConsentRequired);
        assert_eq!(kind(consent("R10.2")).0, Kind::ConsentRequired);
        let app = |rule| ServiceError::AppRefused {
            reason: "r".into(),
            rule,
        };
        assert_eq!(kind(app(Some("R4.1"))).0, Kind::UnknownKey);
        assert_eq!(kind(app(Some("R10.2"))).0, Kind::LicenceSuspended);
        assert_eq!(kind(app(Some("R4.5"))).0, Kind::ServiceNotLicensed);
        assert_eq!(kind(app(Some("R4.7c"))).0, Kind::LicenceInactive);
        assert_eq!(kind(app(Some("R11"))).0, Kind::LicenceInactive);
        let throttled = Problem::from(ServiceError::RateLimited {
            limit: 1,
            window_secs: 60,
            retry_after_secs: 7,
        });
        assert_eq!(
            (throttled.kind, throttled.retry_after),
            (Kind::RateLimited, Some(7))
        );
        assert_eq!(
            kind(ServiceError::Conflict(Conflict::AlreadyDonated)).0,
            Kind::Conflict
        );
        assert_eq!(
            kind(ServiceError::Refused {
                rule: "R4.3",
                reason: "r".into()
            }),
            (Kind::Forbidden, None, Some("R4.3"))
        );
        assert_eq!(
            kind(ServiceError::Invalid(einv_core::InvalidValue::new(
                "from", "x"
            )))
            .1,
            Some("from".into())
        );
        let refused = |why| kind(ServiceError::Unauthorised(why)).0;
        assert_eq!(refused(Authorisation::OutOfScope), Kind::InsufficientScope);
        assert_eq!(
            refused(Authorisation::AccessTokenNotValid),
            Kind::TokenInvalid
        );
        // Nothing internal leaks.
        let internal = Problem::from(ServiceError::Internal("secret detail".into()));
        assert_eq!(
            (internal.kind, internal.detail.as_str()),
            (Kind::Internal, "internal error")
        );
    }

    #[test]
    fn problem_types_are_distinct_and_stable() {
        let mut slugs: Vec<_> = Kind::ALL.iter().map(|k| k.describe().0).collect();
        slugs.sort_unstable();
        slugs.dedup();
        assert_eq!(slugs.len(), Kind::ALL.len());
        assert_eq!(Kind::Replay.type_path(), "/problems/replay");
    }
}
