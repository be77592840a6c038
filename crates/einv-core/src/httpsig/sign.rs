//! The client's side: the headers of a signed request, built with the same signature base the
//! Platform verifies against.

use base64::engine::general_purpose::STANDARD;
use base64::Engine;

use super::{content_digest, signature_base, Algorithm, RequestParts, SignatureInput};
use super::{sign_ed25519, sign_hmac};

/// The key a client signs with.
#[derive(Clone)]
pub enum SigningKey<'a> {
    /// The APIKey (HMAC-SHA256).
    Hmac(&'a [u8]),
    /// An Ed25519 secret seed whose public key the developer registered.
    Ed25519(&'a [u8; 32]),
}

impl std::fmt::Debug for SigningKey<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Hmac(_) => f.write_str("SigningKey::Hmac(***)"),
            Self::Ed25519(_) => f.write_str("SigningKey::Ed25519(***)"),
        }
    }
}

/// The three headers a signed request carries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedHeaders {
    /// `Content-Digest`.
    pub content_digest: String,
    /// `Signature-Input`.
    pub signature_input: String,
    /// `Signature`.
    pub signature: String,
    /// The signature base that was signed (for debugging a client).
    pub base: String,
}

/// A request about to be signed.
#[derive(Debug, Clone, Copy)]
pub struct Unsigned<'a> {
    /// The method.
    pub method: &'a str,
    /// The path, as it will be sent.
    pub path: &'a str,
    /// The query string without `?`, as it will be sent.
    pub query: Option<&'a str>,
    /// The body (empty for a GET).
    pub body: &'a [u8],
}

/// Who signs, when, with which nonce and key.
#[derive(Debug, Clone)]
pub struct Signer<'a> {
    /// `keyid`: the AppID.
    pub key_id: &'a str,
    /// `created`: Unix seconds.
    pub created: i64,
    /// `nonce`: fresh for every request.
    pub nonce: &'a str,
    /// The key.
    pub key: SigningKey<'a>,
}

/// Signs a request (the client's side).
pub fn sign_request(request: &Unsigned<'_>, signer: &Signer<'_>) -> SignedHeaders {
    let Unsigned {
        method,
        path,
        query,
        body,
    } = *request;
    let (key_id, created, nonce, key) = (signer.key_id, signer.created, signer.nonce, &signer.key);
    let digest = content_digest(body);
    let input = SignatureInput {
        label: "sig1".into(),
        created,
        key_id: key_id.to_owned(),
        nonce: nonce.to_owned(),
        alg: match key {
            SigningKey::Hmac(_) => Algorithm::HmacSha256,
            SigningKey::Ed25519(_) => Algorithm::Ed25519,
        },
    };
    let parts = RequestParts {
        method,
        path,
        query,
        content_digest: &digest,
    };
    let base = signature_base(&parts, &input);
    let signature = match key {
        SigningKey::Hmac(k) => sign_hmac(k, &base),
        SigningKey::Ed25519(seed) => sign_ed25519(seed, &base),
    };
    SignedHeaders {
        content_digest: digest,
        signature_input: input.header_value(),
        signature: format!("{}=:{}:", input.label, STANDARD.encode(signature)),
        base,
    }
}
