//! v2 request signing: HTTP Message Signatures (RFC 9421) over the method, path, query and the
//! body's `Content-Digest` (RFC 9530, sha-256), with `created`, `nonce`, `keyid` (the AppID)
//! and `alg` parameters. The Platform verifies with this code and the client kit signs with it,
//! so the two cannot disagree. Pure: no clock, no store; the caller supplies `now` and keeps
//! the nonces.
//!
//! The one profile accepted (docs/v2.md walks through an example):
//!
//! ```text
//! Content-Digest: sha-256=:<base64 of SHA-256(body)>:
//! Signature-Input: sig1=("@method" "@path" "@query" "content-digest");created=<unix s>;keyid="<AppID>";nonce="<random>";alg="hmac-sha256"
//! Signature: sig1=:<base64 signature>:
//! ```
//!
//! The signature base (RFC 9421 §2.5) is one line per covered component, then the
//! `@signature-params` line, joined by `\n` with no trailing newline:
//!
//! ```text
//! "@method": POST
//! "@path": /api/v2/donations
//! "@query": ?
//! "content-digest": sha-256=:…:
//! "@signature-params": ("@method" "@path" "@query" "content-digest");created=…;keyid="…";nonce="…";alg="hmac-sha256"
//! ```

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use sha2::{Digest, Sha256};

mod keys;
mod sign;

pub use keys::{
    check_ed25519_public_key, ed25519_public_key, public_key_from_base64, sign_ed25519, sign_hmac,
    verify_ed25519, verify_hmac,
};
pub use sign::{sign_request, SignedHeaders, Signer, SigningKey, Unsigned};

/// The components every v2 signature covers, in this order.
pub const COVERED: [&str; 4] = ["@method", "@path", "@query", "content-digest"];

/// How far `created` may be from the Platform's clock, either way: five minutes. A nonce is
/// remembered for as long as its request could still be accepted.
pub const MAX_SKEW_SECS: i64 = 300;

/// The longest nonce accepted (the store keys on it).
pub const MAX_NONCE_LEN: usize = 128;

/// The shortest nonce accepted: enough randomness that two honest requests never collide.
pub const MIN_NONCE_LEN: usize = 16;

/// A signature algorithm v2 accepts (RFC 9421 §3.3 names).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Algorithm {
    /// `hmac-sha256`, keyed with the app's APIKey.
    HmacSha256,
    /// `ed25519`, with a public key the developer registered.
    Ed25519,
}

impl Algorithm {
    /// The RFC 9421 name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::HmacSha256 => "hmac-sha256",
            Self::Ed25519 => "ed25519",
        }
    }

    /// Parses an RFC 9421 name.
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "hmac-sha256" => Some(Self::HmacSha256),
            "ed25519" => Some(Self::Ed25519),
            _ => None,
        }
    }
}

impl std::fmt::Display for Algorithm {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for Algorithm {
    type Err = crate::InvalidValue;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s).ok_or_else(|| {
            crate::InvalidValue::new(
                "algorithm",
                format!("unknown algorithm {s:?}; one of hmac-sha256, ed25519"),
            )
        })
    }
}

/// Why a signed request was refused. Each is a distinct failure a client can act on.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SignatureError {
    /// A signature header is missing.
    #[error("{0}: header required")]
    Missing(&'static str),
    /// A header is not in the accepted form.
    #[error("{header}: {problem}")]
    Malformed {
        /// The header.
        header: &'static str,
        /// What is wrong.
        problem: String,
    },
    /// The `Content-Digest` does not match the body (the body changed after signing).
    #[error("content-digest: does not match the body")]
    DigestMismatch,
    /// `created` is more than five minutes from the Platform's clock.
    #[error("created: {created} is {skew} s from the Platform's clock {now}; at most {MAX_SKEW_SECS} s allowed")]
    ClockSkew {
        /// The request's `created`.
        created: i64,
        /// The Platform's time.
        now: i64,
        /// The difference, in seconds.
        skew: i64,
    },
    /// The signature does not verify under any of the app's keys.
    #[error("signature: does not verify under the keys of this keyid")]
    BadSignature,
}

/// The parsed `Signature-Input` of the one signature v2 reads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignatureInput {
    /// The signature's label (`sig1`).
    pub label: String,
    /// `created`: Unix seconds.
    pub created: i64,
    /// `keyid`: the AppID.
    pub key_id: String,
    /// `nonce`: unique per request within the window.
    pub nonce: String,
    /// `alg`.
    pub alg: Algorithm,
}

impl SignatureInput {
    /// The `@signature-params` value: the covered components and the parameters, in the order
    /// this profile writes them.
    pub fn params_value(&self) -> String {
        let components: Vec<String> = COVERED.iter().map(|c| format!("\"{c}\"")).collect();
        format!(
            "({});created={};keyid=\"{}\";nonce=\"{}\";alg=\"{}\"",
            components.join(" "),
            self.created,
            self.key_id,
            self.nonce,
            self.alg.as_str()
        )
    }

    /// The `Signature-Input` header value.
    pub fn header_value(&self) -> String {
        format!("{}={}", self.label, self.params_value())
    }
}

/// What of the request is signed.
#[derive(Debug, Clone, Copy)]
pub struct RequestParts<'a> {
    /// The method, upper case.
    pub method: &'a str,
    /// The path, as sent (percent-encoding kept).
    pub path: &'a str,
    /// The query string without `?`, as sent; `None` or empty when there is none.
    pub query: Option<&'a str>,
    /// The `Content-Digest` header value.
    pub content_digest: &'a str,
}

/// The `Content-Digest` value of `body` (RFC 9530): `sha-256=:<base64>:`.
pub fn content_digest(body: &[u8]) -> String {
    format!("sha-256=:{}:", STANDARD.encode(Sha256::digest(body)))
}

/// Checks a `Content-Digest` header against `body`. Only `sha-256` is accepted; other
/// algorithms in the same header are ignored.
pub fn verify_content_digest(header: &str, body: &[u8]) -> Result<(), SignatureError> {
    let malformed = |problem: &str| SignatureError::Malformed {
        header: "content-digest",
        problem: problem.to_owned(),
    };
    let value = header
        .split(',')
        .map(str::trim)
        .find_map(|member| member.strip_prefix("sha-256="))
        .ok_or_else(|| malformed("a sha-256 digest is required (sha-256=:<base64>:)"))?;
    let digest = byte_sequence(value).ok_or_else(|| malformed("expected sha-256=:<base64>:"))?;
    if digest.as_slice() == Sha256::digest(body).as_slice() {
        Ok(())
    } else {
        Err(SignatureError::DigestMismatch)
    }
}

/// The signature base (RFC 9421 §2.5) of `parts` under `input`.
pub fn signature_base(parts: &RequestParts<'_>, input: &SignatureInput) -> String {
    let query = match parts.query {
        Some(q) if !q.is_empty() => format!("?{q}"),
        // RFC 9421 §2.2.7: an absent or empty query is "?".
        _ => "?".to_owned(),
    };
    format!(
        "\"@method\": {}\n\"@path\": {}\n\"@query\": {}\n\"content-digest\": {}\n\"@signature-params\": {}",
        parts.method.to_ascii_uppercase(),
        parts.path,
        query,
        parts.content_digest.trim(),
        input.params_value()
    )
}

/// Parses a `Signature-Input` header carrying one signature of this profile: the covered
/// components exactly [`COVERED`], and `created`, `keyid`, `nonce`, `alg` parameters.
pub fn parse_signature_input(header: &str) -> Result<SignatureInput, SignatureError> {
    let malformed = |problem: String| SignatureError::Malformed {
        header: "signature-input",
        problem,
    };
    let (label, rest) = header
        .trim()
        .split_once('=')
        .ok_or_else(|| malformed("expected sig1=(\"@method\" …);created=…".into()))?;
    if !is_key(label) {
        return Err(malformed(format!("{label:?} is not a signature label")));
    }
    let rest = rest
        .strip_prefix('(')
        .ok_or_else(|| malformed("the covered components must be an inner list (…)".into()))?;
    let (list, params) = rest
        .split_once(')')
        .ok_or_else(|| malformed("the inner list is not closed".into()))?;
    let components: Vec<&str> = list.split(' ').filter(|c| !c.is_empty()).collect();
    let expected: Vec<String> = COVERED.iter().map(|c| format!("\"{c}\"")).collect();
    if components != expected {
        return Err(malformed(format!(
            "the signature must cover exactly ({})",
            expected.join(" ")
        )));
    }
    let (mut created, mut key_id, mut nonce, mut alg) = (None, None, None, None);
    for param in params.split(';').filter(|p| !p.is_empty()) {
        let (name, value) = param
            .split_once('=')
            .ok_or_else(|| malformed(format!("parameter {param:?} has no value")))?;
        match name {
            "created" => {
                created = Some(
                    value
                        .parse::<i64>()
                        .map_err(|_| malformed("created: expected Unix seconds".into()))?,
                );
            }
            "keyid" => {
                key_id = Some(
                    quoted(value)
                        .ok_or_else(|| malformed("keyid: expected a quoted AppID".into()))?,
                )
            }
            "nonce" => {
                nonce = Some(
                    quoted(value)
                        .ok_or_else(|| malformed("nonce: expected a quoted string".into()))?,
                )
            }
            "alg" => {
                let name =
                    quoted(value).ok_or_else(|| malformed("alg: expected a quoted name".into()))?;
                alg = Some(Algorithm::parse(&name).ok_or_else(|| {
                    malformed(format!(
                        "alg: {name:?} is not accepted; use hmac-sha256 or ed25519"
                    ))
                })?);
            }
            // RFC 9421 allows others (expires, tag); this profile ignores them.
            _ => {}
        }
    }
    let nonce = nonce.ok_or_else(|| malformed("nonce: required".into()))?;
    if !(MIN_NONCE_LEN..=MAX_NONCE_LEN).contains(&nonce.len()) {
        return Err(malformed(format!(
            "nonce: {MIN_NONCE_LEN} to {MAX_NONCE_LEN} characters"
        )));
    }
    Ok(SignatureInput {
        label: label.to_owned(),
        created: created.ok_or_else(|| malformed("created: required".into()))?,
        key_id: key_id.ok_or_else(|| malformed("keyid: required (the AppID)".into()))?,
        nonce,
        alg: alg.ok_or_else(|| malformed("alg: required (hmac-sha256 or ed25519)".into()))?,
    })
}

/// The signature bytes labelled `label` in a `Signature` header (`sig1=:<base64>:`).
pub fn parse_signature(header: &str, label: &str) -> Result<Vec<u8>, SignatureError> {
    header
        .split(',')
        .map(str::trim)
        .find_map(|member| {
            let (l, v) = member.split_once('=')?;
            (l == label).then_some(v)
        })
        .and_then(byte_sequence)
        .ok_or_else(|| SignatureError::Malformed {
            header: "signature",
            problem: format!("expected {label}=:<base64>: matching signature-input"),
        })
}

/// Refuses a `created` more than [`MAX_SKEW_SECS`] from `now`.
pub fn check_created(created: i64, now: i64) -> Result<(), SignatureError> {
    let skew = created.saturating_sub(now).saturating_abs();
    if skew > MAX_SKEW_SECS {
        Err(SignatureError::ClockSkew { created, now, skew })
    } else {
        Ok(())
    }
}

/// An RFC 8941 byte sequence `:<base64>:`.
fn byte_sequence(value: &str) -> Option<Vec<u8>> {
    let inner = value.trim().strip_prefix(':')?.strip_suffix(':')?;
    STANDARD.decode(inner).ok()
}

/// An RFC 8941 string `"…"` (no escapes: AppIDs and nonces never need them).
fn quoted(value: &str) -> Option<String> {
    let inner = value.strip_prefix('"')?.strip_suffix('"')?;
    (!inner.contains(['"', '\\']) && inner.bytes().all(|b| (0x20..0x7f).contains(&b)))
        .then(|| inner.to_owned())
}

/// An RFC 8941 key: a lower-case letter or `*`, then lower-case letters, digits, `_-.*`.
fn is_key(text: &str) -> bool {
    let mut bytes = text.bytes();
    bytes
        .next()
        .is_some_and(|b| b.is_ascii_lowercase() || b == b'*')
        && bytes.all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"_-.*".contains(&b))
}

#[cfg(test)]
mod tests;
